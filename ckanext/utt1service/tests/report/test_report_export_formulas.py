# -*- coding: utf-8 -*-
"""The exports cannot attack the staff who open them: an anonymous survey
suggestion or an analysis that starts like a spreadsheet formula arrives
as readable text in the CSV, and as a text cell (never a formula) in the
XLSX."""
from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from openpyxl import load_workbook

from ckan.tests import factories

from ckanext.utt1service.common import spreadsheet, thaidate
from ckanext.utt1service.tests.report.conftest import auth

ADMIN_PAGE = "/ckan-admin/service-report"
EVIL = '=HYPERLINK("http://evil.example/x","click")'
PROBLEMS = "+cmd|' /C calc'!A0"
IMPROVEMENTS = "@SUM(1+1)*cmd|' /C calc'!A0"


def _csrf(client, url: str, headers: dict[str, str]) -> str:
    body = client.get(url, headers=headers).get_data(as_text=True)
    return re.search(r'name="_csrf_token" value="([^"]+)"', body).group(1)


@pytest.fixture()
def attacked(app, clean_db):
    """An anonymous visitor's survey suggestion and a sysadmin's analysis,
    both in this fiscal year's report of the whole office."""
    visitor = app.test_client()
    answers = dict.fromkeys(
        ("staff_courtesy", "staff_reception", "search_speed", "data_match", "data_quality"), "3"
    )
    response = visitor.post(
        "/survey/",
        data=dict(answers, suggestion=EVIL, _csrf_token=_csrf(visitor, "/survey/", {})),
        follow_redirects=False,
    )
    assert response.status_code == 302, response.get_data(as_text=True)

    sysadmin = factories.SysadminWithToken()
    fiscal_year = str(thaidate.fiscal_year_of(datetime.datetime.now(datetime.timezone.utc)))
    response = app.post(
        ADMIN_PAGE,
        data={
            "fy": fiscal_year,
            "problems": PROBLEMS,
            "improvements": IMPROVEMENTS,
            "_csrf_token": _csrf(app, ADMIN_PAGE, auth(sysadmin)),
        },
        headers=auth(sysadmin),
        follow_redirects=False,
    )
    assert response.status_code == 302
    return {"sysadmin": sysadmin, "fy": fiscal_year}


def _export(app, attacked, fmt: str, **query: str):
    response = app.get(
        f"{ADMIN_PAGE}/export/{fmt}", query_string=dict(query, fy=attacked["fy"]),
        headers=auth(attacked["sysadmin"]),
    )
    assert response.status_code == 200
    return response.data


def _cells(rows: list[list[str]]) -> list[str]:
    return [cell for row in rows for cell in row]


def test_the_csv_exports_neutralise_formulas_and_keep_the_text(app, attacked):
    rows = list(csv.reader(io.StringIO(_export(app, attacked, "csv").decode("utf-8-sig"))))
    cells = _cells(rows)
    assert "'" + EVIL in cells
    assert ["ปัญหาและอุปสรรค", "'" + PROBLEMS] in rows
    assert ["ข้อเสนอแนะและแนวทางการปรับปรุง", "'" + IMPROVEMENTS] in rows
    assert not [c for c in cells if c.startswith(spreadsheet.FORMULA_STARTS) and not re.fullmatch(r"[+-]?[\d.,]+%?", c)]

    # one table alone, too
    table = list(csv.reader(io.StringIO(
        _export(app, attacked, "csv", table="suggestions").decode("utf-8-sig"))))
    assert "'" + EVIL in _cells(table)
    assert EVIL not in _cells(table)


def test_the_xlsx_export_stores_them_as_text_never_as_formulas(app, attacked):
    book = load_workbook(io.BytesIO(_export(app, attacked, "xlsx")))
    texts = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value}"
                if isinstance(cell.value, str):
                    texts[cell.value] = cell.data_type
    for text in (EVIL, PROBLEMS, IMPROVEMENTS):
        assert texts.get("'" + text) == "s", text
        assert text not in texts


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+2", "'=1+2"),
        ("+1+2", "'+1+2"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+2", "'\t=1+2"),
        ("\r=1+2", "'\r=1+2"),
        ("- เพิ่มเจ้าหน้าที่", "'- เพิ่มเจ้าหน้าที่"),
        ("ข้อมูลดี =1+2", "ข้อมูลดี =1+2"),
        ("-12.5", "-12.5"),
        ("+3", "+3"),
        ("-", "'-"),
        (-12.5, -12.5),
        (None, None),
    ],
)
def test_safe_cell(value, expected):
    assert spreadsheet.safe_cell(value) == expected
