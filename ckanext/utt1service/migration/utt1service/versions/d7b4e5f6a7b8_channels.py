"""Phone / e-mail / walk-in channels, delivery (issue 7)

Revision ID: d7b4e5f6a7b8
Revises: c6a3d4e5f6a7
Create Date: 2026-11-25 12:00:00

Placeholder in the fixed migration chain; filled in by the issue it names.
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

# revision identifiers, used by Alembic.
revision = "d7b4e5f6a7b8"
down_revision = "c6a3d4e5f6a7"
branch_labels = None
depends_on = None


TABLE = "utt1service_access_request"
COLUMNS = (
    # phone | line | email | counter; empty for requests made on the portal
    ("intake_channel", sa.Text),
    # paper | phone; empty when the requester ticked the box on the portal
    ("consent_method", sa.Text),
    # the staff member who recorded a request on the requester's behalf
    ("recorded_by", sa.Text),
    # how the data was finally delivered: download | email | paper
    ("delivered_via", sa.Text),
    # paper hand-over: who received the copy, and on which day
    ("received_by", sa.Text),
    ("handed_over_on", sa.Date),
    # the scanned signed paper form (file name; the file is under ckan.storage_path)
    ("signed_form_name", sa.Text),
)


def upgrade():
    for name, type_ in COLUMNS:
        op.add_column(TABLE, sa.Column(name, type_, nullable=True))
    op.create_index("utt1service_access_request_intake_idx", TABLE, ["intake_channel"])


def downgrade():
    op.drop_index("utt1service_access_request_intake_idx", table_name=TABLE)
    for name, _type in reversed(COLUMNS):
        op.drop_column(TABLE, name)
