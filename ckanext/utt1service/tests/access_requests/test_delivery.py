# -*- coding: utf-8 -*-
""""Delivered" is reached four ways — staff mark it, staff hand a paper copy
over, the e-mail job sends the files, the requester downloads a whole file —
and every way goes through the action ``utt1service_request_deliver`` and
its one transition: the request says how it was delivered
(``delivered_via``) and the history has one row for it."""
from __future__ import annotations

import re

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import helpers
from ckan.views import resource as core_resource

from ckanext.utt1service.access_requests import delivery, gate
from ckanext.utt1service.access_requests import workflow as wf
from ckanext.utt1service.access_requests.model import AccessRequest
from ckanext.utt1service.common.model import AuditEvent

from .conftest import as_user, auth, run_jobs, text

pytestmark = pytest.mark.usefixtures("clean_queues")


def approved(access_request_factory, w, requester=None, **fields):
    """An approved request of ``requester`` (None: someone without an
    account) for the world's restricted file, with its grant."""
    return access_request_factory(
        dataset=w.dataset, files=[w.restricted], state="approved",
        user_id=requester["id"] if requester else None, **fields,
    )


def deliveries(request_id):
    return model.Session.query(AuditEvent).filter(
        AuditEvent.object_id == request_id, AuditEvent.action == "deliver").all()


def state_of(request_id):
    model.Session.expire_all()
    return AccessRequest.get(request_id)


def download_url(w):
    return (f"/dataset/{w.dataset['id']}/resource/{w.restricted['id']}"
            "/download/students-secret.csv")


# Staff

@pytest.mark.parametrize("channel", ["download", "email", "paper"])
def test_staff_mark_delivered_the_way_the_requester_wanted_it(
        world, access_request_factory, channel):
    req = approved(access_request_factory, world, world.stranger, delivery_channel=channel)
    result = helpers.call_action("utt1service_request_deliver", context=as_user(world.staff),
                                 id=req.id, comment="ส่งแล้ว")
    assert result["state"] == "delivered" and result["delivered_via"] == channel
    [event] = deliveries(req.id)
    assert event.data["via"] == channel and event.actor_id == world.staff["id"]
    assert event.comment == "ส่งแล้ว"


def test_staff_say_how_it_was_delivered_and_the_page_shows_it(
        world, app, access_request_factory):
    req = approved(access_request_factory, world, world.stranger, delivery_channel="download")
    result = helpers.call_action("utt1service_request_deliver", context=as_user(world.staff),
                                 id=req.id, via="email")
    assert result["delivered_via"] == "email"
    [event] = deliveries(req.id)
    assert event.data["via"] == "email"
    page = text(app.get(f"/access-request/{req.id}", headers=auth(world.staff)))
    assert "ส่งมอบแล้ว ทางอีเมล" in page  # "Delivered: by e-mail"


@pytest.mark.parametrize("data,field", [
    ({"via": "fax"}, "via"),
    ({"via": "paper", "resource_id": "x"}, "resource_id"),
    ({"via": "download", "resource_id": "not-a-file-of-this-request"}, "resource_id"),
    ({"via": "email", "received_by": "นายรับ เอกสาร"}, "received_by"),
])
def test_a_delivery_that_does_not_add_up_is_refused(world, access_request_factory, data, field):
    req = approved(access_request_factory, world, world.stranger)
    with pytest.raises(tk.ValidationError) as e:
        helpers.call_action("utt1service_request_deliver", context=as_user(world.staff),
                            id=req.id, **data)
    assert field in e.value.error_dict
    assert state_of(req.id).state == "approved" and not deliveries(req.id)


def test_only_staff_mark_delivered(world, access_request_factory):
    req = approved(access_request_factory, world, world.stranger)
    for user in (world.stranger, world.member):
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("utt1service_request_deliver", context=as_user(user),
                                id=req.id, via="download", resource_id=world.restricted["id"])
    assert state_of(req.id).state == "approved"


# Paper

def test_a_paper_hand_over_records_the_route_once(world, access_request_factory):
    req = approved(access_request_factory, world, world.stranger, delivery_channel="download")
    result = helpers.call_action("utt1service_request_hand_over", context=as_user(world.staff),
                                 id=req.id, received_by="นายรับ เอกสาร")
    assert result["delivered_via"] == "paper" and result["received_by"] == "นายรับ เอกสาร"
    assert result["handed_over_on"]  # today
    [event] = deliveries(req.id)
    assert event.data["via"] == "paper" and event.data["received_by"] == "นายรับ เอกสาร"
    # the receiver's name is personal data: the purge removes it from the history too
    wf.anonymise(state_of(req.id))
    model.Session.commit()
    [event] = deliveries(req.id)
    assert event.data["via"] == "paper" and "received_by" not in event.data
    assert state_of(req.id).received_by is None


# E-mail

@pytest.mark.ckan_config("ckanext.utt1service.email_attachment_max_bytes", 1_000_000)
def test_the_email_job_records_the_route_once_as_the_staff_member(
        world, access_request_factory, smtp_server):
    req = approved(access_request_factory, world, world.stranger, delivery_channel="email",
                   email=world.stranger["email"])
    helpers.call_action("utt1service_request_send_by_email", context=as_user(world.staff),
                        id=req.id)
    assert state_of(req.id).state == "approved"  # not before the mail went out
    run_jobs()
    assert smtp_server.to(world.stranger["email"])
    got = state_of(req.id)
    assert got.state == "delivered" and got.delivered_via == "email"
    [event] = deliveries(req.id)
    assert event.actor_id == world.staff["id"]
    assert event.data == {"via": "email", "attached": [world.restricted["id"]], "linked": []}


