"""At-risk children beyond the school (seed 001, the 5C model): the partner agencies' profiles
in the youth programme (the agencies themselves are the one register of partner agencies,
``screening_partner_agency``) and their agreements (MOUs), referrals to them, each child's
development log ("Continue"), typed outcomes ("Complete"), and the youth camps (cohorts,
enrolment, attendance, problems screened).

The child is a ``screening_person`` as everywhere else; a referral belongs to a child's case
(``children_case``) or comes from a camp."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.db import UTCDateTime, utcnow


class ReferralStatus(StrEnum):
    waiting = "waiting"
    """Sent; the agency has not acknowledged it yet (its step is open)."""
    acknowledged = "acknowledged"
    placed = "placed"
    services = "services"
    declined = "declined"
    closed = "closed"
    dropped = "dropped"
    """Suggested by the rules but not sent: the coordinator removed it, with a reason."""

    @property
    def thai(self) -> str:
        return REFERRAL_STATUS_TITLES[self]


REFERRAL_STATUS_TITLES = {
    ReferralStatus.waiting: "รอหน่วยงานตอบรับ",
    ReferralStatus.acknowledged: "หน่วยงานรับเรื่องแล้ว",
    ReferralStatus.placed: "รับเข้าดูแล/จัดที่พักแล้ว",
    ReferralStatus.services: "ให้บริการแล้ว",
    ReferralStatus.declined: "หน่วยงานไม่รับ",
    ReferralStatus.closed: "ปิดการส่งต่อ",
    ReferralStatus.dropped: "ไม่ส่งต่อ (ผู้ประสานงานตัดออก)",
}


class Cadence(StrEnum):
    daily = "daily"
    weekly = "weekly"
    monthly = "monthly"

    @property
    def thai(self) -> str:
        return {"daily": "รายวัน", "weekly": "รายสัปดาห์", "monthly": "รายเดือน"}[self.value]


class OutcomeKind(StrEnum):
    school = "school"
    job = "job"
    id_card = "id_card"
    family = "family"

    @property
    def thai(self) -> str:
        return OUTCOME_KIND_TITLES[self]


OUTCOME_KIND_TITLES = {
    OutcomeKind.school: "กลับเข้าสู่ระบบการศึกษา",
    OutcomeKind.job: "มีอาชีพ/มีงานทำ",
    OutcomeKind.id_card: "ได้รับบัตรประจำตัวประชาชน",
    OutcomeKind.family: "กลับสู่ครอบครัว",
}


class SchoolLevel(StrEnum):
    m3 = "m3"
    m6 = "m6"
    university = "university"

    @property
    def thai(self) -> str:
        return {"m3": "ม.3", "m6": "ม.6", "university": "ปริญญาตรี"}[self.value]


class AgencyProfile(SQLModel, table=True):
    """A partner agency's part in the youth programme: the code the referral rules name, what
    it takes children for, and its contacts (a committee of quorum 1: any one acknowledges)."""

    __tablename__ = "children_agency_profile"

    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="screening_partner_agency.id", unique=True)
    code: str = Field(max_length=40, unique=True)
    services: str = Field(default="", sa_type=sa.Text)
    committee_id: int | None = Field(default=None, foreign_key="committee.id")


class AgencyAgreement(SQLModel, table=True):
    """An agreement (MOU) with a partner agency: its scope, when signed, until when."""

    __tablename__ = "children_agency_agreement"
    __table_args__ = (sa.UniqueConstraint("agency_id", "signed_on", "scope"),)

    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="screening_partner_agency.id", index=True)
    scope: str = Field(max_length=300)
    signed_on: date
    expires_on: date | None = None
    reference: str = Field(default="", max_length=200, description="e.g. the MOU's number")
    recorded_by_id: int = Field(foreign_key="user.id")
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CampCohort(SQLModel, table=True):
    """A youth camp cohort (3 days 2 nights, 50 children, 3 cohorts a year: config)."""

    __tablename__ = "children_camp_cohort"
    __table_args__ = (sa.UniqueConstraint("year", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(description="Fiscal year (BE) of the camp")
    number: int = Field(ge=1, description="รุ่นที่ within the year")
    title: str = Field(max_length=200)
    starts_on: date
    ends_on: date
    venue: str = Field(default="", max_length=200)
    capacity: int = Field(ge=1)
    created_by_id: int = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CampEnrolment(SQLModel, table=True):
    __tablename__ = "children_camp_enrolment"
    __table_args__ = (sa.UniqueConstraint("cohort_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    cohort_id: int = Field(foreign_key="children_camp_cohort.id", index=True)
    person_id: int = Field(foreign_key="screening_person.id", index=True)
    enrolled_by_id: int = Field(foreign_key="user.id")
    enrolled_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CampAttendance(SQLModel, table=True):
    """Present or not on one day of the camp (1 … days); a later record replaces it."""

    __tablename__ = "children_camp_attendance"
    __table_args__ = (sa.UniqueConstraint("enrolment_id", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    enrolment_id: int = Field(foreign_key="children_camp_enrolment.id", index=True)
    day: int = Field(ge=1)
    present: bool
    recorded_by_id: int = Field(foreign_key="user.id")
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CampProblem(SQLModel, table=True):
    """A problem a child was screened for at the camp (keys: config/children/referrals.toml)."""

    __tablename__ = "children_camp_problem"
    __table_args__ = (sa.UniqueConstraint("enrolment_id", "problem"),)

    id: int | None = Field(default=None, primary_key=True)
    enrolment_id: int = Field(foreign_key="children_camp_enrolment.id", index=True)
    problem: str = Field(max_length=40)
    note: str = Field(default="", sa_type=sa.Text)
    recorded_by_id: int = Field(foreign_key="user.id")
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Referral(SQLModel, table=True):
    """A child referred to a partner agency (case type ``child-referral``): suggested by a rule
    or added by hand (with a reason), acknowledged by the agency on its step, then its outcome."""

    __tablename__ = "children_referral"

    id: int | None = Field(default=None, primary_key=True)
    referral_key: str = Field(max_length=120, unique=True, description="person:agency:date")
    person_id: int = Field(foreign_key="screening_person.id", index=True)
    case_id: int | None = Field(default=None, foreign_key="children_case.id", index=True)
    camp_enrolment_id: int | None = Field(default=None, foreign_key="children_camp_enrolment.id")
    agency_id: int = Field(foreign_key="screening_partner_agency.id", index=True)
    rule_key: str | None = Field(default=None, max_length=60, description="None: added by hand")
    reason: str = Field(default="", sa_type=sa.Text, description="Why added or removed by hand")
    problems: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    age_at_referral: int
    referred_on: date = Field(index=True)
    status: ReferralStatus = Field(default=ReferralStatus.waiting, sa_type=sa.String(16))
    step_id: int | None = Field(default=None, foreign_key="humanstep.id")
    confirmed_by_id: int = Field(foreign_key="user.id")
    confirmed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    outcome_note: str = Field(default="", sa_type=sa.Text)
    outcome_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    outcome_by_id: int | None = Field(default=None, foreign_key="user.id")

    @property
    def status_title(self) -> str:
        """The status in Thai (a row read back holds the plain string)."""
        return ReferralStatus(self.status).thai


class DevelopmentEntry(SQLModel, table=True):
    """A line of a child's development log (5C "Continue"): an activity, daily, weekly or
    monthly, who recorded it and when."""

    __tablename__ = "children_development_entry"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="screening_person.id", index=True)
    case_id: int | None = Field(default=None, foreign_key="children_case.id")
    cadence: Cadence = Field(sa_type=sa.String(8))
    activity_on: date
    activity: str = Field(max_length=300)
    note: str = Field(default="", sa_type=sa.Text)
    recorded_by_id: int = Field(foreign_key="user.id")
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ChildOutcome(SQLModel, table=True):
    """What a child achieved (5C "Complete"): back in school at a level, a job, an ID card,
    returned to family; a child may have several, each with its date."""

    __tablename__ = "children_outcome"
    __table_args__ = (sa.UniqueConstraint("person_id", "kind", "level", "achieved_on"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="screening_person.id", index=True)
    case_id: int | None = Field(default=None, foreign_key="children_case.id")
    kind: OutcomeKind = Field(sa_type=sa.String(12))
    level: str = Field(default="", max_length=12, description="SchoolLevel for school, else ''")
    achieved_on: date = Field(index=True)
    note: str = Field(default="", sa_type=sa.Text)
    recorded_by_id: int = Field(foreign_key="user.id")
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
