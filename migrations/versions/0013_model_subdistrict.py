"""PDCA, the model sub-district self-assessment (seed 003)

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 21:15:00

``pdca_model_subdistrict`` is a model sub-district of one fiscal year (existing or new, its
responsible committee, the owner division); ``pdca_subdistrict_plan_item`` and
``pdca_subdistrict_activity`` its cycle (targets with owner, schedule, budget in satang;
meetings, activities, reviews); ``pdca_subdistrict_assessment`` the committee's
self-assessment at 6 or 12 months (the level fixed on acceptance) with
``pdca_subdistrict_answer`` (one a criterion of config/pdca/model_subdistrict.toml, with its
evidence); ``pdca_subdistrict_annual_report`` the annual report's sections and the day it
reached the department.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

import core.db

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pdca_model_subdistrict",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", AutoString(length=200), nullable=False),
        sa.Column("kind", AutoString(length=16), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("division_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["committee_id"], ["committee.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["division_id"], ["division.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name", "fiscal_year"),
    )
    op.create_table(
        "pdca_subdistrict_plan_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subdistrict_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("owner", AutoString(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("budget_satang", sa.Integer(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["subdistrict_id"], ["pdca_model_subdistrict.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_pdca_subdistrict_plan_item_subdistrict_id",
        "pdca_subdistrict_plan_item",
        ["subdistrict_id"],
    )
    op.create_table(
        "pdca_subdistrict_activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subdistrict_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("kind", AutoString(length=16), nullable=False),
        sa.Column("title", AutoString(length=300), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["subdistrict_id"], ["pdca_model_subdistrict.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_pdca_subdistrict_activity_subdistrict_id",
        "pdca_subdistrict_activity",
        ["subdistrict_id"],
    )
    op.create_table(
        "pdca_subdistrict_assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subdistrict_id", sa.Integer(), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("status", AutoString(length=16), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("accepted_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("opened_by_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["opened_by_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["subdistrict_id"], ["pdca_model_subdistrict.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("subdistrict_id", "months"),
    )
    op.create_index(
        "ix_pdca_subdistrict_assessment_subdistrict_id",
        "pdca_subdistrict_assessment",
        ["subdistrict_id"],
    )
    op.create_table(
        "pdca_subdistrict_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("criterion", AutoString(length=60), nullable=False),
        sa.Column("met", sa.Boolean(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("answered_by_id", sa.Integer(), nullable=False),
        sa.Column("answered_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["answered_by_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["assessment_id"], ["pdca_subdistrict_assessment.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("assessment_id", "criterion"),
    )
    op.create_index(
        "ix_pdca_subdistrict_answer_assessment_id", "pdca_subdistrict_answer", ["assessment_id"]
    )
    op.create_table(
        "pdca_subdistrict_annual_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subdistrict_id", sa.Integer(), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=True),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["submitted_by_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["subdistrict_id"], ["pdca_model_subdistrict.id"]),
        sa.ForeignKeyConstraint(["updated_by_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("subdistrict_id"),
    )


def downgrade() -> None:
    op.drop_table("pdca_subdistrict_annual_report")
    op.drop_index("ix_pdca_subdistrict_answer_assessment_id", "pdca_subdistrict_answer")
    op.drop_table("pdca_subdistrict_answer")
    op.drop_index("ix_pdca_subdistrict_assessment_subdistrict_id", "pdca_subdistrict_assessment")
    op.drop_table("pdca_subdistrict_assessment")
    op.drop_index("ix_pdca_subdistrict_activity_subdistrict_id", "pdca_subdistrict_activity")
    op.drop_table("pdca_subdistrict_activity")
    op.drop_index("ix_pdca_subdistrict_plan_item_subdistrict_id", "pdca_subdistrict_plan_item")
    op.drop_table("pdca_subdistrict_plan_item")
    op.drop_table("pdca_model_subdistrict")
