"""The request timeline carries what the report groups by; when each complaint was taken up (issue 20)

Revision ID: b6c7d8e9f0a1
Revises: a4b5c6d7e8f9
Create Date: 2026-12-01 09:00:00

The report's access-request figures read the timeline rows of the requests
their two periods can count, but then joined them with every access request
(for the organization, agency type and delivery channel: a scan of the
whole table) and grouped every download ever made through a grant (for the
first one): both grow with the years before the period. The timeline now
keeps, beside the first time of each step:

- ``owner_org``, ``agency_type``, ``delivery_channel``: the request's own
  (``owner_org`` NULL while the request row does not exist: its audit rows
  may be written before it, or it was deleted);
- ``downloaded_at``: the first download through the request's grant
  (``utt1service_download_event.request_id``).

Statement-level triggers keep them: on the audit table (as before, now also
copying the request's columns and first download for a new row), on
``utt1service_access_request`` (insert, update, delete, truncate) and on
``utt1service_download_event`` (row-level, only for downloads through a
grant: an ordinary download does not call it; truncate). ``ckan utt1service rebuild-sums`` compares the
whole timeline with a direct computation from the trail, the requests and
the downloads. An index on ``downloaded_at`` lets the report find the
requests first downloaded in its periods. Concurrent writes: the kept first
times use least() under the row's lock, so two downloads or two audit rows
of one request at once both count. The one order the triggers cannot see is a
download through a grant committed while the request's very first audit row
is still uncommitted (the timeline row does not exist yet for the download's
trigger); a grant exists only after an approval, long after that first row,
and ``rebuild-sums`` would show and repair it.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b6c7d8e9f0a1"
down_revision = "a4b5c6d7e8f9"
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
NAMES = ", ".join(STEPS)
ATTRIBUTES = ("owner_org", "agency_type", "delivery_channel")


def _firsts(rows: str, only: str = "") -> str:
    """The first time of each step per request in a set of audit rows, with
    the request's columns and its first download through the grant."""
    return (
        "SELECT f.object_id, " + ", ".join(f"f.{c}" for c in STEPS)
        + ", r.owner_org, r.agency_type, r.delivery_channel,"
        " (SELECT min(d.created) FROM utt1service_download_event d WHERE d.request_id = f.object_id)"
        " FROM (SELECT object_id, "
        + ", ".join(f"min(created) FILTER (WHERE {cond}) AS {c}" for c, cond in STEPS.items())
        + f" FROM {rows} WHERE object_type = 'access_request' AND to_state IS NOT NULL {only}"
        " GROUP BY object_id) f"
        " LEFT JOIN utt1service_access_request r ON r.id = f.object_id"
    )


_ALL = f"request_id, {NAMES}, owner_org, agency_type, delivery_channel, downloaded_at"
# least() skips NULLs: a step keeps its first time. The request's columns of
# an existing row are kept unless it had none (the request row came later).
_KEEP = (
    ", ".join(f"{c} = least(t.{c}, EXCLUDED.{c})" for c in list(STEPS) + ["downloaded_at"])
    + ", "
    + ", ".join(f"{c} = CASE WHEN t.owner_org IS NULL THEN EXCLUDED.{c} ELSE t.{c} END" for c in ATTRIBUTES)
)

AUDIT_FUNCTION = f"""
CREATE OR REPLACE FUNCTION utt1service_request_timeline_track() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM {TABLE};
  ELSIF TG_OP = 'INSERT' THEN
    INSERT INTO {TABLE} AS t ({_ALL})
    {_firsts('new_rows')} ORDER BY 1
    ON CONFLICT (request_id) DO UPDATE SET {_KEEP};
  ELSE
    -- UPDATE or DELETE: recompute the requests whose rows changed
    DELETE FROM {TABLE} WHERE request_id IN (SELECT object_id FROM old_rows);
    INSERT INTO {TABLE} ({_ALL})
    {_firsts('utt1service_audit', 'AND object_id IN (SELECT object_id FROM old_rows)')};
  END IF;
  RETURN NULL;
END
$fn$;
"""

_SET_ATTRIBUTES = ", ".join(f"{c} = n.{c}" for c in ATTRIBUTES)
_DIFFERENT = (f"ROW({', '.join(f't.{c}' for c in ATTRIBUTES)}) IS DISTINCT FROM "
              f"ROW({', '.join(f'n.{c}' for c in ATTRIBUTES)})")
_NO_ATTRIBUTES = ", ".join(f"{c} = NULL" for c in ATTRIBUTES)

REQUEST_FUNCTION = f"""
CREATE OR REPLACE FUNCTION utt1service_request_timeline_request() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    UPDATE {TABLE} SET {_NO_ATTRIBUTES} WHERE owner_org IS NOT NULL;
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE {TABLE} SET {_NO_ATTRIBUTES} WHERE request_id IN (SELECT id FROM old_rows);
  ELSE
    UPDATE {TABLE} t SET {_SET_ATTRIBUTES} FROM new_rows n
     WHERE t.request_id = n.id AND {_DIFFERENT};
  END IF;
  RETURN NULL;
END
$fn$;
"""

