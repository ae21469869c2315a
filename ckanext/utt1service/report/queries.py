# -*- coding: utf-8 -*-
"""Every query of the fiscal-year service report, in one place.

Each function takes a :class:`Scope` (the report period, the same period of
the previous fiscal year, and the organization) and returns plain rows with
the figure for the period (``cur``) and for the previous year (``prev``)
side by side. All aggregation happens here, in PostgreSQL; the callers only
arrange the rows into tables.

What each figure is made of (the tables and columns of other features are
named only in this module):

- downloads: the reportable ``utt1service_download_event`` rows
  (``common/counting.py``: bots and repeats within the dedup window left out), read from the
  per-month sums that the migration's trigger keeps
  (``utt1service_report_download_month``, ``utt1service_report_resource_month``);
  a period is a whole number of Bangkok months, so the sums are exact;
- access requests: ``utt1service_access_request`` for the organization,
  agency type and delivery channel, and the audit trail (``utt1service_audit``,
  object_type ``access_request``) for when each request entered the queue
  (its first state other than ``unconfirmed``), was approved, rejected,
  withdrawn or delivered — those first times are kept per request by a
  trigger in ``utt1service_request_timeline``; a request is also delivered by the first download
  through its grant (``utt1service_download_event.request_id``);
- satisfaction: ``utt1service_survey_response`` (items 3 = ดีมาก,
  2 = พอใช้, 1 = ควรปรับปรุง), counted per month in
  ``utt1service_report_survey_month`` (kept by triggers, like the downloads);
- problems and complaints: ``utt1service_complaint``; the state at the end
  of a period comes from the audit trail (object_type ``complaint``), or from
  ``resolved_at`` / ``closed_at`` where a row has no trail.

Times are compared as ``timestamptz`` against the Bangkok bounds of
:func:`ckanext.utt1service.common.thaidate.fiscal_year_bounds`: an event at
30 Sep 23:59 Bangkok time belongs to the year that ends then, one at 1 Oct
00:00 to the next.
"""
from __future__ import annotations

import dataclasses
import datetime
from typing import Any, Optional, Sequence

import sqlalchemy as sa

import ckan.model as model

from ckanext.utt1service.common import counting

__all__ = [
    "Scope",
    "without_jit",
    "downloads_by_channel",
    "downloads_by_month",
    "downloads_by_topic",
    "top_datasets",
    "top_resources",
    "requests",
    "survey_figures",
    "suggestions",
    "complaint_figures",
    "complaints_by_category",
    "complaints_by_state",
    "complaints_by_channel",
    "request_turnaround",
    "complaint_turnaround",
    "rebuild_download_counts",
]

SURVEY_ITEMS = ("staff_courtesy", "staff_reception", "search_speed", "data_match", "data_quality")


@dataclasses.dataclass(frozen=True)
class Scope:
    """The two periods side by side and the organization.

    ``start``/``end`` are ``[start, end)`` timezone-aware datetimes (Bangkok
    midnight); ``org_id`` None means every organization; ``unassigned`` adds
    the rows that belong to no organization (complaints and survey responses
    about the service in general), which the office's own organization
    handles."""

    start: datetime.datetime
    end: datetime.datetime
    prev_start: datetime.datetime
    prev_end: datetime.datetime
    org_id: Optional[str] = None
    unassigned: bool = False

    def params(self, **extra: Any) -> dict[str, Any]:
        # Month keys of the per-month sums: the Bangkok date of each bound.
        values = {
            "cs": self.start,
            "ce": self.end,
            "ps": self.prev_start,
            "pe": self.prev_end,
            "cms": self.start.date(),
            "cme": self.end.date(),
            "pms": self.prev_start.date(),
            "pme": self.prev_end.date(),
            "org": self.org_id,
            "unassigned": self.unassigned,
        }
        values.update(extra)
        return values


