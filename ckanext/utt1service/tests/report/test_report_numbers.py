# -*- coding: utf-8 -*-
"""Every number of the service report, on the page and in the CSV, XLSX and
PDF exports, against figures computed by hand from the known data of
``conftest.py`` (fiscal year 2569 beside 2568; the halves; one organization).

How the hand figures were made, e.g. downloads by channel in FY 2569: the
events counted (not repeats, not bots) between 1 Oct 2025 00:00 and
30 Sep 2026 23:59 Bangkok time are web 4 (1 Oct 00:00, 15 Oct, 10 Jun,
30 Sep 23:59), api 1, qr 1 (31 Mar 23:59), paper 1 (1 Apr 00:00): 7, so web
is 4/7 = 57.1%. The event at 1 Oct 2026 00:00 belongs to FY 2570 and the one
at 30 Sep 2024 23:59 to FY 2567.
"""
from __future__ import annotations

import csv
import io
import re
import subprocess

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from ckanext.utt1service.tests.report.conftest import auth

PAGE = "/ckan-admin/service-report"
EXPORT = "/ckan-admin/service-report/export/{fmt}"

# table key -> [(row key, {column key: value as the page shows it})], in order.
FY2569: dict[str, list[tuple[str, dict[str, str]]]] = {
    "summary": [
        ("downloads", {"cur": "7", "prev": "4"}),
        ("requests", {"cur": "5", "prev": "3"}),
        ("responses", {"cur": "4", "prev": "2"}),
        ("satisfaction", {"cur": "2.45", "prev": "1.90"}),
        ("complaints", {"cur": "3", "prev": "2"}),
    ],
    "downloads_by_channel": [
        ("web", {"cur": "4", "cur_share": "57.1%", "prev": "1", "prev_share": "25.0%"}),
        ("qr", {"cur": "1", "cur_share": "14.3%", "prev": "2", "prev_share": "50.0%"}),
        ("api", {"cur": "1", "cur_share": "14.3%", "prev": "0", "prev_share": "0.0%"}),
        # reads of tables in the DataStore (issue 17): a row of their own
        ("datastore", {"cur": "0", "cur_share": "0.0%", "prev": "0", "prev_share": "0.0%"}),
        ("email", {"cur": "0", "cur_share": "0.0%", "prev": "1", "prev_share": "25.0%"}),
        ("paper", {"cur": "1", "cur_share": "14.3%", "prev": "0", "prev_share": "0.0%"}),
        ("_total", {"cur": "7", "cur_share": "100.0%", "prev": "4", "prev_share": "100.0%"}),
    ],
    "downloads_by_month": [
        ("2025-10-01", {"cur": "2", "prev": "1"}),
        ("2025-11-01", {"cur": "1", "prev": "0"}),
        ("2025-12-01", {"cur": "0", "prev": "0"}),
        ("2026-01-01", {"cur": "0", "prev": "0"}),
        ("2026-02-01", {"cur": "0", "prev": "0"}),
        ("2026-03-01", {"cur": "1", "prev": "1"}),
        ("2026-04-01", {"cur": "1", "prev": "1"}),
        ("2026-05-01", {"cur": "0", "prev": "0"}),
        ("2026-06-01", {"cur": "1", "prev": "0"}),
        ("2026-07-01", {"cur": "0", "prev": "0"}),
        ("2026-08-01", {"cur": "0", "prev": "0"}),
        ("2026-09-01", {"cur": "1", "prev": "1"}),
        ("_total", {"cur": "7", "prev": "4"}),
    ],
    "downloads_by_topic": [
        ("students", {"cur": "3", "cur_share": "42.9%", "prev": "2", "prev_share": "50.0%"}),
        ("teachers", {"cur": "2", "cur_share": "28.6%", "prev": "2", "prev_share": "50.0%"}),
        ("", {"cur": "2", "cur_share": "28.6%", "prev": "0", "prev_share": "0.0%"}),
        ("_total", {"cur": "7", "cur_share": "100.0%", "prev": "4", "prev_share": "100.0%"}),
    ],
    "top_datasets": [
        ("1", {"rank": "1", "label": "จำนวนนักเรียน ปีการศึกษา 2569", "cur": "3", "prev": "2"}),
        ("2", {"rank": "2", "label": "Teachers 2569", "cur": "2", "prev": "2"}),
        ("3", {"rank": "3", "label": "Schools 2569", "cur": "2", "prev": "0"}),
    ],
    "top_resources": [
        ("1", {"rank": "1", "label": "teachers.csv", "dataset": "Teachers 2569", "cur": "2", "prev": "2"}),
        ("2", {"rank": "2", "label": "students-by-grade.csv", "cur": "2", "prev": "1"}),
        ("3", {"rank": "3", "label": "schools.csv", "dataset": "Schools 2569", "cur": "2", "prev": "0"}),
        ("4", {"rank": "4", "label": "students-by-school.xlsx", "cur": "1", "prev": "1"}),
    ],
    "requests_summary": [
        ("received", {"cur": "5", "prev": "3"}),
        ("approved", {"cur": "4", "prev": "1"}),
        ("rejected", {"cur": "1", "prev": "0"}),
        ("withdrawn", {"cur": "1", "prev": "0"}),
        ("pending", {"cur": "1", "prev": "2"}),
        ("days_to_decision", {"cur": "5.0", "prev": "4.0"}),
        ("days_to_delivery", {"cur": "3.0", "prev": "5.0"}),
    ],
    # Received in FY 2569: r2 government, r3 and r4 school, r5 university,
    # r10 none (made before the form asked: "not stated"); in FY 2568: r1
    # school (30 Sep 23:59), r8 area office, r9 university. r6 (never
    # confirmed) and r7 (FY 2570) are not counted.
    "requests_by_agency_type": [
        ("school", {"cur": "2", "cur_share": "40.0%", "prev": "1", "prev_share": "33.3%"}),
        ("area_office", {"cur": "0", "cur_share": "0.0%", "prev": "1", "prev_share": "33.3%"}),
        ("government", {"cur": "1", "cur_share": "20.0%", "prev": "0", "prev_share": "0.0%"}),
        ("university", {"cur": "1", "cur_share": "20.0%", "prev": "1", "prev_share": "33.3%"}),
        ("private", {"cur": "0", "cur_share": "0.0%", "prev": "0", "prev_share": "0.0%"}),
        ("public", {"cur": "0", "cur_share": "0.0%", "prev": "0", "prev_share": "0.0%"}),
        ("other", {"cur": "0", "cur_share": "0.0%", "prev": "0", "prev_share": "0.0%"}),
        ("", {"cur": "1", "cur_share": "20.0%", "prev": "0", "prev_share": "0.0%"}),
        ("_total", {"cur": "5", "cur_share": "100.0%", "prev": "3", "prev_share": "100.0%"}),
    ],
    "requests_by_channel": [
        ("download", {"cur": "3", "cur_share": "60.0%", "prev": "2", "prev_share": "66.7%"}),
        ("email", {"cur": "1", "cur_share": "20.0%", "prev": "1", "prev_share": "33.3%"}),
        ("paper", {"cur": "1", "cur_share": "20.0%", "prev": "0", "prev_share": "0.0%"}),
        ("_total", {"cur": "5", "cur_share": "100.0%", "prev": "3", "prev_share": "100.0%"}),
    ],
    "satisfaction_summary": [
        ("responses", {"cur": "4", "prev": "2"}),
        ("overall_mean", {"cur": "2.45", "prev": "1.90"}),
        ("suggestions", {"cur": "2", "prev": "1"}),
    ],
    "satisfaction_items": [
        ("staff_courtesy", {
            "very_good_cur": "75.0%", "very_good_prev": "50.0%", "fair_cur": "25.0%", "fair_prev": "0.0%",
            "needs_improvement_cur": "0.0%", "needs_improvement_prev": "50.0%",
            "mean_cur": "2.75", "mean_prev": "2.00"}),
        ("staff_reception", {
            "very_good_cur": "50.0%", "very_good_prev": "50.0%", "fair_cur": "50.0%", "fair_prev": "0.0%",
            "needs_improvement_cur": "0.0%", "needs_improvement_prev": "50.0%",
            "mean_cur": "2.50", "mean_prev": "2.00"}),
        ("search_speed", {
            "very_good_cur": "25.0%", "very_good_prev": "50.0%", "fair_cur": "50.0%", "fair_prev": "0.0%",
            "needs_improvement_cur": "25.0%", "needs_improvement_prev": "50.0%",
            "mean_cur": "2.00", "mean_prev": "2.00"}),
        ("data_match", {
            "very_good_cur": "75.0%", "very_good_prev": "50.0%", "fair_cur": "25.0%", "fair_prev": "0.0%",
            "needs_improvement_cur": "0.0%", "needs_improvement_prev": "50.0%",
            "mean_cur": "2.75", "mean_prev": "2.00"}),
        ("data_quality", {
            "very_good_cur": "50.0%", "very_good_prev": "0.0%", "fair_cur": "25.0%", "fair_prev": "50.0%",
            "needs_improvement_cur": "25.0%", "needs_improvement_prev": "50.0%",
            "mean_cur": "2.25", "mean_prev": "1.50"}),
        ("_overall", {
            "very_good_cur": "55.0%", "very_good_prev": "40.0%", "fair_cur": "35.0%", "fair_prev": "10.0%",
            "needs_improvement_cur": "10.0%", "needs_improvement_prev": "50.0%",
            "mean_cur": "2.45", "mean_prev": "1.90"}),
    ],
    "suggestions": [
        ("1", {"label": "ดาวน์โหลดเร็วดีมาก"}),
        ("2", {"label": "ควรเพิ่มข้อมูลรายโรงเรียน"}),
    ],
    "complaints_summary": [
        ("complaints", {"cur": "2", "prev": "2"}),
        ("problems", {"cur": "1", "prev": "0"}),
        ("resolved", {"cur": "2", "prev": "1"}),
        ("days_to_resolve", {"cur": "1.5", "prev": "7.0"}),
    ],
    "complaints_by_category": [
        ("data_wrong", {"cur": "1", "prev": "1"}),
        ("cannot_find", {"cur": "0", "prev": "1"}),
        ("slow_service", {"cur": "1", "prev": "0"}),
        ("staff_conduct", {"cur": "0", "prev": "0"}),
        ("system_error", {"cur": "1", "prev": "0"}),
        ("other", {"cur": "0", "prev": "0"}),
        ("_total", {"cur": "3", "prev": "2"}),
    ],
    "complaints_by_channel": [
        ("web", {"cur": "3", "prev": "2"}),
        ("phone", {"cur": "0", "prev": "0"}),
        ("email", {"cur": "0", "prev": "0"}),
        ("walk_in", {"cur": "0", "prev": "0"}),
        ("paper", {"cur": "0", "prev": "0"}),
        ("_total", {"cur": "3", "prev": "2"}),
    ],
    "complaints_by_state": [
        ("received", {"cur": "1", "prev": "0"}),
        ("in_progress", {"cur": "1", "prev": "1"}),
        ("resolved", {"cur": "0", "prev": "0"}),
        ("closed", {"cur": "1", "prev": "1"}),
        ("_total", {"cur": "3", "prev": "2"}),
    ],
    # Turnaround, in days from entering the queue, each step in the period it
    # happened (percentile_cont: p90 of [a, b, c] = b + 0.8 (c - b)).
    # FY 2569: checked r1 0.376 (23:59 → 09:00), r3 0.25, r10 9 (paper);
    # decided r3 1, r1 2, r2 5, r10 10 (paper), r9 162 (received 1 May 2025);
    # delivered r3 2.5 (first download via the grant), r1 3.5.
    # FY 2568: checked r8 1 (e-mail), r9 1; decided r8 4; delivered r8 5.
    "requests_turnaround": [
        ("checked:_all", {"median_cur": "0.4", "p90_cur": "7.3", "n_cur": "3",
                          "median_prev": "1.0", "p90_prev": "1.0", "n_prev": "2"}),
        ("checked:download", {"median_cur": "0.3", "p90_cur": "0.4", "n_cur": "2",
                              "median_prev": "1.0", "p90_prev": "1.0", "n_prev": "1"}),
        ("checked:email", {"median_cur": "–", "p90_cur": "–", "n_cur": "0",
                           "median_prev": "1.0", "p90_prev": "1.0", "n_prev": "1"}),
        ("checked:paper", {"median_cur": "9.0", "p90_cur": "9.0", "n_cur": "1",
                           "median_prev": "–", "p90_prev": "–", "n_prev": "0"}),
        ("decided:_all", {"median_cur": "5.0", "p90_cur": "101.2", "n_cur": "5",
                          "median_prev": "4.0", "p90_prev": "4.0", "n_prev": "1"}),
        ("decided:download", {"median_cur": "3.5", "p90_cur": "114.9", "n_cur": "4",
                              "median_prev": "–", "p90_prev": "–", "n_prev": "0"}),
        ("decided:email", {"median_cur": "–", "p90_cur": "–", "n_cur": "0",
                           "median_prev": "4.0", "p90_prev": "4.0", "n_prev": "1"}),
        ("decided:paper", {"median_cur": "10.0", "p90_cur": "10.0", "n_cur": "1",
                           "median_prev": "–", "p90_prev": "–", "n_prev": "0"}),
        ("delivered:_all", {"median_cur": "3.0", "p90_cur": "3.4", "n_cur": "2",
                            "median_prev": "5.0", "p90_prev": "5.0", "n_prev": "1"}),
        ("delivered:download", {"median_cur": "3.0", "p90_cur": "3.4", "n_cur": "2",
                                "median_prev": "–", "p90_prev": "–", "n_prev": "0"}),
        ("delivered:email", {"median_cur": "–", "p90_cur": "–", "n_cur": "0",
                             "median_prev": "5.0", "p90_prev": "5.0", "n_prev": "1"}),
    ],
    # Service levels (default targets: check 3, decision 5, delivery 3, whole
    # service 15 calendar days), requests by the day they entered the queue.
    # FY 2569: r2 (rejected unchecked: whole service 5 days), r3 (check 0,
    # decision 1, whole 1), r10 (sent again 10 Dec: check 1, decision 1; on
    # paper, not yet delivered: no whole service yet); r4 withdrawn, r5
    # waiting. FY 2568: r1 (check 1, decision 1, whole 2), r8 (check 1,
    # decision 3, delivery by e-mail 1, whole 5), r9 (check 1, decision 161
    # days: late; whole 162: late).
    "requests_late": [
        ("check", {"target": "3", "count_cur": "2", "late_cur": "0", "count_prev": "3", "late_prev": "0"}),
        ("decision", {"target": "5", "count_cur": "2", "late_cur": "0", "count_prev": "3", "late_prev": "1"}),
        ("delivery", {"target": "3", "count_cur": "0", "late_cur": "0", "count_prev": "1", "late_prev": "0"}),
        ("overall", {"target": "15", "count_cur": "2", "late_cur": "0", "count_prev": "3", "late_prev": "1"}),
    ],
    # acknowledged = first change of state: FY 2569 1 day and 1 day 1 minute;
    # FY 2568 59 minutes and 1 day. Resolved: FY 2569 1 hour and 3 days; FY 2568 7 days.
    "complaints_turnaround": [
        ("acknowledged", {"median_cur": "1.0", "p90_cur": "1.0", "n_cur": "2",
                          "median_prev": "0.5", "p90_prev": "0.9", "n_prev": "2"}),
        ("resolved", {"median_cur": "1.5", "p90_cur": "2.7", "n_cur": "2",
                      "median_prev": "7.0", "p90_prev": "7.0", "n_prev": "1"}),
    ],
}

