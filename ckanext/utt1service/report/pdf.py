# -*- coding: utf-8 -*-
"""The printable report for the office's superiors: HTML from the template
``utt1service/report/print.html`` printed to PDF by Chromium in Sarabun
(:mod:`ckanext.utt1service.common.pdf`: Thai shaped by HarfBuzz, a text layer
that reads back as typed). The charts are HTML and inline SVG (boxes and
paths sized by :mod:`.charts`, labels as HTML text).

Build the report in Thai (:func:`ckanext.utt1service.report.build.language`)
before calling :func:`render`.
"""
from __future__ import annotations

from typing import Any, Callable, Optional

import ckan.plugins.toolkit as tk

from ckanext.utt1service.common import pdf as common_pdf
from ckanext.utt1service.report import charts, export

__all__ = ["render", "html"]


def html(report: dict[str, Any], progress: Optional[Callable[[str], None]] = None) -> str:
    step = progress or (lambda name: None)
    drawn = {}
    for table in export.tables(report):
        chart = charts.print_chart(table)
        if chart is not None:
            drawn[table["key"]] = chart
    step("charts")
    return tk.render(
        "utt1service/report/print.html",
        {
            "report": report,
            "charts": drawn,
            "title": export.title(report),
            "font_family": common_pdf.FAMILY,
        },
    )


def render(report: dict[str, Any], progress: Optional[Callable[[str], None]] = None) -> bytes:
    """The PDF of a report (A4)."""
    document = html(report, progress)
    pdf = common_pdf.render(document)
    if progress:
        progress("pdf")
    return pdf