def without_jit() -> None:
    """Turn PostgreSQL's JIT compiler off for the rest of the transaction:
    the report's queries read a few thousand rows each, where compiling
    them (tens to hundreds of milliseconds) costs more than it saves. And
    give its sorts room in memory: the medians of a year's access requests
    sort ~160,000 steps at 10 M download events (~8 MB), which spilled to
    disk with PostgreSQL's default work_mem of 4 MB (issue 20)."""
    model.Session.execute(sa.text("SET LOCAL jit = off"))
    model.Session.execute(sa.text("SET LOCAL work_mem = '32MB'"))


def _rows(sql: str, params: dict[str, Any]) -> list[sa.engine.RowMapping]:
    return list(model.Session.execute(sa.text(sql), params).mappings())


def _org(column: str) -> str:
    """The organization filter for a column that may be empty."""
    return (
        f"(CAST(:org AS text) IS NULL OR {column} = :org"
        f" OR (:unassigned AND coalesce({column}, '') = ''))"
    )


# In the period (cur) / in the previous year's period (prev), for a
# timestamptz column and for a month column of the per-month sums.
def _cur(col: str) -> str:
    return f"({col} >= :cs AND {col} < :ce)"


def _prev(col: str) -> str:
    return f"({col} >= :ps AND {col} < :pe)"


_CUR_MONTH = "(month >= :cms AND month < :cme)"
_PREV_MONTH = "(month >= :pms AND month < :pme)"
_EITHER_MONTH = f"({_CUR_MONTH} OR {_PREV_MONTH})"


# --- downloads -------------------------------------------------------------------


def _downloads_by(column: str, scope: Scope) -> list[sa.engine.RowMapping]:
    sql = f"""
        SELECT {column} AS key,
               coalesce(sum(downloads) FILTER (WHERE {_CUR_MONTH}), 0)::bigint AS cur,
               coalesce(sum(downloads) FILTER (WHERE {_PREV_MONTH}), 0)::bigint AS prev
          FROM utt1service_report_download_month
         WHERE {_EITHER_MONTH} AND {_org('owner_org')}
         GROUP BY {column}
        HAVING sum(downloads) <> 0
    """
    return _rows(sql, scope.params())


def downloads_by_channel(scope: Scope) -> list[sa.engine.RowMapping]:
    """Downloads per channel (web, qr, api, email, paper): key, cur, prev."""
    return _downloads_by("channel", scope)


def downloads_by_topic(scope: Scope) -> list[sa.engine.RowMapping]:
    """Downloads per topic category ('' when the dataset had none)."""
    return _downloads_by("topic", scope)


def downloads_by_month(scope: Scope) -> list[sa.engine.RowMapping]:
    """Downloads per Bangkok month of either period: month (a date), n."""
    sql = f"""
        SELECT month, sum(downloads)::bigint AS n
          FROM utt1service_report_download_month
         WHERE {_EITHER_MONTH} AND {_org('owner_org')}
         GROUP BY month
         ORDER BY month
    """
    return _rows(sql, scope.params())


def top_datasets(scope: Scope, limit: int = 10) -> list[sa.engine.RowMapping]:
    """The most downloaded datasets of the period: package_id, name, title,
    cur, prev (the same dataset in the previous year)."""
    sql = f"""
        WITH counts AS (
            SELECT package_id,
                   coalesce(sum(downloads) FILTER (WHERE {_CUR_MONTH}), 0)::bigint AS cur,
                   coalesce(sum(downloads) FILTER (WHERE {_PREV_MONTH}), 0)::bigint AS prev
              FROM utt1service_report_resource_month
             WHERE {_EITHER_MONTH} AND {_org('owner_org')}
             GROUP BY package_id
        )
        SELECT c.package_id, p.name, p.title, c.cur, c.prev
          FROM counts c LEFT JOIN package p ON p.id = c.package_id
         WHERE c.cur > 0
         ORDER BY c.cur DESC, c.prev DESC, coalesce(p.title, p.name, c.package_id), c.package_id
         LIMIT :limit
    """
    return _rows(sql, scope.params(limit=limit))