# The satisfaction level of each item (English page): means 2.75, 2.50,
# 2.00, 2.75, 2.25 and 2.45 overall.
LEVELS = ["Very good", "Very good", "Fair", "Very good", "Fair", "Very good"]

# The rows of "requests by agency type", in Thai and in English.
AGENCY_TYPES_TH = ["โรงเรียนในสังกัด", "สำนักงานเขตพื้นที่การศึกษา", "หน่วยงานราชการอื่น",
                   "สถาบันอุดมศึกษา/นักวิจัย", "ภาคเอกชน", "ประชาชนทั่วไป", "อื่น ๆ", "ไม่ระบุ", "รวม"]
AGENCY_TYPES_EN = ["School under the office", "Educational service area office",
                   "Other government agency", "Higher education institution or researcher",
                   "Private sector", "General public", "Other", "Not stated", "Total"]


# --- reading the outputs -------------------------------------------------------------


def page_tables(html: str) -> dict[str, list[tuple[str, dict[str, str]]]]:
    """{table key: [(row key, {column key: text})]} of the report page."""
    soup = BeautifulSoup(html, "html.parser")
    tables = {}
    for table in soup.select("table[data-table]"):
        rows = []
        for tr in table.select("tbody tr"):
            cells = {td["data-column"]: td.get_text(strip=True) for td in tr.select("td")}
            rows.append((tr["data-key"], cells))
        tables[table["data-table"]] = rows
    return tables


