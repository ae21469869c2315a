"""Report analyses per fiscal year and period (issue 6)

Revision ID: c6a3d4e5f6a7
Revises: b5f2c3d4e5f6
Create Date: 2026-11-25 12:00:00

Placeholder in the fixed migration chain; filled in by the issue it names.
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

# revision identifiers, used by Alembic.
revision = "c6a3d4e5f6a7"
down_revision = "b5f2c3d4e5f6"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
