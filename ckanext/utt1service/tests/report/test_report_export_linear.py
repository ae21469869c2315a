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
