"""PDCA Act: lessons, carry-over decisions; committees appointed by order

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 21:15:00

``pdca_appointment_order`` is a mayor's appointment order (number, subject, signed, effective
from, the committee it appoints, the order it replaces, quorum, when first applied) and
``pdca_order_member`` its members (an account or a name and title, role, the division of an
operating team). ``pdca_lesson`` keeps lessons learned per project or plan; ``pdca_cycle`` a
fiscal year's cycle of a plan series; ``pdca_carry_over`` a project not done at the 12-month
round proposed for the next year with the committee's decision.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

import core.db

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pdca_appointment_order",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", AutoString(length=40), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("signed_by_id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("replaces_id", sa.Integer(), nullable=True),
        sa.Column("quorum", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("applied_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["committee_id"], ["committee.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["replaces_id"], ["pdca_appointment_order.id"]),
        sa.ForeignKeyConstraint(["signed_by_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
    )
    op.create_index(
        "ix_pdca_appointment_order_committee_id", "pdca_appointment_order", ["committee_id"]
    )
    op.create_table(
        "pdca_order_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("name", AutoString(length=200), nullable=False),
        sa.Column("title", AutoString(length=300), nullable=False),
        sa.Column("role", sa.String(length=24), nullable=False),
        sa.Column("division_code", AutoString(length=16), nullable=True),
        sa.ForeignKeyConstraint(["division_code"], ["division.code"]),
        sa.ForeignKeyConstraint(["order_id"], ["pdca_appointment_order.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("order_id", "seq"),
    )
    op.create_index("ix_pdca_order_member_order_id", "pdca_order_member", ["order_id"])
    op.create_table(
        "pdca_lesson",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=True),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("lesson", sa.Text(), nullable=False),
        sa.Column("improvement", sa.Text(), nullable=False),
        sa.Column("written_by_id", sa.Integer(), nullable=False),
        sa.Column("written_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["pdca_plan.id"]),
        sa.ForeignKeyConstraint(["project_id"], ["pdca_project.id"]),
        sa.ForeignKeyConstraint(["round_id"], ["pdca_round.id"]),
        sa.ForeignKeyConstraint(["written_by_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_pdca_lesson_plan_id", "pdca_lesson", ["plan_id"])
    op.create_index("ix_pdca_lesson_round_id", "pdca_lesson", ["round_id"])
    op.create_index("ix_pdca_lesson_project_id", "pdca_lesson", ["project_id"])
    op.create_table(
        "pdca_cycle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series", AutoString(length=80), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("from_round_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["from_round_id"], ["pdca_round.id"]),
        sa.ForeignKeyConstraint(["opened_by_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["plan_id"], ["pdca_plan.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("series", "fiscal_year"),
    )
    op.create_index("ix_pdca_cycle_series", "pdca_cycle", ["series"])
    op.create_table(
        "pdca_carry_over",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("status_at_round", AutoString(length=16), nullable=False),
        sa.Column("reason_at_round", sa.Text(), nullable=False),
        sa.Column("budget_satang", sa.BigInteger(), nullable=False),
        sa.Column("disbursed_satang", sa.BigInteger(), nullable=False),
        sa.Column("plan_next_year_satang", sa.BigInteger(), nullable=True),
        sa.Column("proposed_budget_satang", sa.BigInteger(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=True),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("decision_reason", sa.Text(), nullable=False),
        sa.Column("decided_budget_satang", sa.BigInteger(), nullable=True),
        sa.Column("decided_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("proposed_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("applied_cycle_id", sa.Integer(), nullable=True),
        sa.Column("applied_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["applied_cycle_id"], ["pdca_cycle.id"]),
        sa.ForeignKeyConstraint(["project_id"], ["pdca_project.id"]),
        sa.ForeignKeyConstraint(["proposed_by_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["round_id"], ["pdca_round.id"]),
        sa.ForeignKeyConstraint(["step_id"], ["humanstep.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id", "project_id"),
    )
    op.create_index("ix_pdca_carry_over_round_id", "pdca_carry_over", ["round_id"])
    op.create_index("ix_pdca_carry_over_project_id", "pdca_carry_over", ["project_id"])


def downgrade() -> None:
    op.drop_index("ix_pdca_carry_over_project_id", table_name="pdca_carry_over")
    op.drop_index("ix_pdca_carry_over_round_id", table_name="pdca_carry_over")
    op.drop_table("pdca_carry_over")
    op.drop_index("ix_pdca_cycle_series", table_name="pdca_cycle")
    op.drop_table("pdca_cycle")
    op.drop_index("ix_pdca_lesson_project_id", table_name="pdca_lesson")
    op.drop_index("ix_pdca_lesson_round_id", table_name="pdca_lesson")
    op.drop_index("ix_pdca_lesson_plan_id", table_name="pdca_lesson")
    op.drop_table("pdca_lesson")
    op.drop_index("ix_pdca_order_member_order_id", table_name="pdca_order_member")
    op.drop_table("pdca_order_member")
    op.drop_index("ix_pdca_appointment_order_committee_id", table_name="pdca_appointment_order")
    op.drop_table("pdca_appointment_order")
