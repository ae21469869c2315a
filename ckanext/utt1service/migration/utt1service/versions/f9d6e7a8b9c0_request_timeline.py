"""When each access request entered the queue and was decided, kept beside the audit trail

Revision ID: f9d6e7a8b9c0
Revises: e8c5a6b7c8d9
Create Date: 2026-11-25 16:10:00

``utt1service_request_timeline`` holds, per access request, the first time
its audit trail (``utt1service_audit``, object_type ``access_request``)
shows it entering the queue (any state other than ``unconfirmed``), approved,
rejected, withdrawn and delivered. Statement-level triggers on the audit
table keep it equal to grouping the trail: an insert adds its steps, an
update or delete (the trail is meant to be append-only, but a test database
is emptied with DELETE) recomputes the requests it touched, a truncate
empties it. The service report then reads one narrow row per request
instead of grouping the whole trail on every page. It is filled from the
existing trail here.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f9d6e7a8b9c0"
down_revision = "e8c5a6b7c8d9"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
TABLE = "utt1service_request_timeline"
COLUMNS = ("received_at", "approved_at", "rejected_at", "withdrawn_at", "delivered_at")

# The first time of each step in a set of audit rows ({rows}), per request.
FIRSTS = """
    SELECT object_id,
           min(created) FILTER (WHERE to_state <> 'unconfirmed'),
           min(created) FILTER (WHERE to_state = 'approved'),
           min(created) FILTER (WHERE to_state = 'rejected'),
           min(created) FILTER (WHERE to_state = 'withdrawn'),
           min(created) FILTER (WHERE to_state = 'delivered')
      FROM {rows}
     WHERE object_type = 'access_request' AND to_state IS NOT NULL
     GROUP BY object_id
"""

# least() skips NULLs: a step keeps its first time.
KEEP_FIRST = ", ".join(f"{c} = least(t.{c}, EXCLUDED.{c})" for c in COLUMNS)

FUNCTION = f"""
CREATE OR REPLACE FUNCTION utt1service_request_timeline_track() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM {TABLE};
  ELSIF TG_OP = 'INSERT' THEN
    INSERT INTO {TABLE} AS t (request_id, {', '.join(COLUMNS)})
    {FIRSTS.format(rows='new_rows')} ORDER BY 1
    ON CONFLICT (request_id) DO UPDATE SET {KEEP_FIRST};
  ELSE
    -- UPDATE or DELETE: recompute the requests whose rows changed
    DELETE FROM {TABLE} WHERE request_id IN (SELECT object_id FROM old_rows);
    INSERT INTO {TABLE} (request_id, {', '.join(COLUMNS)})
    {FIRSTS.format(rows="utt1service_audit").replace(
        "GROUP BY", "AND object_id IN (SELECT object_id FROM old_rows) GROUP BY")};
  END IF;
  RETURN NULL;
END
$fn$;
"""


def upgrade():
    op.create_table(
        TABLE,
        sa.Column("request_id", sa.Text, primary_key=True),
        *(sa.Column(c, TZ, nullable=True) for c in COLUMNS),
    )
    op.execute(FUNCTION)
    op.execute(
        "CREATE TRIGGER utt1service_request_timeline_insert AFTER INSERT ON utt1service_audit "
        "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
        "EXECUTE FUNCTION utt1service_request_timeline_track()"
    )
    op.execute(
        "CREATE TRIGGER utt1service_request_timeline_update AFTER UPDATE ON utt1service_audit "
        "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
        "EXECUTE FUNCTION utt1service_request_timeline_track()"
    )
    op.execute(
        "CREATE TRIGGER utt1service_request_timeline_delete AFTER DELETE ON utt1service_audit "
        "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
        "EXECUTE FUNCTION utt1service_request_timeline_track()"
    )
    op.execute(
        "CREATE TRIGGER utt1service_request_timeline_truncate AFTER TRUNCATE ON utt1service_audit "
        "FOR EACH STATEMENT EXECUTE FUNCTION utt1service_request_timeline_track()"
    )
    op.execute(
        f"INSERT INTO {TABLE} (request_id, {', '.join(COLUMNS)}) "
        + FIRSTS.format(rows="utt1service_audit")
    )


def downgrade():
    for name in ("insert", "update", "delete", "truncate"):
        op.execute(f"DROP TRIGGER IF EXISTS utt1service_request_timeline_{name} ON utt1service_audit")
    op.execute("DROP FUNCTION IF EXISTS utt1service_request_timeline_track()")
    op.drop_table(TABLE)
