"""Download events, survey responses, complaints (issue 5)

Revision ID: b5f2c3d4e5f6
Revises: a4e1b2c3d4e5
Create Date: 2026-11-25 12:00:00

Times are timestamptz (stored as UTC, reported in Asia/Bangkok). The partial
indexes on ``counted AND NOT is_bot`` serve the fiscal-year report and the
download counts shown on dataset and resource pages.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b5f2c3d4e5f6"
down_revision = "a4e1b2c3d4e5"
branch_labels = None
depends_on = None

REPORTABLE = sa.text("counted AND NOT is_bot")


def _now():
    return sa.text("now()")


def upgrade():
    op.create_table(
        "utt1service_download_event",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False, server_default=_now()),
        sa.Column("resource_id", sa.Text, nullable=False),
        sa.Column("package_id", sa.Text, nullable=False),
        sa.Column("owner_org", sa.Text, nullable=True),
        sa.Column("topic", sa.Text, nullable=True),
        sa.Column("channel", sa.Text, nullable=False),
        sa.Column("request_id", sa.Text, nullable=True),
        sa.Column("visitor_key", sa.Text, nullable=True),
        sa.Column("is_bot", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("counted", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("recorded_by", sa.Text, nullable=True),
        sa.CheckConstraint(
            "channel IN ('web', 'qr', 'api', 'email', 'paper')",
            name="utt1service_download_event_channel_check",
        ),
    )
    op.create_index(
        "utt1service_download_event_created_idx",
        "utt1service_download_event",
        ["created"],
        postgresql_where=REPORTABLE,
    )
    op.create_index(
        "utt1service_download_event_package_idx",
        "utt1service_download_event",
        ["package_id", "created"],
        postgresql_where=REPORTABLE,
    )
    op.create_index(
        "utt1service_download_event_resource_idx",
        "utt1service_download_event",
        ["resource_id"],
        postgresql_where=REPORTABLE,
    )
    op.create_index(
        "utt1service_download_event_org_idx",
        "utt1service_download_event",
        ["owner_org", "created"],
        postgresql_where=REPORTABLE,
    )
    op.create_index(
        "utt1service_download_event_request_idx",
        "utt1service_download_event",
        ["request_id"],
        postgresql_where=sa.text("request_id IS NOT NULL"),
    )

    ratings = [
        sa.Column(name, sa.SmallInteger, sa.CheckConstraint(f"{name} BETWEEN 1 AND 3"), nullable=False)
        for name in ("staff_courtesy", "staff_reception", "search_speed", "data_match", "data_quality")
    ]
    op.create_table(
        "utt1service_survey_response",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False, server_default=_now()),
        sa.Column("download_event_id", sa.Text, nullable=True, unique=True),
        sa.Column("request_id", sa.Text, nullable=True, unique=True),
        sa.Column("resource_id", sa.Text, nullable=True),
        sa.Column("package_id", sa.Text, nullable=True),
        sa.Column("owner_org", sa.Text, nullable=True),
        *ratings,
        sa.Column("suggestion", sa.Text, nullable=True),
        sa.Column("respondent_type", sa.Text, nullable=True),
        sa.Column("mode", sa.Text, nullable=False, server_default="online"),
        sa.Column("entered_by", sa.Text, nullable=True),
    )
    op.create_index(
        "utt1service_survey_response_created_idx", "utt1service_survey_response", ["created"]
    )
    op.create_index(
        "utt1service_survey_response_org_idx",
        "utt1service_survey_response",
        ["owner_org", "created"],
    )

    op.create_table(
        "utt1service_complaint",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("number", sa.Integer, sa.Identity(), nullable=False, unique=True),
        sa.Column("kind", sa.Text, nullable=False, server_default="complaint"),
        sa.Column("category", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("package_id", sa.Text, nullable=True),
        sa.Column("owner_org", sa.Text, nullable=True),
        sa.Column("request_id", sa.Text, nullable=True),
        sa.Column("survey_response_id", sa.Text, nullable=True),
        sa.Column("channel", sa.Text, nullable=False, server_default="web"),
        sa.Column("contact_name", sa.Text, nullable=True),
        sa.Column("contact_email", sa.Text, nullable=True),
        sa.Column("contact_phone", sa.Text, nullable=True),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lang", sa.Text, nullable=True),
        sa.Column("state", sa.Text, nullable=False, server_default="received"),
        sa.Column("resolution", sa.Text, nullable=True),
        sa.Column("created_by", sa.Text, nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False, server_default=_now()),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False, server_default=_now()),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "state IN ('received', 'in_progress', 'resolved', 'closed')",
            name="utt1service_complaint_state_check",
        ),
        sa.CheckConstraint(
            "state NOT IN ('resolved', 'closed') OR resolution IS NOT NULL",
            name="utt1service_complaint_resolution_check",
        ),
    )
    op.create_index("utt1service_complaint_created_idx", "utt1service_complaint", ["created"])
    op.create_index("utt1service_complaint_state_idx", "utt1service_complaint", ["state", "created"])
    op.create_index("utt1service_complaint_org_idx", "utt1service_complaint", ["owner_org", "created"])
    op.create_index("utt1service_complaint_package_idx", "utt1service_complaint", ["package_id"])
    op.create_index("utt1service_complaint_request_idx", "utt1service_complaint", ["request_id"])


def downgrade():
    # IF EXISTS: a database that recorded this revision while it was still
    # an empty placeholder can be moved back and forth as well
    for table in ("utt1service_complaint", "utt1service_survey_response", "utt1service_download_event"):
        op.execute(f"DROP TABLE IF EXISTS {table}")