def page_columns(html: str) -> dict[str, list[str]]:
    soup = BeautifulSoup(html, "html.parser")
    return {
        t["data-table"]: [td["data-column"] for td in t.select("tbody tr")[0].select("td")]
        for t in soup.select("table[data-table]")
        if t.select("tbody tr")
    }


def plain(text: str) -> str:
    """A page value as the CSV writes it: 1,234 -> 1234, 57.1% -> 57.1, – -> ''."""
    if text == "–":
        return ""
    return text.replace(",", "").rstrip("%")


def check_rows(actual: list[tuple[str, dict[str, str]]], expected: list[tuple[str, dict[str, str]]], where: str):
    assert [key for key, _cells in actual] == [key for key, _cells in expected], where
    for (key, cells), (_key, wanted) in zip(actual, expected):
        for column, value in wanted.items():
            assert cells[column] == value, f"{where}: row {key!r}, column {column!r}"


def csv_sections(body: bytes) -> dict[str, list[list[str]]]:
    """{table title: rows after its header} of the whole-report CSV."""
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    sections: dict[str, list[list[str]]] = {}
    current = None
    for index, row in enumerate(rows):
        if not row:
            current = None
            continue
        if current is None and len(row) == 1 and index + 1 < len(rows) and len(rows[index + 1]) > 1:
            current = row[0]
            sections[current] = []
            continue
        if current is not None:
            sections[current].append(row)
    return {title: rows[1:] for title, rows in sections.items()}  # drop the header rows


