"""PDCA, the Do (D): reporting rounds of a plan's fiscal year and what each division reports.

A round (รอบการรายงาน) is the 6-month report (data as of 31 March, due within April) or the
12-month report (as of 30 September, due within October) of one fiscal year of an approved
plan. Opening it asks every division with projects that year for a report (``DivisionReport``)
listing one ``ProjectResult`` per project; the division's officer fills the results (status,
amount disbursed, indicator values, a note with the date of the data, evidence files) and the
division head approves the report: only approved reports count in the Check.

Rounds of years before the system (history) or filled from the divisions' spreadsheets keep
where their figures came from (``source``). Money is integer satang; years are Buddhist Era."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.db import UTCDateTime, utcnow


class RoundKind(StrEnum):
    six_month = "6-month"
    twelve_month = "12-month"

    @property
    def thai(self) -> str:
        return ROUND_KIND_TITLES[self]


ROUND_KIND_TITLES = {
    RoundKind.six_month: "รอบ 6 เดือน",
    RoundKind.twelve_month: "รอบ 12 เดือน",
}


class RoundStatus(StrEnum):
    open = "open"
    closed = "closed"

    @property
    def thai(self) -> str:
        return ROUND_STATUS_TITLES[self]


ROUND_STATUS_TITLES = {
    RoundStatus.open: "เปิดรับรายงาน",
    RoundStatus.closed: "ปิดรอบแล้ว",
}


class RoundSource(StrEnum):
    """Where a round's figures come from."""

    system = "system"
    history = "history"
    imported = "import"

    @property
    def thai(self) -> str:
        return ROUND_SOURCE_TITLES[self]


ROUND_SOURCE_TITLES = {
    RoundSource.system: "รายงานผ่านระบบ",
    RoundSource.history: "รายงานผลย้อนหลัง (ก่อนมีระบบ)",
    RoundSource.imported: "นำเข้าจากไฟล์",
}


class ReportStatus(StrEnum):
    """A division's report in a round."""

    requested = "requested"
    submitted = "submitted"
    returned = "returned"
    approved = "approved"

    @property
    def thai(self) -> str:
        return REPORT_STATUS_TITLES[self]


REPORT_STATUS_TITLES = {
    ReportStatus.requested: "รอกองรายงาน",
    ReportStatus.submitted: "ส่งแล้ว รอผู้อำนวยการกองเห็นชอบ",
    ReportStatus.returned: "ส่งกลับให้แก้ไข",
    ReportStatus.approved: "ผู้อำนวยการกองเห็นชอบแล้ว",
}


class ReportSource(StrEnum):
    """How a division's figures entered the system."""

    page = "page"
    csv = "csv"
    xlsx = "xlsx"
    history = "history"

    @property
    def thai(self) -> str:
        return REPORT_SOURCE_TITLES[self]


REPORT_SOURCE_TITLES = {
    ReportSource.page: "กรอกในระบบ",
    ReportSource.csv: "นำเข้าไฟล์ CSV",
    ReportSource.xlsx: "นำเข้าไฟล์ Excel",
    ReportSource.history: "รายงานผลย้อนหลัง",
}


class ProjectStatus(StrEnum):
    """The four status columns of the municipality's report table."""

    awaiting = "awaiting"
    in_progress = "in_progress"
    completed = "completed"
    not_done = "not_done"

    @property
    def thai(self) -> str:
        return PROJECT_STATUS_TITLES[self]


PROJECT_STATUS_TITLES = {
    ProjectStatus.awaiting: "รอรายงาน",
    ProjectStatus.in_progress: "อยู่ระหว่างดำเนินการ",
    ProjectStatus.completed: "ดำเนินการแล้วเสร็จ",
    ProjectStatus.not_done: "ไม่สามารถดำเนินการได้",
}


