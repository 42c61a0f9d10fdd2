"""Welfare screening: assessments, reconciliation, certification

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-29 21:15:00

``screening_assessment`` is one team's assessment of one candidate (round 1 or 2: answers to
the configured questionnaire, household income in satang, problems per area, recommendation,
complexity group), ``screening_assessment_photo`` its home-visit photos,
``screening_joint_survey`` the joint survey that settles a disagreement (its engine step),
``screening_certification`` the committee's meeting (date, resolution number, members present,
quorum) and ``screening_exclusion`` each person it did not certify, with the reason.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

import core.db

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "screening_assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("assessment_round", sa.Integer(), nullable=False),
        sa.Column("stage", AutoString(length=40), nullable=False),
        sa.Column("team", AutoString(length=60), nullable=False),
        sa.Column("assessor_id", sa.Integer(), nullable=False),
        sa.Column("questionnaire", AutoString(length=60), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("household_members", sa.Integer(), nullable=True),
        sa.Column("household_income_satang", sa.BigInteger(), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("eligible", sa.Boolean(), nullable=False),
        sa.Column("complexity", AutoString(length=20), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("submitted_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["assessor_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["candidate_id"], ["screening_candidate.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("candidate_id", "assessment_round"),
    )
    op.create_index(
        "ix_screening_assessment_candidate_id", "screening_assessment", ["candidate_id"]
    )
    op.create_table(
        "screening_assessment_photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("content_type", AutoString(length=32), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", AutoString(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["assessment_id"], ["screening_assessment.id"]),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_screening_assessment_photo_assessment_id",
        "screening_assessment_photo",
        ["assessment_id"],
    )
    op.create_table(
        "screening_joint_survey",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("surveyed_on", sa.Date(), nullable=True),
        sa.Column("eligible", sa.Boolean(), nullable=True),
        sa.Column("complexity", AutoString(length=20), nullable=True),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("members_present", sa.JSON(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["candidate_id"], ["screening_candidate.id"]),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["step_id"], ["humanstep.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("candidate_id"),
    )
    op.create_table(
        "screening_certification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=False),
        sa.Column("resolution_number", AutoString(length=100), nullable=False),
        sa.Column("members_present", sa.JSON(), nullable=False),
        sa.Column("quorum", sa.Integer(), nullable=False),
        sa.Column("quorum_reached", sa.Boolean(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("certified_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["committee_id"], ["committee.id"]),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["round_id"], ["screening_round.id"]),
        sa.ForeignKeyConstraint(["step_id"], ["humanstep.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("step_id"),
    )
    op.create_index("ix_screening_certification_round_id", "screening_certification", ["round_id"])
    op.create_table(
        "screening_exclusion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("certification_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["candidate_id"], ["screening_candidate.id"]),
        sa.ForeignKeyConstraint(["certification_id"], ["screening_certification.id"]),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("certification_id", "candidate_id"),
    )
    op.create_index(
        "ix_screening_exclusion_certification_id", "screening_exclusion", ["certification_id"]
    )
    op.create_index("ix_screening_exclusion_candidate_id", "screening_exclusion", ["candidate_id"])


def downgrade() -> None:
    op.drop_table("screening_exclusion")
    op.drop_table("screening_certification")
    op.drop_table("screening_joint_survey")
    op.drop_table("screening_assessment_photo")
    op.drop_table("screening_assessment")
