# -*- coding: utf-8 -*-
"""Requests that arrive by phone, LINE, e-mail or at the counter (issue 7):
recorded by staff on the requester's behalf; paper hand-over."""
from __future__ import annotations

import datetime
import re

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.utt1service.access_requests.model import AccessRequest
from ckanext.utt1service.common import thaidate
from ckanext.utt1service.common.model import AuditEvent
from ckanext.utt1service.tests.access_requests.conftest import (
    FORM,
    as_user,
    auth,
    move,
    run_jobs,
    text,
)

PHONE_CALLER = dict(FORM, first_name="สมศรี", surname="ใจดี", email="somsri@example.org",
                    intake_channel="phone", consent_method="phone")


def on_behalf(user, world, **fields):
    data = dict(PHONE_CALLER, package_id=world.dataset["id"],
                resource_ids=[world.restricted["id"]])
    data.update(fields)
    return helpers.call_action("utt1service_request_create_on_behalf", context=as_user(user),
                               **data)


@pytest.mark.world("pending")
def test_staff_record_a_phone_request_that_enters_the_same_queue(world, smtp_server):
    result = on_behalf(world.staff, world)
    assert result["state"] == "submitted"
    assert result["reference"]
    assert result["intake_channel"] == "phone"
    assert result["consent_method"] == "phone"
    # Not the staff member's own request: the staff can check it, the
    # director approve it, as for any other request.
    assert result["user_id"] is None
    assert result["email"] == "somsri@example.org"
    assert result["full_name"] == "สมศรี ใจดี"
    assert "check" in result["allowed_actions"]
    queue = helpers.call_action("utt1service_request_list", context=as_user(world.director))
    assert result["id"] in [r["id"] for r in queue["results"]]
    move(world.staff, "check", result["id"])
    approved = move(world.director, "approve", result["id"])
    assert approved["state"] == "approved"
    create = [e for e in approved["audit"] if e["action"] == "create"][0]
    assert create["actor_name"] == world.staff["name"]
    assert create["data"]["intake_channel"] == "phone"


@pytest.mark.world("pending")
def test_a_walk_in_without_email_address_is_accepted(world, app):
    result = on_behalf(world.staff, world, email="", intake_channel="counter",
                       consent_method="paper", delivery_channel="paper")
    assert result["email"] is None
    assert result["intake_channel"] == "counter"
    page = app.get(f"/access-request/{result['id']}", headers=auth(world.staff))
    shown = text(page)
    assert "None" not in shown
    assert "ไม่มีบัญชีผู้ใช้ (เจ้าหน้าที่บันทึกแทน)" in shown and "ยืนยันอีเมล" not in shown


@pytest.mark.world("pending")
@pytest.mark.parametrize("field,value", [
    ("intake_channel", "fax"), ("intake_channel", None),
    ("consent_method", "telepathy"), ("consent", False),
])
def test_channel_and_consent_are_required(world, field, value):
    fields = {field: value} if value is not None else {}
    if value is None:
        data = dict(PHONE_CALLER)
        data.pop(field)
    with pytest.raises(tk.ValidationError) as e:
        if value is None:
            helpers.call_action(
                "utt1service_request_create_on_behalf", context=as_user(world.staff),
                package_id=world.dataset["id"], resource_ids=[world.restricted["id"]], **data)
        else:
            on_behalf(world.staff, world, **fields)
    assert field in e.value.error_dict


@pytest.mark.world("pending")
@pytest.mark.parametrize("who", ["member", "stranger", "requester"])
def test_only_staff_record_requests_on_behalf(world, who):
    user = world.requesters["pending"] if who == "requester" else getattr(world, who)
    with pytest.raises(tk.NotAuthorized):
        on_behalf(user, world)
    assert not model.Session.query(AccessRequest).filter(
        AccessRequest.intake_channel.isnot(None)).count()


@pytest.mark.world("pending")
def test_director_and_sysadmin_may_record(world):
    assert on_behalf(world.director, world)["state"] == "submitted"
    assert on_behalf(world.sysadmin, world, first_name="อีก")["state"] == "submitted"


