# -*- coding: utf-8 -*-
"""Publishing a period's report on the public page: who may, what is
frozen, what the public sees (never personal data), unpublishing with an
audit record."""
from __future__ import annotations

import io
import subprocess

import pytest
from openpyxl import load_workbook

import ckan.model as model
from ckan.tests import helpers

from ckanext.utt1service.common.model import AuditEvent
from ckanext.utt1service.report.model import ReportPublication
from ckanext.utt1service.tests.factories import (
    ComplaintFactory,
    DownloadEventFactory,
    SurveyResponseFactory,
)
from ckanext.utt1service.tests.report.conftest import _request, auth, bkk

PUBLIC = "/service-reports"
ACK = {
    "acknowledged_name": "นายวิชัย ใจดี",
    "acknowledged_position": "ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษาอุทัยธานี เขต 1",
    "acknowledged_on": "2026-04-20",
    "complaint_improvements": "ปรับปรุงหน้าค้นหาข้อมูลให้เร็วขึ้น",
}


@pytest.fixture()
def office(known_world, ckan_config, monkeypatch):
    """report-office is the office's organization: its admin (admin1) is the
    office's director."""
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.office_organization", "report-office")
    return known_world


def pdf_text(body: bytes, tmp_path) -> str:
    path = tmp_path / "published.pdf"
    path.write_bytes(body)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True)
    return " ".join(out.stdout.decode("utf-8").split())


def xlsx_text(body: bytes) -> str:
    book = load_workbook(io.BytesIO(body))
    return " ".join(
        str(value) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
        for value in row if value is not None
    )


def publish(user: dict, **data):
    payload = dict(ACK, fiscal_year=2569, half=1)
    payload.update(data)
    return helpers.call_action("utt1service_report_publish", {"user": user["name"], "ignore_auth": False},
                               **payload)


def test_the_director_publishes_and_anyone_downloads_the_frozen_files(app, office, tmp_path):
    w = office
    helpers.call_action("utt1service_report_analysis_update", {"user": w.sysadmin["name"]},
                        fiscal_year=2569, half=1, problems="ผู้ขอบางรายยื่นเอกสารไม่ครบ",
                        improvements="จัดทำคู่มือการยื่นคำขอ")
    published = publish(w.admin1)
    assert published["period"] == "h1" and not published["withdrawn"]

    page = app.get("/th" + PUBLIC)  # anonymous
    assert page.status_code == 200
    assert f'{PUBLIC}">รายงานผลการให้บริการข้อมูลสารสนเทศ</a>' in app.get("/th/").get_data(as_text=True)  # footer
    html = page.get_data(as_text=True)
    assert "รายงานผลการให้บริการข้อมูลสารสนเทศ" in html
    assert "ปีงบประมาณ 2569 รอบ 6 เดือนแรก" in html
    assert "นายวิชัย ใจดี" in html and "20 เมษายน 2569" in html

    files = {}
    for fmt in ("pdf", "xlsx", "csv"):
        response = app.get(f"{PUBLIC}/{published['id']}/{fmt}")
        assert response.status_code == 200, fmt
        assert f"published-service-report-2569-h1.{fmt}" in response.headers["Content-Disposition"]
        files[fmt] = response.data
    text = pdf_text(files["pdf"], tmp_path)
    for wanted in ("รายงานผลการปฏิบัติงานให้บริการข้อมูลสารสนเทศ ปีงบประมาณ 2569 รอบ 6 เดือนแรก",
                   "ระหว่างวันที่ 1 ตุลาคม 2568 ถึงวันที่ 31 มีนาคม 2569",
                   "ผู้ขอบางรายยื่นเอกสารไม่ครบ", "จัดทำคู่มือการยื่นคำขอ",
                   "ปรับปรุงหน้าค้นหาข้อมูลให้เร็วขึ้น", "ทราบ", "นายวิชัย ใจดี",
                   "20 เมษายน 2569", "ระยะเวลาการให้บริการ"):
        assert wanted in text, wanted
    # the long position wraps in the signature block: compare without line breaks
    assert ACK["acknowledged_position"].replace(" ", "") in text.replace(" ", "")
    assert "นายวิชัย ใจดี" in xlsx_text(files["xlsx"])
    assert "ปรับปรุงหน้าค้นหาข้อมูลให้เร็วขึ้น" in files["csv"].decode("utf-8")

    # frozen: a download counted later changes the live report, not the published one
    DownloadEventFactory(dataset=w.a, resource=w.a1, created=bkk(2025, 12, 1, 10, 0), topic="students",
                         channel="web", counted=True, is_bot=False)
    model.Session.commit()
    live = helpers.call_action("utt1service_report_show", {"user": w.sysadmin["name"]}, fiscal_year=2569, half=1)
    assert live["sections"][0]["tables"][0]["rows"][0]["cur"] == 5
    frozen = helpers.call_action("utt1service_report_publication_show", {}, id=published["id"])
    assert frozen["report"]["sections"][0]["tables"][0]["rows"][0]["cur"] == 4
    assert app.get(f"{PUBLIC}/{published['id']}/csv").data == files["csv"]


