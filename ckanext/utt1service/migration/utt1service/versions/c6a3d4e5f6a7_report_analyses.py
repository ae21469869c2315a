"""Report analyses per fiscal year and period (issue 6)

Revision ID: c6a3d4e5f6a7
Revises: b5f2c3d4e5f6
Create Date: 2026-11-25 12:00:00

- ``utt1service_report_analysis``: the staff's analysis of problems and
  obstacles and their proposed improvements, one row per fiscal year, period
  (whole year, first or second half) and organization ('' = the whole
  office); changes are audited in ``utt1service_audit``.
- ``utt1service_report_download_month`` and ``utt1service_report_resource_month``:
  the counted, non-bot download events summed per Bangkok month (by
  organization, topic and channel; by organization, dataset and resource).
  Statement-level triggers on ``utt1service_download_event`` keep them equal
  to the events (insert, update, delete, truncate; ``common/counting.py``
  holds the rule and the triggers), so the fiscal-year report
  sums a few thousand rows instead of scanning a million events. They are
  filled from the existing events here.
"""
import sqlalchemy as sa
from alembic import op

from ckanext.utt1service.common import counting

# revision identifiers, used by Alembic.
revision = "c6a3d4e5f6a7"
down_revision = "b5f2c3d4e5f6"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        "utt1service_report_analysis",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("fiscal_year", sa.Integer, nullable=False),
        sa.Column("period", sa.Text, nullable=False),
        sa.Column("owner_org", sa.Text, nullable=False, server_default=""),
        sa.Column("problems", sa.Text, nullable=False, server_default=""),
        sa.Column("improvements", sa.Text, nullable=False, server_default=""),
        sa.Column("created", TZ, nullable=False, server_default=sa.text("now()")),
        sa.Column("modified", TZ, nullable=False, server_default=sa.text("now()")),
        sa.Column("modified_by", sa.Text, nullable=True),
        sa.CheckConstraint(
            "period IN ('year', 'h1', 'h2')", name="utt1service_report_analysis_period_check"
        ),
        sa.UniqueConstraint(
            "fiscal_year", "period", "owner_org", name="utt1service_report_analysis_key"
        ),
    )
    op.create_table(
        "utt1service_report_download_month",
        sa.Column("month", sa.Date, primary_key=True),
        sa.Column("owner_org", sa.Text, primary_key=True),
        sa.Column("topic", sa.Text, primary_key=True),
        sa.Column("channel", sa.Text, primary_key=True),
        sa.Column("downloads", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "utt1service_report_resource_month",
        sa.Column("month", sa.Date, primary_key=True),
        sa.Column("owner_org", sa.Text, primary_key=True),
        sa.Column("package_id", sa.Text, primary_key=True),
        sa.Column("resource_id", sa.Text, primary_key=True),
        sa.Column("downloads", sa.BigInteger, nullable=False),
    )
    op.create_index(
        "utt1service_report_download_month_org_idx",
        "utt1service_report_download_month",
        ["owner_org", "month"],
    )
    op.create_index(
        "utt1service_report_resource_month_org_idx",
        "utt1service_report_resource_month",
        ["owner_org", "month"],
    )
    # The rule of a reportable download and the triggers that keep the sums
    # live in common/counting.py (tests/common/test_counting.py compares the
    # installed function with it).
    op.execute(counting.install_sql(compact=False))
    op.execute(counting.fill_sql(compact=False))


def downgrade():
    op.execute(counting.drop_sql())
    op.drop_table("utt1service_report_resource_month")
    op.drop_table("utt1service_report_download_month")
    op.drop_table("utt1service_report_analysis")
