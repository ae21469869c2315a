# -*- coding: utf-8 -*-
"""The fiscal-year service report as one plain dict: the page, the CSV, the
XLSX and the PDF are all drawn from it, so they always show the same numbers.

A report has sections; a section has tables; a table has columns (key,
label, kind) and rows (dicts keyed by the column keys). Kinds:
``text``, ``int``, ``pct`` (a share in percent, 0–100), ``mean`` (on the
3-point scale), ``days`` (a median number of days) and ``value`` (the kind
comes from the row's ``kind``). Numbers stay unrounded here; each output
formats them (:func:`format_value`). A table may carry a ``chart``
(type, label column, value columns) that the page draws with Chart.js and
the PDF, printed by Chromium (:mod:`.charts`).

Labels are translated with ``tk._``: build a report inside a request (or a
test request context) in the language wanted.
"""
from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Callable, Iterator, Optional

import sqlalchemy as sa
from babel.dates import get_month_names

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.i18n import get_lang

from ckanext.utt1service.common import event_buffer, thaidate, vocabularies
from ckanext.utt1service.report import cache, queries
from ckanext.utt1service.report.queries import Scope

__all__ = [
    "language",
    "Period",
    "period_key",
    "build",
    "format_value",
    "satisfaction_level",
    "STEPS",
]

TOP_N = 10
#: the steps of :func:`build`, for progress bars
STEPS = ("downloads", "requests", "satisfaction", "complaints", "turnaround")


@contextlib.contextmanager
def language(lang: str) -> Iterator[None]:
    """Run the block in a request context of ``lang`` (labels, month names
    and dates in that language), inside a web request or outside one."""
    import flask

    if flask.has_app_context():
        app = flask.current_app
    else:
        from ckan.config import middleware

        app = middleware._internal_test_request_context.app  # type: ignore[union-attr]
    with app.test_request_context(environ_overrides={"CKAN_LANG": lang}):
        yield


#: the data version of the report being built (:mod:`.cache`); None: keep nothing
_version: contextvars.ContextVar[Optional[int]] = contextvars.ContextVar("utt1service_report_version", default=None)


def _plain(value: Any) -> Any:
    """Rows of a query as plain dicts (what :mod:`.cache` keeps)."""
    if isinstance(value, dict):
        return value
    if isinstance(value, sa.engine.RowMapping):
        return dict(value)
    return [dict(r) if isinstance(r, sa.engine.RowMapping) else r for r in value]


def _kept(name: str, compute: Callable[..., Any], *args: Any) -> Any:
    """``compute(*args)`` for this report's data version: the request and
    complaint figures, which only a request or complaint changes, are kept
    under the version (:mod:`.cache`); ``args`` are part of the key. The
    figures are the same in every language, except where a caller puts the
    language in ``args`` (the service levels' step labels)."""
    return cache.cached(_version.get(), (name, args), lambda: _plain(compute(*args)))


def _lang() -> str:
    """The language of the current request (the site's default outside one,
    e.g. when the action is called from a script)."""
    import flask

    if flask.has_request_context():
        return get_lang()
    return tk.config.get("ckan.locale_default") or "en"


def period_key(half: Optional[int], quarter: Optional[int] = None) -> str:
    if quarter:
        return f"q{quarter}"
    return {None: "year", 1: "h1", 2: "h2"}[half]


