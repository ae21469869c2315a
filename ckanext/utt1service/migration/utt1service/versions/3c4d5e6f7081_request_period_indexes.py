"""Indexes that let the report read only the access requests of its periods (issue 20)

Revision ID: 3c4d5e6f7081
Revises: 2b3c4d5e6f70
Create Date: 2026-12-01 03:00:00

The report's access-request figures read the requests received in either
period, or earlier and still open or with a step in the periods, or
delivered by a download in them (``report/queries.py``, ``_TIMELINE``),
instead of every request ever received:

- ``utt1service_request_timeline_received_idx``: by the time a request
  entered the queue;
- ``utt1service_request_timeline_last_step_idx``: by its last step
  (approved, rejected, withdrawn or delivered; 'infinity' while it has none);
- ``utt1service_download_event_grant_idx``: the downloads through an access
  request's grant by time (partial: a small share of the events).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3c4d5e6f7081"
down_revision = "2b3c4d5e6f70"
branch_labels = None
depends_on = None

TIMELINE = "utt1service_request_timeline"
LAST_STEP = ("coalesce(greatest(approved_at, rejected_at, withdrawn_at, delivered_at),"
             " 'infinity'::timestamptz)")


def upgrade():
    op.create_index("utt1service_request_timeline_received_idx", TIMELINE, ["received_at"])
    op.execute(f"CREATE INDEX utt1service_request_timeline_last_step_idx ON {TIMELINE} (({LAST_STEP}))")
    op.create_index(
        "utt1service_download_event_grant_idx", "utt1service_download_event", ["created"],
        postgresql_where=sa.text("request_id IS NOT NULL"),
    )


def downgrade():
    op.drop_index("utt1service_download_event_grant_idx", table_name="utt1service_download_event")
    op.execute("DROP INDEX IF EXISTS utt1service_request_timeline_last_step_idx")
    op.drop_index("utt1service_request_timeline_received_idx", table_name=TIMELINE)