@pytest.mark.world("approved")
def test_paper_hand_over_delivers_with_name_and_date(world):
    req = world.requests["approved"]
    result = helpers.call_action(
        "utt1service_request_hand_over", context=as_user(world.staff), id=req["id"],
        received_by="นายรับ เอกสาร", handed_over_on="2026-11-20",
    )
    assert result["state"] == "delivered"
    assert result["delivered_via"] == "paper"
    assert result["received_by"] == "นายรับ เอกสาร"
    assert result["handed_over_on"] == "2026-11-20"
    event = model.Session.query(AuditEvent).filter(
        AuditEvent.object_id == req["id"], AuditEvent.action == "deliver").one()
    assert event.data["via"] == "paper"
    assert event.data["received_by"] == "นายรับ เอกสาร"


@pytest.mark.world("approved")
def test_hand_over_needs_a_receiver_and_staff(world):
    req = world.requests["approved"]
    with pytest.raises(tk.ValidationError) as e:
        helpers.call_action("utt1service_request_hand_over", context=as_user(world.staff),
                            id=req["id"], received_by="")
    assert "received_by" in e.value.error_dict
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("utt1service_request_hand_over",
                            context=as_user(world.requesters["approved"]),
                            id=req["id"], received_by="ใครก็ได้")
    assert AccessRequest.get(req["id"]).state == "approved"


@pytest.mark.world("pending")
def test_hand_over_of_an_unapproved_request_is_refused(world):
    req = world.requests["pending"]
    with pytest.raises(tk.ValidationError):
        helpers.call_action("utt1service_request_hand_over", context=as_user(world.staff),
                            id=req["id"], received_by="นายรับ เอกสาร")


@pytest.mark.world("pending")
def test_staff_fill_in_the_form_on_the_requesters_behalf(app, world):
    url = f"/dataset/{world.dataset['name']}/request-access/on-behalf"
    page = app.get(url, headers=auth(world.staff))
    assert 'name="intake_channel"' in page.body
    # The staff member's own name is not put in the requester's fields.
    assert world.staff["email"] not in page.body
    form = dict(PHONE_CALLER, resource_ids=world.restricted["id"], consent="on",
                intake_channel="line", consent_method="paper")
    form.pop("email")
    res = app.post(url, data=form, headers=auth(world.staff), follow_redirects=False)
    assert res.status_code == 302
    req = model.Session.query(AccessRequest).filter(
        AccessRequest.intake_channel == "line").one()
    assert req.state == "submitted" and req.email is None and req.consent_method == "paper"
    page = app.get(f"/access-request/{req.id}", headers=auth(world.director))
    assert "utt1-intake" in page.body and "LINE" in page.body


@pytest.mark.world("pending")
def test_the_on_behalf_form_keeps_what_was_typed_and_refuses_others(app, world):
    url = f"/dataset/{world.dataset['name']}/request-access/on-behalf"
    assert app.get(url, headers=auth(world.stranger), status=403)
    form = dict(PHONE_CALLER, resource_ids=world.restricted["id"], consent="on",
                intake_channel="")
    page = app.post(url, data=form, headers=auth(world.staff))
    assert "สมศรี" in page.body and "somsri@example.org" in page.body
    assert "error" in page.body
    assert "โปรดเลือกช่องทางที่ได้รับคำขอ" in page.body  # (in Thai, as every message)
    assert not model.Session.query(AccessRequest).filter(
        AccessRequest.first_name == "สมศรี").count()