@dataclasses.dataclass(frozen=True)
class Period:
    """Fiscal year ``fiscal_year`` (พ.ศ.), its first (1) or second (2)
    half, or one of its quarters (1–4)."""

    fiscal_year: int
    half: Optional[int] = None
    quarter: Optional[int] = None

    @property
    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        return thaidate.fiscal_year_bounds(self.fiscal_year, self.half, self.quarter)

    @property
    def start(self) -> datetime.datetime:
        return self.bounds[0]

    @property
    def end(self) -> datetime.datetime:
        """Exclusive: Bangkok midnight after the last day."""
        return self.bounds[1]

    @property
    def last_day(self) -> datetime.date:
        return self.end.date() - datetime.timedelta(days=1)

    @property
    def key(self) -> str:
        return period_key(self.half, self.quarter)

    @property
    def previous(self) -> "Period":
        return Period(self.fiscal_year - 1, self.half, self.quarter)

    @property
    def months(self) -> list[datetime.date]:
        first = self.start.date()
        count = 3 if self.quarter else 12 if self.half is None else 6
        months = []
        year, month = first.year, first.month
        for _ in range(count):
            months.append(datetime.date(year, month, 1))
            month += 1
            if month > 12:
                year, month = year + 1, 1
        return months

    def as_dict(self) -> dict[str, Any]:
        return {
            "fiscal_year": self.fiscal_year,
            "half": self.half,
            "quarter": self.quarter,
            "period": self.key,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "first_day": self.start.date().isoformat(),
            "last_day": self.last_day.isoformat(),
            "name": self.name(),
            "label": self.name()[:1].upper() + self.name()[1:],
            "short": self.short(),
            "dates": self.dates(),
        }

    def short(self) -> str:
        """Column heading: ``ปีงบ 2569`` / ``FY 2569``."""
        return tk._("FY %(fy)s") % {"fy": self.fiscal_year}

    def name(self) -> str:
        """``ปีงบประมาณ 2569`` / ``… รอบ 6 เดือนแรก``."""
        if self.quarter:
            return tk._("fiscal year %(fy)s, quarter %(quarter)s") % {
                "fy": self.fiscal_year, "quarter": self.quarter}
        if self.half == 1:
            return tk._("fiscal year %(fy)s, first half") % {"fy": self.fiscal_year}
        if self.half == 2:
            return tk._("fiscal year %(fy)s, second half") % {"fy": self.fiscal_year}
        return tk._("fiscal year %(fy)s") % {"fy": self.fiscal_year}

    def dates(self) -> str:
        lang = _lang()
        return "%s – %s" % (
            thaidate.format_date(self.start.date(), lang, long=True),
            thaidate.format_date(self.last_day, lang, long=True),
        )


def satisfaction_level(mean: Optional[float]) -> str:
    """The level of a mean on the 3-point scale, in equal thirds of its
    range: 2.34–3.00 very good, 1.67–2.33 fair, 1.00–1.66 needs improvement
    (on the mean rounded to two decimals)."""
    if mean is None:
        return ""
    rounded = _round(mean, 2)
    if rounded >= Decimal("2.34"):
        return tk._("Very good")
    if rounded >= Decimal("1.67"):
        return tk._("Fair")
    return tk._("Needs improvement")


# --- numbers ---------------------------------------------------------------------

DECIMALS = {"pct": 1, "mean": 2, "days": 1}


def _round(value: Any, places: int) -> Decimal:
    quantum = Decimal(1).scaleb(-places)
    return Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)


def rounded(value: Any, kind: str) -> Any:
    """The value as every output shows it: ints as they are, shares to one
    decimal, means to two, days to one (half up); None stays None."""
    if value is None or kind not in DECIMALS:
        return value
    return float(_round(value, DECIMALS[kind]))


def format_value(value: Any, kind: str, grouping: bool = True) -> str:
    """A value as text: ``1,234``, ``45.5%``, ``2.67``, ``3.5``; – for none."""
    if kind == "text":
        return "" if value is None else str(value)
    if value is None:
        return "–"
    if kind == "int":
        return f"{int(value):,}" if grouping else str(int(value))
    if kind == "pct":
        return f"{_round(value, 1)}%"
    if kind in DECIMALS:
        return str(_round(value, DECIMALS[kind]))
    return str(value)


def _share(part: int, total: int) -> Optional[float]:
    return 100.0 * part / total if total else None


def _float(value: Any) -> Optional[float]:
    return None if value is None else float(value)


# --- tables ----------------------------------------------------------------------


def _column(key: str, label: str, kind: str = "int", group: str = "") -> dict[str, str]:
    """A column; ``group`` heads several columns (the page and the PDF show
    it above them, CSV and XLSX after the label)."""
    column = {"key": key, "label": label, "kind": kind}
    if group:
        column["group"] = group
    return column


def _table(key: str, title: str, columns: list[dict], rows: list[dict], **extra: Any) -> dict:
    table = {"key": key, "title": title, "columns": columns, "rows": rows, "note": ""}
    table.update(extra)
    return table


