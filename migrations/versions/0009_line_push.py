"""LINE pushes waiting to go out (a complainant who filed through LINE is told each public step)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 10:00:00

``linepush`` is the LINE counterpart of ``outboxemail``: written in the step's transaction,
sent by adapters/line_push.py with retries and backoff, once per ``dedupe_key``.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

import core.db

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "linepush",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", AutoString(length=200), nullable=False),
        sa.Column("line_user_id", AutoString(length=64), nullable=False),
        sa.Column("messages", sa.JSON(), nullable=False),
        sa.Column("case_type", AutoString(length=32), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sent_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dedupe_key"),
    )
    op.create_index("ix_linepush_pending", "linepush", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_linepush_pending", table_name="linepush")
    op.drop_table("linepush")
