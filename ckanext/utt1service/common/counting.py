# -*- coding: utf-8 -*-
"""The rule of a reportable download, in one place.

A download event (``utt1service_download_event``, written by download
counting) is *reportable* when it is ``counted`` (the first download of a
visitor within the dedup window) and not a bot's; it belongs to the Bangkok
month of its time. Everything that counts downloads follows this module:

- the download counts on pages and in the API (``DownloadEvent.reportable``);
- the per-month sums the service report reads
  (``utt1service_report_download_month`` and
  ``utt1service_report_resource_month``), kept by the statement-level
  triggers of :data:`TRIGGERS` calling :data:`TRIGGER_FUNCTION`, whose body
  is :func:`trigger_function_sql` (installed by migration ``c6a3d4e5f6a7``);
- ``ckan utt1service report-rebuild-counts`` (:func:`fill_sql`).

Since migration ``f3a4b5c6d7e8`` an event keeps its file, dataset,
organization and topic as a reference (``target_id``) to
``utt1service_download_target``; the SQL here reads them through
:data:`TARGETS_JOIN`. ``compact=False`` gives the SQL of the older table
(the columns on the event), for the migrations before it and its downgrade.

``tests/common/test_counting.py`` checks that the function installed in the
database is the one written here. Changing the rule means: change it here, and
add a migration that runs :func:`install_sql` and ``fill_sql`` again (the
per-month sums are then recomputed).
"""
from __future__ import annotations

__all__ = [
    "REPORTABLE",
    "BANGKOK_MONTH",
    "MONTH_TABLES",
    "TRIGGER_FUNCTION",
    "TRIGGERS",
    "trigger_function_sql",
    "install_sql",
    "drop_sql",
    "fill_sql",
    "direct_sql",
    "TARGETS_JOIN",
]

