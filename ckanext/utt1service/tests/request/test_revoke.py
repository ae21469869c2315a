# -*- coding: utf-8 -*-
"""The director takes an approval back: the files stop at every door at
once, the request is closed, the requester is told why, and only the
director may do it (with a reason)."""
from __future__ import annotations

import re

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.utt1service import request_channels
from ckanext.utt1service.model import AccessRequest, AuditEvent

from .conftest import auth, move, run_jobs, text

pytestmark = pytest.mark.usefixtures("clean_queues")


def download(app, w, user):
    url = f"/dataset/{w.dataset['id']}/resource/{w.restricted['id']}/download/students-secret.csv"
    return app.get(url, headers=auth(user))


@pytest.mark.world("approved")
def test_the_director_revokes_an_approval_and_the_file_stops_at_once(app, world, smtp_server):
    w = world
    req = w.requests["approved"]
    requester = w.requesters["approved"]
    assert download(app, w, requester).get_data() == w.secret
    # the personal link an e-mail delivery would carry
    grant = AccessRequest.get(req["id"]).grants[0]
    link = request_channels.file_link(AccessRequest.get(req["id"]), w.restricted["id"], grant.expires_at)
    link = link.split("://", 1)[-1].split("/", 1)[-1]
    assert app.get("/" + link, headers=auth(requester)).get_data() == w.secret

    page = app.get(f"/access-request/{req['id']}", headers=auth(w.director)).body
    assert "utt1-action-revoke" in page
    assert "utt1-action-revoke" not in app.get(f"/access-request/{req['id']}", headers=auth(w.staff)).body
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page).group(1)

    # without a reason it is refused, in Thai, and nothing changes
    refused = app.post(f"/access-request/{req['id']}/do/revoke", headers=auth(w.director),
                       data={"_csrf_token": token, "comment": ""}, follow_redirects=True)
    assert refused.status_code == 200
    assert "utt1-action-revoke" in refused.body
    assert download(app, w, requester).status_code == 200

    done = app.post(f"/access-request/{req['id']}/do/revoke", headers=auth(w.director),
                    data={"_csrf_token": token, "comment": "อนุมัติผิดชุดข้อมูล"},
                    follow_redirects=True)
    assert done.status_code == 200
    assert "ปิดเรื่องแล้ว" in text(done)

    # every door refuses now: CKAN's download route and the personal link
    assert download(app, w, requester).status_code == 403
    assert app.get("/" + link, headers=auth(requester)).status_code == 403
    shown = helpers.call_action("utt1service_request_show", context={"user": requester["name"]},
                                id=req["id"])
    assert shown["state"] == "closed"
    assert [(f["grant_valid"], bool(f["revoked_at"])) for f in shown["resources"]] == [(False, True)]
    mine = app.get(f"/access-request/{req['id']}", headers=auth(requester))
    assert "utt1-revoked" in mine.body and "utt1-download" not in mine.body

    # audited with the reason, and the requester is told why
    last = AuditEvent.trail("access_request", req["id"])[-1]
    assert (last.action, last.from_state, last.to_state, last.comment) == (
        "revoke", "delivered", "closed", "อนุมัติผิดชุดข้อมูล")  # downloaded once: delivered
    run_jobs()
    told = smtp_server.to(requester["email"])[-1]
    assert "เพิกถอน" in told["Subject"]
    assert "อนุมัติผิดชุดข้อมูล" in smtp_server.text(told)


@pytest.mark.world("approved", "pending")
def test_only_the_director_may_revoke_and_only_an_approval(world):
    w = world
    req = w.requests["approved"]
    for user in (w.staff, w.member, w.stranger, w.requesters["approved"]):
        with pytest.raises(tk.NotAuthorized):
            move(user, "revoke", req["id"], comment="ไม่ใช่ผู้อำนวยการ")
    with pytest.raises(tk.ValidationError) as refused:
        move(w.director, "revoke", req["id"], comment="")
    assert "comment" in refused.value.error_dict
    with pytest.raises(tk.ValidationError):  # a request not approved has nothing to revoke
        move(w.director, "revoke", w.requests["pending"]["id"], comment="ยังไม่อนุมัติ")
    assert AccessRequest.get(req["id"]).state == "approved"
    assert move(w.sysadmin, "revoke", req["id"], comment="ผู้ดูแลระบบเพิกถอน")["state"] == "closed"
