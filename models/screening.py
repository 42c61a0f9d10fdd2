"""Welfare screening ("คนขอนแก่นไม่ทอดทิ้งกัน", seed 000): rounds, the versioned list of
communities, the municipal schools, households, people, nominations and the candidates of a
round. Assessments, certification, letters and benefits are in their own modules and tables
(migrations 0015, 0016); they refer to ``screening_candidate`` and ``screening_person``.

Money is integer satang. Fiscal years are Buddhist Era. A person's Thai ID is optional (some
people have no ID card: the legal-aid benefit issues them) but unique where known."""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.db import UTCDateTime, utcnow


class Programme(StrEnum):
    """What a round screens for; configuration (config/screening.toml) decides its stages."""

    welfare = "welfare"
    scholarship = "scholarship"
    white_family = "white-family"

    @property
    def thai(self) -> str:
        return PROGRAMME_TITLES[self]


PROGRAMME_TITLES = {
    Programme.welfare: "คัดกรองผู้รับโอกาส (คนขอนแก่นไม่ทอดทิ้งกัน)",
    Programme.scholarship: "คัดเลือกผู้รับทุนการศึกษา",
    Programme.white_family: "ครอบครัวสีขาว",
}


class RoundStatus(StrEnum):
    nominating = "nominating"
    assessing = "assessing"
    reconciling = "reconciling"
    certifying = "certifying"
    notifying = "notifying"
    following_up = "following_up"
    closed = "closed"
    cancelled = "cancelled"

    @property
    def thai(self) -> str:
        return ROUND_STATUS_TITLES[self]


ROUND_STATUS_TITLES = {
    RoundStatus.nominating: "รับรายชื่อ",
    RoundStatus.assessing: "ประเมิน",
    RoundStatus.reconciling: "สรุปผลการประเมิน",
    RoundStatus.certifying: "เสนอคณะผู้บริหารรับรอง",
    RoundStatus.notifying: "แจ้งผล",
    RoundStatus.following_up: "ติดตามผล",
    RoundStatus.closed: "ปิดรอบ",
    RoundStatus.cancelled: "ยกเลิก",
}


class NominationSource(StrEnum):
    """Where a name came from (seed 000, who proposes the ผู้รับโอกาส)."""

    community_president = "community_president"
    council_member = "council_member"
    own_petition = "own_petition"
    officer = "officer"
    teacher = "teacher"
    other_group = "other_group"

    @property
    def thai(self) -> str:
        return NOMINATION_SOURCE_TITLES[self]


NOMINATION_SOURCE_TITLES = {
    NominationSource.community_president: "ประธานชุมชน",
    NominationSource.council_member: "สมาชิกสภาเทศบาล",
    NominationSource.own_petition: "ยื่นคำร้องด้วยตนเอง",
    NominationSource.officer: "เจ้าหน้าที่เทศบาล",
    NominationSource.teacher: "ครูโรงเรียนในสังกัดเทศบาล",
    NominationSource.other_group: "กลุ่ม/องค์กรอื่น",
}


class CandidateState(StrEnum):
    """A candidate's place in a round; the transition table is domain/screening/states.py."""

    nominated = "nominated"
    assessing = "assessing"
    reassessing = "reassessing"
    joint_survey = "joint_survey"
    confirmed = "confirmed"
    not_eligible = "not_eligible"
    certified = "certified"
    excluded = "excluded"
    withdrawn = "withdrawn"
    merged = "merged"

    @property
    def thai(self) -> str:
        return CANDIDATE_STATE_TITLES[self]


CANDIDATE_STATE_TITLES = {
    CandidateState.nominated: "ได้รับการเสนอชื่อ",
    CandidateState.assessing: "ประเมินครั้งที่ 1",
    CandidateState.reassessing: "ประเมินครั้งที่ 2",
    CandidateState.joint_survey: "สำรวจร่วม (ผลประเมินไม่ตรงกัน)",
    CandidateState.confirmed: "ผ่านการคัดกรอง",
    CandidateState.not_eligible: "ไม่ผ่านการคัดกรอง",
    CandidateState.certified: "ได้รับการรับรองรายชื่อแล้ว",
    CandidateState.excluded: "ที่ประชุมไม่รับรองรายชื่อ",
    CandidateState.withdrawn: "ถอนชื่อ",
    CandidateState.merged: "รวมกับรายชื่อซ้ำ",
}


class Sex(StrEnum):
    male = "male"
    female = "female"
    unknown = "unknown"

    @property
    def thai(self) -> str:
        return {"male": "ชาย", "female": "หญิง", "unknown": "ไม่ระบุ"}[self.value]