def top_resources(scope: Scope, limit: int = 10) -> list[sa.engine.RowMapping]:
    """The most downloaded files of the period: resource_id, resource_name,
    url, package_id, package_name, package_title, cur, prev."""
    sql = f"""
        WITH counts AS (
            SELECT resource_id, package_id,
                   coalesce(sum(downloads) FILTER (WHERE {_CUR_MONTH}), 0)::bigint AS cur,
                   coalesce(sum(downloads) FILTER (WHERE {_PREV_MONTH}), 0)::bigint AS prev
              FROM utt1service_report_resource_month
             WHERE {_EITHER_MONTH} AND {_org('owner_org')}
             GROUP BY resource_id, package_id
        )
        SELECT c.resource_id, r.name AS resource_name, r.url, c.package_id,
               p.name AS package_name, p.title AS package_title, c.cur, c.prev
          FROM counts c
          LEFT JOIN resource r ON r.id = c.resource_id
          LEFT JOIN package p ON p.id = c.package_id
         WHERE c.cur > 0
         ORDER BY c.cur DESC, c.prev DESC, coalesce(r.name, r.url, c.resource_id), c.resource_id
         LIMIT :limit
    """
    return _rows(sql, scope.params(limit=limit))


def rebuild_download_counts() -> dict[str, int]:
    """Reinstall the counting triggers and recompute the per-month sums
    from the events (after a restore with triggers disabled, or a change of
    the rule, for instance). The caller commits."""
    # The triggers as common/counting.py writes them (an older or changed
    # copy in the database is replaced), then the sums from all events.
    model.Session.execute(sa.text(counting.install_sql()))
    model.Session.execute(sa.text("TRUNCATE " + ", ".join(counting.MONTH_TABLES)))
    for statement in counting.fill_sql().split(";"):
        if statement.strip():
            model.Session.execute(sa.text(statement))
    counts = model.Session.execute(
        sa.text(
            """
            SELECT (SELECT count(*) FROM utt1service_report_download_month) AS months,
                   (SELECT coalesce(sum(downloads), 0) FROM utt1service_report_download_month) AS downloads
            """
        )
    ).one()
    return {"rows": int(counts.months), "downloads": int(counts.downloads)}


# --- access requests -------------------------------------------------------------

# One row per request of the organization that entered the queue before the
# end of the period: when it entered the queue (its first state other than
# "unconfirmed") and when it was approved, rejected, withdrawn and delivered
# (first time each; the first download through its grant also delivers it).
_TIMELINE = f"""
    events AS (
        -- the first time of each step in the audit trail, the request's
        -- organization, agency type and delivery channel, and its first
        -- download through the grant, kept per request by triggers
        -- (utt1service_request_timeline, migrations f9d6e7a8b9c0, a4b5c6d7e8f9,
        -- b6c7d8e9f0a1): no other table is read. Steps after the period end
        -- fall outside every bound compared below. Only the requests a figure
        -- can count (issue 20: the cost follows the two periods, not the years
        -- before them): received in either period, or earlier and then still
        -- open or with a step in them (a request never decided has no last
        -- step: 'infinity'), or first downloaded through its grant in them.
        -- Each condition is indexed (migrations 3c4d5e6f7081, b6c7d8e9f0a1).
        SELECT request_id AS id, received_at, approved_at, rejected_at, withdrawn_at, delivered_at,
               checked_at, agency_type, delivery_channel, downloaded_at
          FROM utt1service_request_timeline
         WHERE received_at < :ce AND owner_org IS NOT NULL
           AND (received_at >= :ps
                OR coalesce(greatest(approved_at, rejected_at, withdrawn_at, delivered_at),
                            'infinity'::timestamptz) >= :ps
                OR (downloaded_at >= :ps AND downloaded_at < :ce AND downloaded_at IS NOT NULL))
           AND {_org('owner_org')}
    ),
    received AS MATERIALIZED (
        SELECT id, agency_type, delivery_channel, received_at, approved_at, rejected_at,
               withdrawn_at, checked_at, least(approved_at, rejected_at) AS decided_at,
               least(delivered_at, downloaded_at) AS delivered_at
          FROM events
    )
"""


