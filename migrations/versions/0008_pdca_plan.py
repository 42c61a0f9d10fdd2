"""PDCA, the Plan: the anti-corruption action plan and its versions

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 19:00:00

``pdca_plan`` is one version of a plan (series, version, the version it follows, status, who
approved it and when, the announcement date, publication, the E-PlanNACC deadline and entry);
``pdca_dimension``, ``pdca_mission``, ``pdca_project`` (responsible division by code),
``pdca_project_budget`` (integer satang per fiscal year), ``pdca_indicator`` (target operator,
value, unit), ``pdca_risk_item`` and ``pdca_risk_control`` (the risk register and the projects
that control each risk) are its content; ``pdca_import_discrepancy`` keeps both figures where
the imported plan's summary table and a project's own page disagree.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

import core.db

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pdca_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series", AutoString(length=80), nullable=False),
        sa.Column("name", AutoString(length=300), nullable=False),
        sa.Column("fiscal_year_from", sa.Integer(), nullable=False),
        sa.Column("fiscal_year_to", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("previous_version_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("division_id", sa.Integer(), nullable=False),
        sa.Column("chain", AutoString(length=60), nullable=False),
        sa.Column("returns_count", sa.Integer(), nullable=False),
        sa.Column("revision_reason", sa.Text(), nullable=False),
        sa.Column("source_filename", AutoString(length=255), nullable=True),
        sa.Column("source_sha256", AutoString(length=64), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("announced_on", sa.Date(), nullable=True),
        sa.Column("published_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("enacc_due_on", sa.Date(), nullable=True),
        sa.Column("enacc_submitted_on", sa.Date(), nullable=True),
        sa.Column("enacc_reference", AutoString(length=200), nullable=True),
        sa.Column("enacc_recorded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["approved_by_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["division_id"], ["division.id"]),
        sa.ForeignKeyConstraint(["enacc_recorded_by_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["previous_version_id"], ["pdca_plan.id"]),
        sa.ForeignKeyConstraint(["submitted_by_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("series", "version"),
    )
    op.create_index("ix_pdca_plan_series", "pdca_plan", ["series"])
    op.create_table(
        "pdca_dimension",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("no", sa.Integer(), nullable=False),
        sa.Column("name", AutoString(length=300), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["pdca_plan.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "no"),
    )
    op.create_index("ix_pdca_dimension_plan_id", "pdca_dimension", ["plan_id"])
    op.create_table(
        "pdca_risk_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("process_step", sa.Text(), nullable=False),
        sa.Column("risk", sa.Text(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("control_note", sa.Text(), nullable=False),
        sa.Column("source", AutoString(length=300), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["pdca_plan.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "seq"),
    )
    op.create_index("ix_pdca_risk_item_plan_id", "pdca_risk_item", ["plan_id"])
    op.create_table(
        "pdca_mission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("dimension_id", sa.Integer(), nullable=False),
        sa.Column("code", AutoString(length=16), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["dimension_id"], ["pdca_dimension.id"]),
        sa.ForeignKeyConstraint(["plan_id"], ["pdca_plan.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "code"),
    )
    op.create_index("ix_pdca_mission_dimension_id", "pdca_mission", ["dimension_id"])
    op.create_index("ix_pdca_mission_plan_id", "pdca_mission", ["plan_id"])
    op.create_table(
        "pdca_project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("mission_id", sa.Integer(), nullable=False),
        sa.Column("no", sa.Integer(), nullable=False),
        sa.Column("code", AutoString(length=16), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("division_code", AutoString(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["division_code"], ["division.code"]),
        sa.ForeignKeyConstraint(["mission_id"], ["pdca_mission.id"]),
        sa.ForeignKeyConstraint(["plan_id"], ["pdca_plan.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "no"),
    )
    op.create_index("ix_pdca_project_mission_id", "pdca_project", ["mission_id"])
    op.create_index("ix_pdca_project_plan_id", "pdca_project", ["plan_id"])
    op.create_table(
        "pdca_import_discrepancy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("field", AutoString(length=32), nullable=False),
        sa.Column("card_value", AutoString(length=200), nullable=False),
        sa.Column("table_value", AutoString(length=200), nullable=False),
        sa.Column("source_note", sa.Text(), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["pdca_plan.id"]),
        sa.ForeignKeyConstraint(["project_id"], ["pdca_project.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_pdca_import_discrepancy_plan_id", "pdca_import_discrepancy", ["plan_id"])
    op.create_index(
        "ix_pdca_import_discrepancy_project_id", "pdca_import_discrepancy", ["project_id"]
    )
    op.create_table(
        "pdca_indicator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("target_operator", sa.String(length=2), nullable=False),
        sa.Column("target_value", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("target_unit", AutoString(length=40), nullable=False),
        sa.Column("source", AutoString(length=300), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["pdca_project.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_pdca_indicator_project_id", "pdca_indicator", ["project_id"])
    op.create_table(
        "pdca_project_budget",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("amount_satang", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["pdca_project.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "fiscal_year"),
    )
    op.create_index("ix_pdca_project_budget_project_id", "pdca_project_budget", ["project_id"])
    op.create_table(
        "pdca_risk_control",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("risk_item_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["pdca_project.id"]),
        sa.ForeignKeyConstraint(["risk_item_id"], ["pdca_risk_item.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("risk_item_id", "project_id"),
    )
    op.create_index("ix_pdca_risk_control_project_id", "pdca_risk_control", ["project_id"])
    op.create_index("ix_pdca_risk_control_risk_item_id", "pdca_risk_control", ["risk_item_id"])


def downgrade() -> None:
    op.drop_index("ix_pdca_risk_control_risk_item_id", table_name="pdca_risk_control")
    op.drop_index("ix_pdca_risk_control_project_id", table_name="pdca_risk_control")
    op.drop_table("pdca_risk_control")
    op.drop_index("ix_pdca_project_budget_project_id", table_name="pdca_project_budget")
    op.drop_table("pdca_project_budget")
    op.drop_index("ix_pdca_indicator_project_id", table_name="pdca_indicator")
    op.drop_table("pdca_indicator")
    op.drop_index("ix_pdca_import_discrepancy_project_id", table_name="pdca_import_discrepancy")
    op.drop_index("ix_pdca_import_discrepancy_plan_id", table_name="pdca_import_discrepancy")
    op.drop_table("pdca_import_discrepancy")
    op.drop_index("ix_pdca_project_plan_id", table_name="pdca_project")
    op.drop_index("ix_pdca_project_mission_id", table_name="pdca_project")
    op.drop_table("pdca_project")
    op.drop_index("ix_pdca_mission_plan_id", table_name="pdca_mission")
    op.drop_index("ix_pdca_mission_dimension_id", table_name="pdca_mission")
    op.drop_table("pdca_mission")
    op.drop_index("ix_pdca_risk_item_plan_id", table_name="pdca_risk_item")
    op.drop_table("pdca_risk_item")
    op.drop_index("ix_pdca_dimension_plan_id", table_name="pdca_dimension")
    op.drop_table("pdca_dimension")
    op.drop_index("ix_pdca_plan_series", table_name="pdca_plan")
    op.drop_table("pdca_plan")
