"""Welfare screening after certification (seed 000, steps 7–8): the letter every candidate
gets, the benefits awarded (the catalogue itself is configuration, config/screening/
benefits.toml), the round's budget per benefit and funding source, sponsors and their pairing
with households (a house repair's host), the partner agencies a visit refers to, the follow-up
visits ("จับเข่าคุย", every working day at 15:00) and the yearly reassessment.

Money is integer satang; in-kind help is counted in its own unit. Every effect has a business
key (one letter per candidate, one award per recipient and benefit, one visit per household and
round, one reassessment per person and year) so a repeated run adds nothing."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.db import UTCDateTime, utcnow


class LetterOutcome(StrEnum):
    passed = "passed"
    not_passed = "not_passed"

    @property
    def thai(self) -> str:
        return {"passed": "ผ่านการคัดกรอง", "not_passed": "ไม่ผ่านการคัดกรอง"}[self.value]


class FundingSource(StrEnum):
    municipal_budget = "municipal_budget"
    donations = "donations"

    @property
    def thai(self) -> str:
        return {"municipal_budget": "งบประมาณเทศบาล", "donations": "เงินบริจาค"}[self.value]


class BenefitUnit(StrEnum):
    thb = "THB"
    people = "people"
    households = "households"
    times = "times"
    meals = "meals"

    @property
    def thai(self) -> str:
        return BENEFIT_UNIT_TITLES[self]


BENEFIT_UNIT_TITLES = {
    BenefitUnit.thb: "บาท",
    BenefitUnit.people: "คน",
    BenefitUnit.households: "ครัวเรือน",
    BenefitUnit.times: "ครั้ง",
    BenefitUnit.meals: "มื้อ",
}


class AwardStatus(StrEnum):
    awarded = "awarded"
    waiting_budget = "waiting_budget"
    """Eligible, but the round's budget for the benefit is spent in every source."""
    waiting_host = "waiting_host"
    """A house repair without a sponsor to host it yet."""

    @property
    def thai(self) -> str:
        return {
            "awarded": "ได้รับ",
            "waiting_budget": "รองบประมาณ",
            "waiting_host": "รอเจ้าภาพ",
        }[self.value]


class ScreeningLetterBatch(SQLModel, table=True):
    """Letters printed together (one A4 page each): who printed them and when."""

    __tablename__ = "screening_letter_batch"

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="screening_round.id", index=True)
    printed_by_id: int = Field(foreign_key="user.id")
    printed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    letters: int


