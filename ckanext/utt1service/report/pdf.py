# -*- coding: utf-8 -*-
"""The printable report for the office's superiors: HTML from the template
``utt1service/report/print.html`` turned into PDF by WeasyPrint, which lays
out Thai with Pango and HarfBuzz (vowels and tone marks stack correctly) and
embeds the subset of the font it uses. The charts are drawn by WeasyPrint
too (boxes and SVG paths sized by :mod:`.charts`, labels as HTML text).

Build the report in Thai (:func:`ckanext.utt1service.report.build.language`)
before calling :func:`render`.
"""
from __future__ import annotations

from typing import Any, Callable, Optional

import ckan.plugins.toolkit as tk

from ckanext.utt1service.report import charts, export

__all__ = ["render", "html"]


def font_family() -> str:
    return tk.config.get("ckanext.utt1service.report_font")


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
            "font_family": font_family(),
        },
    )


def render(report: dict[str, Any], progress: Optional[Callable[[str], None]] = None) -> bytes:
    """The PDF of a report (A4)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    document = html(report, progress)
    # Everything the PDF shows is in the HTML and the font comes from the
    # system: never fetch a URL while rendering.
    fetcher = URLFetcher(allowed_protocols=("data",))
    pdf = HTML(string=document, url_fetcher=fetcher).write_pdf()
    if progress:
        progress("pdf")
    return pdf
