"""Reminders: the daily digests and escalations already sent

Revision ID: b8f9a0c1d2e3
Revises: a7e8f9b0c1d2
Create Date: 2026-12-01 02:20:00

One row per recipient, Bangkok day and kind (``digest`` or ``escalation``):
``ckan utt1service send-digests`` writes it in the same transaction as the
mail it puts in the outbox, and the unique key makes a second run of the
same day (or two runs at once) send nothing more.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b8f9a0c1d2e3"
down_revision = "a7e8f9b0c1d2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "utt1service_reminder",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("recipient_email", sa.Text, nullable=False),
        sa.Column("user_id", sa.Text, nullable=True),
        sa.Column("mail_id", sa.Text, nullable=True),
        sa.Column("request_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("late_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.UniqueConstraint("day", "kind", "recipient_email",
                            name="utt1service_reminder_once_key"),
    )


def downgrade():
    op.drop_table("utt1service_reminder")
