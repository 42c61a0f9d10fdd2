"""complaint intake in two stages: stored and answered, then completed

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 12:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.db

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("complaint") as batch:
        batch.add_column(sa.Column("intake_completed_at", core.db.UTCDateTime(timezone=True), nullable=True))
        batch.create_index("ix_complaint_intake_completed_at", ["intake_completed_at"])
    # Complaints stored before this revision were completed when they were registered.
    op.execute("UPDATE complaint SET intake_completed_at = registered_at")


def downgrade() -> None:
    with op.batch_alter_table("complaint") as batch:
        batch.drop_index("ix_complaint_intake_completed_at")
        batch.drop_column("intake_completed_at")
