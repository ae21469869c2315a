# -*- coding: utf-8 -*-
"""The states of a request, who may move it, and what each move leaves
behind (audit rows, grants, the download seam)."""
from __future__ import annotations

import datetime

import flask
import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import signals
from ckan.tests import factories, helpers

from ckanext.utt1service.access_requests.model import AccessGrant
from ckanext.utt1service.common import thaidate
from ckanext.utt1service.common.model import AuditEvent

from .conftest import as_user, auth, expire_grants, move, submit, upload

pytestmark = pytest.mark.usefixtures("clean_queues")


def trail(request_id):
    return [
        (e.action, e.from_state, e.to_state)
        for e in AuditEvent.trail("access_request", request_id)
    ]


def test_the_whole_path_with_an_audit_row_for_every_step(world):
    w = world
    requester = w.requesters["pending"]
    req = w.requests["pending"]
    assert req["state"] == "submitted"
    assert req["reference"].endswith("/" + str(thaidate.to_bangkok(datetime.datetime.now(datetime.timezone.utc)).year + 543))

    move(w.staff, "check", req["id"], comment="ครบถ้วน")
    move(w.director, "approve", req["id"], comment="อนุมัติ")
    shown = helpers.call_action("utt1service_request_show", context=as_user(requester),
                                id=req["id"])
    assert shown["state"] == "approved"
    [res] = shown["resources"]
    assert res["grant_valid"] is True
    move(w.staff, "deliver", req["id"], comment="ส่งทางอีเมล")
    move(w.staff, "close", req["id"])

    assert trail(req["id"]) == [
        ("create", None, "submitted"),
        ("check", "submitted", "checked"),
        ("approve", "checked", "approved"),
        ("deliver", "approved", "delivered"),
        ("close", "delivered", "closed"),
    ]
    events = AuditEvent.trail("access_request", req["id"])
    assert [e.actor_id for e in events] == [
        requester["id"], w.staff["id"], w.director["id"], w.staff["id"], w.staff["id"]
    ]
    assert events[1].comment == "ครบถ้วน"


def test_return_and_resubmit(world):
    w = world
    requester = w.requesters["pending"]
    req = w.requests["pending"]
    with pytest.raises(tk.ValidationError) as e:
        move(w.staff, "return", req["id"])  # a comment is required
    assert "comment" in e.value.error_dict
    move(w.staff, "return", req["id"], comment="โปรดระบุปีการศึกษา")
    done = move(requester, "resubmit", req["id"], intended_use="วิจัย ปีการศึกษา 2568",
                comment="ปีการศึกษา 2568")
    assert done["state"] == "submitted"
    assert done["intended_use"] == "วิจัย ปีการศึกษา 2568"
    assert done["position"] == "ครู"  # fields not sent stay as they were
    assert done["email"] == requester["email"]
    assert trail(req["id"])[-2:] == [
        ("return", "submitted", "returned"), ("resubmit", "returned", "submitted")
    ]


def test_reject_needs_a_reason(world):
    w = world
    req = w.requests["pending"]
    with pytest.raises(tk.ValidationError) as e:
        move(w.director, "reject", req["id"], comment="  ")
    assert "comment" in e.value.error_dict
    assert move(w.director, "reject", req["id"], comment="ข้อมูลส่วนบุคคล")["state"] == "rejected"


@pytest.mark.parametrize(
    "who, action",
    [
        ("staff", "check"),
        ("director", "check"),
        ("staff", "return"),
        ("director", "reject"),
        ("requester", "withdraw"),
    ],
)
def test_roles_that_may_act_on_a_submitted_request(world, who, action):
    w = world
    req = w.requests["pending"]
    user = w.requesters["pending"] if who == "requester" else getattr(w, who)
    assert move(user, action, req["id"], comment="ok")["state"] != "submitted"


def test_only_the_director_approves_a_checked_request(world):
    w = world
    req = w.requests["pending"]
    move(w.staff, "check", req["id"])
    for user in (w.staff, w.member, w.stranger, w.requesters["pending"]):
        with pytest.raises(tk.NotAuthorized):
            move(user, "approve", req["id"])
    assert move(w.director, "approve", req["id"])["state"] == "approved"


def test_staff_do_not_decide_their_own_request(world, monkeypatch):
    w = world
    other_org = factories.Organization()
    # another organization that takes part in the service
    monkeypatch.setitem(tk.config, "ckanext.utt1service.service_organizations", other_org["name"])
    # The director of another organization asks this one for data...
    w2 = factories.UserWithToken()
    helpers.call_action("organization_member_create", id=w.org["id"], username=w2["name"],
                        role="editor")
    helpers.call_action("organization_member_create", id=other_org["id"],
                        username=w2["name"], role="admin")
    dataset = factories.Dataset(owner_org=other_org["id"])
    res = upload(dataset["id"], b"x", "x.csv", access_level="restricted")
    req = submit(w2, dataset, [res["id"]])
    # ... and cannot check or approve it herself.
    with pytest.raises(tk.NotAuthorized):
        move(w2, "check", req["id"])


@pytest.mark.ckan_config("ckanext.utt1service.grant_days", 7)
def test_grants_last_grant_days(world):
    w = world
    req = w.requests["pending"]
    move(w.staff, "check", req["id"])
    move(w.director, "approve", req["id"])
    [grant] = model.Session.query(AccessGrant).filter(AccessGrant.request_id == req["id"]).all()
    days = (grant.expires_at - grant.granted_at).days
    assert days == 7
    assert grant.user_id == w.requesters["pending"]["id"]