#: the SQL condition of a reportable download event
REPORTABLE = "counted AND NOT is_bot"
#: the Bangkok month of an event, as a date (the first of the month)
BANGKOK_MONTH = "date_trunc('month', created AT TIME ZONE 'Asia/Bangkok')::date"
#: the per-month sums (by organization, topic and channel; by organization,
#: dataset and resource)
MONTH_TABLES = ("utt1service_report_download_month", "utt1service_report_resource_month")
#: the function the triggers call
TRIGGER_FUNCTION = "utt1service_report_count_downloads"
#: (name, when, transition tables) of the triggers on the events
TRIGGERS = (
    ("utt1service_report_count_insert", "AFTER INSERT", "REFERENCING NEW TABLE AS new_rows"),
    ("utt1service_report_count_update", "AFTER UPDATE",
     "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    ("utt1service_report_count_delete", "AFTER DELETE", "REFERENCING OLD TABLE AS old_rows"),
    ("utt1service_report_count_truncate", "AFTER TRUNCATE", ""),
)

#: the target (file, dataset, organization, topic) of each event row
TARGETS_JOIN = "JOIN utt1service_download_target t ON t.id = {rows}.target_id"


def _source(rows: str, compact: bool) -> str:
    return f"{rows} " + TARGETS_JOIN.format(rows=rows) if compact else rows


# {rows}: the transition table (with its targets); {sign}: 1 or -1.
_DELTA_MONTH = f"""
    SELECT {BANGKOK_MONTH} AS month, coalesce(owner_org, '') AS owner_org,
           coalesce(topic, '') AS topic, channel, {{sign}} * count(*) AS n
      FROM {{rows}} WHERE {REPORTABLE} GROUP BY 1, 2, 3, 4
"""
_DELTA_RESOURCE = f"""
    SELECT {BANGKOK_MONTH} AS month, coalesce(owner_org, '') AS owner_org,
           package_id, resource_id, {{sign}} * count(*) AS n
      FROM {{rows}} WHERE {REPORTABLE} GROUP BY 1, 2, 3, 4
"""


def _apply(delta_month: str, delta_resource: str) -> str:
    """Add the deltas to both tables (rows in key order, so that two
    statements never wait for each other in opposite orders)."""
    return f"""
    INSERT INTO utt1service_report_download_month AS t (month, owner_org, topic, channel, downloads)
    SELECT month, owner_org, topic, channel, sum(n) FROM ({delta_month}) d
     GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4
    ON CONFLICT (month, owner_org, topic, channel)
    DO UPDATE SET downloads = t.downloads + EXCLUDED.downloads;
    INSERT INTO utt1service_report_resource_month AS t (month, owner_org, package_id, resource_id, downloads)
    SELECT month, owner_org, package_id, resource_id, sum(n) FROM ({delta_resource}) d
     GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4
    ON CONFLICT (month, owner_org, package_id, resource_id)
    DO UPDATE SET downloads = t.downloads + EXCLUDED.downloads;
    """


def _body(compact: bool = True) -> str:
    new_rows = _source("new_rows", compact)
    old_rows = _source("old_rows", compact)
    inserted = _apply(
        _DELTA_MONTH.format(rows=new_rows, sign=1),
        _DELTA_RESOURCE.format(rows=new_rows, sign=1),
    )
    updated = _apply(
        _DELTA_MONTH.format(rows=new_rows, sign=1)
        + " UNION ALL "
        + _DELTA_MONTH.format(rows=old_rows, sign=-1),
        _DELTA_RESOURCE.format(rows=new_rows, sign=1)
        + " UNION ALL "
        + _DELTA_RESOURCE.format(rows=old_rows, sign=-1),
    )
    # Deleted rows only ever lower existing counts (when the counts were
    # emptied first, e.g. by a test reset, there is nothing to lower).
    deleted = f"""
    UPDATE utt1service_report_download_month AS t SET downloads = t.downloads + d.n
      FROM ({_DELTA_MONTH.format(rows=old_rows, sign=-1)}) d
     WHERE (t.month, t.owner_org, t.topic, t.channel) = (d.month, d.owner_org, d.topic, d.channel);
    UPDATE utt1service_report_resource_month AS t SET downloads = t.downloads + d.n
      FROM ({_DELTA_RESOURCE.format(rows=old_rows, sign=-1)}) d
     WHERE (t.month, t.owner_org, t.package_id, t.resource_id)
         = (d.month, d.owner_org, d.package_id, d.resource_id);
    """
    return f"""
BEGIN
  IF TG_OP = 'INSERT' THEN
    {inserted}
  ELSIF TG_OP = 'UPDATE' THEN
    {updated}
  ELSIF TG_OP = 'DELETE' THEN
    {deleted}
  ELSE
    TRUNCATE {", ".join(MONTH_TABLES)};
  END IF;
  RETURN NULL;
END
"""


def trigger_function_sql(compact: bool = True) -> str:
    """The body of :data:`TRIGGER_FUNCTION` (PL/pgSQL): each statement that
    changes events adds or takes away their reportable downloads."""
    return _body(compact)


def install_sql(compact: bool = True) -> str:
    """Creates (or replaces) the function and the triggers."""
    triggers = "\n".join(
        f"DROP TRIGGER IF EXISTS {name} ON utt1service_download_event;\n"
        f"CREATE TRIGGER {name} {when} ON utt1service_download_event {referencing} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER_FUNCTION}();"
        for name, when, referencing in TRIGGERS
    )
    return (
        f"CREATE OR REPLACE FUNCTION {TRIGGER_FUNCTION}() RETURNS trigger\n"
        f"LANGUAGE plpgsql AS $fn${trigger_function_sql(compact)}$fn$;\n{triggers}"
    )


def drop_sql() -> str:
    """Drops the triggers and the function."""
    return "\n".join(
        [f"DROP TRIGGER IF EXISTS {name} ON utt1service_download_event;" for name, _w, _r in TRIGGERS]
        + [f"DROP FUNCTION IF EXISTS {TRIGGER_FUNCTION}();"]
    )


def direct_sql(compact: bool = True) -> tuple[str, str]:
    """The per-month sums computed from all events: (by organization, topic
    and channel; by organization, dataset and resource), the columns of
    :data:`MONTH_TABLES` in their order."""
    events = _source("utt1service_download_event", compact)
    return (
        f"SELECT {BANGKOK_MONTH} AS month, coalesce(owner_org, '') AS owner_org,"
        f" coalesce(topic, '') AS topic, channel, count(*) AS downloads"
        f" FROM {events} WHERE {REPORTABLE} GROUP BY 1, 2, 3, 4",
        f"SELECT {BANGKOK_MONTH} AS month, coalesce(owner_org, '') AS owner_org,"
        f" package_id, resource_id, count(*) AS downloads"
        f" FROM {events} WHERE {REPORTABLE} GROUP BY 1, 2, 3, 4",
    )


def fill_sql(compact: bool = True) -> str:
    """Fills the (empty) per-month sums from all events."""
    by_month, by_resource = direct_sql(compact)
    return f"""
INSERT INTO utt1service_report_download_month (month, owner_org, topic, channel, downloads)
{by_month};
INSERT INTO utt1service_report_resource_month (month, owner_org, package_id, resource_id, downloads)
{by_resource};
"""