def _compare_columns(first: dict, cur: Period, prev: Period, shares: bool = False,
                     kind: str = "int") -> list[dict]:
    columns = [first, _column("cur", cur.short(), kind)]
    if shares:
        columns.append(_column("cur_share", tk._("%(fy)s (%%)") % {"fy": cur.short()}, "pct"))
    columns.append(_column("prev", prev.short(), kind))
    if shares:
        columns.append(_column("prev_share", tk._("%(fy)s (%%)") % {"fy": prev.short()}, "pct"))
    return columns


def _breakdown(
    rows: list[Any],
    labels: list[tuple[str, str]],
    empty_label: str,
    shares: bool = True,
    keep_all: bool = True,
) -> list[dict]:
    """Rows of (key, cur, prev) as table rows in the order of ``labels``
    (every known key shown, with zeros), unknown keys after them, and a total."""
    found = {r["key"]: r for r in rows}
    ordered: list[tuple[Any, str]] = []
    for code, text in labels:
        if keep_all or code in found:
            ordered.append((code, text))
    known = {code for code, _text in labels}
    for key in sorted((k for k in found if k not in known), key=lambda k: (k in ("", None), k or "")):
        ordered.append((key, empty_label if key in ("", None) else str(key)))
    total_cur = sum(int(r["cur"]) for r in rows)
    total_prev = sum(int(r["prev"]) for r in rows)
    out = []
    for code, text in ordered:
        row = found.get(code)
        cur = int(row["cur"]) if row else 0
        prev = int(row["prev"]) if row else 0
        item = {"key": code, "label": text, "cur": cur, "prev": prev}
        if shares:
            item["cur_share"] = _share(cur, total_cur)
            item["prev_share"] = _share(prev, total_prev)
        out.append(item)
    total = {"key": "_total", "label": tk._("Total"), "cur": total_cur, "prev": total_prev, "total": True}
    if shares:
        total["cur_share"] = 100.0 if total_cur else None
        total["prev_share"] = 100.0 if total_prev else None
    out.append(total)
    return out


def _topic_labels() -> dict[str, str]:
    """Labels of the topic field's choices in the dataset schema, if it has
    any (ckanext-scheming), in the current language."""
    field_name = tk.config.get("ckanext.utt1service.download_topic_field")
    try:
        schema = tk.h.scheming_get_dataset_schema("dataset")
    except (AttributeError, KeyError):
        return {}
    lang = _lang()
    for field in (schema or {}).get("dataset_fields", []):
        if field.get("field_name") != field_name:
            continue
        labels = {}
        # a field's choices may come from a choices_helper (the topic category does)
        for choice in tk.h.scheming_field_choices(field) or []:
            label = choice.get("label", choice.get("value"))
            if isinstance(label, dict):
                label = label.get(lang) or label.get("en") or next(iter(label.values()), "")
            labels[choice.get("value")] = label
        return labels
    return {}


def _month_label(month: datetime.date) -> str:
    return get_month_names("abbreviated", locale=_lang())[month.month]


