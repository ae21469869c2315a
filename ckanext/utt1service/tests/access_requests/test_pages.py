# -*- coding: utf-8 -*-
"""The pages, looked at (and wrong input posted) on one world shared by the
module: the request form, the request page's buttons per role, the queues,
My requests, and restricted files on dataset and resource pages."""
from __future__ import annotations

import datetime
import re

import pytest

import ckan.model as model
from ckan.tests import helpers

from ckanext.utt1service.access_requests.model import AccessRequest
from ckanext.utt1service.common import thaidate

from .conftest import FORM, auth, form_url, text

pytestmark = pytest.mark.usefixtures("clean_queues")


def test_the_form_for_a_logged_in_requester(shared_world, app):
    w = shared_world
    page = app.get(form_url(w), headers=auth(w.stranger))
    assert page.status_code == 200
    body = page.body
    shown = text(page)
    # The office's form, its fields in order, in Thai.
    fields = ["first_name", "surname", "position", "agency", "agency_type", "affiliation", "resources",
              "data_wanted", "intended_use", "delivery_channel", "email", "phone", "consent"]
    positions = [body.index(f'for="field-{name}"') for name in fields]
    assert positions == sorted(positions)
    for label in ("ชื่อ", "นามสกุล", "ตำแหน่ง", "หน่วยงาน", "ประเภทหน่วยงาน", "สังกัด", "มีความประสงค์ขอข้อมูลเกี่ยวกับ",
                  "เพื่อนำไปใช้", "ช่องทางที่ต้องการรับข้อมูล", "อีเมล", "โทรศัพท์", "วันที่"):
        assert label in shown
    # Name and e-mail come from the account and are locked.
    assert re.search(r'name="first_name" value="คนแปลก"[^>]*readonly', body)
    assert re.search(r'name="surname" value="หน้า"[^>]*readonly', body)
    assert re.search(rf'name="email" value="{re.escape(w.stranger["email"])}"[^>]*readonly', body)
    # The chosen file is ticked, the data wanted pre-filled.
    assert re.search(rf'value="{w.restricted["id"]}"[^>]*checked', body)
    assert "ชุดข้อมูล: ข้อมูลนักเรียนรายบุคคล" in body and "นักเรียนรายบุคคล.csv" in body
    # PDPA: purpose and retention, and the date in the Buddhist Era.
    assert "365 วันหลังคำขอสิ้นสุด" in shown
    assert f"{thaidate.to_bangkok(datetime.datetime.now(datetime.timezone.utc)).year + 543}" in shown
    assert 'name="_csrf_token"' in body



def test_the_form_re_renders_with_clear_errors_and_keeps_what_was_typed(shared_world, app):
    w = shared_world
    before = model.Session.query(AccessRequest).count()
    browser = app.test_client()
    page = browser.get(form_url(w))
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.body).group(1)
    posted = browser.post(form_url(w), data={
        "_csrf_token": token, "first_name": "มานะ", "surname": "", "position": "นักวิจัย",
        "agency": "มหาวิทยาลัยนเรศวร", "data_wanted": "", "intended_use": "วิทยานิพนธ์",
        "delivery_channel": "paper", "email": "not-an-address", "phone": "12",
    })
    assert posted.status_code == 200
    shown = text(posted)
    assert "โปรดกรอกข้อมูลช่องนี้" in shown  # surname, data wanted
    assert "โปรดกรอกอีเมลให้ถูกต้อง" in shown
    assert "โปรดกรอกหมายเลขโทรศัพท์ 9 ถึง 15 หลัก" in shown
    assert "โปรดเลือกไฟล์ที่จำกัดสิทธิ์" in shown
    assert "โปรดให้ความยินยอม" in shown
    body = posted.body
    for kept in ('value="มานะ"', 'value="นักวิจัย"', 'value="มหาวิทยาลัยนเรศวร"',
                 ">วิทยานิพนธ์</textarea>", 'value="not-an-address"', 'value="12"'):
        assert kept in body, kept
    assert re.search(r'value="paper"[^>]*checked', body)
    assert model.Session.query(AccessRequest).count() == before  # nothing saved

    english = browser.post("/en" + form_url(w), data={"_csrf_token": token, "phone": "x"})
    assert "Please fill in this field." in english.body
    assert "Enter a phone number of 9 to 15 digits" in english.body



