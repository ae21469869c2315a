"""Create the utt1service_audit table

Revision ID: 9a1c2e3d4b5f
Revises:
Create Date: 2026-11-25 12:00:00

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

# revision identifiers, used by Alembic.
revision = "9a1c2e3d4b5f"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "utt1service_audit",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("object_type", sa.Text, nullable=False),
        sa.Column("object_id", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("actor_id", sa.Text, nullable=True),
        sa.Column("from_state", sa.Text, nullable=True),
        sa.Column("to_state", sa.Text, nullable=True),
        sa.Column("comment", sa.Text, nullable=True),
        sa.Column("data", JSONB, nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "utt1service_audit_object_idx",
        "utt1service_audit",
        ["object_type", "object_id", "created"],
    )


def downgrade():
    op.drop_index("utt1service_audit_object_idx", table_name="utt1service_audit")
    op.drop_table("utt1service_audit")
