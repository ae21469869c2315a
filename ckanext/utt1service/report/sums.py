# -*- coding: utf-8 -*-
"""The sums the service report reads, and how to check and repair them
(``ckan utt1service rebuild-sums``).

Triggers keep each of these tables equal to a direct computation from its
source rows (issue 20: the report reads a few rows per month, not the
history). A restore with triggers disabled, a hand edit or a bug could make
them drift; :func:`differences` lists where a table and its direct
computation disagree, and :func:`repair` makes them agree, touching only
the rows that differ.

- ``utt1service_report_download_month`` and
  ``utt1service_report_resource_month``: reportable downloads per Bangkok
  month (``common/counting.py``);
- ``utt1service_report_survey_month``: survey responses, suggestions and
  ratings per Bangkok month and organization (migration ``2b3c4d5e6f70``);
- ``utt1service_request_timeline``: per access request, the first time its
  audit trail shows it entering the queue, approved, rejected, withdrawn,
  delivered and checked (migrations ``f9d6e7a8b9c0``, ``a4b5c6d7e8f9``), and
  the request's organization, agency type and delivery channel and its
  first download through the grant (migration ``b6c7d8e9f0a1``);
- ``utt1service_complaint_timeline``: per complaint, the first change of
  state in its trail, when the staff took it up (migration ``b6c7d8e9f0a1``).

A row that is missing on one side counts as zero (sums) or as no step
(timeline): the download triggers leave a month at zero rather than delete
it, which is no difference.
"""
from __future__ import annotations

import dataclasses
from typing import Any

import sqlalchemy as sa

import ckan.model as model

from ckanext.utt1service.common import counting

__all__ = ["KEPT", "Kept", "differences", "repair"]

SURVEY_ITEMS = ("staff_courtesy", "staff_reception", "search_speed", "data_match", "data_quality")
_SURVEY_COUNTS = ("responses", "suggestions") + tuple(
    f"{item}_{rating}" for item in SURVEY_ITEMS for rating in (3, 2, 1))
_BANGKOK_MONTH = counting.BANGKOK_MONTH
_STEPS = ("received_at", "approved_at", "rejected_at", "withdrawn_at", "delivered_at",
          "checked_at", "owner_org", "agency_type", "delivery_channel", "downloaded_at")


@dataclasses.dataclass(frozen=True)
class Kept:
    """One table of sums: its key and value columns, the SELECT that
    computes it from the source, and the source tables (locked while it is
    repaired, so that no write slips between the computation and the fix)."""

    table: str
    keys: tuple[str, ...]
    values: tuple[str, ...]
    direct: str
    sources: tuple[str, ...]
    #: values of a missing row: 0 for counts, NULL for times
    missing: str = "0"


def _survey_direct() -> str:
    parts = ["count(*)", "count(*) FILTER (WHERE btrim(coalesce(suggestion, '')) <> '')"]
    parts += [f"count(*) FILTER (WHERE {item} = {rating})"
              for item in SURVEY_ITEMS for rating in (3, 2, 1)]
    columns = ", ".join(f"{p} AS {c}" for p, c in zip(parts, _SURVEY_COUNTS))
    return (f"SELECT {_BANGKOK_MONTH} AS month, coalesce(owner_org, '') AS owner_org, {columns}"
            " FROM utt1service_survey_response GROUP BY 1, 2")


_TIMELINE_DIRECT = """
    SELECT a.request_id, a.received_at, a.approved_at, a.rejected_at, a.withdrawn_at,
           a.delivered_at, a.checked_at, r.owner_org, r.agency_type, r.delivery_channel,
           d.downloaded_at
      FROM (SELECT object_id AS request_id,
                   min(created) FILTER (WHERE to_state <> 'unconfirmed') AS received_at,
                   min(created) FILTER (WHERE to_state = 'approved') AS approved_at,
                   min(created) FILTER (WHERE to_state = 'rejected') AS rejected_at,
                   min(created) FILTER (WHERE to_state = 'withdrawn') AS withdrawn_at,
                   min(created) FILTER (WHERE to_state = 'delivered') AS delivered_at,
                   min(created) FILTER (WHERE to_state = 'checked') AS checked_at
              FROM utt1service_audit
             WHERE object_type = 'access_request' AND to_state IS NOT NULL
             GROUP BY object_id) a
      LEFT JOIN utt1service_access_request r ON r.id = a.request_id
      LEFT JOIN (SELECT request_id, min(created) AS downloaded_at
                   FROM utt1service_download_event
                  WHERE request_id IS NOT NULL GROUP BY request_id) d ON d.request_id = a.request_id
"""

