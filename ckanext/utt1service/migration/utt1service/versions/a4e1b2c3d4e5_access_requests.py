"""Access requests, grants (issue 4: restricted resources)

Revision ID: a4e1b2c3d4e5
Revises: 9a1c2e3d4b5f
Create Date: 2026-11-25 12:00:00

Placeholder in the fixed migration chain; filled in by the issue it names.
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

# revision identifiers, used by Alembic.
revision = "a4e1b2c3d4e5"
down_revision = "9a1c2e3d4b5f"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
