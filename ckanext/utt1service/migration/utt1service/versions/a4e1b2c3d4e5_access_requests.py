"""Access requests, grants (issue 4: restricted resources)

Revision ID: a4e1b2c3d4e5
Revises: 9a1c2e3d4b5f
Create Date: 2026-11-25 12:00:00

Access requests for restricted resources, the resources each names, the
grants an approval creates, and the outbox of the workflow's e-mails.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a4e1b2c3d4e5"
down_revision = "9a1c2e3d4b5f"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        "utt1service_access_request",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("number", sa.Integer, nullable=True),
        sa.Column("year_be", sa.Integer, nullable=True),
        sa.Column("package_id", sa.Text, nullable=False),
        sa.Column("owner_org", sa.Text, nullable=False),
        sa.Column("user_id", sa.Text, nullable=True),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("first_name", sa.Text, nullable=True),
        sa.Column("surname", sa.Text, nullable=True),
        sa.Column("position", sa.Text, nullable=True),
        sa.Column("agency", sa.Text, nullable=True),
        sa.Column("affiliation", sa.Text, nullable=True),
        sa.Column("data_wanted", sa.Text, nullable=True),
        sa.Column("intended_use", sa.Text, nullable=True),
        sa.Column("delivery_channel", sa.Text, nullable=False),
        sa.Column("email", sa.Text, nullable=True),
        sa.Column("phone", sa.Text, nullable=True),
        sa.Column("consent_at", TZ, nullable=True),
        sa.Column("consent_retention_days", sa.Integer, nullable=True),
        sa.Column("token_salt", sa.Text, nullable=True),
        sa.Column("email_confirmed_at", TZ, nullable=True),
        sa.Column("created", TZ, nullable=False),
        sa.Column("modified", TZ, nullable=False),
        sa.Column("submitted_at", TZ, nullable=True),
        sa.Column("decided_at", TZ, nullable=True),
        sa.Column("anonymised_at", TZ, nullable=True),
        sa.UniqueConstraint("year_be", "number", name="utt1service_access_request_number_key"),
    )
    op.create_index(
        "ix_utt1service_access_request_package_id", "utt1service_access_request", ["package_id"]
    )
    op.create_index(
        "ix_utt1service_access_request_owner_org", "utt1service_access_request", ["owner_org"]
    )
    op.create_index(
        "ix_utt1service_access_request_user_id", "utt1service_access_request", ["user_id"]
    )
    op.create_index("ix_utt1service_access_request_state", "utt1service_access_request", ["state"])
    op.create_index(
        "utt1service_access_request_org_state_idx",
        "utt1service_access_request",
        ["owner_org", "state", "created"],
    )

    op.create_table(
        "utt1service_access_request_resource",
        sa.Column(
            "request_id",
            sa.Text,
            sa.ForeignKey("utt1service_access_request.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("resource_id", sa.Text, primary_key=True),
        sa.Column("resource_name", sa.Text, nullable=True),
        sa.Column("position", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index(
        "utt1service_access_request_resource_res_idx",
        "utt1service_access_request_resource",
        ["resource_id"],
    )

    op.create_table(
        "utt1service_access_grant",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column(
            "request_id",
            sa.Text,
            sa.ForeignKey("utt1service_access_request.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("resource_id", sa.Text, nullable=False),
        sa.Column("user_id", sa.Text, nullable=True),
        sa.Column("granted_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.Column("granted_by", sa.Text, nullable=True),
        sa.Column("revoked_at", TZ, nullable=True),
    )
    op.create_index(
        "ix_utt1service_access_grant_request_id", "utt1service_access_grant", ["request_id"]
    )
    op.create_index(
        "utt1service_access_grant_resource_user_idx",
        "utt1service_access_grant",
        ["resource_id", "user_id"],
    )

    op.create_table(
        "utt1service_request_mail",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("request_id", sa.Text, nullable=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("recipient_name", sa.Text, nullable=True),
        sa.Column("recipient_email", sa.Text, nullable=True),
        sa.Column("subject", sa.Text, nullable=True),
        sa.Column("body", sa.Text, nullable=True),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("created", TZ, nullable=False),
        sa.Column("next_attempt_at", TZ, nullable=False),
        sa.Column("sent_at", TZ, nullable=True),
    )
    op.create_index(
        "ix_utt1service_request_mail_request_id", "utt1service_request_mail", ["request_id"]
    )
    op.create_index("ix_utt1service_request_mail_state", "utt1service_request_mail", ["state"])


def downgrade():
    op.drop_table("utt1service_request_mail")
    op.drop_table("utt1service_access_grant")
    op.drop_table("utt1service_access_request_resource")
    op.drop_table("utt1service_access_request")
