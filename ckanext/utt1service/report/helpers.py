# -*- coding: utf-8 -*-
"""Template helpers of the service report."""
from __future__ import annotations

import json
from typing import Any, Optional

from markupsafe import Markup

import ckan.plugins.toolkit as tk
from ckan.common import current_user

from ckanext.utt1service.common import authz
from ckanext.utt1service.report import build, charts

__all__ = [
    "utt1service_report_allowed",
    "utt1service_report_value",
    "utt1service_report_chart",
    "utt1service_report_has_chart",
    "utt1service_report_header_groups",
]


def utt1service_report_allowed(org_id: Optional[str] = None) -> bool:
    """Whether the current user may see the service report of this
    organization (org_id) or of the whole office (no org_id)."""
    if not current_user.is_authenticated:
        return False
    return authz.sees_report(current_user, org_id)


def utt1service_report_value(row: dict[str, Any], column: dict[str, Any]) -> str:
    """One cell of a report table, formatted for the page."""
    kind = column["kind"]
    if kind == "value":
        kind = row.get("kind", "int")
    return build.format_value(row.get(column["key"]), kind)


def utt1service_report_has_chart(table: dict[str, Any]) -> bool:
    """Whether the table's chart has something to draw (not only zeros)."""
    return charts.has_data(table)


def utt1service_report_chart(table: dict[str, Any], report: dict[str, Any]) -> Markup:
    """The chart of a table as JSON for ``assets/js/report-charts.js``, safe
    inside a ``<script type="application/json">`` element."""
    spec = table.get("chart") or {}
    rows = charts.chart_rows(table)
    data: dict[str, Any] = {
        "type": spec.get("type"),
        "labels": [r["label"] for r in rows],
        "title": table["title"],
        "cur": report["current"]["short"],
        "prev": report["previous"]["short"],
        "colors": charts.COLORS,
    }
    if spec.get("type") == "stacked":
        data["series"] = [
            {"label": tk._(label), "key": key, "values": [build.rounded(r.get(f"{key}_cur"), "pct") for r in rows]}
            for key, label in (
                ("very_good", "Very good"),
                ("fair", "Fair"),
                ("needs_improvement", "Needs improvement"),
            )
        ]
    else:
        data["series"] = [
            {"label": report["current"]["short"], "key": "cur", "values": [r.get("cur") or 0 for r in rows]},
            {"label": report["previous"]["short"], "key": "prev", "values": [r.get("prev") or 0 for r in rows]},
        ]
        if spec.get("type") == "doughnut":
            data["series"] = data["series"][:1]
    text = json.dumps(data, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def utt1service_report_header_groups(columns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The first of two heading rows when some columns are grouped (e.g. by
    fiscal year): ``[{"label", "colspan", "column"}]``, where a column
    without a group spans both rows (``column`` is set); [] when no column
    has a group."""
    if not any(c.get("group") for c in columns):
        return []
    cells: list[dict[str, Any]] = []
    for column in columns:
        group = column.get("group")
        if not group:
            cells.append({"label": column["label"], "colspan": 1, "column": column})
        elif cells and cells[-1].get("group") == group:
            cells[-1]["colspan"] += 1
        else:
            cells.append({"label": group, "group": group, "colspan": 1, "column": None})
    return cells