def _downloads(cur: Period, prev: Period, scope: Scope) -> dict:
    by_channel = queries.downloads_by_channel(scope)
    channel_rows = _breakdown(by_channel, vocabularies.SERVICE_CHANNELS.choices(), tk._("Other"))
    total = channel_rows[-1]

    by_month = {r["month"]: int(r["n"]) for r in queries.downloads_by_month(scope)}
    month_rows = []
    for this, last in zip(cur.months, prev.months):
        month_rows.append(
            {
                "key": this.isoformat(),
                "label": _month_label(this),
                "cur": by_month.get(this, 0),
                "prev": by_month.get(last, 0),
            }
        )
    month_rows.append(
        {
            "key": "_total",
            "label": tk._("Total"),
            "cur": sum(r["cur"] for r in month_rows),
            "prev": sum(r["prev"] for r in month_rows),
            "total": True,
        }
    )

    topic_names = _topic_labels()
    topics = queries.downloads_by_topic(scope)
    topic_rows = _breakdown(
        topics,
        [(k, topic_names.get(k, k)) for k in sorted((r["key"] for r in topics if r["key"]), key=str)],
        tk._("No topic category"),
    )

    datasets = []
    for rank, row in enumerate(queries.top_datasets(scope, TOP_N), 1):
        datasets.append(
            {
                "rank": rank,
                "label": row["title"] or row["name"] or row["package_id"],
                "name": row["name"],
                "package_id": row["package_id"],
                "cur": int(row["cur"]),
                "prev": int(row["prev"]),
            }
        )
    resources = []
    for rank, row in enumerate(queries.top_resources(scope, TOP_N), 1):
        resources.append(
            {
                "rank": rank,
                "label": row["resource_name"] or (row["url"] or "").rsplit("/", 1)[-1] or row["resource_id"],
                "dataset": row["package_title"] or row["package_name"] or row["package_id"],
                "resource_id": row["resource_id"],
                "package_id": row["package_id"],
                "name": row["package_name"],
                "cur": int(row["cur"]),
                "prev": int(row["prev"]),
            }
        )

    rank = _column("rank", tk._("Rank"), "int")
    return {
        "key": "downloads",
        "title": tk._("Downloads"),
        "total": {"cur": total["cur"], "prev": total["prev"]},
        "tables": [
            _table(
                "downloads_by_channel",
                tk._("Downloads by channel"),
                _compare_columns(_column("label", tk._("Channel"), "text"), cur, prev, shares=True),
                channel_rows,
                chart={"type": "doughnut", "values": "cur"},
            ),
            _table(
                "downloads_by_month",
                tk._("Downloads by month"),
                _compare_columns(_column("label", tk._("Month"), "text"), cur, prev),
                month_rows,
                chart={"type": "bar", "values": ["cur", "prev"]},
            ),
            _table(
                "downloads_by_topic",
                tk._("Downloads by topic category"),
                _compare_columns(_column("label", tk._("Topic category"), "text"), cur, prev, shares=True),
                topic_rows,
                chart={"type": "hbar", "values": ["cur", "prev"]},
            ),
            _table(
                "top_datasets",
                tk._("The 10 most downloaded datasets"),
                [rank] + _compare_columns(_column("label", tk._("Dataset"), "text"), cur, prev),
                datasets,
            ),
            _table(
                "top_resources",
                tk._("The 10 most downloaded files"),
                [rank, _column("label", tk._("File"), "text"), _column("dataset", tk._("Dataset"), "text")]
                + _compare_columns(_column("label", "", "text"), cur, prev)[1:],
                resources,
            ),
        ],
    }


def _requests(cur: Period, prev: Period, result: dict[str, Any]) -> dict:
    """``result``: :func:`queries.requests` (figures, agency types, channels
    and the turnaround, in one pass over the requests of the periods)."""
    figures = result["figures"]
    items = [
        ("received", tk._("Requests received"), "int"),
        ("approved", tk._("Approved"), "int"),
        ("rejected", tk._("Rejected"), "int"),
        ("withdrawn", tk._("Withdrawn by requesters"), "int"),
        ("pending", tk._("Pending at the end of the period"), "int"),
        ("days_to_decision", tk._("Median days from submission to decision"), "days"),
        ("days_to_delivery", tk._("Median days from submission to delivery"), "days"),
    ]
    summary_rows = []
    for key, label, kind in items:
        value_cur, value_prev = figures[f"{key}_cur"], figures[f"{key}_prev"]
        if kind == "int":
            value_cur, value_prev = int(value_cur or 0), int(value_prev or 0)
        else:
            value_cur, value_prev = _float(value_cur), _float(value_prev)
        summary_rows.append({"key": key, "label": label, "kind": kind, "cur": value_cur, "prev": value_prev})

    # Every agency type (with zeros), then "not stated" when some requests
    # have none, then the total.
    agency_type_rows = _breakdown(
        result["agency_types"], vocabularies.AGENCY_TYPES.choices(), vocabularies.AGENCY_TYPES.label(None)
    )
    agency_type_note = ""
    if any(row["key"] == "" for row in agency_type_rows):
        agency_type_note = tk._(
            "Not stated: requests made before the request form asked for the agency type."
        )
    channel_rows = _breakdown(result["channels"], vocabularies.DELIVERY_METHODS.choices(), tk._("Other"))

    received = summary_rows[0]
    return {
        "key": "requests",
        "title": tk._("Access requests"),
        "total": {"cur": received["cur"], "prev": received["prev"]},
        "tables": [
            _table(
                "requests_summary",
                tk._("Requests and how they were handled"),
                _compare_columns(_column("label", tk._("Figure"), "text"), cur, prev, kind="value"),
                summary_rows,
                note=tk._(
                    "A request counts as received when it enters the office's queue; "
                    "approvals, rejections, withdrawals and deliveries count in the "
                    "period in which they happened. Days are calendar days."
                ),
            ),
            _table(
                "requests_by_agency_type",
                tk._("Requests received by agency type"),
                _compare_columns(
                    _column("label", tk._("Requester's agency type"), "text"), cur, prev, shares=True
                ),
                agency_type_rows,
                chart={"type": "hbar", "values": ["cur", "prev"]},
                note=agency_type_note,
            ),
            _table(
                "requests_by_channel",
                tk._("Requests received by delivery method"),
                _compare_columns(_column("label", tk._("Delivery method"), "text"), cur, prev, shares=True),
                channel_rows,
                chart={"type": "doughnut", "values": "cur"},
            ),
        ],
    }


