# -*- coding: utf-8 -*-
"""The director takes an approval back: the files stop at every door at
once, the request is closed, the requester is told why (on the request page
as clearly as a rejection, and by e-mail) and may ask again; only the
director may do it (with a reason), also after staff closed the request
while its access still ran."""
from __future__ import annotations

import re

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.utt1service.access_requests import delivery, gate
from ckanext.utt1service.access_requests import workflow as wf
from ckanext.utt1service.access_requests.model import AccessRequest
from ckanext.utt1service.common.model import AuditEvent

from .conftest import FORM, as_user, auth, move, run_jobs, submit, text

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
    link = delivery.file_link(AccessRequest.get(req["id"]), w.restricted["id"], grant.expires_at)
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
    assert "ปิดเรื่องแล้ว" in text(done)  # "Done: the request is now “Closed”"
    assert "เพิกถอนสิทธิ์แล้ว" in text(done)  # and the page says why

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


def doors(w, req_id: str) -> list[str]:
    """Every address that hands out the restricted file: CKAN's download
    routes (with and without the file name, with the language prefix) and
    the personal link of an e-mail delivery."""
    rid = w.restricted["id"]
    request = AccessRequest.get(req_id)
    grant = request.grants[0]
    link = delivery.file_link(request, rid, grant.expires_at)
    return [
        f"/dataset/{w.dataset['name']}/resource/{rid}/download",
        f"/dataset/{w.dataset['id']}/resource/{rid}/download/students-secret.csv",
        f"/en/dataset/{w.dataset['name']}/resource/{rid}/download/students-secret.csv",
        "/" + link.split("://", 1)[-1].split("/", 1)[-1],
    ]


def csrf(body: str) -> str:
    return re.search(r'name="_csrf_token" value="([^"]+)"', body).group(1)


@pytest.mark.world("approved")
def test_the_director_revokes_a_request_staff_already_closed(app, world, smtp_server):
    """Approve → (download) → staff close → director revoke: the access
    that was still running ends at once (it answered 409 before)."""
    w = world
    req = w.requests["approved"]
    requester = w.requesters["approved"]
    assert download(app, w, requester).get_data() == w.secret  # delivered
    move(w.staff, "close", req["id"], comment="ส่งข้อมูลครบแล้ว")
    assert AccessRequest.get(req["id"]).state == "closed"
    # closing does not end the access: the grant runs until it expires …
    assert download(app, w, requester).get_data() == w.secret

    # … so the director still sees the revoke button; the staff do not
    page = app.get(f"/access-request/{req['id']}", headers=auth(w.director)).body
    assert "utt1-action-revoke" in page
    assert "utt1-action-revoke" not in app.get(f"/access-request/{req['id']}",
                                               headers=auth(w.staff)).body
    with pytest.raises(tk.NotAuthorized):
        move(w.staff, "revoke", req["id"], comment="เจ้าหน้าที่เพิกถอนเองไม่ได้")

    done = app.post(f"/access-request/{req['id']}/do/revoke", headers=auth(w.director),
                    data={"_csrf_token": csrf(page), "comment": "ผู้ขอนำข้อมูลไปใช้ผิดวัตถุประสงค์"},
                    follow_redirects=True)
    assert done.status_code == 200
    assert "utt1-revocation" in done.body

    # every door refuses at once
    for url in doors(w, req["id"]):
        refused = app.get(url, headers=auth(requester))
        assert refused.status_code == 403, url
        assert w.secret not in refused.data, url
    shown = helpers.call_action("utt1service_resource_access", context=as_user(requester),
                                id=w.restricted["id"])
    assert (shown["allowed"], shown["reason"]) == (False, "refused")

    last = AuditEvent.trail("access_request", req["id"])[-1]
    assert (last.action, last.from_state, last.to_state, last.comment) == (
        "revoke", "closed", "closed", "ผู้ขอนำข้อมูลไปใช้ผิดวัตถุประสงค์")
    run_jobs()
    told = smtp_server.to(requester["email"])[-1]
    assert "เพิกถอน" in told["Subject"]
    assert "ผู้ขอนำข้อมูลไปใช้ผิดวัตถุประสงค์" in smtp_server.text(told)

    # once revoked there is nothing left to revoke
    assert "utt1-action-revoke" not in app.get(f"/access-request/{req['id']}",
                                               headers=auth(w.director)).body
    with pytest.raises(tk.ValidationError):
        move(w.director, "revoke", req["id"], comment="อีกครั้ง")


@pytest.mark.world("rejected")
def test_a_closed_request_without_running_access_cannot_be_revoked(app, world):
    w = world
    req = w.requests["rejected"]
    move(w.staff, "close", req["id"])
    page = app.get(f"/access-request/{req['id']}", headers=auth(w.director)).body
    assert "utt1-action-revoke" not in page
    response = app.post("/api/3/action/utt1service_request_revoke", headers=auth(w.director),
                        json={"id": req["id"], "comment": "ไม่มีสิทธิ์ให้เพิกถอน"})
    assert response.status_code == 409
    assert "ปิดเรื่องแล้ว" in response.json["error"]["state"][0]
    assert [e.action for e in AuditEvent.trail("access_request", req["id"])][-1] == "close"


