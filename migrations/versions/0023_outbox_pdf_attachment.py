"""A PDF attached to an outbox mail (the monthly complaint report)

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-30 13:10:00

The executives' monthly report mail carries its PDF, rendered when the mail is queued, instead
of a link to download it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outboxemail") as table:
        table.add_column(sa.Column("attachment_name", AutoString(length=200), nullable=True))
        table.add_column(sa.Column("attachment_pdf", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outboxemail") as table:
        table.drop_column("attachment_pdf")
        table.drop_column("attachment_name")
