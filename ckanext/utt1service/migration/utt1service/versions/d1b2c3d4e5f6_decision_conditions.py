"""Decision messages: conditions of use an approval may require the requester to accept

Revision ID: d1b2c3d4e5f6
Revises: c0a1b2c3d4e5
Create Date: 2026-12-01 02:50:00

``conditions`` is the text of the data-use conditions the director gave with
the approval; with ``conditions_required`` the requester must accept them
(``conditions_accepted_at``, once) before the first download.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d1b2c3d4e5f6"
down_revision = "c0a1b2c3d4e5"
branch_labels = None
depends_on = None

TABLE = "utt1service_access_request"


def upgrade():
    op.add_column(TABLE, sa.Column("conditions", sa.Text, nullable=True))
    op.add_column(TABLE, sa.Column("conditions_required", sa.Boolean, nullable=False,
                                   server_default=sa.false()))
    op.add_column(TABLE, sa.Column("conditions_accepted_at", sa.DateTime(timezone=True),
                                   nullable=True))


def downgrade():
    for column in ("conditions_accepted_at", "conditions_required", "conditions"):
        op.drop_column(TABLE, column)
