"""The request timeline keeps when each request was first checked (issue 20)

Revision ID: a4b5c6d7e8f9
Revises: f3a4b5c6d7e8
Create Date: 2026-12-01 05:45:00

The turnaround figures' "checked" step looked up, for every request the
two periods count (~70,000 at 10 M download events), its audit trail for
the first ``checked`` state: one index lookup per request, 3–6 s of the
report page at 10 M on the shared machine. ``utt1service_request_timeline``
now keeps ``checked_at`` (the first time the trail shows ``checked``) like
its other steps: the trigger on the audit table of migration
``f9d6e7a8b9c0`` is replaced by the same one with this column, and the
column is filled from the existing trail. Downgrade puts the old trigger
back and drops the column.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a4b5c6d7e8f9"
down_revision = "f3a4b5c6d7e8"
branch_labels = None
depends_on = None

TABLE = "utt1service_request_timeline"
STEPS = {
    "received_at": "to_state <> 'unconfirmed'",
    "approved_at": "to_state = 'approved'",
    "rejected_at": "to_state = 'rejected'",
    "withdrawn_at": "to_state = 'withdrawn'",
    "delivered_at": "to_state = 'delivered'",
    "checked_at": "to_state = 'checked'",
}


def _function(columns: list[str]) -> str:
    firsts = (
        "SELECT object_id, "
        + ", ".join(f"min(created) FILTER (WHERE {STEPS[c]})" for c in columns)
        + " FROM {rows} WHERE object_type = 'access_request' AND to_state IS NOT NULL"
        " GROUP BY object_id"
    )
    keep_first = ", ".join(f"{c} = least(t.{c}, EXCLUDED.{c})" for c in columns)
    names = ", ".join(columns)
    return f"""
CREATE OR REPLACE FUNCTION utt1service_request_timeline_track() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM {TABLE};
  ELSIF TG_OP = 'INSERT' THEN
    INSERT INTO {TABLE} AS t (request_id, {names})
    {firsts.format(rows='new_rows')} ORDER BY 1
    ON CONFLICT (request_id) DO UPDATE SET {keep_first};
  ELSE
    -- UPDATE or DELETE: recompute the requests whose rows changed
    DELETE FROM {TABLE} WHERE request_id IN (SELECT object_id FROM old_rows);
    INSERT INTO {TABLE} (request_id, {names})
    {firsts.format(rows="utt1service_audit").replace(
        "GROUP BY", "AND object_id IN (SELECT object_id FROM old_rows) GROUP BY")};
  END IF;
  RETURN NULL;
END
$fn$;
"""


OLD = ["received_at", "approved_at", "rejected_at", "withdrawn_at", "delivered_at"]


def upgrade():
    op.add_column(TABLE, sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(_function(OLD + ["checked_at"]))
    op.execute(f"""
    UPDATE {TABLE} t SET checked_at = a.checked_at
      FROM (SELECT object_id, min(created) AS checked_at FROM utt1service_audit
             WHERE object_type = 'access_request' AND to_state = 'checked'
             GROUP BY object_id) a
     WHERE a.object_id = t.request_id
    """)


def downgrade():
    op.execute(_function(OLD))
    op.drop_column(TABLE, "checked_at")
