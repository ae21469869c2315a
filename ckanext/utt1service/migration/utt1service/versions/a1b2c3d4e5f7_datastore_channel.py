"""The "datastore" channel of download events: reads of a public table
(its preview, the row API, the dump; issue 17)

Revision ID: a1b2c3d4e5f7
Revises: a1b7c8d9e0f1
Create Date: 2026-12-01 02:45:00

Downgrade: the events of the channel are deleted first (the per-month sums
follow through the counting triggers), then the old check is restored.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "a1b2c3d4e5f7"
down_revision = "a1b7c8d9e0f1"
branch_labels = None
depends_on = None

TABLE = "utt1service_download_event"
CHECK = "utt1service_download_event_channel_check"


def upgrade():
    op.drop_constraint(CHECK, TABLE, type_="check")
    op.create_check_constraint(
        CHECK, TABLE, "channel IN ('web', 'qr', 'api', 'datastore', 'email', 'paper')")


def downgrade():
    op.execute(f"DELETE FROM {TABLE} WHERE channel = 'datastore'")
    op.drop_constraint(CHECK, TABLE, type_="check")
    op.create_check_constraint(CHECK, TABLE, "channel IN ('web', 'qr', 'api', 'email', 'paper')")