@pytest.mark.world("approved")
def test_hand_over_button_on_the_request_page(app, world):
    req = world.requests["approved"]
    page = app.get(f"/access-request/{req['id']}", headers=auth(world.staff))
    assert "utt1-action-hand-over" in page.body
    # the day is entered in the Buddhist Era, like every date of the portal
    # (no native mm/dd/yyyy picker), today's date filled in
    field = re.search(r'<input[^>]*id="field-handed_over_on"[^>]*>', page.body).group(0)
    assert 'type="text"' in field
    today = datetime.datetime.now(thaidate.BANGKOK).date()
    assert f'value="{today.day}/{today.month}/{today.year + 543}"' in field
    wrong = app.post(f"/access-request/{req['id']}/hand-over",
                     data={"received_by": "นางรับ แทน", "handed_over_on": "11/31/2026x"},
                     headers=auth(world.staff))
    assert "วัน/เดือน/ปี พ.ศ." in wrong.body
    app.post(f"/access-request/{req['id']}/hand-over",
             data={"received_by": "นางรับ แทน", "handed_over_on": "๒๑/11/2569"},
             headers=auth(world.staff))
    page = app.get(f"/access-request/{req['id']}", headers=auth(world.staff))
    assert "utt1-handed-over" in page.body and "นางรับ แทน" in page.body
    assert model.Session.get(AccessRequest, req["id"]).handed_over_on == datetime.date(2026, 11, 21)
    assert "utt1-action-hand-over" not in page.body
    # The requester does not get the button.
    page = app.get(f"/access-request/{req['id']}", headers=auth(world.requesters["approved"]))
    assert "utt1-handed-over" in page.body


def approved_by_email(world, user):
    from ckanext.utt1service.tests.access_requests.conftest import submit

    req = submit(user, world.dataset, [world.restricted["id"]], delivery_channel="email")
    move(world.staff, "check", req["id"])
    return move(world.director, "approve", req["id"])


@pytest.mark.usefixtures("clean_queues")
@pytest.mark.world("pending")
@pytest.mark.ckan_config("ckanext.utt1service.email_attachment_max_bytes", 1_000_000)
def test_small_file_is_sent_attached_and_the_request_delivered(world, smtp_server):
    requester = world.requesters["pending"]
    req = approved_by_email(world, world.stranger)
    run_jobs()
    before = len(smtp_server.to(world.stranger["email"]))
    result = helpers.call_action("utt1service_request_send_by_email",
                                 context=as_user(world.staff), id=req["id"])
    assert result["files"][0]["attached"] is True
    run_jobs()
    mails = smtp_server.to(world.stranger["email"])
    assert len(mails) == before + 1
    [attachment] = list(mails[-1].iter_attachments())
    assert attachment.get_content() in (world.secret, world.secret.decode())
    got = AccessRequest.get(req["id"])
    assert got.state == "delivered" and got.delivered_via == "email"
    assert requester  # another requester of the world is untouched
    event = model.Session.query(AuditEvent).filter(
        AuditEvent.object_id == req["id"], AuditEvent.action == "deliver").one()
    assert event.data["via"] == "email"


@pytest.mark.usefixtures("clean_queues")
@pytest.mark.world("pending")
@pytest.mark.ckan_config("ckanext.utt1service.email_attachment_max_bytes", 10)
def test_big_file_is_sent_as_a_personal_link(app, world, smtp_server):
    import re

    req = approved_by_email(world, world.stranger)
    run_jobs()
    helpers.call_action("utt1service_request_send_by_email",
                        context=as_user(world.staff), id=req["id"])
    run_jobs()
    mail = smtp_server.to(world.stranger["email"])[-1]
    assert not list(mail.iter_attachments())
    body = smtp_server.text(mail)
    link = re.search(r"https?://\S+/access-request/\S+/file/\S+", body).group(0)
    path = "/" + link.split("/", 3)[3]
    res = app.get(path, headers=auth(world.stranger))
    assert res.status_code == 200 and res.data == world.secret
    assert app.get(path, headers=auth(world.member), status=403)
    assert app.get(path[:-3] + "xyz", headers=auth(world.stranger), status=403)
    assert AccessRequest.get(req["id"]).state == "delivered"


@pytest.mark.world("approved")
def test_send_by_email_only_when_email_was_wanted(world):
    with pytest.raises(tk.ValidationError):
        helpers.call_action("utt1service_request_send_by_email",
                            context=as_user(world.staff), id=world.requests["approved"]["id"])


