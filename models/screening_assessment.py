"""Welfare screening, after the nominations: the two assessments of each candidate (round 1 by
the welfare division's team, round 2 by the participation-promotion volunteers, who see round
1), home-visit photos, the joint survey that settles a disagreement, the executive committee's
certification meeting and the people it excluded, with the reason (seed 000).

Money is integer satang. Assessments are records against the round's assessment stage (an
engine step per stage, not per candidate); the joint survey is an engine step per disagreement."""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.db import UTCDateTime, utcnow


class ProblemArea(StrEnum):
    """The six areas of problems and of benefits (seed 000: ประกาศสิทธิประโยชน์ 6 ด้าน)."""

    education = "education"
    welfare = "welfare"
    occupation = "occupation"
    housing = "housing"
    health = "health"
    legal = "legal"

    @property
    def thai(self) -> str:
        return PROBLEM_AREA_TITLES[self]


PROBLEM_AREA_TITLES = {
    ProblemArea.education: "ด้านการศึกษา",
    ProblemArea.welfare: "ด้านสวัสดิการสงเคราะห์",
    ProblemArea.occupation: "ด้านการส่งเสริมอาชีพ",
    ProblemArea.housing: "ด้านที่อยู่อาศัย",
    ProblemArea.health: "ด้านสุขภาพ",
    ProblemArea.legal: "ด้านกฎหมาย",
}


class Assessment(SQLModel, table=True):
    """One team's assessment of one candidate: questionnaire answers (validated against the
    configured questionnaire), household income, problems per area, the recommendation."""

    __tablename__ = "screening_assessment"
    __table_args__ = (sa.UniqueConstraint("candidate_id", "assessment_round"),)

    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="screening_candidate.id", index=True)
    assessment_round: int = Field(ge=1, le=2, description="1: welfare division, 2: volunteers")
    stage: str = Field(max_length=40, description="Stage key, e.g. assessment-1")
    team: str = Field(max_length=60, description="Team key (config/screening/programmes.toml)")
    assessor_id: int = Field(foreign_key="user.id")
    questionnaire: str = Field(max_length=60, description="Questionnaire key and version")
    answers: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    household_members: int | None = Field(default=None, ge=1)
    household_income_satang: int = Field(sa_type=sa.BigInteger, ge=0, description="Per month")
    problems: dict[str, str] = Field(
        default_factory=dict, sa_type=sa.JSON, description="Area (ProblemArea) -> what was found"
    )
    eligible: bool = Field(description="The team's recommendation")
    complexity: str = Field(max_length=20, description="Complexity group key")
    summary: str = Field(default="", sa_type=sa.Text, description="The team's analysis")
    submitted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AssessmentPhoto(SQLModel, table=True):
    """A home-visit photo; bytes kept in the database, as complaints' photos."""

    __tablename__ = "screening_assessment_photo"

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="screening_assessment.id", index=True)
    content_type: str = Field(max_length=32)
    size_bytes: int
    sha256: str = Field(max_length=64)
    data: bytes = Field(sa_type=sa.LargeBinary)
    uploaded_by_id: int = Field(foreign_key="user.id")
    uploaded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class JointSurvey(SQLModel, table=True):
    """Both teams survey a candidate together where their assessments disagree; an engine
    step (``step_id``) waits on the outcome."""

    __tablename__ = "screening_joint_survey"

    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="screening_candidate.id", unique=True)
    step_id: int = Field(foreign_key="humanstep.id")
    opened_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    surveyed_on: date | None = None
    eligible: bool | None = None
    complexity: str | None = Field(default=None, max_length=20)
    findings: str = Field(default="", sa_type=sa.Text)
    members_present: list[int] = Field(
        default_factory=list, sa_type=sa.JSON, description="User ids of both teams"
    )
    recorded_by_id: int | None = Field(default=None, foreign_key="user.id")
    recorded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Certification(SQLModel, table=True):
    """The meeting at which the certifying committee (the executive committee, คทม.) certified a
    round's list: date, resolution number, members present and whether quorum was reached."""

    __tablename__ = "screening_certification"

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="screening_round.id", index=True)
    step_id: int = Field(foreign_key="humanstep.id", unique=True)
    committee_id: int = Field(foreign_key="committee.id")
    meeting_date: date
    resolution_number: str = Field(max_length=100)
    members_present: list[int] = Field(default_factory=list, sa_type=sa.JSON)
    quorum: int = Field(description="The committee's quorum at the meeting")
    quorum_reached: bool
    recorded_by_id: int = Field(foreign_key="user.id")
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    certified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Exclusion(SQLModel, table=True):
    """A person the committee did not certify, with its reason."""

    __tablename__ = "screening_exclusion"
    __table_args__ = (sa.UniqueConstraint("certification_id", "candidate_id"),)

    id: int | None = Field(default=None, primary_key=True)
    certification_id: int = Field(foreign_key="screening_certification.id", index=True)
    candidate_id: int = Field(foreign_key="screening_candidate.id", index=True)
    reason: str = Field(sa_type=sa.Text)
    recorded_by_id: int = Field(foreign_key="user.id")
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
