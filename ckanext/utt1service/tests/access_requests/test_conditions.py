# -*- coding: utf-8 -*-
"""Decision messages (issue 19, part 4): approve and reject carry a message
to the requester; an approval may give conditions of use that the requester
must accept (once, with the time recorded) before the first download."""
from __future__ import annotations

import re

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from .conftest import as_user, auth, move, run_jobs, text

pytestmark = pytest.mark.usefixtures("clean_queues")

CONDITIONS = "ใช้เพื่อการวิจัยในชั้นเรียนเท่านั้น ห้ามเผยแพร่ชื่อนักเรียน"


def download(app, w, user):
    url = f"/dataset/{w.dataset['id']}/resource/{w.restricted['id']}/download/students-secret.csv"
    return app.get(url, headers=auth(user))


def csrf(body: str) -> str:
    return re.search(r'name="_csrf_token" value="([^"]+)"', body).group(1)


def approve(w, **data):
    req = w.requests["pending"]
    move(w.staff, "check", req["id"])
    return move(w.director, "approve", req["id"], **data)


def test_conditions_to_accept_before_the_first_download(world, app, smtp_server):
    w = world
    requester = w.requesters["pending"]
    approved = approve(w, comment="ยินดีให้ข้อมูล", conditions=CONDITIONS,
                       require_acceptance=True)
    assert approved["conditions_pending"] is True
    run_jobs()
    mail = smtp_server.text(smtp_server.to(requester["email"])[-1])
    assert CONDITIONS in mail and "ยินดีให้ข้อมูล" in mail
    assert "ก่อนดาวน์โหลดครั้งแรก โปรดเปิดคำขอของท่านและกดยอมรับเงื่อนไขเหล่านี้" in mail
    assert "Before the first download, open your request and accept these conditions." in mail

    refused = download(app, w, requester)
    assert refused.status_code == 403
    assert "โปรดยอมรับเงื่อนไขที่หน้าคำขอ" in text(refused)
    assert w.secret not in refused.data
    page = app.get(f"/access-request/{approved['id']}", headers=auth(requester))
    assert CONDITIONS in page.body and "ข้าพเจ้าได้อ่านและยอมรับเงื่อนไขเหล่านี้" in page.body
    assert "โปรดยอมรับเงื่อนไขการใช้ข้อมูลก่อน" in text(page)

    # the box must be ticked
    unticked = app.post(f"/access-request/{approved['id']}/accept-conditions",
                        data={"_csrf_token": csrf(page.body)}, headers=auth(requester),
                        follow_redirects=True)
    assert "โปรดทำเครื่องหมายในช่อง" in text(unticked)
    assert download(app, w, requester).status_code == 403
    accepted = app.post(f"/access-request/{approved['id']}/accept-conditions",
                        data={"_csrf_token": csrf(page.body), "accept": "true"},
                        headers=auth(requester), follow_redirects=True)
    assert "ท่านได้ยอมรับเงื่อนไขการใช้ข้อมูลแล้ว" in text(accepted)
    got = download(app, w, requester)
    assert got.status_code == 200 and got.data == w.secret

    shown = helpers.call_action("utt1service_request_show", context=as_user(w.staff),
                                id=approved["id"])
    assert shown["conditions_accepted_at"] and shown["conditions_pending"] is False
    [event] = [e for e in shown["audit"] if e["action"] == "accept_conditions"]
    assert event["data"]["conditions"] == CONDITIONS
    staff_page = text(app.get(f"/access-request/{approved['id']}", headers=auth(w.staff)))
    assert "ผู้ขอยอมรับเมื่อ" in staff_page
    with pytest.raises(tk.ValidationError):  # accepted once
        move(requester, "accept_conditions", approved["id"])


def test_only_the_requester_accepts(world):
    w = world
    approved = approve(w, conditions=CONDITIONS, require_acceptance=True)
    for user in (w.staff, w.director, w.stranger):
        with pytest.raises(tk.NotAuthorized):
            move(user, "accept_conditions", approved["id"])


