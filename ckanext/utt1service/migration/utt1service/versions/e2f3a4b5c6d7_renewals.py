"""Renewals: a request renewing an earlier one, and the grant-end notice

Revision ID: e2f3a4b5c6d7
Revises: d1b2c3d4e5f6
Create Date: 2026-12-01 03:00:00

``renewal_of`` links a renewal to the request it renews (it goes through
check and approval like any request). ``expiry_notified_for`` is the end of
access the requester was told about ("your access ends in N days"), so that
the notice goes out once, and again only when the end is changed.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e2f3a4b5c6d7"
down_revision = "d1b2c3d4e5f6"
branch_labels = None
depends_on = None

TABLE = "utt1service_access_request"


def upgrade():
    op.add_column(TABLE, sa.Column("renewal_of", sa.Text, nullable=True))
    op.add_column(TABLE, sa.Column("expiry_notified_for", sa.DateTime(timezone=True),
                                   nullable=True))
    op.create_index("utt1service_access_request_renewal_of_idx", TABLE, ["renewal_of"])


def downgrade():
    op.drop_index("utt1service_access_request_renewal_of_idx", table_name=TABLE)
    op.drop_column(TABLE, "expiry_notified_for")
    op.drop_column(TABLE, "renewal_of")