# Only downloads through a grant matter: row-level triggers whose WHEN clause
# leaves an ordinary download (request_id NULL) alone, without calling the
# function (a statement-level trigger cost every download ~70 µs); truncate
# is statement-level.
_RECOMPUTE = (f"UPDATE {TABLE} t SET downloaded_at = (SELECT min(d.created) FROM utt1service_download_event d"
              " WHERE d.request_id = t.request_id) WHERE t.request_id = {id};")
DOWNLOAD_FUNCTION = f"""
CREATE OR REPLACE FUNCTION utt1service_request_timeline_download() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    UPDATE {TABLE} SET downloaded_at = NULL WHERE downloaded_at IS NOT NULL;
  ELSIF TG_OP = 'INSERT' THEN
    UPDATE {TABLE} SET downloaded_at = NEW.created
     WHERE request_id = NEW.request_id AND (downloaded_at IS NULL OR NEW.created < downloaded_at);
  ELSIF TG_OP = 'UPDATE' THEN
    -- recompute the requests of the download before and after
    IF OLD.request_id IS NOT NULL THEN
      {_RECOMPUTE.format(id='OLD.request_id')}
    END IF;
    IF NEW.request_id IS NOT NULL AND NEW.request_id IS DISTINCT FROM OLD.request_id THEN
      {_RECOMPUTE.format(id='NEW.request_id')}
    END IF;
  ELSE
    {_RECOMPUTE.format(id='OLD.request_id')}
  END IF;
  RETURN NULL;
END
$fn$;
"""

#: (event, row-level WHEN or None for a statement-level trigger)
DOWNLOAD_TRIGGERS = (
    ("insert", "NEW.request_id IS NOT NULL"),
    ("update", "OLD.request_id IS NOT NULL OR NEW.request_id IS NOT NULL"),
    ("delete", "OLD.request_id IS NOT NULL"),
    ("truncate", None),
)


COMPLAINTS = "utt1service_complaint_timeline"
_ACKNOWLEDGED = ("SELECT object_id, min(created) FROM {rows}"
                 " WHERE object_type = 'complaint' AND action = 'change_state' {only} GROUP BY object_id")

COMPLAINT_FUNCTION = f"""
CREATE OR REPLACE FUNCTION utt1service_complaint_timeline_track() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM {COMPLAINTS};
  ELSIF TG_OP = 'INSERT' THEN
    INSERT INTO {COMPLAINTS} AS t (complaint_id, acknowledged_at)
    {_ACKNOWLEDGED.format(rows='new_rows', only='')} ORDER BY 1
    ON CONFLICT (complaint_id) DO UPDATE SET acknowledged_at = least(t.acknowledged_at, EXCLUDED.acknowledged_at);
  ELSIF TG_OP = 'UPDATE' THEN
    -- recompute the complaints whose rows changed (before or after)
    DELETE FROM {COMPLAINTS} WHERE complaint_id IN (SELECT object_id FROM old_rows
                                                    UNION SELECT object_id FROM changed_rows);
    INSERT INTO {COMPLAINTS} (complaint_id, acknowledged_at)
    {_ACKNOWLEDGED.format(rows='utt1service_audit', only='AND object_id IN (SELECT object_id FROM old_rows UNION SELECT object_id FROM changed_rows)')};
  ELSE
    DELETE FROM {COMPLAINTS} WHERE complaint_id IN (SELECT object_id FROM old_rows);
    INSERT INTO {COMPLAINTS} (complaint_id, acknowledged_at)
    {_ACKNOWLEDGED.format(rows='utt1service_audit', only='AND object_id IN (SELECT object_id FROM old_rows)')};
  END IF;
  RETURN NULL;
END
$fn$;
"""


def _steps_only_function() -> str:
    """The audit trigger of migration a4b5c6d7e8f9 (the steps only), for the
    downgrade."""
    firsts = (
        "SELECT object_id, "
        + ", ".join(f"min(created) FILTER (WHERE {cond})" for cond in STEPS.values())
        + " FROM {rows} WHERE object_type = 'access_request' AND to_state IS NOT NULL"
        " GROUP BY object_id"
    )
    keep_first = ", ".join(f"{c} = least(t.{c}, EXCLUDED.{c})" for c in STEPS)
    return f"""
CREATE OR REPLACE FUNCTION utt1service_request_timeline_track() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM {TABLE};
  ELSIF TG_OP = 'INSERT' THEN
    INSERT INTO {TABLE} AS t (request_id, {NAMES})
    {firsts.format(rows='new_rows')} ORDER BY 1
    ON CONFLICT (request_id) DO UPDATE SET {keep_first};
  ELSE
    DELETE FROM {TABLE} WHERE request_id IN (SELECT object_id FROM old_rows);
    INSERT INTO {TABLE} (request_id, {NAMES})
    {firsts.format(rows="utt1service_audit").replace(
        "GROUP BY", "AND object_id IN (SELECT object_id FROM old_rows) GROUP BY")};
  END IF;
  RETURN NULL;
END
$fn$;
"""