@pytest.mark.world("pending")
def test_printable_form_is_filled_in_and_private(app, world):
    req = on_behalf(world.staff, world)
    page = app.get(f"/access-request/{req['id']}/form", headers=auth(world.staff))
    body = page.body
    assert page.status_code == 200, body[body.find("<h1"):body.find("<h1") + 400]
    assert "size: A4" in body and "แบบคำขอข้อมูลสารสนเทศ" in body
    order = ["ชื่อ", "สมศรี", "นามสกุล", "ใจดี", "ตำแหน่ง", "หน่วยงาน", "โรงเรียนบ้านหนองแก",
             "มีความประสงค์ขอข้อมูลเกี่ยวกับ", "จำนวนนักเรียนรายบุคคล", "เพื่อนำไปใช้",
             "วิจัยในชั้นเรียน", "ลงชื่อ", "ผู้ขอข้อมูล", "สังกัด", "วันที่", "เดือน", "พ.ศ."]
    positions = []
    start = body.index("<h1>")
    for word in order:
        start = body.index(word, start)
        positions.append(start)
    assert positions == sorted(positions)
    app.get(f"/access-request/{req['id']}/form", headers=auth(world.stranger), status=403)
    app.get(f"/access-request/{req['id']}/form", status=403)


@pytest.mark.world("pending")
def test_staff_attach_the_scanned_signed_form_served_only_to_those_who_see_it(app, world):
    import io

    req = on_behalf(world.staff, world, consent_method="paper", intake_channel="counter")
    url = f"/access-request/{req['id']}/signed-form"
    scan = b"%PDF-1.4 signed form " + req["id"].encode()
    app.post(url, data={"upload": (io.BytesIO(b"x"), "form.exe")}, headers=auth(world.staff))
    assert AccessRequest.get(req["id"]).signed_form_name is None
    app.post(url, data={"upload": (io.BytesIO(scan), "form.pdf")}, headers=auth(world.staff))
    model.Session.remove()
    assert AccessRequest.get(req["id"]).signed_form_name == "form.pdf"
    res = app.get(url, headers=auth(world.director))
    assert res.status_code == 200 and res.data == scan
    app.get(url, headers=auth(world.stranger), status=403)
    app.get(url, status=403)
    app.post(url, data={"upload": (io.BytesIO(b"%PDF evil"), "x.pdf")},
             headers=auth(world.member), status=403)
    assert app.get(url, headers=auth(world.staff)).data == scan
    page = app.get(f"/access-request/{req['id']}", headers=auth(world.staff))
    assert "utt1-signed-form-link" in page.body
    # the history says it in words (not the code "attach_signed_form")
    assert "แนบแบบคำขอที่ลงนามแล้ว" in text(page) and "attach_signed_form" not in text(page)


@pytest.fixture()
def hook_server():
    """A small HTTP server on 127.0.0.1 that keeps the JSON it receives."""
    import http.server
    import json
    import threading

    received: list = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            length = int(self.headers["Content-Length"])
            received.append((self.headers["Content-Type"], json.loads(self.rfile.read(length))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.received = received
    server.url = f"http://127.0.0.1:{server.server_port}/hook"
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.usefixtures("clean_queues")
@pytest.mark.world("pending")
def test_webhook_posts_json_on_new_request_and_decision(world, hook_server, ckan_config,
                                                        monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.webhook_url", hook_server.url)
    req = on_behalf(world.staff, world)
    move(world.staff, "check", req["id"])
    move(world.director, "approve", req["id"])
    move(world.director, "revoke", req["id"], comment="อนุมัติผิดชุด")
    run_jobs()
    events = [payload["event"] for _type, payload in hook_server.received]
    assert events == ["request.new", "request.approved", "request.revoked"]
    content_type, payload = hook_server.received[0]
    assert content_type.startswith("application/json")
    assert payload["reference"] == req["reference"]
    assert payload["intake_channel"] == "phone"
    assert req["id"] in payload["url"]
    # No personal data goes to the chat group.
    assert "สมศรี" not in str(hook_server.received)
    assert "somsri@example.org" not in str(hook_server.received)


@pytest.mark.usefixtures("clean_queues")
@pytest.mark.world("pending")
def test_webhook_is_off_by_default(world, hook_server):
    on_behalf(world.staff, world)
    run_jobs()
    assert hook_server.received == []