def _days(later: str, earlier: str) -> str:
    return f"extract(epoch FROM ({later} - {earlier})) / 86400.0"


def requests(scope: Scope) -> dict[str, Any]:
    """Access requests, in one statement (one pass over the timeline of the
    requests the two periods can count):

    - ``figures``: received, approved, rejected, withdrawn (each counted
      when it happened in the period), pending at the end of the period
      (received before the end and neither decided nor withdrawn by then),
      and the median days from entering the queue to the decision (requests
      decided in the period) and to delivery (requests delivered in the
      period); each as ``<name>_cur`` and ``<name>_prev``;
    - ``agency_types``: requests received per agency type of the requester
      (key, cur, prev; key '' for requests made before the form asked for
      it);
    - ``channels``: requests received per delivery channel (key, cur, prev);
    - ``turnaround``: the rows of :func:`request_turnaround`.
    """
    parts = []
    for suffix, inside, end in (("cur", _cur, ":ce"), ("prev", _prev, ":pe")):
        parts += [
            f"count(*) FILTER (WHERE {inside('received_at')}) AS received_{suffix}",
            f"count(*) FILTER (WHERE {inside('approved_at')}) AS approved_{suffix}",
            f"count(*) FILTER (WHERE {inside('rejected_at')}) AS rejected_{suffix}",
            f"count(*) FILTER (WHERE {inside('withdrawn_at')}) AS withdrawn_{suffix}",
            f"count(*) FILTER (WHERE received_at < {end} AND coalesce("
            f"least(decided_at, withdrawn_at) >= {end}, true)) AS pending_{suffix}",
            f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {_days('decided_at', 'received_at')})"
            f" FILTER (WHERE {inside('decided_at')}) AS days_to_decision_{suffix}",
            f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {_days('delivered_at', 'received_at')})"
            f" FILTER (WHERE {inside('delivered_at')}) AS days_to_delivery_{suffix}",
        ]
    in_either = f"({_cur('received_at')} OR {_prev('received_at')})"
    sql = f"""
        WITH {_TIMELINE},
        figures AS (SELECT {', '.join(parts)} FROM received),
        agency_types AS (
            SELECT coalesce(agency_type, '') AS key,
                   count(*) FILTER (WHERE {_cur('received_at')}) AS cur,
                   count(*) FILTER (WHERE {_prev('received_at')}) AS prev
              FROM received WHERE {in_either}
             GROUP BY 1
        ),
        channels AS (
            SELECT delivery_channel AS key,
                   count(*) FILTER (WHERE {_cur('received_at')}) AS cur,
                   count(*) FILTER (WHERE {_prev('received_at')}) AS prev
              FROM received WHERE {in_either}
             GROUP BY 1
        ),
        {_TURNAROUND}
        SELECT 'figures' AS part, to_jsonb(f) AS data, '' AS o1, '' AS o2 FROM figures f
        UNION ALL
        SELECT 'agency_types', to_jsonb(a), a.key, '' FROM agency_types a
        UNION ALL
        SELECT 'channels', to_jsonb(c), c.key, '' FROM channels c
        UNION ALL
        SELECT 'turnaround', to_jsonb(t), t.channel, '' FROM turnaround t
        ORDER BY 1, 3, 4
    """
    out: dict[str, Any] = {"figures": None, "agency_types": [], "channels": [], "turnaround": []}
    for row in _rows(sql, scope.params()):
        if row["part"] == "figures":
            out["figures"] = row["data"]
        else:
            out[row["part"]].append(row["data"])
    out["turnaround"] = _turnaround_rows(out["turnaround"])
    return out


# --- satisfaction ----------------------------------------------------------------


