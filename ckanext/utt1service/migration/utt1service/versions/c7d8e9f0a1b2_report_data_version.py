"""A data version for the service report's cache of request and complaint figures (issue 20)

Revision ID: c7d8e9f0a1b2
Revises: b6c7d8e9f0a1
Create Date: 2026-12-01 12:10:00

The report's access-request figures, service levels and complaint figures
are its slowest part at 10 M download events (about 3 s of SQL for two
periods); they read only ``utt1service_access_request``,
``utt1service_audit``, ``utt1service_request_timeline``,
``utt1service_complaint`` and ``utt1service_complaint_timeline``. A
statement-level trigger on each of them (insert, update, delete: when the
statement changed a row; truncate) sets the one row of ``utt1service_report_version`` to the id of the writing
transaction (``pg_current_xact_id()``): in the same transaction as the
write, so the version changes exactly when the write becomes visible, and
never takes a value it had before (a transaction id is not reused, also not
after the tables are dropped and created again). The report
(``report/cache.py``) keeps its results under that version. Ordinary
downloads write none of these tables (a download through a grant updates
the request's timeline row, and so the version).

Concurrent writers of these tables wait for each other's commit on the
version row (they are staff and requester actions, one short transaction
each; downloads are not among them). On the audit trail, only rows of access
requests and complaints change the version (separate insert, update and
delete triggers with transition tables): a publication, an analysis saved or
an acting approver appointed is audited too, and must not make the next
report compute everything again.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "c7d8e9f0a1b2"
down_revision = "b6c7d8e9f0a1"
branch_labels = None
depends_on = None

TABLE = "utt1service_report_version"
FUNCTION = "utt1service_report_version_bump"
AUDIT = "utt1service_audit"
AUDIT_FUNCTION = "utt1service_report_version_audit"
ROWS_FUNCTION = "utt1service_report_version_rows"
#: statement-level triggers fire also for a statement that changed no row
#: (the timeline triggers run such statements for every audit row): each
#: event's trigger sees the rows changed and changes the version only if any
EVENTS = (("INSERT", "NEW TABLE AS new_rows"),
          ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
          ("DELETE", "OLD TABLE AS old_rows"))
#: the audit rows the report reads
AUDIT_TYPES = "('access_request', 'complaint')"
WATCHED = (
    "utt1service_access_request",
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
        CREATE OR REPLACE FUNCTION {FUNCTION}_now() RETURNS void LANGUAGE sql AS $$
            INSERT INTO {TABLE} AS v (id, version) VALUES (1, pg_current_xact_id()::text::bigint)
            ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version
             WHERE v.version <> EXCLUDED.version
        $$""")
    op.execute(f"""
        CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM {FUNCTION}_now();
            RETURN NULL;
        END $$""")
    for name, only in ((ROWS_FUNCTION, ""), (AUDIT_FUNCTION, f" WHERE object_type IN {AUDIT_TYPES}")):
        op.execute(f"""
            CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                -- one branch per transition table: a query naming a table the
                -- trigger does not have is never prepared
                IF TG_OP IN ('INSERT', 'UPDATE') THEN
                    IF EXISTS (SELECT 1 FROM new_rows{only}) THEN
                        PERFORM {FUNCTION}_now();
                        RETURN NULL;
                    END IF;
                END IF;
                IF TG_OP IN ('UPDATE', 'DELETE') THEN
                    IF EXISTS (SELECT 1 FROM old_rows{only}) THEN
                        PERFORM {FUNCTION}_now();
                    END IF;
                END IF;
                RETURN NULL;
            END $$""")
    for table in WATCHED + (AUDIT,):
        function = AUDIT_FUNCTION if table == AUDIT else ROWS_FUNCTION
        for event, tables in EVENTS:
            op.execute(f"""
                CREATE TRIGGER {table}_report_version_{event.lower()}
                AFTER {event} ON {table} REFERENCING {tables}
                FOR EACH STATEMENT EXECUTE FUNCTION {function}()""")
        op.execute(f"""
            CREATE TRIGGER {table}_report_version_truncate
            AFTER TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()""")


def downgrade():
    for table in WATCHED + (AUDIT,):
        for event in ("insert", "update", "delete", "truncate"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_report_version_{event} ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_report_version ON {table}")
    op.execute(f"DROP FUNCTION IF EXISTS {AUDIT_FUNCTION}()")
    op.execute(f"DROP FUNCTION IF EXISTS {ROWS_FUNCTION}()")
    op.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
    op.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}_now()")
    op.execute(f"DROP TABLE IF EXISTS {TABLE}")