@pytest.mark.world('rejected', 'expired')
def test_after_a_refusal_or_once_access_ended_one_may_ask_again(world):
    w = world
    assert submit(w.requesters["rejected"], w.dataset, [w.restricted["id"]])["state"] == "submitted"
    assert submit(w.requesters["expired"], w.dataset, [w.restricted["id"]])["state"] == "submitted"


@pytest.mark.world('pending', 'approved')
def test_the_first_download_delivers_an_approved_request(world, app):
    w = world
    url = f"/dataset/{w.dataset['id']}/resource/{w.restricted['id']}/download/students-secret.csv"
    req_id = w.requests["approved"]["id"]
    # A download by staff delivers nothing ...
    assert app.get(url, headers=auth(w.staff)).data == w.secret
    assert helpers.call_action("utt1service_request_show", id=req_id)["state"] == "approved"
    # ... the requester's first one does, once.
    assert app.get(url, headers=auth(w.requesters["approved"])).data == w.secret
    assert app.get(url, headers=auth(w.requesters["approved"])).data == w.secret
    shown = helpers.call_action("utt1service_request_show", id=req_id)
    assert shown["state"] == "delivered"
    assert [a["action"] for a in shown["audit"]].count("deliver") == 1
    assert shown["audit"][-1]["by_requester"] is True


class _Downloads:
    """Receives CKAN's resource_download signal, with the request id the gate
    set on flask.g at that moment."""

    def __init__(self):
        self.seen = []

    def __call__(self, sender, **kwargs):
        self.seen.append((sender, flask.g.get("utt1service_access_request_id")))


@pytest.fixture()
def downloads():
    receiver = _Downloads()
    signals.resource_download.connect(receiver)
    yield receiver
    signals.resource_download.disconnect(receiver)


@pytest.mark.world('pending', 'rejected', 'approved', 'expired')
def test_resource_download_is_sent_once_per_allowed_download(world, app, downloads):
    w = world
    restricted = f"/dataset/{w.dataset['id']}/resource/{w.restricted['id']}/download/x.csv"
    public = f"/dataset/{w.dataset['id']}/resource/{w.public['id']}/download/summary.csv"
    link = f"/dataset/{w.dataset['id']}/resource/{w.link['id']}/download"

    app.get(restricted, headers=auth(w.requesters["approved"]))
    assert downloads.seen == [(w.restricted["id"], w.requests["approved"]["id"])]
    app.get(restricted, headers=auth(w.staff))  # a member: no request involved
    assert downloads.seen[-1] == (w.restricted["id"], None)
    app.get(public)
    assert downloads.seen[-1] == (w.public["id"], None)
    response = app.get(link, follow_redirects=False)
    assert response.status_code == 302
    assert downloads.seen[-1] == (w.link["id"], None)
    assert len(downloads.seen) == 4

    for persona in ("pending", "rejected", "expired"):
        assert app.get(restricted, headers=auth(w.requesters[persona])).status_code == 403
    assert app.get(restricted).status_code == 403
    assert len(downloads.seen) == 4  # refused downloads send nothing


def test_a_link_of_a_private_dataset_sends_nothing_to_a_stranger(world, app, downloads):
    w = world
    private = factories.Dataset(owner_org=w.org["id"], private=True)
    res = helpers.call_action("resource_create", context={"user": w.sysadmin["name"]},
                              package_id=private["id"], url="https://example.org/p.pdf")
    url = f"/dataset/{private['id']}/resource/{res['id']}/download"
    assert app.get(url, headers=auth(w.stranger), follow_redirects=False).status_code in (403, 404)
    assert downloads.seen == []
    assert app.get(url, headers=auth(w.staff), follow_redirects=False).status_code == 302
    assert downloads.seen == [(res["id"], None)]


def test_an_uploaded_public_file_of_a_private_dataset_goes_to_members_only(world, app, downloads):
    """A file that is not restricted skips the access-request rule (issue 20:
    one query fewer on every public download) but never CKAN's own: a private
    dataset's file goes to its members only, and only those are counted."""
    w = world
    private = factories.Dataset(owner_org=w.org["id"], private=True)
    res = upload(private["id"], b"a,b\n1,2\n", "private.csv")
    url = f"/dataset/{private['id']}/resource/{res['id']}/download/private.csv"
    for user in (None, w.stranger, w.requesters["pending"]):
        response = app.get(url, headers=auth(user))
        assert response.status_code in (403, 404)
        assert b"1,2" not in response.data
    assert downloads.seen == []
    response = app.get(url, headers=auth(w.staff))
    assert response.status_code == 200 and response.data == b"a,b\n1,2\n"
    assert downloads.seen == [(res["id"], None)]


@pytest.mark.world('approved')
def test_expired_grant_is_refused_and_can_be_seen_as_expired(world, app):
    w = world
    expire_grants(w.requests["approved"]["id"])
    url = f"/dataset/{w.dataset['id']}/resource/{w.restricted['id']}/download"
    response = app.get(url, headers=auth(w.requesters["approved"]))
    assert response.status_code == 403
    assert w.secret not in response.data
    assert "สิ้นสุด" in response.get_data(as_text=True)  # "your access ended on …"


@pytest.mark.world("approved")
def test_a_deleted_restricted_file_goes_to_nobody(world, app):
    w = world
    url = f"/dataset/{w.dataset['id']}/resource/{w.restricted['id']}/download/students-secret.csv"
    helpers.call_action("package_delete", context={"user": w.sysadmin["name"]}, id=w.dataset["id"])
    for user in (None, w.stranger, w.requesters["approved"]):
        response = app.get(url, headers=auth(user))
        assert response.status_code in (403, 404)
        assert w.secret not in response.data
