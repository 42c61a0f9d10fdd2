"""The sealed channel for corruption reports: reports, messages, files (sealed) and the moves
of general complaints into it

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-29 22:00:00

Every column holding what a reporter wrote is ciphertext (domain/integrity/sealing.py); dates,
never times, of arrival.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

import core.db

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "integrity_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("receipt_code", AutoString(length=24), nullable=False),
        sa.Column("passphrase_hash", AutoString(length=200), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("origin", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("action_stage", sa.String(length=30), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("subject_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("text_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("identity_sealed", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("receipt_code"),
    )
    op.create_index("ix_integrity_report_received_on", "integrity_report", ["received_on"])
    op.create_index("ix_integrity_report_status", "integrity_report", ["status"])
    op.create_table(
        "integrity_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("from_reporter", sa.Boolean(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("internal", sa.Boolean(), nullable=False),
        sa.Column("written_on", sa.Date(), nullable=False),
        sa.Column("body_sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["officer_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["report_id"], ["integrity_report.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_integrity_message_report_id", "integrity_message", ["report_id"])
    op.create_table(
        "integrity_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("content_type", AutoString(length=60), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("name_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("data_sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["integrity_message.id"]),
        sa.ForeignKeyConstraint(["report_id"], ["integrity_report.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_integrity_file_report_id", "integrity_file", ["report_id"])
    op.create_table(
        "sealed_move",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_number", AutoString(length=30), nullable=False),
        sa.Column("moved_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("moved_by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["moved_by_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("complaint_number"),
    )


def downgrade() -> None:
    op.drop_table("sealed_move")
    op.drop_index("ix_integrity_file_report_id", table_name="integrity_file")
    op.drop_table("integrity_file")
    op.drop_index("ix_integrity_message_report_id", table_name="integrity_message")
    op.drop_table("integrity_message")
    op.drop_index("ix_integrity_report_status", table_name="integrity_report")
    op.drop_index("ix_integrity_report_received_on", table_name="integrity_report")
    op.drop_table("integrity_report")
