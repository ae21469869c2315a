"""Acting approvers (ผู้รักษาราชการแทน) of a service organization for a date range

Revision ID: c0a1b2c3d4e5
Revises: b8f9a0c1d2e3
Create Date: 2026-12-01 02:40:00
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c0a1b2c3d4e5"
down_revision = "b8f9a0c1d2e3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "utt1service_acting_approver",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("owner_org", sa.Text, nullable=False, index=True),
        sa.Column("user_id", sa.Text, nullable=False, index=True),
        sa.Column("for_user_id", sa.Text, nullable=True),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=False),
        sa.Column("comment", sa.Text, nullable=True),
        sa.Column("created_by", sa.Text, nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("utt1service_acting_approver_user_org_idx",
                    "utt1service_acting_approver", ["user_id", "owner_org"])


def downgrade():
    op.drop_table("utt1service_acting_approver")
