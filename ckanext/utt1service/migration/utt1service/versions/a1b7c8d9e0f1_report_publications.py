"""Published service reports and quarters (issue 15)

Revision ID: a1b7c8d9e0f1
Revises: 3c4d5e6f7081
Create Date: 2026-12-01 02:30:00

- ``utt1service_report_publication``: a period's report of the whole office
  as the director published it: the frozen report (figures, analysis, the
  complaint-driven improvements, the executive's acknowledgement) and its
  PDF, XLSX and CSV, made once at publication. Unpublishing keeps the row
  (who, when, why) and is audited in ``utt1service_audit``.
- the analysis of a period may also be of a quarter (q1–q4).
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

# revision identifiers, used by Alembic.
revision = "a1b7c8d9e0f1"
down_revision = "3c4d5e6f7081"
branch_labels = None
depends_on = None

TABLE = "utt1service_report_publication"
TZ = sa.DateTime(timezone=True)
CHECK = "utt1service_report_analysis_period_check"


def upgrade():
    op.create_table(
        TABLE,
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("fiscal_year", sa.Integer, nullable=False),
        sa.Column("period", sa.Text, nullable=False),
        sa.Column("report", JSONB, nullable=False),
        sa.Column("acknowledged_name", sa.Text, nullable=False),
        sa.Column("acknowledged_position", sa.Text, nullable=False),
        sa.Column("acknowledged_on", sa.Date, nullable=False),
        sa.Column("pdf", sa.LargeBinary, nullable=False),
        sa.Column("xlsx", sa.LargeBinary, nullable=False),
        sa.Column("csv", sa.LargeBinary, nullable=False),
        sa.Column("published_at", TZ, nullable=False),
        sa.Column("published_by", sa.Text, nullable=True),
        sa.Column("unpublished_at", TZ, nullable=True),
        sa.Column("unpublished_by", sa.Text, nullable=True),
        sa.Column("unpublish_reason", sa.Text, nullable=True),
        sa.CheckConstraint(
            "period IN ('year', 'h1', 'h2', 'q1', 'q2', 'q3', 'q4')",
            name="utt1service_report_publication_period_check",
        ),
    )
    # at most one published (not withdrawn) report per period
    op.create_index(
        "utt1service_report_publication_live",
        TABLE,
        ["fiscal_year", "period"],
        unique=True,
        postgresql_where=sa.text("unpublished_at IS NULL"),
    )
    op.drop_constraint(CHECK, "utt1service_report_analysis", type_="check")
    op.create_check_constraint(
        CHECK, "utt1service_report_analysis", "period IN ('year', 'h1', 'h2', 'q1', 'q2', 'q3', 'q4')"
    )


def downgrade():
    op.execute("DELETE FROM utt1service_report_analysis WHERE period LIKE 'q%'")
    op.drop_constraint(CHECK, "utt1service_report_analysis", type_="check")
    op.create_check_constraint(CHECK, "utt1service_report_analysis", "period IN ('year', 'h1', 'h2')")
    op.drop_index("utt1service_report_publication_live", table_name=TABLE)
    op.drop_table(TABLE)