def survey_figures(scope: Scope, items: Sequence[str] = SURVEY_ITEMS) -> sa.engine.RowMapping:
    """One row: ``responses_<p>``; for each item ``<item>_<rating>_<p>``
    (how many rated it 3, 2 or 1) and ``<item>_mean_<p>``; ``overall_mean_<p>``
    (the mean of all the ratings); ``suggestions_<p>`` (how many wrote one);
    where <p> is cur or prev.

    Read from the per-month sums that the triggers of migration
    ``2b3c4d5e6f70`` keep (``utt1service_report_survey_month``: per Bangkok
    month and organization, the responses, the suggestions and each item's
    ratings): a few rows per month, however many responses there were."""
    parts = []
    for suffix, period in (("cur", _CUR_MONTH), ("prev", _PREV_MONTH)):
        def total(column: str) -> str:
            return f"coalesce(sum({column}) FILTER (WHERE {period}), 0)"

        responses = total("responses")
        parts.append(f"{responses}::bigint AS responses_{suffix}")
        points = []
        for item in items:
            for rating in (3, 2, 1):
                parts.append(f"{total(f'{item}_{rating}')}::bigint AS {item}_{rating}_{suffix}")
            item_points = " + ".join(f"{rating} * {total(f'{item}_{rating}')}" for rating in (3, 2, 1))
            points.append(item_points)
            parts.append(f"({item_points})::numeric / nullif({responses}, 0) AS {item}_mean_{suffix}")
        parts.append(
            f"({' + '.join(points)})::numeric / nullif({len(items)} * {responses}, 0)"
            f" AS overall_mean_{suffix}"
        )
        parts.append(f"{total('suggestions')}::bigint AS suggestions_{suffix}")
    sql = f"""
        SELECT {', '.join(parts)}
          FROM utt1service_report_survey_month
         WHERE {_EITHER_MONTH} AND {_org('owner_org')}
    """
    return _rows(sql, scope.params())[0]


def suggestions(scope: Scope, limit: Optional[int] = None) -> list[sa.engine.RowMapping]:
    """The suggestions (ข้อเสนอแนะ) written in the period, newest first:
    created, suggestion, package_id, package_title."""
    sql = f"""
        SELECT s.created, btrim(s.suggestion) AS suggestion, s.package_id, p.title AS package_title
          FROM utt1service_survey_response s
          LEFT JOIN package p ON p.id = s.package_id
         WHERE {_cur('s.created')} AND {_org('s.owner_org')}
           AND btrim(coalesce(s.suggestion, '')) <> ''
         ORDER BY s.created DESC, s.id
         LIMIT :limit
    """
    return _rows(sql, scope.params(limit=limit))


# --- problems and complaints -----------------------------------------------------


def complaint_figures(scope: Scope) -> sa.engine.RowMapping:
    """One row: complaints and problems received in the period
    (``complaints_<p>``, ``problems_<p>``), how many were resolved in it
    (``resolved_<p>``) and the median days from receipt to resolution of
    those (``days_to_resolve_<p>``)."""
    parts = []
    for suffix, inside in (("cur", _cur), ("prev", _prev)):
        parts += [
            f"count(*) FILTER (WHERE {inside('created')} AND kind = 'complaint') AS complaints_{suffix}",
            f"count(*) FILTER (WHERE {inside('created')} AND kind = 'problem') AS problems_{suffix}",
            f"count(*) FILTER (WHERE {inside('resolved_at')}) AS resolved_{suffix}",
            f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {_days('resolved_at', 'created')})"
            f" FILTER (WHERE {inside('resolved_at')}) AS days_to_resolve_{suffix}",
        ]
    either = " OR ".join(
        [_cur("created"), _prev("created"), _cur("resolved_at"), _prev("resolved_at")]
    )
    sql = f"""
        SELECT {', '.join(parts)}
          FROM utt1service_complaint
         WHERE ({either}) AND {_org('owner_org')}
    """
    return _rows(sql, scope.params())[0]


