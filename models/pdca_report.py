"""PDCA, the Check (C): the consolidated report of a reporting round (รายงานผลการดำเนินงานตาม
แผนปฏิบัติการป้องกันการทุจริต รอบ 6/12 เดือน), prepared by Strategy and Budget (กย.), taken up the
chain to the mayor, then mailed to the executives and published.

The figures themselves are not stored: they are computed from the round's results
(``domain.pdca.consolidate``); this row keeps what people wrote (problems, suggestions) and who
submitted, approved and published the report, and when."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.db import UTCDateTime, utcnow


class ConsolidatedStatus(StrEnum):
    draft = "draft"
    in_review = "in_review"
    approved = "approved"
    published = "published"
    returned = "returned"

    @property
    def thai(self) -> str:
        return CONSOLIDATED_STATUS_TITLES[self]


CONSOLIDATED_STATUS_TITLES = {
    ConsolidatedStatus.draft: "ร่าง (กองยุทธศาสตร์และงบประมาณจัดทำ)",
    ConsolidatedStatus.in_review: "อยู่ระหว่างเสนอผู้บริหาร",
    ConsolidatedStatus.approved: "นายกเทศมนตรีเห็นชอบแล้ว",
    ConsolidatedStatus.published: "เผยแพร่แล้ว",
    ConsolidatedStatus.returned: "ส่งกลับให้แก้ไข",
}


class ConsolidatedReport(SQLModel, table=True):
    """One round's consolidated report: its text, its approval and its publication."""

    __tablename__ = "pdca_consolidated_report"

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="pdca_round.id", unique=True)
    status: ConsolidatedStatus = Field(default=ConsolidatedStatus.draft, sa_type=sa.String(16))
    chain: str = Field(default="pdca-report", max_length=60)
    problems: str = Field(default="", sa_type=sa.Text, description="ปัญหาและอุปสรรค (โดย กย.)")
    suggestions: str = Field(default="", sa_type=sa.Text, description="ข้อเสนอแนะ (โดย กย.)")
    returns_count: int = Field(default=0, description="Times sent back for revision")
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    submitted_by_id: int | None = Field(default=None, foreign_key="user.id")
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    approved_by_id: int | None = Field(default=None, foreign_key="user.id")
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    published_by_id: int | None = Field(default=None, foreign_key="user.id")
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    mailed_at: datetime | None = Field(
        default=None, sa_type=UTCDateTime, description="Queued to the executives"
    )
    enacc_submitted_on: date | None = Field(
        default=None, description="Results entered in E-PlanNACC on (by Strategy and Budget)"
    )
    enacc_reference: str | None = Field(default=None, max_length=200)
