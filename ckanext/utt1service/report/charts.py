# -*- coding: utf-8 -*-
"""Charts of the service report.

Each table's ``chart`` spec says what to draw:

- ``bar``: the rows as pairs of vertical bars, this period beside the
  previous one (downloads by month);
- ``hbar``: the same, horizontal (topics, complaint categories);
- ``doughnut``: the shares of this period (channels);
- ``stacked``: one horizontal bar per row split into very good / fair /
  needs improvement (satisfaction per item).

The page draws them in the browser with Chart.js (``assets/js/report-charts.js``,
data from the helper ``utt1service_report_chart``). The PDF draws them as
inline SVG (``templates/utt1service/report/snippets/print_chart.html``):
bars are boxes sized here, the doughnut is SVG paths computed here, and every
label is HTML text, which Chromium lays out with HarfBuzz so that Thai vowels
and tone marks stack correctly. This costs a few hundredths of a
second, where drawing the same charts with a plotting library took about
1.5 s of the 5 s the PDF may take on the office's 2-core server.
"""
from __future__ import annotations

import math
from typing import Any, Optional

__all__ = ["COLORS", "chart_rows", "print_chart"]

#: this period, the previous one; the three ratings; slices of a doughnut
COLORS = {
    "cur": "#1f5fa8",
    "prev": "#9db8d9",
    "very_good": "#2e7d32",
    "fair": "#f0a500",
    "needs_improvement": "#c62828",
    "slices": ["#1f5fa8", "#2e7d32", "#f0a500", "#8e44ad", "#c62828", "#00838f", "#6d4c41", "#546e7a"],
}


def chart_rows(table: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows a chart shows: not the total row, and (for shares) only
    rows with something to show."""
    rows = [r for r in table["rows"] if not r.get("total")]
    spec = table.get("chart") or {}
    if spec.get("type") == "doughnut":
        rows = [r for r in rows if r.get("cur")]
    return rows


def has_data(table: dict[str, Any]) -> bool:
    """Whether the table has a chart with something to show (not only zeros)."""
    keys = ("cur", "prev", "very_good_cur", "fair_cur", "needs_improvement_cur")
    return bool(table.get("chart")) and any(row.get(k) for row in chart_rows(table) for k in keys)


def _percent(value: Optional[float], top: float) -> float:
    """A value as a share of the axis (0–100), for widths and heights."""
    if not value or top <= 0:
        return 0.0
    return round(100.0 * float(value) / top, 2)


def _nice_top(largest: float) -> float:
    """The top of a value axis: the largest value rounded up to a round
    number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten)."""
    if largest <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(largest))
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if largest <= step * power:
            return step * power
    return 10 * power


def _axis_label(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _arc(cx: float, cy: float, outer: float, inner: float, start: float, end: float) -> str:
    """SVG path of a ring segment from angle ``start`` to ``end`` (0 at the
    top, clockwise, in turns: 0–1)."""

    def point(radius: float, turn: float) -> str:
        angle = 2 * math.pi * turn - math.pi / 2
        return f"{cx + radius * math.cos(angle):.3f} {cy + radius * math.sin(angle):.3f}"

    large = 1 if end - start > 0.5 else 0
    return (
        f"M {point(outer, start)} A {outer} {outer} 0 {large} 1 {point(outer, end)} "
        f"L {point(inner, end)} A {inner} {inner} 0 {large} 0 {point(inner, start)} Z"
    )


def _doughnut(rows: list[dict[str, Any]]) -> dict[str, Any]:
    total = sum(int(r["cur"]) for r in rows)
    slices = []
    turn = 0.0
    for index, row in enumerate(rows):
        share = int(row["cur"]) / total if total else 0
        color = COLORS["slices"][index % len(COLORS["slices"])]
        if share >= 0.9999:  # a whole ring: two halves (an arc cannot end where it starts)
            paths = [_arc(50, 50, 48, 28, 0, 0.5), _arc(50, 50, 48, 28, 0.5, 1)]
        else:
            paths = [_arc(50, 50, 48, 28, turn, turn + share)]
        slices.append(
            {"label": row["label"], "value": int(row["cur"]), "share": 100.0 * share,
             "color": color, "paths": paths}
        )
        turn += share
    return {"type": "doughnut", "slices": slices}


#: sizes of the printed charts in millimetres (the SVGs use 1 unit = 1 mm)
PRINT_WIDTH = 166.0  # the text width of an A4 page of the report
BAR_HEIGHT = 34.0
ROW_WIDTH = 100.0  # the bar column of the row charts


def print_chart(table: dict[str, Any]) -> Optional[dict[str, Any]]:
    """What the PDF template needs to draw the table's chart (bar sizes in
    percent of the value axis, geometry in millimetres), or None."""
    spec = table.get("chart")
    rows = chart_rows(table)
    if not has_data(table):
        return None
    kind = spec["type"]
    if kind == "doughnut":
        return _doughnut(rows)
    if kind == "stacked":
        bars = []
        for row in rows:
            parts = []
            for key in ("very_good", "fair", "needs_improvement"):
                share = row.get(f"{key}_cur") or 0.0
                parts.append({"key": key, "share": round(share, 2), "color": COLORS[key]})
            bars.append({"label": row["label"], "parts": parts})
        for bar in bars:
            x = 0.0
            for part in bar["parts"]:
                part["x"] = round(x * ROW_WIDTH / 100, 2)
                part["w"] = round(part["share"] * ROW_WIDTH / 100, 2)
                part["mid"] = round(part["x"] + part["w"] / 2, 2)
                x += part["share"]
        return {"type": "stacked", "bars": bars, "colors": COLORS, "row_width": ROW_WIDTH}
    top = _nice_top(max(max(int(r.get("cur") or 0), int(r.get("prev") or 0)) for r in rows))
    bars = [
        {
            "label": row["label"],
            "cur": int(row.get("cur") or 0),
            "prev": int(row.get("prev") or 0),
            "cur_size": _percent(row.get("cur"), top),
            "prev_size": _percent(row.get("prev"), top),
        }
        for row in rows
    ]
    chart = {"type": kind, "bars": bars, "top": top, "colors": COLORS,
             "width": PRINT_WIDTH, "height": BAR_HEIGHT, "row_width": ROW_WIDTH}
    if kind == "bar":
        slot = PRINT_WIDTH / len(bars)
        plot = BAR_HEIGHT - 4.0  # room above the bars for the axis label
        for index, bar in enumerate(bars):
            bar["x_cur"] = round(index * slot + slot * 0.16, 2)
            bar["x_prev"] = round(index * slot + slot * 0.50, 2)
            bar["h_cur"] = round(plot * bar["cur_size"] / 100, 2)
            bar["h_prev"] = round(plot * bar["prev_size"] / 100, 2)
        chart.update(slot=round(slot, 2), bar_width=round(slot * 0.34, 2), plot=plot,
                     top_label=_axis_label(top), half_label=_axis_label(top / 2))
    return chart