def _satisfaction(cur: Period, prev: Period, scope: Scope, suggestion_limit: Optional[int]) -> dict:
    figures = queries.survey_figures(scope)
    n = {"cur": int(figures["responses_cur"]), "prev": int(figures["responses_prev"])}
    rows = []
    pooled = {(p, r): 0 for p in ("cur", "prev") for r in (3, 2, 1)}
    for group in vocabularies.survey_groups():
        for item in group["items"]:
            name = item["name"]
            row = {"key": name, "label": f"{item['number']} {item['label']}"}
            for p in ("cur", "prev"):
                for rating, column in ((3, "very_good"), (2, "fair"), (1, "needs_improvement")):
                    count = int(figures[f"{name}_{rating}_{p}"])
                    pooled[(p, rating)] += count
                    row[f"{column}_{p}"] = _share(count, n[p])
                row[f"mean_{p}"] = _float(figures[f"{name}_mean_{p}"])
            row["level"] = satisfaction_level(row["mean_cur"])
            rows.append(row)
    overall = {"key": "_overall", "label": tk._("Overall satisfaction"), "total": True}
    for p in ("cur", "prev"):
        ratings = 5 * n[p]
        for rating, column in ((3, "very_good"), (2, "fair"), (1, "needs_improvement")):
            overall[f"{column}_{p}"] = _share(pooled[(p, rating)], ratings)
        overall[f"mean_{p}"] = _float(figures[f"overall_mean_{p}"])
    overall["level"] = satisfaction_level(overall["mean_cur"])
    rows.append(overall)

    cs, ps = cur.short(), prev.short()
    columns = [_column("label", tk._("Item"), "text")]
    for p, group in (("cur", cs), ("prev", ps)):
        for column, label in (
            ("very_good", tk._("Very good")),
            ("fair", tk._("Fair")),
            ("needs_improvement", tk._("Needs improvement")),
        ):
            columns.append(_column(f"{column}_{p}", f"{label} (%)", "pct", group=group))
        columns.append(_column(f"mean_{p}", tk._("Mean (1–3)"), "mean", group=group))
        if p == "cur":
            columns.append(_column("level", tk._("Level"), "text", group=group))

    summary_rows = [
        {"key": "responses", "label": tk._("Number of survey responses"), "kind": "int", "cur": n["cur"], "prev": n["prev"]},
        {
            "key": "overall_mean",
            "label": tk._("Overall satisfaction (mean, 1–3)"),
            "kind": "mean",
            "cur": overall["mean_cur"],
            "prev": overall["mean_prev"],
        },
        {
            "key": "suggestions",
            "label": tk._("Responses with a suggestion"),
            "kind": "int",
            "cur": int(figures["suggestions_cur"]),
            "prev": int(figures["suggestions_prev"]),
        },
    ]
    lang = _lang()
    suggestion_rows = [
        {
            "date": thaidate.format_date(r["created"], lang),
            "created": r["created"].isoformat(),
            "label": r["suggestion"],
            "dataset": r["package_title"] or "",
        }
        for r in queries.suggestions(scope, suggestion_limit)
    ]
    listed = len(suggestion_rows)
    total_suggestions = int(figures["suggestions_cur"])
    note = ""
    if listed < total_suggestions:
        note = tk._(
            "The %(listed)s newest of %(total)s suggestions are listed here; "
            "the CSV and XLSX exports list them all."
        ) % {"listed": listed, "total": total_suggestions}
    return {
        "key": "satisfaction",
        "title": tk._("Satisfaction"),
        "total": {"cur": n["cur"], "prev": n["prev"]},
        "overall": {"cur": overall["mean_cur"], "prev": overall["mean_prev"]},
        "tables": [
            _table(
                "satisfaction_summary",
                tk._("Survey responses and overall satisfaction"),
                _compare_columns(_column("label", tk._("Figure"), "text"), cur, prev, kind="value"),
                summary_rows,
            ),
            _table(
                "satisfaction_items",
                tk._("Satisfaction per item"),
                columns,
                rows,
                chart={"type": "stacked", "values": ["very_good_cur", "fair_cur", "needs_improvement_cur"]},
                note=tk._(
                    "Shares of the responses of the period; mean on the scale 3 = very good, "
                    "2 = fair, 1 = needs improvement (level: 2.34–3.00 very good, "
                    "1.67–2.33 fair, 1.00–1.66 needs improvement)."
                ),
            ),
            _table(
                "suggestions",
                tk._("Suggestions"),
                [
                    _column("date", tk._("Date"), "text"),
                    _column("label", tk._("Suggestion"), "text"),
                    _column("dataset", tk._("Dataset"), "text"),
                ],
                suggestion_rows,
                note=note,
                total_count=total_suggestions,
            ),
        ],
    }


