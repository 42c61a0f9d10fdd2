"""Complaints hardened: shared throttles, token versions, the public description, LINE
conversations

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 18:40:00

``throttle`` counts wrong PINs, wrong passwords and public intake per key in the database, so
every API process shares one limit. ``user.token_version`` ends every token of a user on
logout or deactivation. ``complaint.public_description`` is what Open311 and tracking show
(the centre's summary once released; masked text until then). ``lineconversation`` collects a
LINE complaint over several messages; ``complaint.line_user_id`` is whom to push steps to.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

import core.db

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "throttle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", AutoString(length=32), nullable=False),
        sa.Column("key", AutoString(length=200), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("window_started_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("blocked_until", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("scope", "key"),
    )
    op.create_index("ix_throttle_updated_at", "throttle", ["updated_at"])
    op.add_column(
        "user", sa.Column("token_version", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column("complaint", sa.Column("public_description", sa.Text(), nullable=True))
    op.add_column(
        "complaint",
        sa.Column("public_released_at", core.db.UTCDateTime(timezone=True), nullable=True),
    )
    op.add_column("complaint", sa.Column("line_user_id", AutoString(length=64), nullable=True))
    op.create_table(
        "lineconversation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_user_id", AutoString(length=64), nullable=False),
        sa.Column("status", AutoString(length=16), nullable=False),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.Column("images", sa.JSON(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("address", AutoString(length=500), nullable=True),
        sa.Column("complaint_id", sa.Integer(), nullable=True),
        sa.Column("started_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["complaint_id"], ["complaint.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_lineconversation_line_user_id", "lineconversation", ["line_user_id"])


def downgrade() -> None:
    op.drop_index("ix_lineconversation_line_user_id", table_name="lineconversation")
    op.drop_table("lineconversation")
    op.drop_column("complaint", "line_user_id")
    op.drop_column("complaint", "public_released_at")
    op.drop_column("complaint", "public_description")
    op.drop_column("user", "token_version")
    op.drop_index("ix_throttle_updated_at", table_name="throttle")
    op.drop_table("throttle")