def pdf_text(body: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(body)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True
    ).stdout.decode("utf-8")


NUMBER = re.compile(r"–|-?\d[\d,]*(?:\.\d+)?%?")


def check_pdf_numbers(text: str, expected_rows: list[list[str]]) -> None:
    """Each expected row's numbers end a line of the PDF text, in the order
    of the report (the Thai labels are checked separately, as whole strings)."""
    lines = [NUMBER.findall(line) for line in text.splitlines()]
    position = 0
    for wanted in expected_rows:
        while position < len(lines) and lines[position][-len(wanted):] != wanted:
            position += 1
        assert position < len(lines), f"no line of the PDF ends with {wanted}"
        position += 1


# --- the tests -------------------------------------------------------------------------


def test_fiscal_year_2569_page_and_every_export(app, known_world, tmp_path):
    headers = auth(known_world.sysadmin)
    response = app.get(PAGE, query_string={"fy": "2569"}, headers=headers)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    tables = page_tables(html)
    assert set(tables) == set(FY2569)
    for key, expected in FY2569.items():
        check_rows(tables[key], expected, f"page {key}")
    soup = BeautifulSoup(html, "html.parser")
    assert "1 ตุลาคม 2568 – 30 กันยายน 2569" in soup.get_text()
    assert "ปีงบประมาณ 2568" in soup.get_text()
    assert [cells["label"] for _k, cells in tables["requests_by_agency_type"]] == AGENCY_TYPES_TH
    agency_types = soup.select_one("#table-requests_by_agency_type").get_text(" ", strip=True)
    assert "คำขอที่ได้รับจำแนกตามประเภทหน่วยงานของผู้ขอ" in agency_types
    assert "ไม่ระบุ: คำขอที่ยื่นก่อนแบบคำขอจะมีช่องประเภทหน่วยงาน" in agency_types
    # a chart beside each table that has one and figures to draw
    charted = {c.find_parent(class_="utt1service-report-block")["id"] for c in soup.select("canvas")}
    assert {"table-downloads_by_channel", "table-downloads_by_month",
            "table-satisfaction_items", "table-requests_by_agency_type"} <= charted

    # English page: the same numbers, labels in English, the levels.
    english = app.get("/en" + PAGE, query_string={"fy": "2569"}, headers=headers).get_data(as_text=True)
    english_tables = page_tables(english)
    for key, expected in FY2569.items():
        check_rows(english_tables[key], expected, f"English page {key}")
    assert [cells["level"] for _k, cells in english_tables["satisfaction_items"]] == LEVELS
    assert [cells["label"] for _k, cells in english_tables["requests_by_agency_type"]] == AGENCY_TYPES_EN
    assert "1 October 2025 – 30 September 2026" in BeautifulSoup(english, "html.parser").get_text()

    # CSV of the whole report: each table under its title, same numbers.
    titles = {
        key: BeautifulSoup(html, "html.parser").select_one(f"#table-{key} h3").get_text(strip=True)
        for key in FY2569
    }
    columns = page_columns(html)
    response = app.get(EXPORT.format(fmt="csv"), query_string={"fy": "2569"}, headers=headers)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="service-report-2569.csv"'
    sections = csv_sections(response.data)
    for key, expected in FY2569.items():
        rows = sections[titles[key]]
        assert len(rows) == len(expected), key
        for row, (_row_key, wanted) in zip(rows, expected):
            for column, value in wanted.items():
                assert row[columns[key].index(column)] == plain(value), f"CSV {key} {column}"
    assert [row[0] for row in sections[titles["requests_by_agency_type"]]] == AGENCY_TYPES_TH

    # CSV of one table.
    response = app.get(
        EXPORT.format(fmt="csv"), query_string={"fy": "2569", "table": "downloads_by_channel"}, headers=headers
    )
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == ["ช่องทาง", "ปีงบฯ 2569", "ปีงบฯ 2569 (%)", "ปีงบฯ 2568", "ปีงบฯ 2568 (%)"]
    assert rows[1] == ["เว็บไซต์", "4", "57.1", "1", "25.0"]
    assert rows[-1] == ["รวม", "7", "100.0", "4", "100.0"]
    response = app.get(
        EXPORT.format(fmt="csv"), query_string={"fy": "2569", "table": "requests_by_agency_type"}, headers=headers
    )
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows == [
        ["ประเภทหน่วยงานของผู้ขอ", "ปีงบฯ 2569", "ปีงบฯ 2569 (%)", "ปีงบฯ 2568", "ปีงบฯ 2568 (%)"],
        ["โรงเรียนในสังกัด", "2", "40.0", "1", "33.3"],
        ["สำนักงานเขตพื้นที่การศึกษา", "0", "0.0", "1", "33.3"],
        ["หน่วยงานราชการอื่น", "1", "20.0", "0", "0.0"],
        ["สถาบันอุดมศึกษา/นักวิจัย", "1", "20.0", "1", "33.3"],
        ["ภาคเอกชน", "0", "0.0", "0", "0.0"],
        ["ประชาชนทั่วไป", "0", "0.0", "0", "0.0"],
        ["อื่น ๆ", "0", "0.0", "0", "0.0"],
        ["ไม่ระบุ", "1", "20.0", "0", "0.0"],
        ["รวม", "5", "100.0", "3", "100.0"],
    ]

    # XLSX: a sheet per table, numbers as numbers (shares as fractions).
    response = app.get(EXPORT.format(fmt="xlsx"), query_string={"fy": "2569"}, headers=headers)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    sheets = {sheet["A1"].value: sheet for sheet in book.worksheets}
    assert book.worksheets[0]["A1"].value == "รายงานผลการปฏิบัติงานให้บริการข้อมูลสารสนเทศ ปีงบประมาณ 2569"
    for key, expected in FY2569.items():
        sheet = sheets[titles[key]]
        values = [list(r) for r in sheet.iter_rows(min_row=4, max_row=3 + len(expected), values_only=True)]
        for row, (_row_key, wanted) in zip(values, expected):
            for column, text in wanted.items():
                cell = row[columns[key].index(column)]
                if text == "–":
                    assert cell is None, f"XLSX {key} {column}"
                elif text.endswith("%"):
                    assert cell == pytest.approx(float(text[:-1]) / 100, abs=1e-9), f"XLSX {key} {column}"
                elif re.fullmatch(r"[\d.]+", text) and column not in ("label",):
                    assert cell == pytest.approx(float(text), abs=1e-9), f"XLSX {key} {column}"
                else:
                    assert str(cell) == text, f"XLSX {key} {column}"
    agency_sheet = sheets[titles["requests_by_agency_type"]]
    assert [r[0] for r in agency_sheet.iter_rows(min_row=4, max_row=12, values_only=True)] == AGENCY_TYPES_TH

    # PDF: Thai, with every number in the order of the page.
    response = app.get(EXPORT.format(fmt="pdf"), query_string={"fy": "2569"}, headers=headers)
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF")
    text = pdf_text(response.data, tmp_path)
    expected_rows = []
    for key, expected in FY2569.items():
        for _row_key, wanted in expected:
            numbers = [
                wanted[c] for c in columns[key]
                if c in wanted and c not in ("label", "dataset", "rank", "level")
            ]
            if numbers:
                expected_rows.append(numbers)
    check_pdf_numbers(text, expected_rows)
    fonts = subprocess.run(
        ["pdffonts", str(tmp_path / "report.pdf")], check=True, capture_output=True
    ).stdout.decode()
    assert "Sarabun" in fonts and " yes " in fonts  # the Thai font, embedded
    # the Thai text reads back exactly as typed (titles, labels, dates, page numbers)
    flat = " ".join(text.split())
    for title in titles.values():
        assert title in flat, title
    for label in AGENCY_TYPES_TH:
        assert label in flat, label
    assert "ระหว่างวันที่ 1 ตุลาคม 2568 ถึงวันที่ 30 กันยายน 2569" in flat  # Buddhist Era
    assert "ทุกรายการแสดงคู่กับช่วงเวลาเดียวกันของปีงบประมาณ 2568" in flat
    assert "รายงานผลการปฏิบัติงานให้บริการข้อมูลสารสนเทศ ปีงบประมาณ 2569" in flat
    assert "จัดทำเมื่อ" in flat and "ค่าเฉลี่ย" in flat
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", str(tmp_path / "report.pdf")], check=True, capture_output=True
    ).stdout.decode()).group(1))
    assert pages > 1
    assert f"หน้า 1 / {pages}" in flat and f"หน้า {pages} / {pages}" in flat
    # no stray fragment of a line that starts the next page (the ink of its
    # stacked marks painted at the bottom of the page before)
    strays = [line.strip() for line in text.splitlines()
              if 0 < len(line.strip()) <= 3 and not re.search(r"[\d.,%–]", line)]
    assert strays == [], strays


