# -*- coding: utf-8 -*-
"""The staff's analysis of each report period: saved per fiscal year,
period and organization, audited, shown on the page and printed in the
exports; bad input keeps what was typed."""
from __future__ import annotations

import csv
import io
import re

import pytest
from bs4 import BeautifulSoup

from ckan import model
from ckan.tests import factories

from ckanext.utt1service.common.model import AuditEvent
from ckanext.utt1service.report.model import ReportAnalysis
from ckanext.utt1service.tests.report.conftest import auth

ORG_PAGE = "/organization/service-report/report-office"


@pytest.fixture()
def office(clean_db):
    admin = factories.UserWithToken()
    sysadmin = factories.SysadminWithToken()
    org = factories.Organization(name="report-office", users=[{"name": admin["name"], "capacity": "admin"}])
    return {"admin": admin, "sysadmin": sysadmin, "org": org}


def csrf(app, url, user) -> str:
    body = app.get(url, headers=auth(user)).get_data(as_text=True)
    return re.search(r'name="_csrf_token" value="([^"]+)"', body).group(1)


def post(app, user, url, **form):
    form["_csrf_token"] = csrf(app, url + "?fy=" + form.get("fy", ""), user)
    return app.post(url, data=form, headers=auth(user), follow_redirects=False)


def test_saved_per_period_audited_and_printed(app, office):
    admin = office["admin"]
    response = post(app, admin, ORG_PAGE, fy="2569", half="1",
                    problems="ผู้ขอรอนาน\nเพราะเจ้าหน้าที่น้อย", improvements="เพิ่มเจ้าหน้าที่")
    assert response.status_code == 302
    assert "fy=2569" in response.headers["Location"] and "half=1" in response.headers["Location"]

    page = app.get(ORG_PAGE, query_string={"fy": "2569", "half": "1"}, headers=auth(admin)).get_data(as_text=True)
    soup = BeautifulSoup(page, "html.parser")
    assert soup.select_one("#report-problems").get_text() == "ผู้ขอรอนาน\nเพราะเจ้าหน้าที่น้อย"
    assert soup.select_one("#report-improvements").get_text() == "เพิ่มเจ้าหน้าที่"

    # Another period, and the whole office, have their own (empty) analysis.
    for query in ({"fy": "2569"}, {"fy": "2569", "half": "2"}, {"fy": "2568", "half": "1"}):
        other = app.get(ORG_PAGE, query_string=query, headers=auth(admin)).get_data(as_text=True)
        assert BeautifulSoup(other, "html.parser").select_one("#report-problems").get_text() == ""
    whole = app.get("/ckan-admin/service-report", query_string={"fy": "2569", "half": "1"},
                    headers=auth(office["sysadmin"])).get_data(as_text=True)
    assert BeautifulSoup(whole, "html.parser").select_one("#report-problems").get_text() == ""

    # Saving again changes the same row and leaves a second audit entry.
    post(app, admin, ORG_PAGE, fy="2569", half="1", problems="แก้ไขแล้ว", improvements="เพิ่มเจ้าหน้าที่")
    saved = model.Session.query(ReportAnalysis).all()
    assert [(r.fiscal_year, r.period, r.owner_org, r.problems) for r in saved] == [
        (2569, "h1", office["org"]["id"], "แก้ไขแล้ว")
    ]
    trail = AuditEvent.trail("report_analysis", saved[0].id)
    assert [e.action for e in trail] == ["update", "update"]
    assert trail[0].actor_id == admin["id"]
    assert trail[1].data["before"]["problems"] == "ผู้ขอรอนาน\nเพราะเจ้าหน้าที่น้อย"
    assert trail[1].data["after"]["problems"] == "แก้ไขแล้ว"

    # Saving the same text again is not a change: no new audit entry.
    post(app, admin, ORG_PAGE, fy="2569", half="1", problems="แก้ไขแล้ว", improvements="เพิ่มเจ้าหน้าที่")
    assert len(AuditEvent.trail("report_analysis", saved[0].id)) == 2

    # The exports print it.
    export = f"{ORG_PAGE}/export/csv"
    body = app.get(export, query_string={"fy": "2569", "half": "1"}, headers=auth(admin)).data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert ["ปัญหาและอุปสรรค", "แก้ไขแล้ว"] in rows
    assert ["ข้อเสนอแนะและแนวทางการปรับปรุง", "เพิ่มเจ้าหน้าที่"] in rows
    assert rows[0][1] == "รายงานผลการปฏิบัติงานให้บริการข้อมูลสารสนเทศ ปีงบประมาณ 2569 รอบ 6 เดือนแรก"


def test_too_long_text_is_refused_and_kept_in_the_form(app, office):
    admin = office["admin"]
    long_text = "ก" * 20001
    response = post(app, admin, ORG_PAGE, fy="2569", problems=long_text, improvements="ข้อเสนอ")
    assert response.status_code == 200
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert "ยังไม่ได้บันทึกการวิเคราะห์" in soup.get_text()
    assert soup.select_one("#report-problems").get_text() == long_text
    assert soup.select_one("#report-improvements").get_text() == "ข้อเสนอ"
    assert model.Session.query(ReportAnalysis).count() == 0


def test_a_bad_fiscal_year_is_refused(app, office):
    response = post(app, office["admin"], ORG_PAGE, fy="abc", problems="x")
    assert response.status_code == 200
    assert "กรุณาระบุปีงบประมาณเป็นปีพุทธศักราช" in response.get_data(as_text=True)


def test_only_the_organization_admins_may_write_it(app, office):
    editor = factories.UserWithToken()
    factories.Organization(name="other-org", users=[{"name": editor["name"], "capacity": "admin"}])
    token = csrf(app, "/organization/service-report/other-org?fy=2569", editor)
    response = app.post(
        ORG_PAGE, data={"fy": "2569", "problems": "x", "_csrf_token": token}, headers=auth(editor)
    )
    assert response.status_code == 403
    assert model.Session.query(ReportAnalysis).count() == 0


def test_a_period_without_activity_shows_its_zeros_without_empty_charts(app, office):
    page = app.get(ORG_PAGE, query_string={"fy": "2569"}, headers=auth(office["admin"]))
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    assert soup.select("table[data-table=downloads_by_channel] tr.total")
    assert soup.select("canvas") == []