def complaints_by_category(scope: Scope) -> list[sa.engine.RowMapping]:
    """Complaints and problems received per category: key, cur, prev."""
    sql = f"""
        SELECT category AS key,
               count(*) FILTER (WHERE {_cur('created')}) AS cur,
               count(*) FILTER (WHERE {_prev('created')}) AS prev
          FROM utt1service_complaint
         WHERE ({_cur('created')} OR {_prev('created')}) AND {_org('owner_org')}
         GROUP BY 1
    """
    return _rows(sql, scope.params())


def complaints_by_state(scope: Scope) -> list[sa.engine.RowMapping]:
    """Complaints and problems received in the period by their state at the
    end of it (or now, for a period not over yet): key, cur, prev."""
    sql = f"""
        WITH received AS (
            SELECT c.id, c.created, c.resolved_at, c.closed_at,
                   CASE WHEN {_cur('c.created')} THEN :ce ELSE :pe END AS period_end,
                   {_cur('c.created')} AS is_cur
              FROM utt1service_complaint c
             WHERE ({_cur('c.created')} OR {_prev('c.created')}) AND {_org('c.owner_org')}
        ),
        states AS (
            SELECT r.is_cur,
                   coalesce(
                       (SELECT a.to_state FROM utt1service_audit a
                         WHERE a.object_type = 'complaint' AND a.object_id = r.id
                           AND a.to_state IS NOT NULL AND a.created < r.period_end
                         ORDER BY a.created DESC LIMIT 1),
                       CASE WHEN r.closed_at < r.period_end THEN 'closed'
                            WHEN r.resolved_at < r.period_end THEN 'resolved'
                            ELSE 'received' END
                   ) AS state
              FROM received r
        )
        SELECT state AS key,
               count(*) FILTER (WHERE is_cur) AS cur,
               count(*) FILTER (WHERE NOT is_cur) AS prev
          FROM states
         GROUP BY 1
    """
    return _rows(sql, scope.params())


def complaints_by_channel(scope: Scope) -> list[sa.engine.RowMapping]:
    """Complaints and problems received per channel (web, telephone, …):
    key, cur, prev."""
    sql = f"""
        SELECT channel AS key,
               count(*) FILTER (WHERE {_cur('created')}) AS cur,
               count(*) FILTER (WHERE {_prev('created')}) AS prev
          FROM utt1service_complaint
         WHERE ({_cur('created')} OR {_prev('created')}) AND {_org('owner_org')}
         GROUP BY 1
    """
    return _rows(sql, scope.params())


def _stats(days: str, moment: str) -> str:
    """Median, 90th percentile and count of ``days`` for the steps whose
    time ``moment`` falls in each period."""
    parts = []
    for suffix, inside in (("cur", _cur), ("prev", _prev)):
        parts += [
            f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {days}) FILTER (WHERE {inside(moment)})"
            f" AS median_{suffix}",
            f"percentile_cont(0.9) WITHIN GROUP (ORDER BY {days}) FILTER (WHERE {inside(moment)})"
            f" AS p90_{suffix}",
            f"count(*) FILTER (WHERE {inside(moment)}) AS n_{suffix}",
        ]
    return ", ".join(parts)


_TURNAROUND_STEPS = ("checked", "decided", "delivered")


def _turnaround_columns() -> str:
    """Per step (checked_at: kept in the timeline, migration a4b5c6d7e8f9)
    the median, 90th percentile and count of the days from entering the
    queue, of the steps taken in each period: ``<step>_median_cur`` …"""
    parts = []
    for step in _TURNAROUND_STEPS:
        at = f"{step}_at"
        days = _days(at, "received_at")
        for suffix, inside in (("cur", _cur), ("prev", _prev)):
            parts += [
                f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {days}) FILTER (WHERE {inside(at)})"
                f" AS {step}_median_{suffix}",
                f"percentile_cont(0.9) WITHIN GROUP (ORDER BY {days}) FILTER (WHERE {inside(at)})"
                f" AS {step}_p90_{suffix}",
                f"count(*) FILTER (WHERE {inside(at)}) AS {step}_n_{suffix}",
            ]
    return ", ".join(parts)


