"""The chase ladder belongs to the engine: notices and agenda items of any workflow

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 10:00:00

``complaintnotice`` and ``complaintagendaitem`` become ``chasenotice`` and ``agendaitem``,
keyed by (case_type, case_id) like a human step, so the PDCA cycle can chase with the same
ladder. Existing rows are copied with case_type 'complaint' in their original order (ids are
new), then the old tables are dropped. A downgrade copies the complaints' rows back; rows of
other workflows have nowhere to go and are lost.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

import core.db

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOTICE_COLUMNS = "cycle, stage, division_id, respond_by, created_at"
AGENDA_COLUMNS = (
    "cycle, division_id, meeting_date, added_at, explanation, explained_at, explained_by_user_id"
)


def upgrade() -> None:
    op.create_table(
        "chasenotice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_type", AutoString(length=32), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("stage", AutoString(length=40), nullable=False),
        sa.Column("division_id", sa.Integer(), nullable=True),
        sa.Column("respond_by", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["division_id"], ["division.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_type", "case_id", "cycle", "stage"),
    )
    op.create_table(
        "agendaitem",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_type", AutoString(length=32), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("division_id", sa.Integer(), nullable=True),
        sa.Column("meeting_date", sa.Date(), nullable=False),
        sa.Column("added_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=True),
        sa.Column("explained_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("explained_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["division_id"], ["division.id"]),
        sa.ForeignKeyConstraint(["explained_by_user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_type", "case_id", "cycle"),
    )
    op.create_index("ix_agendaitem_meeting_date", "agendaitem", ["meeting_date"], unique=False)

    op.execute(
        f"INSERT INTO chasenotice (case_type, case_id, {NOTICE_COLUMNS}) "
        f"SELECT 'complaint', complaint_id, {NOTICE_COLUMNS} FROM complaintnotice ORDER BY id"
    )
    op.execute(
        f"INSERT INTO agendaitem (case_type, case_id, {AGENDA_COLUMNS}) "
        f"SELECT 'complaint', complaint_id, {AGENDA_COLUMNS} FROM complaintagendaitem "
        "ORDER BY id"
    )
    op.drop_table("complaintnotice")
    op.drop_table("complaintagendaitem")


def downgrade() -> None:
    """The complaint tables as revision 0002 made them, with the complaints' rows back."""
    op.create_table(
        "complaintagendaitem",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("division_id", sa.Integer(), nullable=True),
        sa.Column("meeting_date", sa.Date(), nullable=False),
        sa.Column("added_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=True),
        sa.Column("explained_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("explained_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["complaint_id"], ["complaint.id"]),
        sa.ForeignKeyConstraint(["division_id"], ["division.id"]),
        sa.ForeignKeyConstraint(["explained_by_user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("complaint_id", "cycle"),
    )
    op.create_index("ix_complaintagendaitem_complaint_id", "complaintagendaitem", ["complaint_id"])
    op.create_index("ix_complaintagendaitem_meeting_date", "complaintagendaitem", ["meeting_date"])
    op.create_table(
        "complaintnotice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("division_id", sa.Integer(), nullable=True),
        sa.Column("respond_by", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["complaint_id"], ["complaint.id"]),
        sa.ForeignKeyConstraint(["division_id"], ["division.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("complaint_id", "cycle", "stage"),
    )
    op.create_index("ix_complaintnotice_complaint_id", "complaintnotice", ["complaint_id"])

    op.execute(
        f"INSERT INTO complaintnotice (complaint_id, {NOTICE_COLUMNS}) "
        f"SELECT case_id, {NOTICE_COLUMNS} FROM chasenotice "
        "WHERE case_type = 'complaint' ORDER BY id"
    )
    op.execute(
        f"INSERT INTO complaintagendaitem (complaint_id, {AGENDA_COLUMNS}) "
        f"SELECT case_id, {AGENDA_COLUMNS} FROM agendaitem "
        "WHERE case_type = 'complaint' ORDER BY id"
    )
    op.drop_index("ix_agendaitem_meeting_date", table_name="agendaitem")
    op.drop_table("agendaitem")
    op.drop_table("chasenotice")
