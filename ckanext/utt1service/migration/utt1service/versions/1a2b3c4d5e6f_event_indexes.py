"""Only the indexes of the download events that a query uses (issue 20)

Revision ID: 1a2b3c4d5e6f
Revises: f9d6e7a8b9c0
Create Date: 2026-12-01 02:30:00

The four partial indexes on ``counted AND NOT is_bot`` (created, dataset,
resource, organization) were never scanned: the report reads the per-month
sums (``common/counting.py``), and the download counts of the dataset and
resource pages, the API and the landing page now read the per-resource
monthly sums too (``monitoring/downloads.py``). They took about 125 of the
~375 bytes an event cost. What remains on the events:

- the primary key;
- ``request_idx`` (partial, request_id IS NOT NULL): the first download
  through an access request's grant (the report's delivery time) and the
  earlier delivery of the same request;
- ``delivery_idx`` (partial, the staff's e-mail and paper deliveries, a
  tiny share of the events): the earlier delivery by the same staff member
  within the dedup window.

The per-resource monthly sums get an index by resource and one by dataset
for those counts (a few rows per file and month, not per download).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "1a2b3c4d5e6f"
down_revision = "f9d6e7a8b9c0"
branch_labels = None
depends_on = None

EVENTS = "utt1service_download_event"
SUMS = "utt1service_report_resource_month"
REPORTABLE = sa.text("counted AND NOT is_bot")
DELIVERIES = sa.text("channel IN ('email', 'paper')")
UNUSED = (
    ("utt1service_download_event_created_idx", ["created"]),
    ("utt1service_download_event_package_idx", ["package_id", "created"]),
    ("utt1service_download_event_resource_idx", ["resource_id"]),
    ("utt1service_download_event_org_idx", ["owner_org", "created"]),
)


def upgrade():
    for name, _columns in UNUSED:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    op.create_index(
        "utt1service_download_event_delivery_idx", EVENTS, ["resource_id", "created"],
        postgresql_where=DELIVERIES,
    )
    op.create_index("utt1service_report_resource_month_resource_idx", SUMS, ["resource_id"])
    op.create_index("utt1service_report_resource_month_package_idx", SUMS, ["package_id"])


def downgrade():
    op.drop_index("utt1service_report_resource_month_package_idx", table_name=SUMS)
    op.drop_index("utt1service_report_resource_month_resource_idx", table_name=SUMS)
    op.drop_index("utt1service_download_event_delivery_idx", table_name=EVENTS)
    for name, columns in UNUSED:
        op.create_index(name, EVENTS, columns, postgresql_where=REPORTABLE)