def test_conditions_without_acceptance_are_only_shown(world, app, smtp_server):
    w = world
    requester = w.requesters["pending"]
    approved = approve(w, conditions=CONDITIONS)
    assert approved["conditions"] == CONDITIONS and approved["conditions_pending"] is False
    assert download(app, w, requester).status_code == 200
    page = text(app.get(f"/access-request/{approved['id']}", headers=auth(requester)))
    assert CONDITIONS in page and "ข้าพเจ้าได้อ่าน" not in page


def test_acceptance_needs_conditions_to_accept(world):
    w = world
    with pytest.raises(tk.ValidationError) as refused:
        approve(w, require_acceptance=True)
    assert "conditions" in refused.value.error_dict


def test_the_director_gives_conditions_on_the_request_page(world, app):
    w = world
    req = w.requests["pending"]
    move(w.staff, "check", req["id"])
    page = app.get(f"/access-request/{req['id']}", headers=auth(w.director))
    assert "เงื่อนไขการใช้ข้อมูล (เมื่ออนุมัติ ไม่บังคับ)" in page.body
    app.post(f"/access-request/{req['id']}/do/approve",
             data={"_csrf_token": csrf(page.body), "comment": "",
                   "conditions": CONDITIONS, "require_acceptance": "true"},
             headers=auth(w.director), follow_redirects=True)
    shown = helpers.call_action("utt1service_request_show", context=as_user(w.director),
                                id=req["id"])
    assert shown["state"] == "approved" and shown["conditions_pending"] is True


def test_no_paper_hand_over_before_the_conditions_are_accepted(world, app):
    w = world
    requester = w.requesters["pending"]
    approved = approve(w, conditions=CONDITIONS, require_acceptance=True)
    paper = {"received_by": "นายรับ เอกสาร", "handed_over_on": "2026-11-20"}

    # the action refuses it (409 through the API), in Thai and in English
    response = app.post("/api/3/action/utt1service_request_hand_over", headers=auth(w.staff),
                        json=dict(paper, id=approved["id"]))
    assert response.status_code == 409
    assert "ผู้ขอยังไม่ได้ยอมรับเงื่อนไขการใช้ข้อมูล" in response.json["error"]["state"][0]
    with pytest.raises(tk.ValidationError) as refused:
        move(w.staff, "hand_over", approved["id"], **paper)
    assert "state" in refused.value.error_dict
    # so does marking it delivered by hand, by any route
    for via in ("paper", "email", "download"):
        with pytest.raises(tk.ValidationError):
            move(w.staff, "deliver", approved["id"], via=via)
    shown = helpers.call_action("utt1service_request_show", context=as_user(w.staff),
                                id=approved["id"])
    assert shown["state"] == "approved" and not any(e["action"] == "deliver" for e in shown["audit"])

    # the staff's page says why instead of offering the form; a post anyway
    # comes back with the reason
    page = app.get(f"/access-request/{approved['id']}", headers=auth(w.staff))
    assert "utt1-action-hand-over" not in page.body
    assert ("ผู้ขอยังไม่ได้ยอมรับเงื่อนไขการใช้ข้อมูล จึงยังส่งมอบข้อมูล (เอกสารหรือทางอีเมล) ไม่ได้"
            in text(page))
    english = app.get(f"/en/access-request/{approved['id']}", headers=auth(w.staff))
    assert "The requester has not accepted the conditions of use yet: the data can be handed over" in text(english)
    posted = app.post(f"/access-request/{approved['id']}/hand-over",
                      data={"_csrf_token": csrf(page.body), "received_by": "นายรับ เอกสาร"},
                      headers=auth(w.staff), follow_redirects=True)
    assert "ยังไม่ได้ยอมรับเงื่อนไขการใช้ข้อมูล จึงยังมอบหรือส่งข้อมูลไม่ได้" in text(posted)
    assert helpers.call_action("utt1service_request_show", context=as_user(w.staff),
                               id=approved["id"])["state"] == "approved"

    # once accepted, the copy is handed over
    move(requester, "accept_conditions", approved["id"])
    page = app.get(f"/access-request/{approved['id']}", headers=auth(w.staff))
    assert "utt1-action-hand-over" in page.body
    delivered = move(w.staff, "hand_over", approved["id"], **paper)
    assert delivered["state"] == "delivered" and delivered["delivered_via"] == "paper"
