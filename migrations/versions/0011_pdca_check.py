"""PDCA Check: consolidated reports

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 21:15:00

``pdca_consolidated_report``: one a reporting round (its figures are computed, not stored):
status, the problems and suggestions Strategy and Budget wrote, who submitted, approved and
published it and when, and when it was mailed to the executives.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

import core.db

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pdca_consolidated_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("chain", AutoString(length=60), nullable=False),
        sa.Column("problems", sa.Text(), nullable=False),
        sa.Column("suggestions", sa.Text(), nullable=False),
        sa.Column("returns_count", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("published_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("mailed_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("enacc_submitted_on", sa.Date(), nullable=True),
        sa.Column("enacc_reference", AutoString(length=200), nullable=True),
        sa.ForeignKeyConstraint(["round_id"], ["pdca_round.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["submitted_by_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["approved_by_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["published_by_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id"),
    )


def downgrade() -> None:
    op.drop_table("pdca_consolidated_report")