# Every step of each request in one pass over the requests of the periods,
# per delivery channel and for all ('_all'): one row per channel with the
# figures of the three steps side by side (part of the statement of
# :func:`requests`, after _TIMELINE; :func:`_turnaround_rows` turns it into
# one row per step and channel).
_TURNAROUND = f"""
        turnaround AS (
            SELECT CASE WHEN grouping(delivery_channel) = 1 THEN '_all' ELSE delivery_channel END
                   AS channel, {_turnaround_columns()}
              FROM received
             WHERE {' OR '.join(f"{_cur(f'{s}_at')} OR {_prev(f'{s}_at')}" for s in _TURNAROUND_STEPS)}
             GROUP BY GROUPING SETS ((), (delivery_channel))
        )
"""


def _turnaround_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per step and channel taken in either period: step, channel,
    median_cur, p90_cur, n_cur and the same with prev."""
    out = []
    for row in rows:
        for step in _TURNAROUND_STEPS:
            figures = {f"{name}_{p}": row[f"{step}_{name}_{p}"]
                       for name in ("median", "p90", "n") for p in ("cur", "prev")}
            if figures["n_cur"] or figures["n_prev"]:
                out.append({"step": step, "channel": row["channel"], **figures})
    return sorted(out, key=lambda r: (r["step"], r["channel"] or ""))


def request_turnaround(scope: Scope) -> list[dict[str, Any]]:
    """How fast access requests were handled, in calendar days from entering
    the office's queue: per step (``checked``: first checked by the staff;
    ``decided``: approved or rejected; ``delivered``: delivered or first
    downloaded) and delivery channel (``_all`` for every channel), the
    median, 90th percentile and count of the steps taken in each period
    (``median_cur``, ``p90_cur``, ``n_cur``, the same with ``prev``).

    Computed by :func:`requests` in the same pass over the timeline (the
    report takes both from there); this reads them alone.

    The requests beyond the service levels ("late") are not counted here:
    the report asks access_requests (``utt1service_request_service_levels``),
    whose computation the queue and the reminders share.
    """
    return requests(scope)["turnaround"]


def complaint_turnaround(scope: Scope) -> list[sa.engine.RowMapping]:
    """How fast complaints and problems were handled, in calendar days from
    receipt: ``acknowledged`` (the first change of state, when the staff
    took it up) and ``resolved``; median, 90th percentile and count of
    those that happened in each period (as in :func:`request_turnaround`).

    Only the complaints acknowledged or resolved in the periods are read
    (issue 20): the first change of state is kept per complaint by triggers
    on the audit trail (``utt1service_complaint_timeline``, migration
    ``b6c7d8e9f0a1``); both times are indexed."""
    either = " OR ".join
    sql = f"""
        WITH candidates AS (
            SELECT id FROM utt1service_complaint
             WHERE resolved_at IS NOT NULL AND ({either([_cur('resolved_at'), _prev('resolved_at')])})
            UNION
            SELECT complaint_id FROM utt1service_complaint_timeline
             WHERE {either([_cur('acknowledged_at'), _prev('acknowledged_at')])}
        ),
        complaints AS (
            SELECT c.id, c.created, c.resolved_at, t.acknowledged_at
              FROM candidates k
              JOIN utt1service_complaint c ON c.id = k.id
              LEFT JOIN utt1service_complaint_timeline t ON t.complaint_id = c.id
             WHERE c.created < :ce AND {_org('c.owner_org')}
        ),
        steps AS (
            SELECT s.step, s.at, {_days('s.at', 'c.created')} AS days
              FROM complaints c
             CROSS JOIN LATERAL (VALUES ('acknowledged', c.acknowledged_at),
                                        ('resolved', c.resolved_at)) AS s(step, at)
             WHERE {either([_cur('s.at'), _prev('s.at')])}
        )
        SELECT step, {_stats('days', 'at')} FROM steps GROUP BY step
    """
    return _rows(sql, scope.params())