class ScreeningLetter(SQLModel, table=True):
    """The result told to one candidate: one per candidate, numbered within the round."""

    __tablename__ = "screening_letter"
    __table_args__ = (sa.UniqueConstraint("round_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="screening_round.id", index=True)
    candidate_id: int = Field(foreign_key="screening_candidate.id", unique=True)
    number: int = Field(description="Running number within the round (หนังสือที่ …/n)")
    outcome: LetterOutcome = Field(sa_type=sa.String(16))
    reason: str = Field(default="", sa_type=sa.Text, description="Why not passed (Thai)")
    issued_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    batch_id: int | None = Field(default=None, foreign_key="screening_letter_batch.id")
    mail_key: str | None = Field(default=None, max_length=200, description="Outbox dedupe key")
    line_key: str | None = Field(default=None, max_length=200, description="LINE dedupe key")


class Sponsor(SQLModel, table=True):
    """A giver (ผู้ให้โอกาส): a person, an organisation or a company."""

    __tablename__ = "screening_sponsor"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    kind: str = Field(default="person", max_length=20, description="person|organisation|company")
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=200)
    note: str = Field(default="", sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SponsorPairing(SQLModel, table=True):
    """A sponsor paired with a household (คนเข้มแข็งช่วยเหลือคนอ่อนแอ), or hosting its house
    repair (``purpose`` = host_repair)."""

    __tablename__ = "screening_sponsor_pairing"
    __table_args__ = (sa.UniqueConstraint("sponsor_id", "household_id", "purpose"),)

    id: int | None = Field(default=None, primary_key=True)
    sponsor_id: int = Field(foreign_key="screening_sponsor.id", index=True)
    household_id: int = Field(foreign_key="screening_household.id", index=True)
    purpose: str = Field(default="pairing", max_length=20, description="pairing|host_repair")
    started_on: date
    ended_on: date | None = None
    created_by_id: int | None = Field(default=None, foreign_key="user.id")


class RoundBudget(SQLModel, table=True):
    """What a round may spend on one benefit from one source (satang, or units in kind)."""

    __tablename__ = "screening_round_budget"
    __table_args__ = (sa.UniqueConstraint("round_id", "benefit", "source"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="screening_round.id", index=True)
    benefit: str = Field(max_length=60, description="Code in config/screening/benefits.toml")
    source: FundingSource = Field(sa_type=sa.String(20))
    amount_satang: int = Field(default=0, sa_type=sa.BigInteger, ge=0)
    units: int = Field(default=0, ge=0, description="For help in kind: how many")


class BenefitAward(SQLModel, table=True):
    """One benefit to one recipient in a round: a person, or a household for household
    benefits (family aid, house repair)."""

    __tablename__ = "screening_benefit_award"

    id: int | None = Field(default=None, primary_key=True)
    award_key: str = Field(max_length=120, unique=True, description="round:benefit:recipient")
    round_id: int = Field(foreign_key="screening_round.id", index=True)
    candidate_id: int = Field(foreign_key="screening_candidate.id", index=True)
    household_id: int | None = Field(default=None, foreign_key="screening_household.id")
    community_id: int | None = Field(default=None, foreign_key="screening_community.id")
    benefit: str = Field(max_length=60, index=True)
    area: str = Field(max_length=20)
    status: AwardStatus = Field(default=AwardStatus.awarded, sa_type=sa.String(16))
    source: FundingSource | None = Field(default=None, sa_type=sa.String(20))
    amount_satang: int = Field(default=0, sa_type=sa.BigInteger, ge=0)
    units: int = Field(default=0, ge=0)
    unit: BenefitUnit = Field(sa_type=sa.String(12))
    sponsor_id: int | None = Field(default=None, foreign_key="screening_sponsor.id")
    period_start: date
    period_end: date
    awarded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PartnerAgency(SQLModel, table=True):
    """A partner a visit may refer someone to (22 government agencies, 36 organisations)."""

    __tablename__ = "screening_partner_agency"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    kind: str = Field(max_length=20, description="government|organisation")
    contact: str = Field(default="", max_length=300)
    active: bool = True


class VisitStatus(StrEnum):
    scheduled = "scheduled"
    visited = "visited"
    not_met = "not_met"

    @property
    def thai(self) -> str:
        return {"scheduled": "นัดเยี่ยม", "visited": "เยี่ยมแล้ว", "not_met": "ไม่พบ"}[self.value]


class FollowUpVisit(SQLModel, table=True):
    """A home visit (จับเข่าคุย) at 15:00 on a working day, urgent households first."""

    __tablename__ = "screening_followup_visit"

    id: int | None = Field(default=None, primary_key=True)
    visit_key: str = Field(max_length=120, unique=True, description="round:household")
    round_id: int = Field(foreign_key="screening_round.id", index=True)
    household_id: int | None = Field(default=None, foreign_key="screening_household.id", index=True)
    candidate_id: int = Field(foreign_key="screening_candidate.id")
    earlier_recipient: bool = Field(default=False, description="Helped in an earlier round")
    urgency: int = Field(description="1 most urgent; the order of the schedule")
    scheduled_at: datetime = Field(sa_type=UTCDateTime, index=True)
    status: VisitStatus = Field(default=VisitStatus.scheduled, sa_type=sa.String(12))
    visited_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    visited_by_id: int | None = Field(default=None, foreign_key="user.id")
    findings: str = Field(default="", sa_type=sa.Text)
    needs: str = Field(default="", sa_type=sa.Text)
    referral_agency_id: int | None = Field(default=None, foreign_key="screening_partner_agency.id")
    referral_note: str = Field(default="", sa_type=sa.Text)


class Reassessment(SQLModel, table=True):
    """The yearly reassessment of a certified person: due a year after certification."""

    __tablename__ = "screening_reassessment"
    __table_args__ = (sa.UniqueConstraint("person_id", "fiscal_year"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="screening_person.id", index=True)
    candidate_id: int = Field(foreign_key="screening_candidate.id")
    fiscal_year: int = Field(description="Buddhist Era year the reassessment belongs to")
    due_on: date
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    done_by_id: int | None = Field(default=None, foreign_key="user.id")
    still_eligible: bool | None = None
    note: str = Field(default="", sa_type=sa.Text)
