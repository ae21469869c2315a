"""The requester's agency type on access requests

Revision ID: e8c5a6b7c8d9
Revises: d7b4e5f6a7b8
Create Date: 2026-11-26 12:00:00

The codes are listed in ``ckanext/utt1service/agency_types.py``. Requests
made before this column existed keep NULL, which the report shows as
"not stated".
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e8c5a6b7c8d9"
down_revision = "d7b4e5f6a7b8"
branch_labels = None
depends_on = None

TABLE = "utt1service_access_request"


def upgrade():
    op.add_column(TABLE, sa.Column("agency_type", sa.Text, nullable=True))


def downgrade():
    op.drop_column(TABLE, "agency_type")