@pytest.mark.parametrize("bad", [{"first_name": "ก" * 201}, {"data_wanted": "ข" * 2001},
                                 {"first_name": "line\r\nBcc: x@y"}, {"delivery_channel": "fax"},
                                 {"consent": "no"}, {"resource_ids": ["x" * 40]}])
def test_bad_input_never_gives_a_500(shared_world, app, bad):
    w = shared_world
    browser = app.test_client()
    token = re.search(r'name="_csrf_token" value="([^"]+)"', browser.get(form_url(w)).body).group(1)
    data = dict(FORM, first_name="ก", surname="ข", email="a@example.org",
                resource_ids=w.restricted["id"], consent="on", _csrf_token=token)
    data.update(bad)
    posted = browser.post(form_url(w), data=data)
    assert posted.status_code == 200
    assert "error-explanation" in posted.body



def test_buttons_follow_the_role(shared_world, app):
    w = shared_world
    req = w.requests["pending"]
    url = f"/access-request/{req['id']}"
    staff = app.get(url, headers=auth(w.staff)).body
    assert "utt1-action-check" in staff and "utt1-action-return" in staff
    assert "utt1-action-approve" not in staff and "utt1-action-reject" not in staff
    director = app.get(url, headers=auth(w.director)).body
    assert "utt1-action-reject" in director and "utt1-action-check" in director
    assert "utt1-action-approve" not in director  # it must be checked first
    requester = app.get(url, headers=auth(w.requesters["pending"])).body
    assert "utt1-action-withdraw" in requester and "utt1-action-check" not in requester
    assert app.get(url, headers=auth(w.stranger)).status_code == 403
    assert app.get(url, headers=auth(w.member)).status_code == 403
    anonymous = app.get(url, follow_redirects=False)
    assert anonymous.status_code == 302 and "/user/login" in anonymous.headers["Location"]

    # The buttons come in the workflow's order, styled by what they do; a
    # comment is required (and said so) for those sent to the requester.
    def buttons(page):
        found = re.findall(r'<button type="submit" class="btn ([\w-]+) utt1-action-(\w+)"'
                           r'([^>]*)>', page)
        return [(name, style, "data-comment-required" in rest) for style, name, rest in found]

    assert buttons(director) == [
        ("check", "btn-primary", False), ("return", "btn-warning", True),
        ("reject", "btn-danger", True),
    ]
    assert "จำเป็นเมื่อส่งกลับ ไม่อนุมัติ หรือเพิกถอน" in director
    approved = app.get(f"/access-request/{w.requests['approved']['id']}",
                       headers=auth(w.director)).body
    assert buttons(approved) == [
        ("deliver", "btn-default", False), ("close", "btn-default", False),
        ("revoke", "btn-outline-danger", True),
    ]

    # The request page shows the form as filled in, and the audit trail.
    shown = text(app.get(url, headers=auth(w.staff)))
    assert "ผู้ขอ pending" in shown and "081-234-5678" in shown and "วิจัยในชั้นเรียน" in shown
    assert "ส่งคำขอ" in shown and "รอตรวจสอบ" in shown