def test_only_the_director_or_a_sysadmin_publishes(app, office):
    w = office
    for user in (w.admin2, w.editor1, w.stranger):
        with pytest.raises(helpers.logic.NotAuthorized):
            publish(user)
    response = app.post("/api/3/action/utt1service_report_publish", json=dict(ACK, fiscal_year=2569, half=1),
                        headers=auth(w.admin2), status=403)
    assert response.json["success"] is False
    assert publish(w.sysadmin)["period"] == "h1"


def test_a_period_is_published_once_and_only_when_it_is_over(app, office):
    w = office
    publish(w.sysadmin)
    with pytest.raises(helpers.logic.ValidationError, match="already published"):
        publish(w.sysadmin)
    with pytest.raises(helpers.logic.ValidationError, match="not over yet"):
        publish(w.sysadmin, fiscal_year=2570, half=None)
    with pytest.raises(helpers.logic.ValidationError):
        publish(w.sysadmin, acknowledged_name="  ")


def test_unpublishing_keeps_an_audit_record(app, office):
    w = office
    published = publish(w.admin1, half=None, quarter=2)
    assert app.get(PUBLIC).get_data(as_text=True).count("data-publication=") == 1
    helpers.call_action("utt1service_report_unpublish", {"user": w.admin1["name"]},
                        id=published["id"], reason="ตัวเลขไตรมาสต้องตรวจทาน")
    assert 'data-publication="' not in app.get(PUBLIC).get_data(as_text=True)
    assert app.get(f"{PUBLIC}/{published['id']}/pdf").status_code == 404
    listed = helpers.call_action("utt1service_report_publication_list", {"user": w.admin1["name"]},
                                 include_withdrawn=True)
    assert [(p["id"], p["withdrawn"], p["unpublish_reason"]) for p in listed] == [
        (published["id"], True, "ตัวเลขไตรมาสต้องตรวจทาน")]
    assert model.Session.get(ReportPublication, published["id"]) is not None
    trail = model.Session.query(AuditEvent).filter_by(object_type="report_publication",
                                                     object_id=published["id"]).order_by(AuditEvent.created).all()
    assert [(a.action, a.comment) for a in trail] == [("publish", None), ("unpublish", "ตัวเลขไตรมาสต้องตรวจทาน")]
    # anonymous callers never see withdrawn ones
    response = app.post("/api/3/action/utt1service_report_publication_list", json={"include_withdrawn": True},
                        status=403)
    assert response.json["success"] is False
    # published again after review
    assert publish(w.admin1, half=None, quarter=2)["id"] != published["id"]


# Personal data that the office holds, written so that it is recognisable.
NAMES = ["สมศรี", "ปลอดภัยดี", "Somchai", "Privatesurname"]
EMAILS = ["somsri.private@example.net", "somchai.secret@example.org"]
PHONES = ["081-234-5678", "0812345678", "02-999-8888"]


def test_the_public_page_and_its_files_hold_no_personal_data(app, office, tmp_path):
    w = office
    request = _request(w.a, "โรงเรียนบ้านสมศรี", "school", "email", [("submitted", bkk(2025, 11, 1, 9, 0))])
    request.first_name, request.surname = "สมศรี", "ปลอดภัยดี"
    request.email, request.phone = EMAILS[0], PHONES[0]
    ComplaintFactory(dataset=w.a, kind="complaint", category="staff_conduct", state="received",
                     created=bkk(2025, 12, 5, 9, 0), contact_name="Somchai Privatesurname",
                     contact_email=EMAILS[1], contact_phone=PHONES[2],
                     description="เจ้าหน้าที่ชื่อสมศรี โทร 0812345678 ไม่สุภาพ")
    SurveyResponseFactory(dataset=w.a, created=bkk(2026, 1, 10, 9, 0), ratings=(3, 3, 3, 3, 3),
                          suggestion="ขอบคุณคุณสมศรี ปลอดภัยดี ติดต่อ somsri.private@example.net 081-234-5678")
    model.Session.commit()
    published = publish(w.admin1)

    html = app.get(PUBLIC).get_data(as_text=True) + app.get("/th" + PUBLIC).get_data(as_text=True)
    texts = {"page": html}
    for fmt in ("pdf", "xlsx", "csv"):
        body = app.get(f"{PUBLIC}/{published['id']}/{fmt}").data
        texts[fmt] = {"pdf": lambda b: pdf_text(b, tmp_path), "xlsx": xlsx_text,
                      "csv": lambda b: b.decode("utf-8")}[fmt](body)
    frozen = helpers.call_action("utt1service_report_publication_show", {}, id=published["id"])
    texts["api"] = str(frozen)
    # the seeded data is in the period (so its absence means something)
    assert "สมศรี" in str(helpers.call_action("utt1service_report_show", {"user": w.sysadmin["name"]},
                                               fiscal_year=2569, half=1))
    for where, text in texts.items():
        for secret in NAMES + EMAILS + PHONES:
            assert secret not in text, f"{secret!r} in the published {where}"
    # the suggestions are counted, not printed
    assert "จำนวนผู้ให้ข้อเสนอแนะ" in texts["pdf"]
