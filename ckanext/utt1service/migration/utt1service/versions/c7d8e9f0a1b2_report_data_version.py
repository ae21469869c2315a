"""A data version for the service report's cache of request and complaint figures (issue 20)

Revision ID: c7d8e9f0a1b2
Revises: b6c7d8e9f0a1
Create Date: 2026-12-01 12:10:00

The report's access-request figures, service levels and complaint figures
are its slowest part at 10 M download events (about 3 s of SQL for two
periods); they read only ``utt1service_access_request``,
``utt1service_audit``, ``utt1service_request_timeline``,
``utt1service_complaint`` and ``utt1service_complaint_timeline``. A
statement-level trigger on each of them (insert, update, delete, truncate)
sets the one row of ``utt1service_report_version`` to the id of the writing
transaction (``pg_current_xact_id()``): in the same transaction as the
write, so the version changes exactly when the write becomes visible, and
never takes a value it had before (a transaction id is not reused, also not
after the tables are dropped and created again). The report
(``report/cache.py``) keeps its results under that version. Ordinary
downloads write none of these tables (a download through a grant updates
the request's timeline row, and so the version).

Concurrent writers of these tables wait for each other's commit on the
version row (they are staff and requester actions, one short transaction
each; downloads are not among them).
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "c7d8e9f0a1b2"
down_revision = "b6c7d8e9f0a1"
branch_labels = None
depends_on = None

TABLE = "utt1service_report_version"
FUNCTION = "utt1service_report_version_bump"
WATCHED = (
    "utt1service_access_request",
    "utt1service_audit",
    "utt1service_request_timeline",
    "utt1service_complaint",
    "utt1service_complaint_timeline",
)


def upgrade():
    op.execute(f"""
        CREATE TABLE {TABLE} (
            id integer PRIMARY KEY CHECK (id = 1),
            version bigint NOT NULL
        )""")
    op.execute(f"INSERT INTO {TABLE} (id, version) VALUES (1, pg_current_xact_id()::text::bigint)")
    op.execute(f"""
        CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO {TABLE} AS v (id, version) VALUES (1, pg_current_xact_id()::text::bigint)
            ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version
             WHERE v.version <> EXCLUDED.version;
            RETURN NULL;
        END $$""")
    for table in WATCHED:
        op.execute(f"""
            CREATE TRIGGER {table}_report_version
            AFTER INSERT OR UPDATE OR DELETE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()""")
        op.execute(f"""
            CREATE TRIGGER {table}_report_version_truncate
            AFTER TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()""")


def downgrade():
    for table in WATCHED:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_report_version ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_report_version_truncate ON {table}")
    op.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
    op.execute(f"DROP TABLE IF EXISTS {TABLE}")