def test_the_queue(shared_world, app):
    w = shared_world
    url = f"/organization/access-requests/{w.org['name']}"
    page = app.get(url, headers=auth(w.staff))
    assert page.status_code == 200
    # The queue opens on what waits for staff (submitted, to check), not on all.
    assert re.findall(r'utt1-queue-row" data-id="([^"]+)"', page.body) == [w.requests["pending"]["id"]]
    body = app.get(url, query_string={"state": "all"}, headers=auth(w.staff)).body
    # Counts per state, oldest first, age in days.
    assert re.search(r'utt1-count-approved">\s*2<', body)
    assert re.search(r'utt1-count-submitted">\s*1<', body)
    rows = re.findall(r'utt1-queue-row" data-id="([^"]+)"', body)
    assert rows == [w.requests[s]["id"] for s in ("pending", "rejected", "approved", "expired")]
    assert "อายุ (วัน)" in body
    # Filters.
    only = app.get(url, query_string={"state": "rejected"}, headers=auth(w.staff)).body
    assert re.findall(r'utt1-queue-row" data-id="([^"]+)"', only) == [w.requests["rejected"]["id"]]
    found = app.get(url, query_string={"q": "ผู้ขอ expired"}, headers=auth(w.staff)).body
    assert re.findall(r'utt1-queue-row" data-id="([^"]+)"', found) == [w.requests["expired"]["id"]]
    by_number = app.get(url, query_string={"q": w.requests["rejected"]["reference"]},
                        headers=auth(w.staff)).body
    assert re.findall(r'utt1-queue-row" data-id="([^"]+)"', by_number) == [w.requests["rejected"]["id"]]
    # Pages: past the last one the list is empty, a page that is not a number is the first.
    beyond = app.get(url, query_string={"page": "2", "state": "all"}, headers=auth(w.staff)).body
    assert re.findall(r'utt1-queue-row" data-id="([^"]+)"', beyond) == []
    garbled = app.get(url, query_string={"page": "๒x", "state": "all"}, headers=auth(w.staff))
    assert garbled.status_code == 200
    assert len(re.findall(r'utt1-queue-row" data-id="', garbled.body)) == len(rows)
    # Not for members of the organization or strangers.
    assert app.get(url, headers=auth(w.member)).status_code == 403
    assert app.get(url, headers=auth(w.stranger)).status_code == 403



def test_tabs_lead_to_the_queues(shared_world, app):
    w = shared_world
    org_page = app.get(f"/organization/{w.org['name']}", headers=auth(w.director)).body
    assert f"/organization/access-requests/{w.org['name']}" in org_page
    assert "/organization/access-requests/" not in app.get(
        f"/organization/{w.org['name']}", headers=auth(w.member)).body
    admin = app.get("/ckan-admin/access-requests", headers=auth(w.sysadmin))
    assert admin.status_code == 200 and w.requests["pending"]["reference"] in admin.body
    assert "/ckan-admin/access-requests" in app.get("/ckan-admin", headers=auth(w.sysadmin)).body
    assert app.get("/ckan-admin/access-requests", headers=auth(w.director)).status_code == 403
    dashboard = app.get("/dashboard/datasets", headers=auth(w.staff)).body
    assert "/dashboard/access-requests" in dashboard
    assert f"/organization/access-requests/{w.org['name']}" in dashboard  # requests to review
    assert "/organization/access-requests/" not in app.get(
        "/dashboard/datasets", headers=auth(w.stranger)).body



def test_my_requests(shared_world, app):
    w = shared_world
    page = app.get("/dashboard/access-requests", headers=auth(w.requesters["approved"]))
    assert page.status_code == 200
    shown = text(page)
    assert "อนุมัติ" in shown and w.requests["approved"]["reference"] in shown
    assert "utt1-download" in page.body  # the download button
    assert re.search(r'href="[^"]*/resource/[^"]+/download/students-secret.csv"', page.body)
    assert "ประวัติการดำเนินการ" in shown
    expired = app.get("/dashboard/access-requests", headers=auth(w.requesters["expired"]))
    assert "utt1-download" not in expired.body and "หมดสิทธิ์เมื่อ" in text(expired)
    pending = text(app.get("/dashboard/access-requests", headers=auth(w.requesters["pending"])))
    assert "รอตรวจสอบ" in pending
    assert app.get("/dashboard/access-requests", follow_redirects=False).status_code == 302



def test_restricted_files_on_dataset_and_resource_pages(shared_world, app):
    w = shared_world
    dataset = app.get(f"/dataset/{w.dataset['name']}")
    assert "utt1-restricted" in dataset.body and "utt1-request-access" in dataset.body
    resource = app.get(f"/dataset/{w.dataset['name']}/resource/{w.restricted['id']}",
                       headers=auth(w.requesters["pending"]))
    shown = text(resource)
    assert "จำกัดสิทธิ์" in shown and "รอตรวจสอบ" in shown  # "your request … is …"
    assert "ไม่มีตัวอย่างข้อมูล" in shown
    public = app.get(f"/dataset/{w.dataset['name']}/resource/{w.public['id']}").body
    assert "utt1-request-access" not in public and "utt1-restricted" not in public
    refused = app.get(f"/dataset/{w.dataset['id']}/resource/{w.restricted['id']}/download")
    assert refused.status_code == 403
    assert f"/dataset/{w.dataset['name']}/request-access?resource_id={w.restricted['id']}" in refused.body
    assert "ไฟล์นี้จำกัดสิทธิ์" in refused.body



