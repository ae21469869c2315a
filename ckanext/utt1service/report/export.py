# -*- coding: utf-8 -*-
"""CSV and XLSX of the service report (every table of the page).

- CSV of one table: a header row and the rows, numbers unformatted (shares
  in percent and means rounded as on the page), UTF-8 with a byte-order mark
  so that Excel reads Thai correctly.
- CSV of the whole report: the report's heading, then each table under its
  title, separated by an empty row, then the staff's analysis.
- XLSX (XlsxWriter): a first sheet with the heading and the analysis, then one
  sheet per table; numbers stay numbers (shares as percentages), rounded as
  on the page.

Every cell of both goes through :mod:`ckanext.utt1service.spreadsheet`: text
that a spreadsheet would run as a formula (a survey suggestion or an
analysis that starts with ``=``, ``+``, ``-`` or ``@``) is neutralised, and
XLSX text is always stored as text.
"""
from __future__ import annotations

import csv
import io
import re
from typing import Any, Iterator, Optional

import ckan.plugins.toolkit as tk

from ckanext.utt1service.common.spreadsheet import safe_row, write_row
from ckanext.utt1service.report.build import format_value, rounded

__all__ = ["column_title", "tables", "find_table", "table_csv", "report_csv", "report_xlsx", "heading_lines", "filename"]

BOM = "\ufeff"


