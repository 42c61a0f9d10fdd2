"""Welfare screening: the scholarship's mentors, their reports and the renewal meeting

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-29 22:45:00

A mentor for each scholarship recipient (a user or a named outside person), the mentor's
reports during the year, and the scholarship committee's renewal meeting the next year with
its decision per recipient (a renewed recipient's candidacy in the next round).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

import core.db

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "screening_mentor_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("mentor_user_id", sa.Integer(), nullable=True),
        sa.Column("mentor_name", AutoString(length=200), nullable=False),
        sa.Column("mentor_contact", AutoString(length=200), nullable=False),
        sa.Column("assigned_by_id", sa.Integer(), nullable=False),
        sa.Column("assigned_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["screening_round.id"]),
        sa.ForeignKeyConstraint(["candidate_id"], ["screening_candidate.id"]),
        sa.ForeignKeyConstraint(["mentor_user_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["assigned_by_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("candidate_id"),
    )
    op.create_index(
        "ix_screening_mentor_assignment_round_id", "screening_mentor_assignment", ["round_id"]
    )
    op.create_index(
        "ix_screening_mentor_assignment_mentor_user_id",
        "screening_mentor_assignment",
        ["mentor_user_id"],
    )
    op.create_table(
        "screening_mentor_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("attendance_percent", sa.Integer(), nullable=False),
        sa.Column("grade_average_hundredths", sa.Integer(), nullable=True),
        sa.Column("situation", sa.Text(), nullable=False),
        sa.Column("recommend_continue", sa.Boolean(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["assignment_id"], ["screening_mentor_assignment.id"]),
        sa.ForeignKeyConstraint(["candidate_id"], ["screening_candidate.id"]),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_screening_mentor_report_assignment_id", "screening_mentor_report", ["assignment_id"]
    )
    op.create_index(
        "ix_screening_mentor_report_candidate_id", "screening_mentor_report", ["candidate_id"]
    )
    op.create_table(
        "screening_renewal_meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("next_round_id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=True),
        sa.Column("resolution_number", AutoString(length=100), nullable=False),
        sa.Column("members_present", sa.JSON(), nullable=False),
        sa.Column("quorum", sa.Integer(), nullable=False),
        sa.Column("quorum_reached", sa.Boolean(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["round_id"], ["screening_round.id"]),
        sa.ForeignKeyConstraint(["step_id"], ["humanstep.id"]),
        sa.ForeignKeyConstraint(["next_round_id"], ["screening_round.id"]),
        sa.ForeignKeyConstraint(["committee_id"], ["committee.id"]),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("step_id"),
    )
    op.create_index(
        "ix_screening_renewal_meeting_round_id", "screening_renewal_meeting", ["round_id"]
    )
    op.create_table(
        "screening_renewal_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("renew", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("carried_candidate_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["meeting_id"], ["screening_renewal_meeting.id"]),
        sa.ForeignKeyConstraint(["candidate_id"], ["screening_candidate.id"]),
        sa.ForeignKeyConstraint(["report_id"], ["screening_mentor_report.id"]),
        sa.ForeignKeyConstraint(["carried_candidate_id"], ["screening_candidate.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("candidate_id"),
    )
    op.create_index(
        "ix_screening_renewal_decision_meeting_id", "screening_renewal_decision", ["meeting_id"]
    )
    op.create_index(
        "ix_screening_renewal_decision_carried_candidate_id",
        "screening_renewal_decision",
        ["carried_candidate_id"],
    )


def downgrade() -> None:
    op.drop_table("screening_renewal_decision")
    op.drop_table("screening_renewal_meeting")
    op.drop_table("screening_mentor_report")
    op.drop_table("screening_mentor_assignment")