class ScreeningRound(SQLModel, table=True):
    """One screening round (e.g. fiscal 2570), opened by a coordinator of สส."""

    __tablename__ = "screening_round"
    __table_args__ = (sa.UniqueConstraint("programme", "fiscal_year", "title"),)

    id: int | None = Field(default=None, primary_key=True)
    programme: Programme = Field(sa_type=sa.String(16))
    fiscal_year: int = Field(description="Buddhist Era, e.g. 2570")
    title: str = Field(max_length=300)
    division_id: int = Field(foreign_key="division.id", description="สส. (owner)")
    community_list_id: int = Field(foreign_key="screening_community_list.id")
    nomination_opens_on: date
    nomination_closes_on: date
    stage_deadlines: dict[str, Any] = Field(
        default_factory=dict,
        sa_type=sa.JSON,
        description="stage key -> ISO date, keys from config/screening.toml [programmes.*]",
    )
    status: RoundStatus = Field(default=RoundStatus.nominating, sa_type=sa.String(16))
    opened_by_id: int = Field(foreign_key="user.id")
    opened_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class CommunityList(SQLModel, table=True):
    """A version of the municipality's list of communities (90 in the older documents, 95
    now); a round names the version it uses."""

    __tablename__ = "screening_community_list"

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(unique=True)
    effective_from: date
    source: str = Field(max_length=300)


class Community(SQLModel, table=True):
    __tablename__ = "screening_community"
    __table_args__ = (
        sa.UniqueConstraint("list_id", "code"),
        sa.UniqueConstraint("list_id", "name"),
    )

    id: int | None = Field(default=None, primary_key=True)
    list_id: int = Field(foreign_key="screening_community_list.id", index=True)
    code: str = Field(max_length=8)
    name: str = Field(max_length=200)


class School(SQLModel, table=True):
    """A municipal school (โรงเรียนในสังกัดเทศบาล, 11)."""

    __tablename__ = "screening_school"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=8, unique=True)
    name: str = Field(max_length=200, unique=True)


class Household(SQLModel, table=True):
    __tablename__ = "screening_household"

    id: int | None = Field(default=None, primary_key=True)
    community_id: int | None = Field(default=None, foreign_key="screening_community.id")
    house_no: str = Field(default="", max_length=40)
    address: str = Field(default="", max_length=500)
    members_count: int | None = Field(default=None, ge=0)
    monthly_income_satang: int | None = Field(default=None, sa_type=sa.BigInteger, ge=0)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Person(SQLModel, table=True):
    """Someone nominated. Protected: read through ``domain.screening.protection`` (every read
    logged). ``name_key`` is the Thai soundex of first and last name, for duplicate
    suggestions; a person merged into another keeps its row (``merged_into_id``)."""

    __tablename__ = "screening_person"

    id: int | None = Field(default=None, primary_key=True)
    thai_id: str | None = Field(default=None, max_length=13, unique=True)
    prefix: str = Field(default="", max_length=40)
    first_name: str = Field(max_length=120)
    last_name: str = Field(default="", max_length=120)
    birth_date: date | None = None
    sex: Sex = Field(default=Sex.unknown, sa_type=sa.String(8))
    household_id: int | None = Field(default=None, foreign_key="screening_household.id")
    community_id: int | None = Field(default=None, foreign_key="screening_community.id")
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=200)
    line_user_id: str | None = Field(default=None, max_length=64)
    hiv_positive: bool = Field(default=False, description="Readable by named officers only")
    name_key: str = Field(default="", max_length=40, index=True)
    merged_into_id: int | None = Field(default=None, foreign_key="screening_person.id")
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ScreeningImport(SQLModel, table=True):
    """A file of nominations imported whole."""

    __tablename__ = "screening_import"

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="screening_round.id", index=True)
    filename: str = Field(max_length=255)
    sha256: str = Field(max_length=64)
    rows: int
    imported_by_id: int = Field(foreign_key="user.id")
    imported_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Nomination(SQLModel, table=True):
    """One proposal of a person in a round; a person may be nominated several times (by their
    community president and their teacher): one candidate, several nominations."""

    __tablename__ = "screening_nomination"

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="screening_round.id", index=True)
    person_id: int = Field(foreign_key="screening_person.id", index=True)
    source: NominationSource = Field(sa_type=sa.String(24))
    nominator_name: str = Field(max_length=200)
    community_id: int | None = Field(default=None, foreign_key="screening_community.id")
    school_id: int | None = Field(default=None, foreign_key="screening_school.id")
    note: str = Field(default="", sa_type=sa.Text)
    import_id: int | None = Field(default=None, foreign_key="screening_import.id")
    created_by_id: int = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Candidate(SQLModel, table=True):
    """A person in a round: one per person and round, whatever the number of nominations."""

    __tablename__ = "screening_candidate"
    __table_args__ = (sa.UniqueConstraint("round_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="screening_round.id", index=True)
    person_id: int = Field(foreign_key="screening_person.id", index=True)
    state: CandidateState = Field(default=CandidateState.nominated, sa_type=sa.String(24))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class DistinctPair(SQLModel, table=True):
    """Two people a coordinator found to be two, not one: their duplicate suggestion is not
    made again. Stored once per pair, the lower person id first."""

    __tablename__ = "screening_distinct_pair"
    __table_args__ = (sa.UniqueConstraint("first_person_id", "second_person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    first_person_id: int = Field(foreign_key="screening_person.id")
    second_person_id: int = Field(foreign_key="screening_person.id")
    reason: str = Field(max_length=500)
    decided_by_id: int = Field(foreign_key="user.id")
    decided_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
