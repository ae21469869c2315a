# -*- coding: utf-8 -*-
"""Every export of the report is linear in its rows (issue 20).

The XLSX once asked openpyxl for the sheet's last row after every row
(``sheet.max_row`` looks at every cell written so far), so a year with
thousands of suggestions took seconds. Timing would make a flaky test;
instead this counts the Python function calls an export makes (the same
on every run) for a table of N rows and of 4 N rows: linear work grows
about 4 times, quadratic work 16 times."""
from __future__ import annotations

import sys
from typing import Any, Callable

import pytest

from ckanext.utt1service.report import export

SMALL = 150


def _report(rows: int) -> dict[str, Any]:
    columns = [
        {"key": "date", "label": "Date", "kind": "text"},
        {"key": "label", "label": "Suggestion", "kind": "text"},
        {"key": "cur", "label": "Downloads", "kind": "int", "group": "FY 2569"},
        {"key": "share", "label": "Share", "kind": "pct", "group": "FY 2569"},
        {"key": "mean", "label": "Mean", "kind": "mean"},
    ]
    table = {
        "key": "suggestions",
        "title": "Suggestions",
        "columns": columns,
        "rows": [
            {"date": f"{1 + i % 28} พ.ย. 2569", "label": f"=ข้อเสนอแนะที่ {i}", "cur": i,
             "share": 12.345, "mean": 2.5, "total": i == rows - 1}
            for i in range(rows)
        ],
        "note": "a note",
    }
    return {
        "fiscal_year": 2569,
        "period": "year",
        "organization": None,
        "current": {"name": "ปีงบประมาณ 2569", "dates": "1 ต.ค. 2568 – 30 ก.ย. 2569"},
        "previous": {"name": "ปีงบประมาณ 2568", "dates": "1 ต.ค. 2567 – 30 ก.ย. 2568"},
        "generated_label": "1 ธ.ค. 2569",
        "analysis": {"problems": "p", "improvements": "i"},
        "sections": [{"tables": [table]}],
    }


def _calls(fn: Callable[[], Any]) -> int:
    """How many Python function calls (and generator steps) ``fn`` makes."""
    count = 0

    def profile(frame, event, arg):  # noqa: ARG001
        nonlocal count
        if event == "call":
            count += 1

    sys.setprofile(profile)
    try:
        fn()
    finally:
        sys.setprofile(None)
    return count


@pytest.mark.parametrize("writer", ["report_xlsx", "report_csv"])
def test_an_export_of_four_times_the_rows_does_about_four_times_the_work(app, writer):
    write = getattr(export, writer)
    with app.flask_app.test_request_context():
        write(_report(SMALL))  # imports and caches out of the way
        small = _calls(lambda: write(_report(SMALL)))
        large = _calls(lambda: write(_report(4 * SMALL)))
    assert large / small < 4.5, f"{writer}: {small} calls for {SMALL} rows, {large} for {4 * SMALL}"


def test_the_xlsx_keeps_numbers_as_numbers_in_the_page_s_formats(app):
    """What a reader of the XLSX sees (written by XlsxWriter since issue
    20): one sheet per table after the cover, the title in bold, the header
    row frozen, numbers as numbers in the page's formats (shares as
    percentages), text as text, the total row in bold, the note below."""
    import io

    from openpyxl import load_workbook

    with app.flask_app.test_request_context():
        body = export.report_xlsx(_report(3))
    book = load_workbook(io.BytesIO(body))
    cover, sheet = book.worksheets
    assert cover["A1"].value.endswith("ปีงบประมาณ 2569") and cover["A1"].font.b
    assert sheet.title == "1 Suggestions" and sheet["A1"].value == "Suggestions" and sheet["A1"].font.b
    assert sheet.freeze_panes == "A4"
    assert [c.value for c in sheet[3]] == ["Date", "Suggestion", "Downloads FY 2569", "Share FY 2569", "Mean"]
    first, last = sheet[4], sheet[6]
    assert [c.value for c in first] == ["1 พ.ย. 2569", "'=ข้อเสนอแนะที่ 0", 0, 0.123, 2.5]
    assert [c.data_type for c in first] == ["s", "s", "n", "n", "n"]
    assert [c.number_format for c in first][2:] == ["#,##0", "0.0%", "0.00"]
    assert not any(c.font.b for c in first) and all(c.font.b for c in last)
    assert sheet["A8"].value == "a note"