def _page(app, user, path, **query) -> dict[str, list[tuple[str, dict[str, str]]]]:
    response = app.get(path, query_string=query, headers=auth(user))
    assert response.status_code == 200
    return page_tables(response.get_data(as_text=True))


def _values(rows, *keys) -> dict[str, tuple[str, str]]:
    found = dict(rows)
    return {k: (found[k]["cur"], found[k]["prev"]) for k in keys}


def test_first_half_ends_at_31_march_2359(app, known_world):
    tables = _page(app, known_world.sysadmin, PAGE, fy="2569", half="1")
    assert _values(tables["summary"], "downloads", "requests", "responses", "complaints") == {
        "downloads": ("4", "2"), "requests": ("4", "1"), "responses": ("3", "0"), "complaints": ("2", "0"),
    }
    assert [k for k, _ in tables["downloads_by_month"]] == [
        "2025-10-01", "2025-11-01", "2025-12-01", "2026-01-01", "2026-02-01", "2026-03-01", "_total"
    ]
    assert _values(tables["downloads_by_month"], "2025-10-01", "2026-03-01") == {
        "2025-10-01": ("2", "1"), "2026-03-01": ("1", "1"),
    }
    assert _values(tables["requests_summary"], "received", "approved", "rejected", "withdrawn", "pending") == {
        "received": ("4", "1"), "approved": ("4", "1"), "rejected": ("1", "0"),
        # r4 came at 31 Mar 23:59 and was withdrawn at 1 Apr 00:00: pending at the end of the half
        "withdrawn": ("0", "0"), "pending": ("1", "0"),
    }
    # r2, r3, r4 (31 Mar 23:59) and r10; in FY 2568's first half r8 only
    assert _values(tables["requests_by_agency_type"], "school", "area_office", "government", "university", "",
                   "_total") == {
        "school": ("2", "0"), "area_office": ("0", "1"), "government": ("1", "0"),
        "university": ("0", "0"), "": ("1", "0"), "_total": ("4", "1"),
    }
    assert _values(tables["complaints_by_state"], "received", "in_progress", "closed") == {
        "received": ("1", "0"), "in_progress": ("0", "0"), "closed": ("1", "0"),
    }
    # (3.0 + 2.2 + 2.2) / 3; no response in the first half of FY 2568
    assert _values(tables["satisfaction_summary"], "overall_mean") == {"overall_mean": ("2.47", "–")}


