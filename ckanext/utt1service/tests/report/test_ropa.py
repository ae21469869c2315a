# -*- coding: utf-8 -*-
"""The record of processing activities (PDPA section 39): sysadmins only,
written from the configuration, with the purge runs, as page, XLSX and PDF
(whose Thai text reads back as typed)."""
from __future__ import annotations

import io
import subprocess

import pytest
from openpyxl import load_workbook

from ckan.tests import factories, helpers

from ckanext.utt1service.monitoring.cli import purge_contacts
from ckanext.utt1service.tests.report.conftest import auth

PAGE = "/ckan-admin/ropa"


@pytest.fixture()
def people(clean_db):
    return {"sysadmin": factories.SysadminWithToken(), "user": factories.UserWithToken()}


def test_only_sysadmins_see_the_record(app, people):
    for url in (PAGE, PAGE + "/export/xlsx", PAGE + "/export/pdf"):
        assert app.get(url, headers=auth(people["user"]), status=403).status_code == 403
        assert app.get(url, follow_redirects=False).status_code == 302  # anonymous: log in
    app.post("/api/3/action/utt1service_ropa_show", json={}, headers=auth(people["user"]), status=403)


def test_the_record_follows_the_configuration_and_lists_the_purge_runs(app, people, ckan_config,
                                                                       monkeypatch, tmp_path):
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.personal_data_retention_days", 400)
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.complaint_contact_retention_days", 200)
    helpers.call_action("utt1service_request_purge_personal_data", {"user": people["sysadmin"]["name"]},
                        days=400, dry_run=False)
    purge_contacts(200)

    page = app.get("/th" + PAGE, headers=auth(people["sysadmin"]))
    html = page.get_data(as_text=True)
    assert "บันทึกรายการกิจกรรมการประมวลผลข้อมูลส่วนบุคคล (มาตรา 39)" in html
    assert "400 วันหลังคำขอสิ้นสุด" in html and "ข้อมูลติดต่อ: 200 วันหลังปิดเรื่อง" in html
    assert "ทำให้คำขอไม่สามารถระบุตัวตนได้ 0 รายการ (เก็บไว้ 400 วัน)" in html
    assert "ลบข้อมูลติดต่อผู้ร้องเรียน 0 เรื่อง (เก็บไว้ 200 วันหลังปิดเรื่อง)" in html

    body = app.get(PAGE + "/export/xlsx", headers=auth(people["sysadmin"])).data
    book = load_workbook(io.BytesIO(body))
    cells = [str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row if v]
    assert any("400 วันหลังคำขอสิ้นสุด" in c for c in cells)
    assert "ทำให้คำขอไม่สามารถระบุตัวตนได้ 0 รายการ (เก็บไว้ 400 วัน)" in cells

    response = app.get(PAGE + "/export/pdf", headers=auth(people["sysadmin"]))
    assert response.data.startswith(b"%PDF")
    path = tmp_path / "ropa.pdf"
    path.write_bytes(response.data)
    text = " ".join(subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                                   capture_output=True).stdout.decode("utf-8").split())
    for wanted in ("บันทึกรายการกิจกรรมการประมวลผลข้อมูลส่วนบุคคล (มาตรา 39)", "ผู้ควบคุมข้อมูลส่วนบุคคล",
                   "คำขอใช้บริการข้อมูลที่มีชั้นความลับหรือจำกัดการเข้าถึง", "ฐานทางกฎหมาย",
                   "แบบประเมินความพึงพอใจ", "ทะเบียนประเด็นปัญหาและเรื่องร้องเรียน",
                   "ประวัติการลบข้อมูลส่วนบุคคล", "หน้า 1 /"):
        assert wanted in text, wanted


def test_a_dry_run_is_not_logged(app, people):
    helpers.call_action("utt1service_request_purge_personal_data", {"user": people["sysadmin"]["name"]},
                        dry_run=True)
    record = app.post("/api/3/action/utt1service_ropa_show", json={},
                      headers=auth(people["sysadmin"])).json["result"]
    assert record["purge_runs"] == []
    assert [a["key"] for a in record["activities"]] == ["access_requests", "survey", "complaints"]
