"""Welfare screening: letters, benefits, sponsors, follow-up visits

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-29 21:15:00

The result letter of each candidate (one per candidate, printed in batches, mailed and pushed
once), the round's budget per benefit and source, the benefits awarded (the catalogue is
config/screening/benefits.toml), sponsors and their pairings with households, the partner
agencies, the follow-up visits at 15:00 on working days and the yearly reassessments.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

import core.db

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "screening_partner_agency",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", AutoString(length=200), nullable=False),
        sa.Column("kind", AutoString(length=20), nullable=False),
        sa.Column("contact", AutoString(length=300), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "screening_sponsor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", AutoString(length=200), nullable=False),
        sa.Column("kind", AutoString(length=20), nullable=False),
        sa.Column("phone", AutoString(length=40), nullable=True),
        sa.Column("email", AutoString(length=200), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "screening_letter_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("printed_by_id", sa.Integer(), nullable=False),
        sa.Column("printed_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("letters", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["printed_by_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["round_id"], ["screening_round.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_screening_letter_batch_round_id"),
        "screening_letter_batch",
        ["round_id"],
        unique=False,
    )
    op.create_table(
        "screening_round_budget",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("benefit", AutoString(length=60), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("amount_satang", sa.BigInteger(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["screening_round.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id", "benefit", "source"),
    )
    op.create_index(
        op.f("ix_screening_round_budget_round_id"),
        "screening_round_budget",
        ["round_id"],
        unique=False,
    )
    op.create_table(
        "screening_sponsor_pairing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sponsor_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("purpose", AutoString(length=20), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["household_id"], ["screening_household.id"]),
        sa.ForeignKeyConstraint(["sponsor_id"], ["screening_sponsor.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sponsor_id", "household_id", "purpose"),
    )
    op.create_index(
        op.f("ix_screening_sponsor_pairing_household_id"),
        "screening_sponsor_pairing",
        ["household_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_screening_sponsor_pairing_sponsor_id"),
        "screening_sponsor_pairing",
        ["sponsor_id"],
        unique=False,
    )
    op.create_table(
        "screening_benefit_award",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("award_key", AutoString(length=120), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("benefit", AutoString(length=60), nullable=False),
        sa.Column("area", AutoString(length=20), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=True),
        sa.Column("amount_satang", sa.BigInteger(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=12), nullable=False),
        sa.Column("sponsor_id", sa.Integer(), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("awarded_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["candidate_id"], ["screening_candidate.id"]),
        sa.ForeignKeyConstraint(["community_id"], ["screening_community.id"]),
        sa.ForeignKeyConstraint(["household_id"], ["screening_household.id"]),
        sa.ForeignKeyConstraint(["round_id"], ["screening_round.id"]),
        sa.ForeignKeyConstraint(["sponsor_id"], ["screening_sponsor.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("award_key"),
    )
    op.create_index(
        op.f("ix_screening_benefit_award_benefit"),
        "screening_benefit_award",
        ["benefit"],
        unique=False,
    )
    op.create_index(
        op.f("ix_screening_benefit_award_candidate_id"),
        "screening_benefit_award",
        ["candidate_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_screening_benefit_award_round_id"),
        "screening_benefit_award",
        ["round_id"],
        unique=False,
    )
    op.create_table(
        "screening_followup_visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_key", AutoString(length=120), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("earlier_recipient", sa.Boolean(), nullable=False),
        sa.Column("urgency", sa.Integer(), nullable=False),
        sa.Column("scheduled_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("visited_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("visited_by_id", sa.Integer(), nullable=True),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("needs", sa.Text(), nullable=False),
        sa.Column("referral_agency_id", sa.Integer(), nullable=True),
        sa.Column("referral_note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["candidate_id"], ["screening_candidate.id"]),
        sa.ForeignKeyConstraint(["household_id"], ["screening_household.id"]),
        sa.ForeignKeyConstraint(["referral_agency_id"], ["screening_partner_agency.id"]),
        sa.ForeignKeyConstraint(["round_id"], ["screening_round.id"]),
        sa.ForeignKeyConstraint(["visited_by_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("visit_key"),
    )
    op.create_index(
        op.f("ix_screening_followup_visit_household_id"),
        "screening_followup_visit",
        ["household_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_screening_followup_visit_round_id"),
        "screening_followup_visit",
        ["round_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_screening_followup_visit_scheduled_at"),
        "screening_followup_visit",
        ["scheduled_at"],
        unique=False,
    )
    op.create_table(
        "screening_letter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("issued_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("mail_key", AutoString(length=200), nullable=True),
        sa.Column("line_key", AutoString(length=200), nullable=True),
        sa.ForeignKeyConstraint(["batch_id"], ["screening_letter_batch.id"]),
        sa.ForeignKeyConstraint(["candidate_id"], ["screening_candidate.id"]),
        sa.ForeignKeyConstraint(["round_id"], ["screening_round.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("candidate_id"),
        sa.UniqueConstraint("round_id", "number"),
    )
    op.create_index(
        op.f("ix_screening_letter_round_id"), "screening_letter", ["round_id"], unique=False
    )
    op.create_table(
        "screening_reassessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.Column("still_eligible", sa.Boolean(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["candidate_id"], ["screening_candidate.id"]),
        sa.ForeignKeyConstraint(["done_by_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["screening_person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("person_id", "fiscal_year"),
    )
    op.create_index(
        op.f("ix_screening_reassessment_person_id"),
        "screening_reassessment",
        ["person_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_screening_reassessment_person_id"), table_name="screening_reassessment")
    op.drop_table("screening_reassessment")
    op.drop_index(op.f("ix_screening_letter_round_id"), table_name="screening_letter")
    op.drop_table("screening_letter")
    op.drop_index(
        op.f("ix_screening_followup_visit_scheduled_at"), table_name="screening_followup_visit"
    )
    op.drop_index(
        op.f("ix_screening_followup_visit_round_id"), table_name="screening_followup_visit"
    )
    op.drop_index(
        op.f("ix_screening_followup_visit_household_id"), table_name="screening_followup_visit"
    )
    op.drop_table("screening_followup_visit")
    op.drop_index(op.f("ix_screening_benefit_award_round_id"), table_name="screening_benefit_award")
    op.drop_index(
        op.f("ix_screening_benefit_award_candidate_id"), table_name="screening_benefit_award"
    )
    op.drop_index(op.f("ix_screening_benefit_award_benefit"), table_name="screening_benefit_award")
    op.drop_table("screening_benefit_award")
    op.drop_index(
        op.f("ix_screening_sponsor_pairing_sponsor_id"), table_name="screening_sponsor_pairing"
    )
    op.drop_index(
        op.f("ix_screening_sponsor_pairing_household_id"), table_name="screening_sponsor_pairing"
    )
    op.drop_table("screening_sponsor_pairing")
    op.drop_index(op.f("ix_screening_round_budget_round_id"), table_name="screening_round_budget")
    op.drop_table("screening_round_budget")
    op.drop_index(op.f("ix_screening_letter_batch_round_id"), table_name="screening_letter_batch")
    op.drop_table("screening_letter_batch")
    op.drop_table("screening_sponsor")
    op.drop_table("screening_partner_agency")
