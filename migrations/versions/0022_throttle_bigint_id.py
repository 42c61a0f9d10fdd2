"""Throttle ids as 64-bit integers on PostgreSQL

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-30 12:40:00

Every key a limit counts for the first time (a client address, a complaint number) draws an
id, so a long flood from new addresses would use up a 32-bit sequence and stop public intake.
SQLite's INTEGER PRIMARY KEY is 64-bit already.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.alter_column("throttle", "id", type_=sa.BigInteger(), existing_nullable=False)
    op.execute("ALTER SEQUENCE throttle_id_seq AS bigint")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER SEQUENCE throttle_id_seq AS integer")
    op.alter_column("throttle", "id", type_=sa.Integer(), existing_nullable=False)