def _complaints(cur: Period, prev: Period, scope: Scope) -> dict:
    figures = _kept("complaint_figures", queries.complaint_figures, scope)
    summary_rows = [
        {"key": "complaints", "label": tk._("Complaints received"), "kind": "int"},
        {"key": "problems", "label": tk._("Problems of service events recorded"), "kind": "int"},
        {"key": "resolved", "label": tk._("Resolved in the period"), "kind": "int"},
        {"key": "days_to_resolve", "label": tk._("Median days to resolve"), "kind": "days"},
    ]
    for row in summary_rows:
        for p in ("cur", "prev"):
            value = figures[f"{row['key']}_{p}"]
            row[p] = int(value or 0) if row["kind"] == "int" else _float(value)
    columns = lambda first: _compare_columns(_column("label", first, "text"), cur, prev)  # noqa: E731
    category_rows = _breakdown(
        _kept("complaints_by_category", queries.complaints_by_category, scope), vocabularies.COMPLAINT_CATEGORIES.choices(), tk._("Other"), shares=False
    )
    state_rows = _breakdown(
        _kept("complaints_by_state", queries.complaints_by_state, scope), vocabularies.COMPLAINT_STATES.choices(), tk._("Other"), shares=False
    )
    channel_rows = _breakdown(
        _kept("complaints_by_channel", queries.complaints_by_channel, scope), vocabularies.COMPLAINT_SOURCES.choices(), tk._("Other"), shares=False
    )
    return {
        "key": "complaints",
        "title": tk._("Problems and complaints of the service"),
        "total": {
            "cur": summary_rows[0]["cur"] + summary_rows[1]["cur"],
            "prev": summary_rows[0]["prev"] + summary_rows[1]["prev"],
        },
        "tables": [
            _table(
                "complaints_summary",
                tk._("Problems and complaints received and resolved"),
                _compare_columns(_column("label", tk._("Figure"), "text"), cur, prev, kind="value"),
                summary_rows,
            ),
            _table(
                "complaints_by_category",
                tk._("Problems and complaints by category"),
                columns(tk._("Category")),
                category_rows,
                chart={"type": "hbar", "values": ["cur", "prev"]},
            ),
            _table(
                "complaints_by_channel",
                tk._("Problems and complaints by channel"),
                columns(tk._("Channel")),
                channel_rows,
            ),
            _table(
                "complaints_by_state",
                tk._("Problems and complaints by state at the end of the period"),
                columns(tk._("State")),
                state_rows,
            ),
        ],
    }


def _speed_columns(cur: Period, prev: Period, first: list[dict]) -> list[dict]:
    columns = list(first)
    for p, group in (("cur", cur.short()), ("prev", prev.short())):
        columns += [
            _column(f"median_{p}", tk._("Median (days)"), "days", group=group),
            _column(f"p90_{p}", tk._("90th percentile (days)"), "days", group=group),
            _column(f"n_{p}", tk._("Number"), "int", group=group),
        ]
    return columns