@pytest.mark.world("approved")
def test_the_requester_is_told_why_near_the_top_of_the_request_page(app, world):
    w = world
    req = w.requests["approved"]
    requester = w.requesters["approved"]
    move(w.director, "revoke", req["id"], comment="อนุมัติผิดชุดข้อมูล")

    page = app.get(f"/access-request/{req['id']}", headers=auth(requester))
    body = page.body
    # the state says it, and a banner with the reason comes before the form
    # as filled in (where a rejection's reason is shown too)
    head = body[:body.index('class="utt1-section"')]
    assert "เพิกถอนสิทธิ์แล้ว" in text(page)
    assert "utt1-state-revoked" in head and "utt1-revocation" in head
    banner = head[head.index("utt1-revocation"):]
    assert "เพิกถอนสิทธิ์เมื่อวันที่" in banner
    assert "เหตุผล:" in banner and "อนุมัติผิดชุดข้อมูล" in banner
    assert "ท่านยื่นคำขอใหม่สำหรับไฟล์เดิมได้" in banner
    assert "utt1-download" not in body
    # the same on "My requests"
    mine = app.get("/dashboard/access-requests", headers=auth(requester))
    assert "utt1-revocation" in mine.body and "อนุมัติผิดชุดข้อมูล" in mine.body
    # and where the file is refused
    refused = download(app, w, requester)
    assert refused.status_code == 403
    assert "ถูกเพิกถอนเมื่อวันที่" in text(refused)
    resource_page = app.get(f"/dataset/{w.dataset['name']}/resource/{w.restricted['id']}",
                            headers=auth(requester))
    assert "ถูกเพิกถอนเมื่อวันที่" in text(resource_page)
    # the staff see the banner too, without the invitation to ask again
    staff_page = app.get(f"/access-request/{req['id']}", headers=auth(w.staff)).body
    assert "utt1-revocation" in staff_page and "utt1-ask-again" not in staff_page


@pytest.mark.world("approved")
def test_the_requester_may_ask_again_for_the_same_file(app, world):
    w = world
    req = w.requests["approved"]
    requester = w.requesters["approved"]
    move(w.director, "revoke", req["id"], comment="หมดความจำเป็น")

    page = app.get(f"/access-request/{req['id']}", headers=auth(requester)).body
    again = re.search(r'class="btn btn-default btn-sm utt1-ask-again" href="([^"]+)"', page)
    link = again.group(1).replace("&amp;", "&")
    assert link.startswith(f"/dataset/{w.dataset['name']}/request-access?")
    assert f"resource_id={w.restricted['id']}" in link
    form = app.get(link, headers=auth(requester))
    assert form.status_code == 200
    assert re.search(r'value="%s"[^>]*checked' % w.restricted["id"], form.body)

    second = submit(requester, w.dataset, [w.restricted["id"]])
    assert second["state"] == "submitted" and second["id"] != req["id"]
    move(w.staff, "check", second["id"])
    move(w.director, "approve", second["id"])
    assert download(app, w, requester).get_data() == w.secret


@pytest.mark.world("pending")
def test_a_requester_without_account_loses_the_file_through_the_tracking_link(app, world):
    """A request recorded by staff (no account): the browser that opened
    the private tracking link downloads until the director revokes."""
    w = world
    data = dict(FORM, first_name="สมศรี", surname="ใจดี", email="somsri@example.org",
                intake_channel="phone", consent_method="phone",
                package_id=w.dataset["id"], resource_ids=[w.restricted["id"]])
    req = helpers.call_action("utt1service_request_create_on_behalf", context=as_user(w.staff),
                              **data)
    move(w.staff, "check", req["id"])
    move(w.director, "approve", req["id"])
    request = AccessRequest.get(req["id"])
    track = f"/access-request/{req['id']}/track/{gate.tracking_token(request)}"
    browser = app.test_client()
    assert browser.get(track).status_code == 200
    url = f"/dataset/{w.dataset['id']}/resource/{w.restricted['id']}/download/students-secret.csv"
    assert browser.get(url).data == w.secret
    move(w.staff, "close", req["id"])

    move(w.director, "revoke", req["id"], comment="ผู้ขอแจ้งยกเลิกการใช้ข้อมูล")
    refused = browser.get(url)
    assert refused.status_code == 403 and w.secret not in refused.data
    for door in doors(w, req["id"]):
        assert w.secret not in browser.get(door).data, door
    page = browser.get(track)
    assert "utt1-revocation" in page.body and "ผู้ขอแจ้งยกเลิกการใช้ข้อมูล" in page.body
    assert "utt1-ask-again" in page.body
    assert wf.live_grants(AccessRequest.get(req["id"])) == []