class ReportingRound(SQLModel, table=True):
    """One reporting round of one fiscal year of a plan version (the approved one)."""

    __tablename__ = "pdca_round"
    __table_args__ = (sa.UniqueConstraint("plan_id", "fiscal_year", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="pdca_plan.id", index=True)
    fiscal_year: int = Field(description="Buddhist Era, e.g. 2567")
    kind: RoundKind = Field(sa_type=sa.String(16))
    as_of: date = Field(description="Data as of: 31 March or 30 September")
    due_on: date = Field(description="Divisions report by: 30 April or 31 October")
    status: RoundStatus = Field(default=RoundStatus.open, sa_type=sa.String(16))
    source: RoundSource = Field(default=RoundSource.system, sa_type=sa.String(16))
    opened_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    opened_by_id: int | None = Field(
        default=None, foreign_key="user.id", description="None: opened by the schedule"
    )
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class DivisionReport(SQLModel, table=True):
    """A division's report in a round: requested, submitted, returned by the head, approved.
    Its approval (by the division director or whoever acts for them) makes it count."""

    __tablename__ = "pdca_division_report"
    __table_args__ = (sa.UniqueConstraint("round_id", "division_id"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="pdca_round.id", index=True)
    division_id: int = Field(foreign_key="division.id", index=True)
    status: ReportStatus = Field(default=ReportStatus.requested, sa_type=sa.String(16))
    source: ReportSource = Field(default=ReportSource.page, sa_type=sa.String(16))
    data_as_of: date | None = Field(default=None, description="Date of the division's data")
    submitted_by_id: int | None = Field(default=None, foreign_key="user.id")
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    approved_by_id: int | None = Field(default=None, foreign_key="user.id")
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    returned_reason: str = Field(default="", sa_type=sa.Text, description="Last return's reason")
    returns_count: int = Field(default=0)


class ProjectResult(SQLModel, table=True):
    """One project's result in a round, reported by the division responsible at report time
    (``division_id``, which may differ from the plan's if the project moved)."""

    __tablename__ = "pdca_project_result"
    __table_args__ = (sa.UniqueConstraint("round_id", "project_id"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="pdca_round.id", index=True)
    project_id: int = Field(foreign_key="pdca_project.id", index=True)
    division_report_id: int = Field(foreign_key="pdca_division_report.id", index=True)
    division_id: int = Field(foreign_key="division.id")
    status: ProjectStatus = Field(default=ProjectStatus.awaiting, sa_type=sa.String(16))
    reason: str = Field(default="", sa_type=sa.Text, description="Required when not_done")
    budget_satang: int = Field(
        default=0,
        sa_type=sa.BigInteger,
        description="The year's budget when the round opened (or as the imported report shows)",
    )
    disbursed_satang: int = Field(default=0, sa_type=sa.BigInteger, ge=0)
    note: str = Field(default="", sa_type=sa.Text)
    data_as_of: date | None = Field(default=None)
    updated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_by_id: int | None = Field(default=None, foreign_key="user.id")


class IndicatorResult(SQLModel, table=True):
    """The value reached for one of the project's indicators; ``met`` is computed from the
    indicator's operator and target when the value is saved."""

    __tablename__ = "pdca_indicator_result"
    __table_args__ = (sa.UniqueConstraint("project_result_id", "indicator_id"),)

    id: int | None = Field(default=None, primary_key=True)
    project_result_id: int = Field(foreign_key="pdca_project_result.id", index=True)
    indicator_id: int = Field(foreign_key="pdca_indicator.id", index=True)
    value: Decimal = Field(max_digits=14, decimal_places=2)
    met: bool


class ResultEvidence(SQLModel, table=True):
    """An evidence file for a project's result; bytes kept in the database like complaint
    photos (a refused upload stores nothing, backups hold everything)."""

    __tablename__ = "pdca_result_evidence"

    id: int | None = Field(default=None, primary_key=True)
    project_result_id: int = Field(foreign_key="pdca_project_result.id", index=True)
    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=100)
    size_bytes: int
    sha256: str = Field(max_length=64)
    data: bytes = Field(sa_type=sa.LargeBinary)
    uploaded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    uploaded_by_id: int | None = Field(default=None, foreign_key="user.id")