def _speed_row(key: str, label: str, found: Optional[Any], **extra: Any) -> dict:
    row: dict[str, Any] = {"key": key, "label": label, **extra}
    for p in ("cur", "prev"):
        row[f"median_{p}"] = _float(found[f"median_{p}"]) if found else None
        row[f"p90_{p}"] = _float(found[f"p90_{p}"]) if found else None
        row[f"n_{p}"] = int(found[f"n_{p}"]) if found else 0
    return row


def _service_levels(period: Period, scope: Scope) -> dict[str, Any]:
    """The service-level figures of the requests received in ``period``,
    from access_requests' own computation (the one the queue, the dashboard
    and the reminders use), so that "late" means one thing everywhere."""
    # The report's own access was checked by utt1service_report_show (or its
    # caller: the CLI, a publication); the figures carry no personal data.
    # The steps' labels come translated by the action: kept per language
    # (outside a request, e.g. the CLI, CKAN translates nothing: None).
    import flask

    lang = get_lang() if flask.has_request_context() else None
    return _kept("service_levels", lambda p, org, lang: tk.get_action("utt1service_request_service_levels")(
        {"ignore_auth": True},
        {"fiscal_year": p.fiscal_year, "half": p.half, "quarter": p.quarter,
         "owner_org": org, "waiting": False},
    ), period, scope.org_id, lang)


def _late_table(cur: Period, prev: Period, scope: Scope) -> dict:
    levels = {"cur": _service_levels(cur, scope), "prev": _service_levels(prev, scope)}
    columns = [_column("label", tk._("Step"), "text"), _column("target", tk._("Target (days)"), "int")]
    for p, period in (("cur", cur), ("prev", prev)):
        columns += [
            _column(f"count_{p}", tk._("Requests through the step"), "int", group=period.short()),
            _column(f"late_{p}", tk._("Beyond the target"), "int", group=period.short()),
        ]
    rows = []
    for step, figures in levels["cur"]["steps"].items():
        row: dict[str, Any] = {"key": step, "label": figures["label"], "target": figures["target_days"],
                               "total": step == "overall"}
        for p in ("cur", "prev"):
            found = levels[p]["steps"][step]
            row[f"count_{p}"] = found["count"]
            row[f"late_{p}"] = found["late"]
        rows.append(row)
    if levels["cur"]["working_days"]:
        days = tk._("working days (Monday to Friday without the office's holidays)")
    else:
        days = tk._("calendar days")
    return _table(
        "requests_late",
        tk._("Access requests beyond the service levels"),
        columns,
        rows,
        note=tk._(
            "Requests received in the period (entering the office's queue), counted in "
            "Bangkok days, %(days)s: how many went through each step (up to the time of the "
            "report) and how many of them took longer than the step's target. Check: from entering the queue to the "
            "staff's check; decision: from the check to the director's decision; delivery: "
            "from the approval to delivery by e-mail or on paper; whole service: from "
            "entering the queue to the decision (download) or the delivery. The same "
            "targets mark requests late in the queue."
        ) % {"days": days},
    )


def _turnaround(cur: Period, prev: Period, scope: Scope, requests: dict[str, Any]) -> dict:
    found = {(r["step"], r["channel"]): r for r in requests["turnaround"]}
    steps = [
        ("checked", tk._("Received to checked")),
        ("decided", tk._("Received to decision")),
        ("delivered", tk._("Received to delivery")),
    ]
    channels = [("_all", tk._("All channels"))] + vocabularies.DELIVERY_METHODS.choices()
    request_rows = []
    for step, step_label in steps:
        for channel, channel_label in channels:
            row = found.get((step, channel))
            if channel != "_all" and row is None:
                continue
            request_rows.append(_speed_row(
                f"{step}:{channel}", step_label, row, channel=channel_label, total=channel == "_all"
            ))
    complaint_found = {r["step"]: r for r in _kept("complaint_turnaround", queries.complaint_turnaround, scope)}
    complaint_rows = [
        _speed_row("acknowledged", tk._("Received to acknowledgement (taken up by the staff)"),
                   complaint_found.get("acknowledged")),
        _speed_row("resolved", tk._("Received to resolution"), complaint_found.get("resolved")),
    ]
    return {
        "key": "turnaround",
        "title": tk._("Turnaround times"),
        "tables": [
            _table(
                "requests_turnaround",
                tk._("Days to handle access requests"),
                _speed_columns(cur, prev, [
                    _column("label", tk._("Step"), "text"), _column("channel", tk._("Delivery method"), "text")
                ]),
                request_rows,
                note=tk._(
                    "Calendar days from the request entering the office's queue; each step "
                    "counts in the period in which it happened. Number: how many requests "
                    "took that step in the period."
                ),
            ),
            _late_table(cur, prev, scope),
            _table(
                "complaints_turnaround",
                tk._("Days to handle problems and complaints"),
                _speed_columns(cur, prev, [_column("label", tk._("Step"), "text")]),
                complaint_rows,
            ),
        ],
    }


