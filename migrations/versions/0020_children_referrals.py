"""At-risk children: referrals, partner agencies' profiles and agreements, development log,
outcomes and youth camps

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30 00:15:00

Only the tables of models/children_referrals.py; the partner agencies themselves are the
register of 0016 (screening_partner_agency).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

import core.db

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "children_agency_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("code", AutoString(length=40), nullable=False),
        sa.Column("services", sa.Text(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["screening_partner_agency.id"],
        ),
        sa.ForeignKeyConstraint(
            ["committee_id"],
            ["committee.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("agency_id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "children_agency_agreement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("scope", AutoString(length=300), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("reference", AutoString(length=200), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["screening_partner_agency.id"],
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("agency_id", "signed_on", "scope"),
    )
    op.create_index(
        op.f("ix_children_agency_agreement_agency_id"),
        "children_agency_agreement",
        ["agency_id"],
        unique=False,
    )
    op.create_table(
        "children_camp_cohort",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", AutoString(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("venue", AutoString(length=200), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("year", "number"),
    )
    op.create_table(
        "children_camp_enrolment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("enrolled_by_id", sa.Integer(), nullable=False),
        sa.Column("enrolled_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["children_camp_cohort.id"],
        ),
        sa.ForeignKeyConstraint(
            ["enrolled_by_id"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["screening_person.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cohort_id", "person_id"),
    )
    op.create_index(
        op.f("ix_children_camp_enrolment_cohort_id"),
        "children_camp_enrolment",
        ["cohort_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_children_camp_enrolment_person_id"),
        "children_camp_enrolment",
        ["person_id"],
        unique=False,
    )
    op.create_table(
        "children_camp_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["children_camp_enrolment.id"],
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("enrolment_id", "day"),
    )
    op.create_index(
        op.f("ix_children_camp_attendance_enrolment_id"),
        "children_camp_attendance",
        ["enrolment_id"],
        unique=False,
    )
    op.create_table(
        "children_camp_problem",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("problem", AutoString(length=40), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["children_camp_enrolment.id"],
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("enrolment_id", "problem"),
    )
    op.create_index(
        op.f("ix_children_camp_problem_enrolment_id"),
        "children_camp_problem",
        ["enrolment_id"],
        unique=False,
    )
    op.create_table(
        "children_development_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("cadence", sa.String(length=8), nullable=False),
        sa.Column("activity_on", sa.Date(), nullable=False),
        sa.Column("activity", AutoString(length=300), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["children_case.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["screening_person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_children_development_entry_person_id"),
        "children_development_entry",
        ["person_id"],
        unique=False,
    )
    op.create_table(
        "children_outcome",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("level", AutoString(length=12), nullable=False),
        sa.Column("achieved_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["children_case.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["screening_person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("person_id", "kind", "level", "achieved_on"),
    )
    op.create_index(
        op.f("ix_children_outcome_achieved_on"), "children_outcome", ["achieved_on"], unique=False
    )
    op.create_index(
        op.f("ix_children_outcome_person_id"), "children_outcome", ["person_id"], unique=False
    )
    op.create_table(
        "children_referral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_key", AutoString(length=120), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("camp_enrolment_id", sa.Integer(), nullable=True),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("rule_key", AutoString(length=60), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("age_at_referral", sa.Integer(), nullable=False),
        sa.Column("referred_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=False),
        sa.Column("confirmed_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=False),
        sa.Column("outcome_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("outcome_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["screening_partner_agency.id"],
        ),
        sa.ForeignKeyConstraint(
            ["camp_enrolment_id"],
            ["children_camp_enrolment.id"],
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["children_case.id"],
        ),
        sa.ForeignKeyConstraint(
            ["confirmed_by_id"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["outcome_by_id"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["screening_person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["step_id"],
            ["humanstep.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("referral_key"),
    )
    op.create_index(
        op.f("ix_children_referral_agency_id"), "children_referral", ["agency_id"], unique=False
    )
    op.create_index(
        op.f("ix_children_referral_case_id"), "children_referral", ["case_id"], unique=False
    )
    op.create_index(
        op.f("ix_children_referral_person_id"), "children_referral", ["person_id"], unique=False
    )
    op.create_index(
        op.f("ix_children_referral_referred_on"), "children_referral", ["referred_on"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_children_referral_referred_on"), table_name="children_referral")
    op.drop_index(op.f("ix_children_referral_person_id"), table_name="children_referral")
    op.drop_index(op.f("ix_children_referral_case_id"), table_name="children_referral")
    op.drop_index(op.f("ix_children_referral_agency_id"), table_name="children_referral")
    op.drop_table("children_referral")
    op.drop_index(op.f("ix_children_outcome_person_id"), table_name="children_outcome")
    op.drop_index(op.f("ix_children_outcome_achieved_on"), table_name="children_outcome")
    op.drop_table("children_outcome")
    op.drop_index(
        op.f("ix_children_development_entry_person_id"), table_name="children_development_entry"
    )
    op.drop_table("children_development_entry")
    op.drop_index(op.f("ix_children_camp_problem_enrolment_id"), table_name="children_camp_problem")
    op.drop_table("children_camp_problem")
    op.drop_index(
        op.f("ix_children_camp_attendance_enrolment_id"), table_name="children_camp_attendance"
    )
    op.drop_table("children_camp_attendance")
    op.drop_index(
        op.f("ix_children_camp_enrolment_person_id"), table_name="children_camp_enrolment"
    )
    op.drop_index(
        op.f("ix_children_camp_enrolment_cohort_id"), table_name="children_camp_enrolment"
    )
    op.drop_table("children_camp_enrolment")
    op.drop_table("children_camp_cohort")
    op.drop_index(
        op.f("ix_children_agency_agreement_agency_id"), table_name="children_agency_agreement"
    )
    op.drop_table("children_agency_agreement")
    op.drop_table("children_agency_profile")
