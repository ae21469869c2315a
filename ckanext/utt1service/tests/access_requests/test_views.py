# -*- coding: utf-8 -*-
"""Acting through the pages: submitting the form, the buttons of the request
page, answering a returned request (each test on its own world)."""
from __future__ import annotations

import pytest

import ckan.model as model
from ckan.tests import helpers

from ckanext.utt1service.access_requests.model import AccessRequest

from .conftest import FORM, auth, form_url, move, text

pytestmark = pytest.mark.usefixtures("clean_queues")


def test_the_account_locks_name_and_email_whatever_is_posted(world, app):
    w = world
    data = dict(FORM, first_name="ปลอม", surname="ตัว", email="spoof@example.org",
                resource_ids=w.restricted["id"], consent="on")
    posted = app.post(form_url(w), data=data, headers=auth(w.stranger))
    assert posted.status_code == 200
    req = model.Session.query(AccessRequest).filter_by(user_id=w.stranger["id"]).one()
    assert (req.first_name, req.surname, req.email) == ("คนแปลก", "หน้า", w.stranger["email"])
    assert req.state == "submitted"
    assert req.reference in text(posted)  # the request page, with the flash


def test_acting_through_the_buttons(world, app):
    w = world
    req = w.requests["pending"]
    checked = app.post(f"/access-request/{req['id']}/do/check", data={"comment": "ครบถ้วน"},
                       headers=auth(w.staff))
    assert checked.status_code == 200
    assert "ตรวจสอบแล้ว รออนุมัติ" in text(checked)
    # Reject without a reason: a clear message, nothing changes.
    refused = app.post(f"/access-request/{req['id']}/do/reject", data={"comment": ""},
                       headers=auth(w.director))
    assert "โปรดกรอกข้อมูลช่องนี้" in text(refused)
    approved = app.post(f"/access-request/{req['id']}/do/approve", data={},
                        headers=auth(w.director))
    assert "ดำเนินการแล้ว คำขออยู่ในสถานะ “อนุมัติ”" in text(approved)
    # A second click (a stale page): a conflict, said plainly, not a 500.
    again = app.post(f"/access-request/{req['id']}/do/approve", data={},
                     headers=auth(w.director))
    assert again.status_code == 200
    assert "โหลดหน้านี้ใหม่" in text(again)
    # Staff cannot approve, even by posting.
    assert app.post(f"/access-request/{req['id']}/do/close", headers=auth(w.stranger)).status_code == 403
    assert app.post(f"/access-request/{req['id']}/do/nonsense", headers=auth(w.director)).status_code == 404


def test_return_then_answer_through_the_form(world, app):
    w = world
    req = w.requests["pending"]
    requester = w.requesters["pending"]
    move(w.staff, "return", req["id"], comment="โปรดระบุภาคเรียน")
    page = app.get(f"/access-request/{req['id']}", headers=auth(requester))
    assert "โปรดระบุภาคเรียน" in page.body
    edit = app.get(f"/access-request/{req['id']}/edit", headers=auth(requester))
    assert 'value="ครู"' in edit.body  # the form, filled with the request
    data = dict(FORM, data_wanted="ภาคเรียนที่ 1/2568", comment="ภาคเรียนที่ 1")
    data.pop("consent")
    done = app.post(f"/access-request/{req['id']}/edit", data=data, headers=auth(requester))
    assert done.status_code == 200
    shown = helpers.call_action("utt1service_request_show", id=req["id"])
    assert shown["state"] == "submitted" and shown["data_wanted"] == "ภาคเรียนที่ 1/2568"
    # Not possible any more once it is back in the queue.
    assert app.get(f"/access-request/{req['id']}/edit", headers=auth(requester),
                   follow_redirects=False).status_code == 302


def test_a_dataset_without_restricted_files_has_no_form(world, app):
    w = world
    from ckan.tests import factories

    other = factories.Dataset(owner_org=w.org["id"])
    assert app.get(f"/dataset/{other['name']}/request-access").status_code == 404
    assert app.get("/dataset/no-such-dataset/request-access").status_code == 404


