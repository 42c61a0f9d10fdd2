"""PDCA Do: reporting rounds, division reports, project results, evidence

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 21:15:00

``pdca_round`` is one reporting round (6- or 12-month) of a plan's fiscal year with its data
date, due date, status and source (system, history, import); ``pdca_division_report`` is a
division's report in it (requested, submitted, returned, approved; who and when);
``pdca_project_result`` one project's result (status, reason, budget and disbursed in satang,
note, data date); ``pdca_indicator_result`` an indicator's value and whether it met the target;
``pdca_result_evidence`` an evidence file (bytes in the database).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

import core.db

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pdca_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("opened_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["opened_by_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["plan_id"], ["pdca_plan.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "fiscal_year", "kind"),
    )
    op.create_index("ix_pdca_round_plan_id", "pdca_round", ["plan_id"])
    op.create_table(
        "pdca_division_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("division_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("data_as_of", sa.Date(), nullable=True),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("returned_reason", sa.Text(), nullable=False),
        sa.Column("returns_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["approved_by_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["division_id"], ["division.id"]),
        sa.ForeignKeyConstraint(["round_id"], ["pdca_round.id"]),
        sa.ForeignKeyConstraint(["submitted_by_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id", "division_id"),
    )
    op.create_index("ix_pdca_division_report_division_id", "pdca_division_report", ["division_id"])
    op.create_index("ix_pdca_division_report_round_id", "pdca_division_report", ["round_id"])
    op.create_table(
        "pdca_project_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("division_report_id", sa.Integer(), nullable=False),
        sa.Column("division_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("budget_satang", sa.BigInteger(), nullable=False),
        sa.Column("disbursed_satang", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("data_as_of", sa.Date(), nullable=True),
        sa.Column("updated_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["division_id"], ["division.id"]),
        sa.ForeignKeyConstraint(["division_report_id"], ["pdca_division_report.id"]),
        sa.ForeignKeyConstraint(["project_id"], ["pdca_project.id"]),
        sa.ForeignKeyConstraint(["round_id"], ["pdca_round.id"]),
        sa.ForeignKeyConstraint(["updated_by_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id", "project_id"),
    )
    op.create_index(
        "ix_pdca_project_result_division_report_id", "pdca_project_result", ["division_report_id"]
    )
    op.create_index("ix_pdca_project_result_project_id", "pdca_project_result", ["project_id"])
    op.create_index("ix_pdca_project_result_round_id", "pdca_project_result", ["round_id"])
    op.create_table(
        "pdca_indicator_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_result_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("met", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["indicator_id"], ["pdca_indicator.id"]),
        sa.ForeignKeyConstraint(["project_result_id"], ["pdca_project_result.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_result_id", "indicator_id"),
    )
    op.create_index(
        "ix_pdca_indicator_result_indicator_id", "pdca_indicator_result", ["indicator_id"]
    )
    op.create_index(
        "ix_pdca_indicator_result_project_result_id", "pdca_indicator_result", ["project_result_id"]
    )
    op.create_table(
        "pdca_result_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_result_id", sa.Integer(), nullable=False),
        sa.Column("filename", AutoString(length=255), nullable=False),
        sa.Column("content_type", AutoString(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", AutoString(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["project_result_id"], ["pdca_project_result.id"]),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_pdca_result_evidence_project_result_id", "pdca_result_evidence", ["project_result_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_pdca_result_evidence_project_result_id", table_name="pdca_result_evidence")
    op.drop_table("pdca_result_evidence")
    op.drop_index("ix_pdca_indicator_result_project_result_id", table_name="pdca_indicator_result")
    op.drop_index("ix_pdca_indicator_result_indicator_id", table_name="pdca_indicator_result")
    op.drop_table("pdca_indicator_result")
    op.drop_index("ix_pdca_project_result_round_id", table_name="pdca_project_result")
    op.drop_index("ix_pdca_project_result_project_id", table_name="pdca_project_result")
    op.drop_index("ix_pdca_project_result_division_report_id", table_name="pdca_project_result")
    op.drop_table("pdca_project_result")
    op.drop_index("ix_pdca_division_report_round_id", table_name="pdca_division_report")
    op.drop_index("ix_pdca_division_report_division_id", table_name="pdca_division_report")
    op.drop_table("pdca_division_report")
    op.drop_index("ix_pdca_round_plan_id", table_name="pdca_round")
    op.drop_table("pdca_round")
