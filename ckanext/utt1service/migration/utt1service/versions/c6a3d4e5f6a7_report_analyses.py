"""Report analyses per fiscal year and period (issue 6)

Revision ID: c6a3d4e5f6a7
Revises: b5f2c3d4e5f6
Create Date: 2026-11-25 12:00:00

- ``utt1service_report_analysis``: the staff's analysis of problems and
  obstacles and their proposed improvements, one row per fiscal year, period
  (whole year, first or second half) and organization ('' = the whole
  office); changes are audited in ``utt1service_audit``.
- ``utt1service_report_download_month`` and ``utt1service_report_resource_month``:
  the counted, non-bot download events summed per Bangkok month (by
  organization, topic and channel; by organization, dataset and resource).
  Statement-level triggers on ``utt1service_download_event`` keep them equal
  to the events (insert, update, delete, truncate), so the fiscal-year report
  sums a few thousand rows instead of scanning a million events. They are
  filled from the existing events here.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c6a3d4e5f6a7"
down_revision = "b5f2c3d4e5f6"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)

# The Bangkok month of an event, as a date (the first of the month).
MONTH = "date_trunc('month', created AT TIME ZONE 'Asia/Bangkok')::date"
REPORTABLE = "counted AND NOT is_bot"

# {rows}: the transition table; {sign}: 1 or -1.
_DELTA_MONTH = f"""
    SELECT {MONTH} AS month, coalesce(owner_org, '') AS owner_org,
           coalesce(topic, '') AS topic, channel, {{sign}} * count(*) AS n
      FROM {{rows}} WHERE {REPORTABLE} GROUP BY 1, 2, 3, 4
"""
_DELTA_RESOURCE = f"""
    SELECT {MONTH} AS month, coalesce(owner_org, '') AS owner_org,
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


def _function_sql() -> str:
    inserted = _apply(
        _DELTA_MONTH.format(rows="new_rows", sign=1),
        _DELTA_RESOURCE.format(rows="new_rows", sign=1),
    )
    updated = _apply(
        _DELTA_MONTH.format(rows="new_rows", sign=1)
        + " UNION ALL "
        + _DELTA_MONTH.format(rows="old_rows", sign=-1),
        _DELTA_RESOURCE.format(rows="new_rows", sign=1)
        + " UNION ALL "
        + _DELTA_RESOURCE.format(rows="old_rows", sign=-1),
    )
    # Deleted rows only ever lower existing counts (when the counts were
    # emptied first, e.g. by a test reset, there is nothing to lower).
    deleted = f"""
    UPDATE utt1service_report_download_month AS t SET downloads = t.downloads + d.n
      FROM ({_DELTA_MONTH.format(rows="old_rows", sign=-1)}) d
     WHERE (t.month, t.owner_org, t.topic, t.channel) = (d.month, d.owner_org, d.topic, d.channel);
    UPDATE utt1service_report_resource_month AS t SET downloads = t.downloads + d.n
      FROM ({_DELTA_RESOURCE.format(rows="old_rows", sign=-1)}) d
     WHERE (t.month, t.owner_org, t.package_id, t.resource_id)
         = (d.month, d.owner_org, d.package_id, d.resource_id);
    """
    return f"""
CREATE OR REPLACE FUNCTION utt1service_report_count_downloads() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {inserted}
  ELSIF TG_OP = 'UPDATE' THEN
    {updated}
  ELSIF TG_OP = 'DELETE' THEN
    {deleted}
  ELSE
    TRUNCATE utt1service_report_download_month, utt1service_report_resource_month;
  END IF;
  RETURN NULL;
END
$fn$;
"""


FILL = f"""
INSERT INTO utt1service_report_download_month (month, owner_org, topic, channel, downloads)
SELECT {MONTH}, coalesce(owner_org, ''), coalesce(topic, ''), channel, count(*)
  FROM utt1service_download_event WHERE {REPORTABLE} GROUP BY 1, 2, 3, 4;
INSERT INTO utt1service_report_resource_month (month, owner_org, package_id, resource_id, downloads)
SELECT {MONTH}, coalesce(owner_org, ''), package_id, resource_id, count(*)
  FROM utt1service_download_event WHERE {REPORTABLE} GROUP BY 1, 2, 3, 4;
"""

TRIGGERS = (
    ("insert", "AFTER INSERT", "REFERENCING NEW TABLE AS new_rows"),
    ("update", "AFTER UPDATE", "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    ("delete", "AFTER DELETE", "REFERENCING OLD TABLE AS old_rows"),
    ("truncate", "AFTER TRUNCATE", ""),
)


def upgrade():
    op.create_table(
        "utt1service_report_analysis",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("fiscal_year", sa.Integer, nullable=False),
        sa.Column("period", sa.Text, nullable=False),
        sa.Column("owner_org", sa.Text, nullable=False, server_default=""),
        sa.Column("problems", sa.Text, nullable=False, server_default=""),
        sa.Column("improvements", sa.Text, nullable=False, server_default=""),
        sa.Column("created", TZ, nullable=False, server_default=sa.text("now()")),
        sa.Column("modified", TZ, nullable=False, server_default=sa.text("now()")),
        sa.Column("modified_by", sa.Text, nullable=True),
        sa.CheckConstraint(
            "period IN ('year', 'h1', 'h2')", name="utt1service_report_analysis_period_check"
        ),
        sa.UniqueConstraint(
            "fiscal_year", "period", "owner_org", name="utt1service_report_analysis_key"
        ),
    )
    op.create_table(
        "utt1service_report_download_month",
        sa.Column("month", sa.Date, primary_key=True),
        sa.Column("owner_org", sa.Text, primary_key=True),
        sa.Column("topic", sa.Text, primary_key=True),
        sa.Column("channel", sa.Text, primary_key=True),
        sa.Column("downloads", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "utt1service_report_resource_month",
        sa.Column("month", sa.Date, primary_key=True),
        sa.Column("owner_org", sa.Text, primary_key=True),
        sa.Column("package_id", sa.Text, primary_key=True),
        sa.Column("resource_id", sa.Text, primary_key=True),
        sa.Column("downloads", sa.BigInteger, nullable=False),
    )
    op.create_index(
        "utt1service_report_download_month_org_idx",
        "utt1service_report_download_month",
        ["owner_org", "month"],
    )
    op.create_index(
        "utt1service_report_resource_month_org_idx",
        "utt1service_report_resource_month",
        ["owner_org", "month"],
    )
    op.execute(_function_sql())
    for name, when, referencing in TRIGGERS:
        level = "STATEMENT"
        op.execute(
            f"CREATE TRIGGER utt1service_report_count_{name} {when} ON utt1service_download_event "
            f"{referencing} FOR EACH {level} EXECUTE FUNCTION utt1service_report_count_downloads()"
        )
    op.execute(FILL)


def downgrade():
    for name, _when, _referencing in TRIGGERS:
        op.execute(
            f"DROP TRIGGER IF EXISTS utt1service_report_count_{name} ON utt1service_download_event"
        )
    op.execute("DROP FUNCTION IF EXISTS utt1service_report_count_downloads()")
    op.drop_table("utt1service_report_resource_month")
    op.drop_table("utt1service_report_download_month")
    op.drop_table("utt1service_report_analysis")