def upgrade():
    op.create_table(
        COMPLAINTS,
        sa.Column("complaint_id", sa.Text, primary_key=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("utt1service_complaint_timeline_acknowledged_idx", COMPLAINTS, ["acknowledged_at"])
    op.execute(
        "CREATE INDEX utt1service_complaint_resolved_idx ON utt1service_complaint (resolved_at)"
        " WHERE resolved_at IS NOT NULL"
    )
    op.execute(COMPLAINT_FUNCTION)
    for event, referencing in (
        ("insert", "NEW TABLE AS new_rows"),
        ("update", "OLD TABLE AS old_rows NEW TABLE AS changed_rows"),
        ("delete", "OLD TABLE AS old_rows"),
        ("truncate", ""),
    ):
        op.execute(
            f"CREATE TRIGGER utt1service_complaint_timeline_{event} AFTER {event.upper()} ON utt1service_audit "
            + (f"REFERENCING {referencing} " if referencing else "")
            + "FOR EACH STATEMENT EXECUTE FUNCTION utt1service_complaint_timeline_track()"
        )
    op.execute(f"INSERT INTO {COMPLAINTS} (complaint_id, acknowledged_at) "
               + _ACKNOWLEDGED.format(rows="utt1service_audit", only=""))

    for column in ATTRIBUTES:
        op.add_column(TABLE, sa.Column(column, sa.Text, nullable=True))
    op.add_column(TABLE, sa.Column("downloaded_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(f"""
    UPDATE {TABLE} t SET owner_org = r.owner_org, agency_type = r.agency_type,
                         delivery_channel = r.delivery_channel
      FROM utt1service_access_request r WHERE r.id = t.request_id
    """)
    op.execute(f"""
    UPDATE {TABLE} t SET downloaded_at = d.first
      FROM (SELECT request_id, min(created) AS first FROM utt1service_download_event
             WHERE request_id IS NOT NULL GROUP BY request_id) d
     WHERE d.request_id = t.request_id
    """)
    op.execute(
        f"CREATE INDEX utt1service_request_timeline_downloaded_idx ON {TABLE} (downloaded_at)"
        " WHERE downloaded_at IS NOT NULL"
    )
    op.execute(AUDIT_FUNCTION)
    op.execute(REQUEST_FUNCTION)
    op.execute(DOWNLOAD_FUNCTION)
    request = "utt1service_access_request"
    for event, referencing in (("insert", "NEW TABLE AS new_rows"), ("update", "NEW TABLE AS new_rows"),
                               ("delete", "OLD TABLE AS old_rows"), ("truncate", "")):
        op.execute(
            f"CREATE TRIGGER utt1service_request_timeline_of_request_{event} AFTER {event.upper()} ON {request} "
            + (f"REFERENCING {referencing} " if referencing else "")
            + "FOR EACH STATEMENT EXECUTE FUNCTION utt1service_request_timeline_request()"
        )
    events = "utt1service_download_event"
    for event, when in DOWNLOAD_TRIGGERS:
        level = f"FOR EACH ROW WHEN ({when})" if when else "FOR EACH STATEMENT"
        op.execute(
            f"CREATE TRIGGER utt1service_request_timeline_of_download_{event} AFTER {event.upper()} ON {events} "
            f"{level} EXECUTE FUNCTION utt1service_request_timeline_download()"
        )

def downgrade():
    for event in ("insert", "update", "delete", "truncate"):
        op.execute(f"DROP TRIGGER IF EXISTS utt1service_complaint_timeline_{event} ON utt1service_audit")
    op.execute("DROP FUNCTION IF EXISTS utt1service_complaint_timeline_track()")
    op.execute("DROP INDEX IF EXISTS utt1service_complaint_resolved_idx")
    op.drop_table(COMPLAINTS)
    for table, kind in (("utt1service_access_request", "request"), ("utt1service_download_event", "download")):
        for event in ("insert", "update", "delete", "truncate"):
            op.execute(f"DROP TRIGGER IF EXISTS utt1service_request_timeline_of_{kind}_{event} ON {table}")
    op.execute("DROP FUNCTION IF EXISTS utt1service_request_timeline_request()")
    op.execute("DROP FUNCTION IF EXISTS utt1service_request_timeline_download()")
    op.execute("DROP INDEX IF EXISTS utt1service_request_timeline_downloaded_idx")
    op.execute(_steps_only_function())
    for column in ATTRIBUTES + ("downloaded_at",):
        op.drop_column(TABLE, column)