@pytest.mark.ckan_config("ckanext.utt1service.email_attachment_max_bytes", 1_000_000)
def test_a_request_revoked_before_the_email_job_ran_stays_revoked(
        world, access_request_factory, smtp_server):
    req = approved(access_request_factory, world, world.stranger, delivery_channel="email",
                   email=world.stranger["email"])
    queued = helpers.call_action("utt1service_request_send_by_email",
                                 context=as_user(world.staff), id=req.id)
    assert queued["queued"]
    # the job runs as the approval is taken back: the job checks the state
    # before mailing, the transition again (under its lock) afterwards
    subject, body = delivery.email_body(state_of(req.id), [])
    helpers.call_action("utt1service_request_revoke", context=as_user(world.director),
                        id=req.id, comment="อนุมัติผิด")
    delivery.email_delivery_job(req.id, world.staff["id"], subject, body, [])
    assert state_of(req.id).state == "closed" and not deliveries(req.id)


# Download

def test_the_first_whole_download_delivers_once_by_download(world, app, access_request_factory):
    requester = world.stranger
    req = approved(access_request_factory, world, requester)
    for _ in range(2):
        assert app.get(download_url(world), headers=auth(requester)).data == world.secret
    got = state_of(req.id)
    assert got.state == "delivered" and got.delivered_via == "download"
    [event] = deliveries(req.id)
    assert event.actor_id == requester["id"]
    assert event.data == {"via": "download", "resource_id": world.restricted["id"]}
    shown = helpers.call_action("utt1service_request_show", id=req.id)
    assert shown["audit"][-1]["by_requester"] is True


def test_a_partial_download_delivers_nothing(world, app, access_request_factory):
    req = approved(access_request_factory, world, world.stranger)
    response = app.get(download_url(world), headers=dict(auth(world.stranger), Range="bytes=0-0"))
    assert response.status_code == 206
    assert state_of(req.id).state == "approved" and not deliveries(req.id)


def test_a_requester_without_account_delivers_through_the_tracking_link(
        world, app, access_request_factory):
    req = approved(access_request_factory, world, None)
    browser = app.test_client()
    assert browser.get(download_url(world)).status_code == 403
    token = gate.tracking_token(req)
    assert browser.get(f"/access-request/{req.id}/track/{token[:-2]}xx").status_code == 404
    opened = browser.get(f"/access-request/{req.id}/track/{token}")
    assert opened.status_code == 200 and "utt1-request" in opened.body
    assert browser.get(download_url(world)).data == world.secret
    got = state_of(req.id)
    assert got.state == "delivered" and got.delivered_via == "download"
    [event] = deliveries(req.id)
    assert event.actor_id is None
    page = text(browser.get(f"/access-request/{req.id}"))
    assert "ผู้ขอดาวน์โหลดแล้ว" in page  # "(downloaded by the requester)"


def test_a_download_racing_another_change_still_gets_the_file(
        world, app, access_request_factory, monkeypatch):
    """The gate let the file through while the request was approved; staff
    closed the request a moment later: the file goes out, the request stays
    closed, no delivery is recorded."""
    request_id = approved(access_request_factory, world, world.stranger).id
    original = core_resource.download

    def download_while_staff_close(*args, **kwargs):
        response = original(*args, **kwargs)
        helpers.call_action("utt1service_request_close", context=as_user(world.staff),
                            id=request_id)
        return response

    monkeypatch.setattr(core_resource, "download", download_while_staff_close)
    response = app.get(download_url(world), headers=auth(world.stranger))
    assert response.status_code == 200 and response.data == world.secret
    assert state_of(request_id).state == "closed" and not deliveries(request_id)


# The personal link of a large file sent by e-mail

def test_the_personal_file_link_is_checked_by_an_action(world, app, access_request_factory):
    req = approved(access_request_factory, world, world.stranger)
    grant = req.grants[0]
    link = delivery.file_link(req, world.restricted["id"], grant.expires_at)
    _id, resource_id, expires, sig = re.search(
        r"/access-request/([^/]+)/file/([^/]+)/(\d+)/([^/?]+)", link).groups()
    data = {"id": req.id, "resource_id": resource_id, "expires": expires, "sig": sig}

    def ask(user, **changed):
        return app.get("/api/3/action/utt1service_request_file_show",
                       query_string=dict(data, **changed), headers=auth(user)).json["result"]

    assert ask(world.stranger) == {"id": req.id, "resource_id": resource_id, "allowed": True,
                                   "reason": "ok", "name": "students-secret.csv",
                                   "size": len(world.secret)}
    assert ask(None)["reason"] == "login"
    assert ask(world.member) == {"id": req.id, "resource_id": resource_id, "allowed": False,
                                 "reason": "not_yours"}
    assert ask(world.stranger, sig=sig[:-2] + "xx")["reason"] == "invalid"
    assert ask(world.stranger, expires=int(expires) - 1)["reason"] == "invalid"
