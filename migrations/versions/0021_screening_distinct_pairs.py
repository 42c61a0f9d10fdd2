"""Welfare screening: pairs of people a coordinator found to be two, not one

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-30 00:30:00

A duplicate suggestion answered "two people" is stored so that it is not made again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

import core.db

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "screening_distinct_pair",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_person_id", sa.Integer(), nullable=False),
        sa.Column("second_person_id", sa.Integer(), nullable=False),
        sa.Column("reason", AutoString(length=500), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=False),
        sa.Column("decided_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["first_person_id"], ["screening_person.id"]),
        sa.ForeignKeyConstraint(["second_person_id"], ["screening_person.id"]),
        sa.ForeignKeyConstraint(["decided_by_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("first_person_id", "second_person_id"),
    )


def downgrade() -> None:
    op.drop_table("screening_distinct_pair")