def test_pages_with_personal_data_are_never_cached_or_referred(shared_world, app):
    w = shared_world
    page = app.get(f"/access-request/{w.requests['pending']['id']}", headers=auth(w.staff))
    assert "no-store" in page.headers["Cache-Control"]
    assert page.headers["Referrer-Policy"] == "no-referrer"
    queue = app.get(f"/organization/access-requests/{w.org['name']}", headers=auth(w.staff))
    assert "no-store" in queue.headers["Cache-Control"]


def test_what_the_pages_need_comes_from_the_actions(shared_world, app):
    """The request page asks ``utt1service_request_show`` whether the viewer
    made the request; the queue asks ``utt1service_request_list`` how many
    e-mails still wait (staff only)."""
    w = shared_world
    req = w.requests["approved"]

    def show(user):
        return app.get("/api/3/action/utt1service_request_show", query_string={"id": req["id"]},
                       headers=auth(user)).json["result"]

    assert show(w.requesters["approved"])["viewer_is_requester"] is True
    assert show(w.staff)["viewer_is_requester"] is False
    queue = app.get("/api/3/action/utt1service_request_list", headers=auth(w.staff)).json
    assert queue["result"]["mail"] == {"count": 0, "last_error": None, "next_attempt_at": None}
    mine = app.get("/api/3/action/utt1service_request_list", query_string={"mine": True},
                   headers=auth(w.requesters["approved"])).json
    assert "mail" not in mine["result"]


def test_the_approved_requester_is_invited_to_the_survey_where_they_download(shared_world, app):
    w = shared_world
    approved = w.requests["approved"]
    page = app.get(f"/access-request/{approved['id']}", headers=auth(w.requesters["approved"])).body
    assert f"/survey/?request_id={approved['id']}&amp;token=" in page or \
        f"/survey?request_id={approved['id']}&amp;token=" in page
    assert "ประเมินความพึงพอใจ" in page
    # not while the request waits
    pending = w.requests["pending"]
    assert "utt1-survey-invite" not in app.get(f"/access-request/{pending['id']}",
                                               headers=auth(w.requesters["pending"])).body


@pytest.mark.world("approved")
def test_once_the_request_is_rated_it_is_not_offered_the_survey_again(world, app):
    """After the requester answered the survey about the request: no
    invitation on the request page, none in a later approval e-mail, and the
    e-mail's earlier link says it was answered instead of showing the form."""
    from ckanext.utt1service.access_requests import workflow as wf
    from ckanext.utt1service.common import mail
    from ckanext.utt1service.monitoring.logic.action import request_survey_token

    req = world.requests["approved"]
    requester = world.requesters["approved"]
    page = app.get(f"/access-request/{req['id']}", headers=auth(requester)).body
    assert "utt1-survey-invite" in page
    helpers.call_action(
        "utt1service_survey_response_create", context={"user": requester["name"], "ignore_auth": True},
        request_id=req["id"], request_token=request_survey_token(req["id"]),
        staff_courtesy=3, staff_reception=3, search_speed=3, data_match=3, data_quality=3,
    )
    page = app.get(f"/access-request/{req['id']}", headers=auth(requester)).body
    assert "utt1-survey-invite" not in page and "/survey/?request_id=" not in page
    assert "ท่านตอบแบบประเมินความพึงพอใจสำหรับคำขอนี้แล้ว" in page

    variables = wf.mail_variables(model.Session.get(AccessRequest, req["id"]))
    assert variables["survey_url"] is None
    for lang in ("th", "en"):
        body = mail.render("request_approved.txt", lang, recipient_name="x", **variables)
        assert "/survey" not in body
    assert "/survey" in mail.render("request_approved.txt", "en", recipient_name="x",
                                    **dict(variables, survey_url="http://x/survey/?request_id=1"))

    opened = app.get(f"/survey/?request_id={req['id']}&token={request_survey_token(req['id'])}",
                     follow_redirects=False)
    assert opened.status_code == 302 and "/survey/thanks" in opened.headers["Location"]
