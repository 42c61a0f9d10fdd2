"""PDCA, the Ministry's model sub-district project (โครงการตำบลต้นแบบ ห่วงใยไม่ทอดทิ้งกัน, seed
003): a sub-district in one fiscal year with its responsible committee, its cycle (plan items,
activities done), the committee's self-assessment at 6 and 12 months (answers per criterion with
evidence, the level reached) and the annual report to the department.

Money is integer satang; fiscal years are Buddhist Era. The criteria and the report's sections
are configuration (config/pdca/model_subdistrict.toml), named here by key."""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.db import UTCDateTime, utcnow


class ActivityKind(StrEnum):
    meeting = "meeting"
    activity = "activity"
    review = "review"

    @property
    def thai(self) -> str:
        return ACTIVITY_KIND_TITLES[self]


ACTIVITY_KIND_TITLES = {
    ActivityKind.meeting: "ประชุมคณะทำงาน",
    ActivityKind.activity: "จัดกิจกรรมตามแผน",
    ActivityKind.review: "ประชุมทบทวน/ติดตามประเมินผล",
}


class AssessmentStatus(StrEnum):
    in_review = "in_review"
    accepted = "accepted"

    @property
    def thai(self) -> str:
        return "คณะทำงานรับรองผลแล้ว" if self == AssessmentStatus.accepted else "รอคณะทำงานประเมิน"


class ModelSubdistrict(SQLModel, table=True):
    """One model sub-district in one fiscal year: the case (``pdca-model-subdistrict``)."""

    __tablename__ = "pdca_model_subdistrict"
    __table_args__ = (sa.UniqueConstraint("name", "fiscal_year"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, description="e.g. ตำบลในเมือง อำเภอเมืองขอนแก่น")
    kind: str = Field(max_length=16, description="existing / new (SubdistrictKind)")
    fiscal_year: int = Field(description="Buddhist Era")
    committee_id: int = Field(foreign_key="committee.id")
    division_id: int = Field(foreign_key="division.id", description="The owner division")
    created_by_id: int = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SubdistrictPlanItem(SQLModel, table=True):
    """Plan (P): a target with its owner, schedule and budget; done when carried out."""

    __tablename__ = "pdca_subdistrict_plan_item"

    id: int | None = Field(default=None, primary_key=True)
    subdistrict_id: int = Field(foreign_key="pdca_model_subdistrict.id", index=True)
    target: str = Field(sa_type=sa.Text)
    owner: str = Field(max_length=200)
    starts_on: date
    ends_on: date
    budget_satang: int = Field(default=0, ge=0)
    done_on: date | None = None
    created_by_id: int = Field(foreign_key="user.id")


class SubdistrictActivity(SQLModel, table=True):
    """Do (D) and the periodic reviews of Check: a committee meeting, an activity, a review."""

    __tablename__ = "pdca_subdistrict_activity"

    id: int | None = Field(default=None, primary_key=True)
    subdistrict_id: int = Field(foreign_key="pdca_model_subdistrict.id", index=True)
    held_on: date
    kind: str = Field(max_length=16, description="ActivityKind")
    title: str = Field(max_length=300)
    result: str = Field(default="", sa_type=sa.Text)
    participants: int | None = Field(default=None, ge=0)
    recorded_by_id: int = Field(foreign_key="user.id")


class SelfAssessment(SQLModel, table=True):
    """Check (C): the responsible committee's self-assessment at 6 or 12 months; the level is
    fixed when the committee accepts it (by quorum on its step)."""

    __tablename__ = "pdca_subdistrict_assessment"
    __table_args__ = (sa.UniqueConstraint("subdistrict_id", "months"),)

    id: int | None = Field(default=None, primary_key=True)
    subdistrict_id: int = Field(foreign_key="pdca_model_subdistrict.id", index=True)
    months: int = Field(description="6 or 12")
    status: str = Field(default=AssessmentStatus.in_review, max_length=16)
    round: int = 1
    level: int | None = Field(default=None, description="3-5 once accepted; None: below 3")
    accepted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    opened_by_id: int = Field(foreign_key="user.id")
    opened_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AssessmentAnswer(SQLModel, table=True):
    """The committee's answer to one criterion, with its evidence."""

    __tablename__ = "pdca_subdistrict_answer"
    __table_args__ = (sa.UniqueConstraint("assessment_id", "criterion"),)

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="pdca_subdistrict_assessment.id", index=True)
    criterion: str = Field(max_length=60)
    met: bool
    evidence: str = Field(default="", sa_type=sa.Text)
    answered_by_id: int = Field(foreign_key="user.id")
    answered_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SubdistrictAnnualReport(SQLModel, table=True):
    """The annual report (template at the end of seed 003), its sections by key, and the day it
    reached the department (กองฯ)."""

    __tablename__ = "pdca_subdistrict_annual_report"

    id: int | None = Field(default=None, primary_key=True)
    subdistrict_id: int = Field(foreign_key="pdca_model_subdistrict.id", unique=True)
    sections: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    submitted_on: date | None = None
    submitted_by_id: int | None = Field(default=None, foreign_key="user.id")
    updated_by_id: int = Field(foreign_key="user.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
