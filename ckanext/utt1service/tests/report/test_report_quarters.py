# -*- coding: utf-8 -*-
"""Quarters of the fiscal year (October–December … July–September), at
the Bangkok-time boundaries, on the page, in the action and the exports."""
from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup

from ckan.tests import helpers

from ckanext.utt1service.common import thaidate
from ckanext.utt1service.tests.report.conftest import auth
from ckanext.utt1service.tests.report.test_report_numbers import page_tables

PAGE = "/ckan-admin/service-report"


@pytest.mark.parametrize("quarter, first, after", [
    (1, dt.datetime(2025, 10, 1), dt.datetime(2026, 1, 1)),
    (2, dt.datetime(2026, 1, 1), dt.datetime(2026, 4, 1)),
    (3, dt.datetime(2026, 4, 1), dt.datetime(2026, 7, 1)),
    (4, dt.datetime(2026, 7, 1), dt.datetime(2026, 10, 1)),
])
def test_quarter_bounds_are_bangkok_midnights(quarter, first, after):
    start, end = thaidate.fiscal_year_bounds(2569, quarter=quarter)
    assert (start, end) == (first.replace(tzinfo=thaidate.BANGKOK), after.replace(tzinfo=thaidate.BANGKOK))
    with pytest.raises(ValueError):
        thaidate.fiscal_year_bounds(2569, half=1, quarter=quarter)


# Downloads of the known world per quarter (FY 2569 beside FY 2568): the
# events at 31 Mar 23:59 / 1 Apr 00:00 and 30 Sep 23:59 / 1 Oct 00:00
# Bangkok time fall on either side of a quarter boundary.
QUARTERS = {
    1: ("3", "1", ["ต.ค.", "พ.ย.", "ธ.ค."]),
    2: ("1", "1", ["ม.ค.", "ก.พ.", "มี.ค."]),
    3: ("2", "1", ["เม.ย.", "พ.ค.", "มิ.ย."]),
    4: ("1", "1", ["ก.ค.", "ส.ค.", "ก.ย."]),
}


@pytest.mark.parametrize("quarter", [1, 2, 3, 4])
def test_each_quarter_on_the_page(app, known_world, quarter):
    cur, prev, months = QUARTERS[quarter]
    response = app.get("/th" + PAGE, query_string={"fy": "2569", "half": f"q{quarter}"},
                       headers=auth(known_world.sysadmin))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    tables = page_tables(html)
    summary = dict(tables["summary"])
    assert (summary["downloads"]["cur"], summary["downloads"]["prev"]) == (cur, prev)
    assert [cells["label"] for _key, cells in tables["downloads_by_month"]] == months + ["รวม"]
    text = BeautifulSoup(html, "html.parser").get_text(" ")
    assert f"ปีงบประมาณ 2569 ไตรมาสที่ {quarter}" in text
    selected = BeautifulSoup(html, "html.parser").select_one("#report-half option[selected]")
    assert selected["value"] == f"q{quarter}"


def test_quarter_through_the_action_and_the_csv(app, known_world):
    report = helpers.call_action(
        "utt1service_report_show", {"user": known_world.sysadmin["name"]}, fiscal_year=2569, quarter=3
    )
    assert report["period"] == "q3" and report["current"]["first_day"] == "2026-04-01"
    assert report["current"]["last_day"] == "2026-06-30"
    response = app.get(PAGE + "/export/csv", query_string={"fy": "2569", "quarter": "3"},
                       headers=auth(known_world.sysadmin))
    assert response.headers["Content-Disposition"] == 'attachment; filename="service-report-2569-q3.csv"'


def test_a_half_and_a_quarter_together_are_refused(app, known_world):
    response = app.post(
        "/api/3/action/utt1service_report_show",
        json={"fiscal_year": 2569, "half": 1, "quarter": 2},
        headers=auth(known_world.sysadmin),
        status=409,
    )
    assert "quarter" in response.json["error"]
    response = app.post(
        "/api/3/action/utt1service_report_show",
        json={"fiscal_year": 2569, "quarter": 5},
        headers=auth(known_world.sysadmin),
        status=409,
    )
    assert response.json["error"]["quarter"] == ["ไตรมาสต้องเป็น 1, 2, 3 หรือ 4"]  # the site is in Thai