def test_second_half_starts_at_1_april_0000(app, known_world):
    tables = _page(app, known_world.sysadmin, PAGE, fy="2569", half="2")
    assert _values(tables["summary"], "downloads", "requests", "responses", "complaints") == {
        "downloads": ("3", "2"), "requests": ("1", "2"), "responses": ("1", "2"), "complaints": ("1", "2"),
    }
    assert _values(tables["requests_summary"], "received", "withdrawn", "pending", "approved") == {
        "received": ("1", "2"), "withdrawn": ("1", "0"), "pending": ("1", "2"), "approved": ("0", "0"),
    }
    assert _values(tables["downloads_by_channel"], "paper", "web", "qr", "email") == {
        "paper": ("1", "0"), "web": ("2", "0"), "qr": ("0", "1"), "email": ("0", "1"),
    }
    # r5 (30 Sep 2026 23:59); in FY 2568's second half r9 and r1 (30 Sep 2025 23:59).
    # Every request of these halves has a type: no "not stated" row.
    rows = tables["requests_by_agency_type"]
    assert [k for k, _ in rows] == [
        "school", "area_office", "government", "university", "private", "public", "other", "_total"
    ]
    assert _values(rows, "school", "university", "_total") == {
        "school": ("0", "1"), "university": ("1", "1"), "_total": ("1", "2"),
    }


