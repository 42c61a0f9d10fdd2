"""At-risk children: school screening, cases and care plans

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30 00:15:00

Teachers linked to municipal schools (a class or every class), pupils' enrolment, parents
(``screening_person`` rows linked to the child, reached by LINE or e-mail), each school's core
person, screening sessions and results (SDQ first), and the child-care case with its
protected entries and care-plan actions (models/children.py).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

import core.db

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "children_school_core_person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["screening_school.id"],
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("school_id"),
    )
    op.create_table(
        "children_screening_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("academic_year", sa.Integer(), nullable=False),
        sa.Column("class_name", AutoString(length=40), nullable=False),
        sa.Column("instrument", AutoString(length=16), nullable=False),
        sa.Column("form", AutoString(length=16), nullable=False),
        sa.Column("teacher_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["screening_school.id"],
        ),
        sa.ForeignKeyConstraint(
            ["teacher_id"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_children_screening_session_school_id"),
        "children_screening_session",
        ["school_id"],
        unique=False,
    )
    op.create_table(
        "children_teacher",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("class_name", AutoString(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["screening_school.id"],
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "school_id", "class_name"),
    )
    op.create_index(
        op.f("ix_children_teacher_school_id"), "children_teacher", ["school_id"], unique=False
    )
    op.create_index(
        op.f("ix_children_teacher_user_id"), "children_teacher", ["user_id"], unique=False
    )
    op.create_table(
        "children_guardian",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("guardian_id", sa.Integer(), nullable=False),
        sa.Column("relation", AutoString(length=40), nullable=False),
        sa.Column("notify_by", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["screening_person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["guardian_id"],
            ["screening_person.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("child_id", "guardian_id"),
    )
    op.create_index(
        op.f("ix_children_guardian_child_id"), "children_guardian", ["child_id"], unique=False
    )
    op.create_table(
        "children_pupil",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("academic_year", sa.Integer(), nullable=False),
        sa.Column("grade", AutoString(length=20), nullable=False),
        sa.Column("class_name", AutoString(length=40), nullable=False),
        sa.Column("student_no", AutoString(length=20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["screening_person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["screening_school.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("person_id", "academic_year"),
    )
    op.create_index(
        "ix_children_pupil_class",
        "children_pupil",
        ["school_id", "academic_year", "class_name"],
        unique=False,
    )
    op.create_index(
        op.f("ix_children_pupil_person_id"), "children_pupil", ["person_id"], unique=False
    )
    op.create_table(
        "children_screening_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("scales", sa.JSON(), nullable=False),
        sa.Column("scale_bands", sa.JSON(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("band", AutoString(length=16), nullable=False),
        sa.Column("screened_by_id", sa.Integer(), nullable=False),
        sa.Column("screened_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["screening_person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["pupil_id"],
            ["children_pupil.id"],
        ),
        sa.ForeignKeyConstraint(
            ["screened_by_id"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["children_screening_session.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("session_id", "person_id"),
    )
    op.create_index(
        op.f("ix_children_screening_result_person_id"),
        "children_screening_result",
        ["person_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_children_screening_result_session_id"),
        "children_screening_result",
        ["session_id"],
        unique=False,
    )
    op.create_table(
        "children_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("screening_result_id", sa.Integer(), nullable=True),
        sa.Column("band", AutoString(length=16), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("core_person_id", sa.Integer(), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("follow_ups_done", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["core_person_id"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["screening_person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["screening_school.id"],
        ),
        sa.ForeignKeyConstraint(
            ["screening_result_id"],
            ["children_screening_result.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_children_case_core_person_id"), "children_case", ["core_person_id"], unique=False
    )
    op.create_index(
        op.f("ix_children_case_person_id"), "children_case", ["person_id"], unique=False
    )
    op.create_index(
        op.f("ix_children_case_school_id"), "children_case", ["school_id"], unique=False
    )
    op.create_table(
        "children_case_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", AutoString(length=24), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=True),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["children_case.id"],
        ),
        sa.ForeignKeyConstraint(
            ["step_id"],
            ["humanstep.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_children_case_entry_case_id"), "children_case_entry", ["case_id"], unique=False
    )
    op.create_table(
        "children_plan_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("title", AutoString(length=300), nullable=False),
        sa.Column("owner_user_id", sa.Integer(), nullable=True),
        sa.Column("owner_name", AutoString(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("done_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["children_case.id"],
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["owner_user_id"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_children_plan_action_case_id"), "children_plan_action", ["case_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_children_plan_action_case_id"), table_name="children_plan_action")
    op.drop_table("children_plan_action")
    op.drop_index(op.f("ix_children_case_entry_case_id"), table_name="children_case_entry")
    op.drop_table("children_case_entry")
    op.drop_index(op.f("ix_children_case_school_id"), table_name="children_case")
    op.drop_index(op.f("ix_children_case_person_id"), table_name="children_case")
    op.drop_index(op.f("ix_children_case_core_person_id"), table_name="children_case")
    op.drop_table("children_case")
    op.drop_index(
        op.f("ix_children_screening_result_session_id"), table_name="children_screening_result"
    )
    op.drop_index(
        op.f("ix_children_screening_result_person_id"), table_name="children_screening_result"
    )
    op.drop_table("children_screening_result")
    op.drop_index(op.f("ix_children_pupil_person_id"), table_name="children_pupil")
    op.drop_index("ix_children_pupil_class", table_name="children_pupil")
    op.drop_table("children_pupil")
    op.drop_index(op.f("ix_children_guardian_child_id"), table_name="children_guardian")
    op.drop_table("children_guardian")
    op.drop_index(op.f("ix_children_teacher_user_id"), table_name="children_teacher")
    op.drop_index(op.f("ix_children_teacher_school_id"), table_name="children_teacher")
    op.drop_table("children_teacher")
    op.drop_index(
        op.f("ix_children_screening_session_school_id"), table_name="children_screening_session"
    )
    op.drop_table("children_screening_session")
    op.drop_table("children_school_core_person")