def tables(report: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for section in report["sections"]:
        yield from section["tables"]


def find_table(report: dict[str, Any], key: str) -> Optional[dict[str, Any]]:
    return next((t for t in tables(report) if t["key"] == key), None)


def _kind(column: dict[str, Any], row: dict[str, Any]) -> str:
    kind = column["kind"]
    return row.get("kind", "int") if kind == "value" else kind


def _plain(row: dict[str, Any], column: dict[str, Any]) -> Any:
    """A cell for CSV: numbers without thousands separators or % sign,
    with the decimals the page shows (57.1, 2.45, 5.0); empty for none."""
    value = row.get(column["key"])
    kind = _kind(column, row)
    if value is None:
        return ""
    if kind == "text":
        return value
    return format_value(value, kind, grouping=False).rstrip("%")


def title(report: dict[str, Any]) -> str:
    """รายงานผลการปฏิบัติงานให้บริการข้อมูลสารสนเทศ ปีงบประมาณ 2569 (…)."""
    return tk._("Report on the information service, %(period)s") % {"period": report["current"]["name"]}


def heading_lines(report: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) pairs that head every export."""
    org = report.get("organization")
    lines = [
        (tk._("Report"), title(report)),
        (tk._("Office"), tk.h.utt1service_office_name()),
        (tk._("Organization"), org["title"] if org else tk._("Whole office")),
        (tk._("Period"), report["current"]["dates"]),
        (tk._("Compared with"), "%s (%s)" % (report["previous"]["name"], report["previous"]["dates"])),
        (tk._("Generated"), report["generated_label"]),
    ]
    return lines


def _analysis_lines(report: dict[str, Any]) -> list[tuple[str, str]]:
    analysis = report.get("analysis") or {}
    lines = [
        (tk._("Problems and obstacles"), analysis.get("problems") or ""),
        (tk._("Proposed improvements"), analysis.get("improvements") or ""),
    ]
    published = report.get("publication")
    if published:
        lines += [
            (tk._("Improvements made because of complaints"), published["complaint_improvements"]),
            (tk._("Acknowledged by"), "%s, %s" % (published["acknowledged_name"], published["acknowledged_position"])),
            (tk._("Acknowledged on"), published["acknowledged_label"]),
        ]
    return lines


def column_title(column: dict[str, Any]) -> str:
    """A column's heading on one line: ``ดีมาก (%) ปีงบฯ 2569``."""
    return f"{column['label']} {column['group']}" if column.get("group") else column["label"]


class _SafeWriter:
    """``csv.writer`` whose every row goes through :func:`safe_row`."""

    def __init__(self, buffer: io.StringIO):
        self._writer = csv.writer(buffer, lineterminator="\r\n")

    def writerow(self, row: Any) -> None:
        self._writer.writerow(safe_row(row))


def _writer(buffer: io.StringIO) -> Any:
    return _SafeWriter(buffer)


def _write_table(writer: Any, table: dict[str, Any]) -> None:
    columns = table["columns"]
    writer.writerow([column_title(c) for c in columns])
    for row in table["rows"]:
        writer.writerow([_plain(row, c) for c in columns])


def table_csv(table: dict[str, Any]) -> bytes:
    buffer = io.StringIO()
    buffer.write(BOM)
    _write_table(_writer(buffer), table)
    return buffer.getvalue().encode("utf-8")


def report_csv(report: dict[str, Any]) -> bytes:
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = _writer(buffer)
    for label, value in heading_lines(report):
        writer.writerow([label, value])
    for table in tables(report):
        writer.writerow([])
        writer.writerow([table["title"]])
        _write_table(writer, table)
    writer.writerow([])
    writer.writerow([tk._("Analysis")])
    for label, value in _analysis_lines(report):
        writer.writerow([label, value])
    return buffer.getvalue().encode("utf-8")


_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
NUMBER_FORMATS = {"int": "#,##0", "pct": "0.0%", "mean": "0.00", "days": "0.0"}


def _sheet_name(index: int, title_text: str, used: set[str]) -> str:
    # XlsxWriter refuses a name that starts or ends with an apostrophe, or
    # that another sheet has in any case.
    name = _SHEET_BAD.sub(" ", f"{index} {title_text}")[:31].strip().strip("'")
    while name.lower() in used:
        name = name[:28] + f"~{len(used)}"
    used.add(name.lower())
    return name


def report_xlsx(report: dict[str, Any]) -> bytes:
    # XlsxWriter (issue 20): openpyxl built a Python object per cell and
    # spent ~1.5 s writing the 25,000 cells of a year's 8,300 suggestions at
    # 10 M events; XlsxWriter writes the same sheets about three times
    # faster. In memory (no temporary files in the web worker); a string is
    # never turned into a formula, a number or a link.
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {
        "in_memory": True,
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
        "nan_inf_to_errors": True,
    })
    bold = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    used: set[str] = set()
    cover = book.add_worksheet(_sheet_name(0, tk._("Report"), used))
    write_row(cover, 0, [title(report)], [book.add_format({"bold": True, "font_size": 14})])
    line = 2
    for label, value in heading_lines(report)[1:]:
        write_row(cover, line, [label, value], [bold, None])
        line += 1
    line += 1
    write_row(cover, line, [tk._("Analysis")], [bold])
    line += 1
    for label, value in _analysis_lines(report):
        write_row(cover, line, [label, value], [bold, wrap])
        line += 1
    cover.set_column(0, 0, 28)
    cover.set_column(1, 1, 90)

    # A data cell's format by its kind and whether it is a total, made once.
    styles: dict[tuple[str, bool], Any] = {}

    def cell_style(kind: str, total: bool) -> Any:
        key = (kind, total)
        if key not in styles:
            properties: dict[str, Any] = {}
            if kind in NUMBER_FORMATS:
                properties["num_format"] = NUMBER_FORMATS[kind]
            elif kind == "text":
                properties.update(text_wrap=True, valign="top")
            if total:
                properties["bold"] = True
            styles[key] = book.add_format(properties) if properties else None
        return styles[key]

    table_title = book.add_format({"bold": True, "font_size": 12})
    header_style = book.add_format({"bold": True, "text_wrap": True, "valign": "vcenter"})
    for index, table in enumerate(tables(report), 1):
        sheet = book.add_worksheet(_sheet_name(index, table["title"], used))
        write_row(sheet, 0, [table["title"]], [table_title])
        write_row(sheet, 1, [report["current"]["name"]])
        columns = table["columns"]
        write_row(sheet, 2, [column_title(c) for c in columns], [header_style] * len(columns))
        line = 3
        for row in table["rows"]:
            values = []
            formats = []
            total = bool(row.get("total"))
            for column in columns:
                kind = _kind(column, row)
                # the values the page shows (rounded), so that every output agrees
                value = rounded(row.get(column["key"]), kind)
                if value is not None and kind == "pct":
                    value = round(value / 100.0, 6)
                values.append(value)
                formats.append(cell_style(kind, total))
            write_row(sheet, line, values, formats)
            line += 1
        if table.get("note"):
            write_row(sheet, line + 1, [table["note"]])
        for position, column in enumerate(columns):
            width = 46 if column["kind"] == "text" and column["key"] == "label" else 16
            if column["kind"] == "text" and column["key"] != "label":
                width = 30
            sheet.set_column(position, position, width)
        sheet.freeze_panes(3, 0)

    book.close()
    return buffer.getvalue()


def filename(report: dict[str, Any], extension: str, table_key: Optional[str] = None) -> str:
    """``service-report-2569-h1[-org][-table].ext`` (ASCII only)."""
    parts = ["service-report", str(report["fiscal_year"])]
    if report["period"] != "year":
        parts.append(report["period"])
    org = report.get("organization")
    if org:
        parts.append(re.sub(r"[^a-z0-9_-]+", "-", org["name"].lower()).strip("-") or "org")
    if table_key:
        parts.append(table_key.replace("_", "-"))
    return "-".join(parts) + "." + extension