def test_organization_admin_sees_the_organization_only(app, known_world, ckan_config, monkeypatch):
    # The office's own organization also answers for the survey responses
    # and problems that belong to no dataset.
    monkeypatch.setitem(ckan_config, "ckanext.utt1service.office_organization", "report-office")
    tables = _page(app, known_world.admin1, "/organization/service-report/report-office", fy="2569")
    assert _values(tables["summary"], "downloads", "requests", "responses", "complaints") == {
        "downloads": ("5", "4"), "requests": ("4", "3"), "responses": ("3", "2"), "complaints": ("2", "2"),
    }
    assert [row["label"] for _k, row in tables["top_datasets"]] == [
        "จำนวนนักเรียน ปีการศึกษา 2569", "Teachers 2569"
    ]
    other = _page(app, known_world.admin2, "/organization/service-report/report-schools", fy="2569")
    assert _values(other["summary"], "downloads", "requests", "responses", "complaints") == {
        "downloads": ("2", "0"), "requests": ("1", "0"), "responses": ("1", "0"), "complaints": ("1", "0"),
    }


def test_the_kept_request_timeline_is_the_audit_trail(known_world):
    """The report reads when each request entered the queue and was decided
    from a table a trigger keeps; it holds exactly what grouping the audit
    trail gives, and a new step is there at once."""
    import sqlalchemy as sa

    from ckan import model

    from ckanext.utt1service.common.model import AuditEvent

    grouped = """
        SELECT object_id,
               min(created) FILTER (WHERE to_state <> 'unconfirmed'),
               min(created) FILTER (WHERE to_state = 'approved'),
               min(created) FILTER (WHERE to_state = 'rejected'),
               min(created) FILTER (WHERE to_state = 'withdrawn'),
               min(created) FILTER (WHERE to_state = 'delivered'),
               min(created) FILTER (WHERE to_state = 'checked')
          FROM utt1service_audit
         WHERE object_type = 'access_request' AND to_state IS NOT NULL
         GROUP BY 1 ORDER BY 1"""
    kept = """
        SELECT request_id, received_at, approved_at, rejected_at, withdrawn_at, delivered_at,
               checked_at
          FROM utt1service_request_timeline ORDER BY 1"""

    def rows(sql):
        return [tuple(r) for r in model.Session.execute(sa.text(sql))]

    assert len(rows(kept)) == 10  # the known world's requests
    assert rows(kept) == rows(grouped)
    assert any(row[6] is not None for row in rows(kept))  # checked (migration a4b5c6d7e8f9)
    request_id = rows(kept)[0][0]
    AuditEvent.record("access_request", request_id, "withdraw", from_state="submitted",
                      to_state="withdrawn")
    AuditEvent.record("access_request", request_id, "note", to_state="withdrawn")
    model.Session.commit()
    assert rows(kept) == rows(grouped)
    # rows taken out of the trail (a test database is emptied with DELETE)
    model.Session.execute(sa.text(
        "DELETE FROM utt1service_audit WHERE object_id = :id AND to_state = 'withdrawn'"),
        {"id": request_id})
    model.Session.execute(sa.text(
        "DELETE FROM utt1service_audit WHERE object_id = :id"), {"id": rows(kept)[1][0]})
    model.Session.commit()
    assert len(rows(kept)) == 9
    assert rows(kept) == rows(grouped)