def _summary(cur: Period, prev: Period, sections: dict[str, dict]) -> dict:
    rows = [
        {"key": "downloads", "label": tk._("Downloads"), "kind": "int", **sections["downloads"]["total"]},
        {"key": "requests", "label": tk._("Access requests received"), "kind": "int", **sections["requests"]["total"]},
        {"key": "responses", "label": tk._("Number of survey responses"), "kind": "int", **sections["satisfaction"]["total"]},
        {
            "key": "satisfaction",
            "label": tk._("Overall satisfaction (mean, 1–3)"),
            "kind": "mean",
            **sections["satisfaction"]["overall"],
        },
        {
            "key": "complaints",
            "label": tk._("Problems and complaints received"),
            "kind": "int",
            **sections["complaints"]["total"],
        },
    ]
    return {
        "key": "summary",
        "title": tk._("Summary"),
        "tables": [
            _table(
                "summary",
                tk._("Key figures"),
                _compare_columns(_column("label", tk._("Figure"), "text"), cur, prev, kind="value"),
                rows,
            )
        ],
    }


def build(
    fiscal_year: int,
    half: Optional[int] = None,
    quarter: Optional[int] = None,
    org: Optional[model.Group] = None,
    unassigned: bool = False,
    suggestion_limit: Optional[int] = None,
    progress: Optional[Callable[[str], None]] = None,
) -> dict[str, Any]:
    """The report of one fiscal year (or half) with the same period of the
    previous fiscal year beside each figure, for one organization or (org
    None) the whole office."""
    cur = Period(fiscal_year, half, quarter)
    prev = cur.previous
    scope = Scope(
        start=cur.start,
        end=cur.end,
        prev_start=prev.start,
        prev_end=prev.end,
        org_id=org.id if org is not None else None,
        unassigned=unassigned,
    )
    step = progress or (lambda name: None)
    queries.without_jit()
    # every download answered so far in the figures (common/event_buffer.py)
    event_buffer.flush_for_reading()
    # read before any figure (see .cache): what is kept under it is never older
    token = _version.set(cache.data_version())
    try:
        return _build(cur, prev, scope, org, suggestion_limit, step)
    finally:
        _version.reset(token)


def _build(cur: Period, prev: Period, scope: Scope, org: Optional[model.Group],
           suggestion_limit: Optional[int], step: Callable[[str], None]) -> dict[str, Any]:
    fiscal_year, half, quarter = cur.fiscal_year, cur.half, cur.quarter
    sections: dict[str, dict] = {}
    sections["downloads"] = _downloads(cur, prev, scope)
    step("downloads")
    requests = _kept("requests", queries.requests, scope)
    sections["requests"] = _requests(cur, prev, requests)
    step("requests")
    sections["satisfaction"] = _satisfaction(cur, prev, scope, suggestion_limit)
    step("satisfaction")
    sections["complaints"] = _complaints(cur, prev, scope)
    step("complaints")
    sections["turnaround"] = _turnaround(cur, prev, scope, requests)
    step("turnaround")
    ordered = [_summary(cur, prev, sections)] + [
        sections[k] for k in ("downloads", "requests", "satisfaction", "complaints", "turnaround")
    ]
    for section in ordered:
        section.pop("total", None)
        section.pop("overall", None)
    now = datetime.datetime.now(datetime.timezone.utc)
    return {
        "fiscal_year": fiscal_year,
        "half": half,
        "quarter": quarter,
        "period": cur.key,
        "current": cur.as_dict(),
        "previous": prev.as_dict(),
        "organization": (
            {"id": org.id, "name": org.name, "title": org.title or org.name} if org is not None else None
        ),
        "generated": now.isoformat(),
        "generated_label": thaidate.format_datetime(now, _lang()),
        "ongoing": now < cur.end,
        "sections": ordered,
    }
