"""Service levels: when each access request entered its current state

Revision ID: a7e8f9b0c1d2
Revises: a1b2c3d4e5f7
Create Date: 2026-12-01 02:10:00

``state_since`` is the moment the request entered its current state (set by
``workflow.apply`` at every move); the due date of the step it waits in
counts from it. Existing requests take the time of the last audit row that
moved them into their state, or their last change when there is none.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7e8f9b0c1d2"
down_revision = "a1b2c3d4e5f7"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "utt1service_access_request",
        sa.Column("state_since", sa.DateTime(timezone=True), nullable=True),
    )
    op.execute(
        """
        UPDATE utt1service_access_request r
           SET state_since = coalesce(
                 (SELECT max(a.created) FROM utt1service_audit a
                   WHERE a.object_type = 'access_request' AND a.object_id = r.id
                     AND a.to_state = r.state),
                 r.modified)
        """
    )
    op.create_index(
        "utt1service_access_request_waiting_idx",
        "utt1service_access_request",
        ["state", "owner_org", "state_since"],
        postgresql_where=sa.text("state IN ('submitted', 'checked', 'approved')"),
    )


def downgrade():
    op.drop_index("utt1service_access_request_waiting_idx",
                  table_name="utt1service_access_request")
    op.drop_column("utt1service_access_request", "state_since")