_EVENTS = ("utt1service_download_event", "utt1service_download_target")

#: every table of sums the report reads, in the order they are checked
KEPT: tuple[Kept, ...] = (
    Kept("utt1service_report_download_month", ("month", "owner_org", "topic", "channel"),
         ("downloads",), counting.direct_sql()[0], _EVENTS),
    Kept("utt1service_report_resource_month", ("month", "owner_org", "package_id", "resource_id"),
         ("downloads",), counting.direct_sql()[1], _EVENTS),
    Kept("utt1service_report_survey_month", ("month", "owner_org"), _SURVEY_COUNTS,
         _survey_direct(), ("utt1service_survey_response",)),
    Kept("utt1service_request_timeline", ("request_id",), _STEPS, _TIMELINE_DIRECT,
         ("utt1service_audit", "utt1service_access_request", "utt1service_download_event"),
         missing="NULL"),
    Kept("utt1service_complaint_timeline", ("complaint_id",), ("acknowledged_at",),
         "SELECT object_id AS complaint_id, min(created) AS acknowledged_at FROM utt1service_audit"
         " WHERE object_type = 'complaint' AND action = 'change_state' GROUP BY object_id",
         ("utt1service_audit",), missing="NULL"),
)


def _diff_sql(kept: Kept) -> str:
    keys = ", ".join(kept.keys)
    stored = ", ".join(f"coalesce(s.{v}, {kept.missing}) AS stored_{v}" for v in kept.values)
    expected = ", ".join(f"coalesce(d.{v}, {kept.missing}) AS expected_{v}" for v in kept.values)
    left = ", ".join(f"coalesce(s.{v}, {kept.missing})" for v in kept.values)
    right = ", ".join(f"coalesce(d.{v}, {kept.missing})" for v in kept.values)
    return (f"SELECT {keys}, d.{kept.keys[0]} IS NOT NULL AS in_source, {stored}, {expected}"
            f" FROM {kept.table} s FULL JOIN ({kept.direct}) d USING ({keys})"
            f" WHERE ROW({left}) IS DISTINCT FROM ROW({right}) ORDER BY {keys}")


def differences(kept: Kept) -> list[dict[str, Any]]:
    """The rows where the table and its direct computation disagree: the
    key, and per value column what is stored and what is expected."""
    rows = model.Session.execute(sa.text(_diff_sql(kept))).mappings().all()
    out = []
    for row in rows:
        changed = {v: (row[f"stored_{v}"], row[f"expected_{v}"]) for v in kept.values
                   if row[f"stored_{v}"] != row[f"expected_{v}"]}
        out.append({"key": {k: row[k] for k in kept.keys}, "in_source": row["in_source"],
                    "changed": changed})
    return out


def repair(kept: Kept) -> int:
    """Make the table equal to its direct computation, changing only the
    rows that differ; returns how many. Writes to the sources wait until the
    caller commits (a download being counted waits, it is not lost)."""
    model.Session.execute(sa.text(
        f"LOCK TABLE {', '.join(kept.sources)} IN SHARE MODE"))
    found = differences(kept)
    if not found:
        return 0
    keys = ", ".join(kept.keys)
    values = ", ".join(kept.values)
    key_match = " AND ".join(f"t.{k} = d.{k}" for k in kept.keys)
    nothing = ", ".join(kept.missing for _v in kept.values)
    model.Session.execute(sa.text(
        f"DELETE FROM {kept.table} t WHERE NOT EXISTS"
        f" (SELECT 1 FROM ({kept.direct}) d WHERE {key_match})"
        f" AND ROW({', '.join(f't.{v}' for v in kept.values)}) IS DISTINCT FROM ROW({nothing})"))
    model.Session.execute(sa.text(
        f"INSERT INTO {kept.table} AS t ({keys}, {values})"
        f" SELECT {keys}, {values} FROM ({kept.direct}) d"
        f" ON CONFLICT ({keys}) DO UPDATE SET "
        + ", ".join(f"{v} = EXCLUDED.{v}" for v in kept.values)
        + " WHERE ROW(" + ", ".join(f"t.{v}" for v in kept.values) + ") IS DISTINCT FROM ROW("
        + ", ".join(f"EXCLUDED.{v}" for v in kept.values) + ")"))
    return len(found)
