"""Welfare screening: rounds, people, households, nominations, protected reads

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29 21:15:00

``screening_round`` (programme, fiscal year BE, nomination window, a deadline per stage as
JSON, status, the owner division and the community list it uses); ``screening_community_list``
and ``screening_community`` (versioned: 90 communities, then 95); ``screening_school`` (the 11
municipal schools); ``screening_household``; ``screening_person`` (Thai ID unique where known,
the Thai soundex of the name for duplicate suggestions, merged persons kept); ``screening_import``
(a file imported whole); ``screening_nomination`` (one per proposal, with its source and
nominator); ``screening_candidate`` (one per person and round, its state); ``read_log`` (every
read of a protected record, allowed or refused: who, when, which record, why).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

import core.db

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "screening_community_list",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("source", AutoString(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version"),
    )
    op.create_table(
        "screening_school",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", AutoString(length=8), nullable=False),
        sa.Column("name", AutoString(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "screening_community",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("code", AutoString(length=8), nullable=False),
        sa.Column("name", AutoString(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["screening_community_list.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("list_id", "code"),
        sa.UniqueConstraint("list_id", "name"),
    )
    op.create_index(
        op.f("ix_screening_community_list_id"), "screening_community", ["list_id"], unique=False
    )
    op.create_table(
        "read_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("record_type", AutoString(length=60), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("scope", AutoString(length=40), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("allowed", sa.Boolean(), nullable=False),
        sa.Column("reason", AutoString(length=300), nullable=False),
        sa.Column("channel", AutoString(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_read_log_at"), "read_log", ["at"], unique=False)
    op.create_index("ix_read_log_record", "read_log", ["record_type", "record_id"], unique=False)
    op.create_index(op.f("ix_read_log_user_id"), "read_log", ["user_id"], unique=False)
    op.create_table(
        "screening_household",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("house_no", AutoString(length=40), nullable=False),
        sa.Column("address", AutoString(length=500), nullable=False),
        sa.Column("members_count", sa.Integer(), nullable=True),
        sa.Column("monthly_income_satang", sa.BigInteger(), nullable=True),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["screening_community.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "screening_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme", sa.String(length=16), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("title", AutoString(length=300), nullable=False),
        sa.Column("division_id", sa.Integer(), nullable=False),
        sa.Column("community_list_id", sa.Integer(), nullable=False),
        sa.Column("nomination_opens_on", sa.Date(), nullable=False),
        sa.Column("nomination_closes_on", sa.Date(), nullable=False),
        sa.Column("stage_deadlines", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_list_id"],
            ["screening_community_list.id"],
        ),
        sa.ForeignKeyConstraint(
            ["division_id"],
            ["division.id"],
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("programme", "fiscal_year", "title"),
    )
    op.create_table(
        "screening_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("filename", AutoString(length=255), nullable=False),
        sa.Column("sha256", AutoString(length=64), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=False),
        sa.Column("imported_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["imported_by_id"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["screening_round.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_screening_import_round_id"), "screening_import", ["round_id"], unique=False
    )
    op.create_table(
        "screening_person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thai_id", AutoString(length=13), nullable=True),
        sa.Column("prefix", AutoString(length=40), nullable=False),
        sa.Column("first_name", AutoString(length=120), nullable=False),
        sa.Column("last_name", AutoString(length=120), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("sex", sa.String(length=8), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("phone", AutoString(length=40), nullable=True),
        sa.Column("email", AutoString(length=200), nullable=True),
        sa.Column("line_user_id", AutoString(length=64), nullable=True),
        sa.Column("hiv_positive", sa.Boolean(), nullable=False),
        sa.Column("name_key", AutoString(length=40), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["screening_community.id"],
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["screening_household.id"],
        ),
        sa.ForeignKeyConstraint(
            ["merged_into_id"],
            ["screening_person.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("thai_id"),
    )
    op.create_index(
        op.f("ix_screening_person_name_key"), "screening_person", ["name_key"], unique=False
    )
    op.create_table(
        "screening_candidate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["screening_person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["screening_round.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id", "person_id"),
    )
    op.create_index(
        op.f("ix_screening_candidate_person_id"), "screening_candidate", ["person_id"], unique=False
    )
    op.create_index(
        op.f("ix_screening_candidate_round_id"), "screening_candidate", ["round_id"], unique=False
    )
    op.create_table(
        "screening_nomination",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=24), nullable=False),
        sa.Column("nominator_name", AutoString(length=200), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["screening_community.id"],
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["screening_import.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["screening_person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["screening_round.id"],
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["screening_school.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_screening_nomination_person_id"),
        "screening_nomination",
        ["person_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_screening_nomination_round_id"), "screening_nomination", ["round_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_screening_nomination_round_id"), table_name="screening_nomination")
    op.drop_index(op.f("ix_screening_nomination_person_id"), table_name="screening_nomination")
    op.drop_table("screening_nomination")
    op.drop_index(op.f("ix_screening_candidate_round_id"), table_name="screening_candidate")
    op.drop_index(op.f("ix_screening_candidate_person_id"), table_name="screening_candidate")
    op.drop_table("screening_candidate")
    op.drop_index(op.f("ix_screening_person_name_key"), table_name="screening_person")
    op.drop_table("screening_person")
    op.drop_index(op.f("ix_screening_import_round_id"), table_name="screening_import")
    op.drop_table("screening_import")
    op.drop_table("screening_round")
    op.drop_table("screening_household")
    op.drop_index(op.f("ix_read_log_user_id"), table_name="read_log")
    op.drop_index("ix_read_log_record", table_name="read_log")
    op.drop_index(op.f("ix_read_log_at"), table_name="read_log")
    op.drop_table("read_log")
    op.drop_index(op.f("ix_screening_community_list_id"), table_name="screening_community")
    op.drop_table("screening_community")
    op.drop_table("screening_school")
    op.drop_table("screening_community_list")
