"""Phone / e-mail / walk-in channels, delivery (issue 7)

Revision ID: d7b4e5f6a7b8
Revises: c6a3d4e5f6a7
Create Date: 2026-11-25 12:00:00

Placeholder in the fixed migration chain; filled in by the issue it names.
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

# revision identifiers, used by Alembic.
revision = "d7b4e5f6a7b8"
down_revision = "c6a3d4e5f6a7"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
