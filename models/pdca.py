"""PDCA, the Plan (P): the municipality's anti-corruption action plan (แผนปฏิบัติการป้องกันการ
ทุจริตเพื่อยกระดับคุณธรรมและความโปร่งใส) with its dimensions, missions, projects, budgets per
fiscal year, indicators and risk register; what its import found where the source contradicts
itself; and its versions (a revision keeps the previous version and who approved it).

Money is integer satang (1 THB = 100 satang), never float. Fiscal years are Buddhist Era."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.db import UTCDateTime, utcnow


class PlanStatus(StrEnum):
    draft = "draft"
    in_review = "in_review"
    approved = "approved"
    rejected = "rejected"
    withdrawn = "withdrawn"
    discarded = "discarded"
    superseded = "superseded"

    @property
    def thai(self) -> str:
        return PLAN_STATUS_TITLES[self]


PLAN_STATUS_TITLES = {
    PlanStatus.draft: "ร่าง",
    PlanStatus.in_review: "อยู่ระหว่างเสนอพิจารณา",
    PlanStatus.approved: "อนุมัติและประกาศใช้แล้ว",
    PlanStatus.rejected: "ไม่อนุมัติ",
    PlanStatus.withdrawn: "ผู้เสนอถอนเรื่อง",
    PlanStatus.discarded: "ยกเลิกร่าง (มีฉบับใหม่แทน)",
    PlanStatus.superseded: "ถูกแทนที่ด้วยฉบับปรับปรุง",
}


class RiskLevel(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"
    very_high = "very_high"

    @property
    def thai(self) -> str:
        return RISK_LEVEL_TITLES[self]


RISK_LEVEL_TITLES = {
    RiskLevel.low: "ต่ำ",
    RiskLevel.medium: "ปานกลาง",
    RiskLevel.high: "สูง",
    RiskLevel.very_high: "สูงมาก",
}


class TargetOperator(StrEnum):
    at_least = ">="
    more_than = ">"
    at_most = "<="
    less_than = "<"
    equal = "="

    @property
    def thai(self) -> str:
        return TARGET_OPERATOR_TITLES[self]


TARGET_OPERATOR_TITLES = {
    TargetOperator.at_least: "ไม่น้อยกว่า",
    TargetOperator.more_than: "มากกว่า",
    TargetOperator.at_most: "ไม่เกิน",
    TargetOperator.less_than: "น้อยกว่า",
    TargetOperator.equal: "เท่ากับ",
}


class Plan(SQLModel, table=True):
    """One version of a plan. Versions of one plan share ``series``; each names the version it
    revises (``previous_version_id``). Approval, announcement, publication and the record in
    the national system (E-PlanNACC) are kept on the version they concern."""

    __tablename__ = "pdca_plan"
    __table_args__ = (sa.UniqueConstraint("series", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    series: str = Field(max_length=80, index=True, description="e.g. anticorruption-2566-2570")
    name: str = Field(max_length=300)
    fiscal_year_from: int = Field(description="First fiscal year (BE), e.g. 2566")
    fiscal_year_to: int = Field(description="Last fiscal year (BE), e.g. 2570")
    version: int = Field(default=1, ge=1)
    previous_version_id: int | None = Field(default=None, foreign_key="pdca_plan.id")
    status: PlanStatus = Field(default=PlanStatus.draft, sa_type=sa.String(16))
    division_id: int = Field(foreign_key="division.id", description="Owner: กองยุทธศาสตร์ฯ")
    chain: str = Field(default="pdca-plan", max_length=60)
    returns_count: int = Field(default=0, description="Times sent back for revision")
    revision_reason: str = Field(default="", sa_type=sa.Text)
    source_filename: str | None = Field(default=None, max_length=255)
    source_sha256: str | None = Field(default=None, max_length=64)
    created_by_id: int = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    submitted_by_id: int | None = Field(default=None, foreign_key="user.id")
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    approved_by_id: int | None = Field(default=None, foreign_key="user.id")
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    announced_on: date | None = Field(default=None, description="วันที่ประกาศใช้แผน")
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    enacc_due_on: date | None = Field(default=None, description="กำหนดบันทึกในระบบ E-PlanNACC")
    enacc_submitted_on: date | None = Field(default=None)
    enacc_reference: str | None = Field(default=None, max_length=200)
    enacc_recorded_by_id: int | None = Field(default=None, foreign_key="user.id")


class PlanDimension(SQLModel, table=True):
    """มิติ (1–4 in the 2566–2570 plan)."""

    __tablename__ = "pdca_dimension"
    __table_args__ = (sa.UniqueConstraint("plan_id", "no"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="pdca_plan.id", index=True)
    no: int
    name: str = Field(max_length=300)


class PlanMission(SQLModel, table=True):
    """ภารกิจตามมิติ, e.g. 1.1."""

    __tablename__ = "pdca_mission"
    __table_args__ = (sa.UniqueConstraint("plan_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="pdca_plan.id", index=True)
    dimension_id: int = Field(foreign_key="pdca_dimension.id", index=True)
    code: str = Field(max_length=16)
    name: str = Field(sa_type=sa.Text)


class PlanProject(SQLModel, table=True):
    """A project, activity or measure (โครงการ/กิจกรรม/มาตรการ) and its responsible division.
    Its budgets are those of its own page (the card); what the summary table shows instead
    is an ``ImportDiscrepancy``."""

    __tablename__ = "pdca_project"
    __table_args__ = (sa.UniqueConstraint("plan_id", "no"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="pdca_plan.id", index=True)
    mission_id: int = Field(foreign_key="pdca_mission.id", index=True)
    no: int = Field(description="ลำดับที่ in the plan, 1–56")
    code: str = Field(max_length=16, description="e.g. 1.1.1")
    name: str = Field(sa_type=sa.Text)
    division_code: str = Field(max_length=16, foreign_key="division.code")
    note: str = Field(default="", sa_type=sa.Text, description="The source's own remark")


class ProjectBudget(SQLModel, table=True):
    """A project's budget for one fiscal year; no row: no budget (ไม่ใช้งบประมาณ)."""

    __tablename__ = "pdca_project_budget"
    __table_args__ = (sa.UniqueConstraint("project_id", "fiscal_year"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="pdca_project.id", index=True)
    fiscal_year: int
    amount_satang: int = Field(sa_type=sa.BigInteger, ge=0)


class ProjectIndicator(SQLModel, table=True):
    """An indicator with its target, e.g. satisfaction ≥ 80 %."""

    __tablename__ = "pdca_indicator"

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="pdca_project.id", index=True)
    seq: int = 1
    text: str = Field(sa_type=sa.Text)
    target_operator: TargetOperator = Field(sa_type=sa.String(2))
    target_value: Decimal = Field(max_digits=14, decimal_places=2)
    target_unit: str = Field(max_length=40, description="e.g. ร้อยละ, ครั้งต่อปี, ช่องทาง")
    source: str = Field(default="", max_length=300)


