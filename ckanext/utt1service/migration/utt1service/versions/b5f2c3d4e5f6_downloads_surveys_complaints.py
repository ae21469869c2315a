"""Download events, survey responses, complaints (issue 5)

Revision ID: b5f2c3d4e5f6
Revises: a4e1b2c3d4e5
Create Date: 2026-11-25 12:00:00

Placeholder in the fixed migration chain; filled in by the issue it names.
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

# revision identifiers, used by Alembic.
revision = "b5f2c3d4e5f6"
down_revision = "a4e1b2c3d4e5"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
