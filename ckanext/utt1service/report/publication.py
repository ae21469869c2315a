# -*- coding: utf-8 -*-
"""The published version of a period's report (what the Official
Information Act, section 9(8), and the ITA's public-disclosure items expect
on the office's website): the whole office's report in Thai, frozen at
publication with the analysis, what was improved because of complaints and
the executive's acknowledgement, and its PDF, XLSX and CSV.

Nothing personal is published. The report holds counts, dataset and file
titles, and the staff's own analysis; the one table of free text written
by the public (the survey suggestions) is left out, and only its count
("responses with a suggestion") stays. Who saved the analysis is left out
too. The executive's name and position are published on purpose: they
sign the acknowledgement in their official capacity.
"""
from __future__ import annotations

import copy
import datetime
from typing import Any

from ckanext.utt1service.common import thaidate
from ckanext.utt1service.report import export, pdf

__all__ = ["public_copy", "files", "filename", "FREE_TEXT_TABLES"]

#: tables of text typed by the public: never published
FREE_TEXT_TABLES = ("suggestions",)


def public_copy(report: dict[str, Any], acknowledgement: dict[str, Any]) -> dict[str, Any]:
    """The report as it is published (build it in Thai first)."""
    public = copy.deepcopy(report)
    public["organization"] = None
    for section in public["sections"]:
        section["tables"] = [t for t in section["tables"] if t["key"] not in FREE_TEXT_TABLES]
    analysis = public.get("analysis") or {}
    public["analysis"] = {
        "problems": analysis.get("problems") or "",
        "improvements": analysis.get("improvements") or "",
    }
    on: datetime.date = acknowledgement["acknowledged_on"]
    now = datetime.datetime.now(datetime.timezone.utc)
    public["publication"] = {
        "complaint_improvements": acknowledgement.get("complaint_improvements") or "",
        "acknowledged_name": acknowledgement["acknowledged_name"],
        "acknowledged_position": acknowledgement["acknowledged_position"],
        "acknowledged_on": on.isoformat(),
        "acknowledged_label": thaidate.format_date(on, "th", long=True),
        "published": now.isoformat(),
        "published_label": thaidate.format_datetime(now, "th"),
    }
    return public


def files(public: dict[str, Any]) -> dict[str, bytes]:
    """PDF, XLSX and CSV of a published report (inside a Thai request
    context)."""
    return {
        "pdf": pdf.render(public),
        "xlsx": export.report_xlsx(public),
        "csv": export.report_csv(public),
    }


def filename(public: dict[str, Any], extension: str) -> str:
    return export.filename(public, extension).replace("service-report", "published-service-report", 1)