class RiskItem(SQLModel, table=True):
    """One line of the corruption risk register (การประเมินความเสี่ยงการทุจริต): the process
    step, the risk, its level, and whether it is published (project 52: at least five)."""

    __tablename__ = "pdca_risk_item"
    __table_args__ = (sa.UniqueConstraint("plan_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="pdca_plan.id", index=True)
    seq: int
    process_step: str = Field(sa_type=sa.Text, description="ขั้นตอนการดำเนินงาน")
    risk: str = Field(sa_type=sa.Text, description="ประเด็นความเสี่ยงการทุจริต")
    level: RiskLevel = Field(sa_type=sa.String(16))
    published: bool = False
    control_note: str = Field(
        default="", sa_type=sa.Text, description="Controls the source names that are not projects"
    )
    source: str = Field(default="", max_length=300)


class RiskControl(SQLModel, table=True):
    """A project of the plan that controls a risk (มาตรการควบคุมความเสี่ยงการทุจริต)."""

    __tablename__ = "pdca_risk_control"
    __table_args__ = (sa.UniqueConstraint("risk_item_id", "project_id"),)

    id: int | None = Field(default=None, primary_key=True)
    risk_item_id: int = Field(foreign_key="pdca_risk_item.id", index=True)
    project_id: int = Field(foreign_key="pdca_project.id", index=True)


class ImportDiscrepancy(SQLModel, table=True):
    """Where the plan's summary table and a project's own page disagree: both figures and
    the source's note, reported by the import, never settled silently."""

    __tablename__ = "pdca_import_discrepancy"

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="pdca_plan.id", index=True)
    project_id: int = Field(foreign_key="pdca_project.id", index=True)
    field: str = Field(max_length=32, description="budget or division")
    card_value: str = Field(max_length=200, description="The project's own page (kept)")
    table_value: str = Field(max_length=200, description="What the summary table shows")
    source_note: str = Field(default="", sa_type=sa.Text)
    source_row: int = Field(description="Line of the imported file")
