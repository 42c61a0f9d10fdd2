"""PDCA, the Act (A): lessons learned per project and for the plan, the projects not done at the
12-month round proposed for the next year and the steering committee's decision on each, and
the next fiscal year's cycle, opened on 1 October, carrying what the committee decided.

Money is integer satang; fiscal years are Buddhist Era."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.db import UTCDateTime, utcnow


class Lesson(SQLModel, table=True):
    """A lesson learned (บทเรียนที่ได้รับ) and what to do better (แนวทางปรับปรุง), for one
    project (``project_id``) or the whole plan (None), in a round or a fiscal year."""

    __tablename__ = "pdca_lesson"

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="pdca_plan.id", index=True)
    fiscal_year: int
    round_id: int | None = Field(default=None, foreign_key="pdca_round.id", index=True)
    project_id: int | None = Field(default=None, foreign_key="pdca_project.id", index=True)
    lesson: str = Field(sa_type=sa.Text)
    improvement: str = Field(default="", sa_type=sa.Text)
    written_by_id: int = Field(foreign_key="user.id")
    written_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CarryOverDecision(StrEnum):
    pending = "pending"
    carry_over = "carry_over"
    drop = "drop"

    @property
    def thai(self) -> str:
        return CARRY_OVER_TITLES[self]


CARRY_OVER_TITLES = {
    CarryOverDecision.pending: "รอคณะกรรมการพิจารณา",
    CarryOverDecision.carry_over: "ยกไปดำเนินการในปีงบประมาณถัดไป",
    CarryOverDecision.drop: "ไม่ยกไป (ยุติโครงการ)",
}


class CarryOverProposal(SQLModel, table=True):
    """A project not done (or still in progress) at a 12-month round, proposed for the next
    fiscal year; the steering committee decides it on its own step (quorum)."""

    __tablename__ = "pdca_carry_over"
    __table_args__ = (sa.UniqueConstraint("round_id", "project_id"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="pdca_round.id", index=True)
    project_id: int = Field(foreign_key="pdca_project.id", index=True)
    fiscal_year: int = Field(description="The year the project was not done")
    status_at_round: str = Field(max_length=16, description="not_done or in_progress")
    reason_at_round: str = Field(default="", sa_type=sa.Text)
    budget_satang: int = Field(default=0, sa_type=sa.BigInteger)
    disbursed_satang: int = Field(default=0, sa_type=sa.BigInteger)
    plan_next_year_satang: int | None = Field(
        default=None,
        sa_type=sa.BigInteger,
        description="The plan's own budget for the next year; None: beyond the plan's years",
    )
    proposed_budget_satang: int = Field(
        sa_type=sa.BigInteger, ge=0, description="Next year's budget proposed to the committee"
    )
    step_id: int | None = Field(default=None, foreign_key="humanstep.id")
    decision: CarryOverDecision = Field(default=CarryOverDecision.pending, sa_type=sa.String(16))
    decision_reason: str = Field(default="", sa_type=sa.Text)
    decided_budget_satang: int | None = Field(default=None, sa_type=sa.BigInteger)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    proposed_by_id: int | None = Field(default=None, foreign_key="user.id")
    proposed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    applied_cycle_id: int | None = Field(default=None, foreign_key="pdca_cycle.id")
    applied_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class CycleStatus(StrEnum):
    opened = "opened"
    plan_ended = "plan_ended"

    @property
    def thai(self) -> str:
        return CYCLE_STATUS_TITLES[self]


CYCLE_STATUS_TITLES = {
    CycleStatus.opened: "เปิดรอบปีงบประมาณแล้ว",
    CycleStatus.plan_ended: "สิ้นสุดระยะเวลาของแผน: โครงการที่ยกไปรอบรรจุในแผนฉบับถัดไป",
}


class PlanCycle(SQLModel, table=True):
    """A fiscal year's cycle of a plan series, opened on 1 October (or the first run after),
    carrying the committee's carry-over decisions of the year before."""

    __tablename__ = "pdca_cycle"
    __table_args__ = (sa.UniqueConstraint("series", "fiscal_year"),)

    id: int | None = Field(default=None, primary_key=True)
    series: str = Field(max_length=80, index=True)
    plan_id: int = Field(foreign_key="pdca_plan.id", description="The version in force")
    fiscal_year: int
    status: CycleStatus = Field(default=CycleStatus.opened, sa_type=sa.String(16))
    from_round_id: int | None = Field(default=None, foreign_key="pdca_round.id")
    opened_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    opened_by_id: int | None = Field(
        default=None, foreign_key="user.id", description="None: opened by the schedule"
    )
    note: str = Field(default="", sa_type=sa.Text)
