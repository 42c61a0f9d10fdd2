"""Fairness of a round (seed 000 names "การช่วยเหลือไม่เป็นธรรม" and people who "ร้องขอตลอดเวลา"
among its problems): who got what by community and benefit, a flag on repeated requests (the
same person or household helped in an earlier round or within the past year), and the round's
funnel (nominated, assessed, disagreed, certified, notified, receiving each benefit). Figures
are counted from the tables each time, never kept."""

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.db import in_transaction, utcnow
from domain.errors import NotFound
from domain.screening.benefits_catalogue import catalogue
from domain.screening.letters_people import read_people
from domain.screening.people import full_name
from domain.screening.rounds import check_coordinator
from models.people import User
from models.screening import Candidate, CandidateState, Community, Person, ScreeningRound
from models.screening_assessment import Assessment, JointSurvey
from models.screening_benefits import AwardStatus, BenefitAward, ScreeningLetter

REPEAT_PURPOSE = "ตรวจสอบการขอรับความช่วยเหลือซ้ำ (รายงานความเป็นธรรม)"
PASSED_RECONCILIATION = (
    CandidateState.confirmed,
    CandidateState.certified,
    CandidateState.excluded,
)


@dataclass(frozen=True)
class FunnelStage:
    key: str
    title: str
    count: int


@dataclass(frozen=True)
class Funnel:
    round_id: int
    stages: list[FunnelStage]
    benefits: list[FunnelStage]
    """Recipients of each benefit (awarded), in the catalogue's order."""

    def figure(self, key: str) -> int:
        for stage in [*self.stages, *self.benefits]:
            if stage.key == key:
                return stage.count
        raise KeyError(key)


def _count(session: Session, query) -> int:  # type: ignore[no-untyped-def]
    return int(session.exec(query).one())


def funnel(session: Session, round_id: int) -> Funnel:
    in_round = Candidate.round_id == round_id
    states = dict(
        session.exec(
            select(Candidate.state, func.count()).where(in_round).group_by(Candidate.state)
        ).all()
    )

    def state_count(*wanted: CandidateState) -> int:
        return sum(int(states.get(s.value, 0)) for s in wanted)

    candidate_ids = select(Candidate.id).where(in_round)
    assessed = _count(
        session,
        select(func.count(func.distinct(Assessment.candidate_id))).where(
            col(Assessment.candidate_id).in_(candidate_ids)
        ),
    )
    assessed_twice = _count(
        session,
        select(func.count()).where(
            col(Assessment.candidate_id).in_(candidate_ids), Assessment.assessment_round == 2
        ),
    )
    disagreed = _count(
        session,
        select(func.count()).where(col(JointSurvey.candidate_id).in_(candidate_ids)),
    )
    notified = _count(session, select(func.count()).where(ScreeningLetter.round_id == round_id))
    nominated = sum(int(n) for s, n in states.items() if s != CandidateState.merged.value)
    stages = [
        FunnelStage("nominated", "ได้รับการเสนอชื่อ", nominated),
        FunnelStage("assessed", "ประเมินครั้งที่ 1 แล้ว", assessed),
        FunnelStage("reassessed", "ประเมินครั้งที่ 2 แล้ว", assessed_twice),
        FunnelStage("disagreed", "ผลไม่ตรงกัน (สำรวจร่วม)", disagreed),
        FunnelStage("confirmed", "ผ่านการคัดกรอง", state_count(*PASSED_RECONCILIATION)),
        FunnelStage("not_eligible", "ไม่ผ่านการคัดกรอง", state_count(CandidateState.not_eligible)),
        FunnelStage("certified", "คณะผู้บริหารรับรอง", state_count(CandidateState.certified)),
        FunnelStage("excluded", "คณะผู้บริหารไม่รับรอง", state_count(CandidateState.excluded)),
        FunnelStage("notified", "แจ้งผลแล้ว", notified),
    ]
    received = dict(
        session.exec(
            select(BenefitAward.benefit, func.count())
            .where(BenefitAward.round_id == round_id, BenefitAward.status == AwardStatus.awarded)
            .group_by(BenefitAward.benefit)
        ).all()
    )
    benefits = [
        FunnelStage(f"benefit:{b.code}", b.title, int(received.get(b.code, 0)))
        for b in catalogue().benefit
    ]
    return Funnel(round_id=round_id, stages=stages, benefits=benefits)


@dataclass(frozen=True)
class WhoGotWhat:
    community: str
    benefit: str
    title: str
    area: str
    recipients: int
    amount_satang: int
    units: int
    unit: str


def who_got_what(session: Session, round_id: int) -> list[WhoGotWhat]:
    """Awarded help by community and benefit (no names: counts and sums)."""
    cat = catalogue()
    order = {b.code: i for i, b in enumerate(cat.benefit)}
    rows = session.exec(
        select(
            Community.name,
            BenefitAward.benefit,
            BenefitAward.area,
            BenefitAward.unit,
            func.count(),
            func.sum(BenefitAward.amount_satang),
            func.sum(BenefitAward.units),
        )
        .select_from(BenefitAward)
        .join(Community, col(Community.id) == BenefitAward.community_id, isouter=True)
        .where(BenefitAward.round_id == round_id, BenefitAward.status == AwardStatus.awarded)
        .group_by(Community.name, BenefitAward.benefit, BenefitAward.area, BenefitAward.unit)
    ).all()
    found = []
    for community, code, area, unit, n, satang, count in rows:
        try:
            title = cat.get(code).title
        except KeyError:
            title = code
        found.append(
            WhoGotWhat(
                community=community or "ไม่ระบุชุมชน",
                benefit=code,
                title=title,
                area=area,
                recipients=int(n),
                amount_satang=int(satang or 0),
                units=int(count or 0),
                unit=str(unit),
            )
        )
    return sorted(found, key=lambda r: (r.community, order.get(r.benefit, len(order))))


@dataclass
class RepeatFlag:
    candidate_id: int
    person_id: int
    name: str
    reasons: list[str] = field(default_factory=list)


def repeat_flags(session: Session, round_id: int, *, reader: User | None) -> list[RepeatFlag]:
    """Candidates of the round whose person or household was helped before: in an earlier
    round, or within the past year (``earlier_recipients_days``)."""
    screening_round = session.get(ScreeningRound, round_id)
    if screening_round is None:
        return []
    candidates = session.exec(
        select(Candidate.id, Candidate.person_id, Person.household_id)
        .join(Person, col(Person.id) == Candidate.person_id)
        .where(Candidate.round_id == round_id, Candidate.state != CandidateState.merged)
    ).all()
    since = utcnow() - timedelta(days=catalogue().earlier_recipients_days)
    earlier = session.exec(
        select(BenefitAward, Candidate.person_id, ScreeningRound.title, ScreeningRound.fiscal_year)
        .join(Candidate, col(Candidate.id) == BenefitAward.candidate_id)
        .join(ScreeningRound, col(ScreeningRound.id) == BenefitAward.round_id)
        .where(BenefitAward.round_id != round_id, BenefitAward.status == AwardStatus.awarded)
    ).all()
    by_person: dict[int, set[str]] = {}
    by_household: dict[int, set[str]] = {}
    for award, person_id, title, year in earlier:
        recent = award.awarded_at >= since
        if year >= screening_round.fiscal_year and not recent:
            continue  # a later round is not an earlier request
        label = f"{title} (ปีงบประมาณ {year})" + (" ภายในหนึ่งปีที่ผ่านมา" if recent else "")
        by_person.setdefault(person_id, set()).add(label)
        if award.household_id:
            by_household.setdefault(award.household_id, set()).add(label)
    found: list[tuple[int, int, list[str]]] = []
    for candidate_id, person_id, household_id in candidates:
        own = by_person.get(person_id, set())
        reasons = [f"เคยได้รับความช่วยเหลือ: {x}" for x in sorted(own)]
        household = by_household.get(household_id or 0, set()) - own
        reasons += [f"ครัวเรือนเดียวกันเคยได้รับความช่วยเหลือ: {x}" for x in sorted(household)]
        if reasons:
            found.append((candidate_id or 0, person_id, reasons))
    # Only the flagged people's names are shown, so only their records are read (and logged).
    people = read_people(session, [f[1] for f in found], reader=reader, purpose=REPEAT_PURPOSE)
    return [
        RepeatFlag(candidate_id, person_id, full_name(people[person_id]), reasons)
        for candidate_id, person_id, reasons in found
        if person_id in people
    ]


def read_repeat_flags(engine: Engine, round_id: int, *, reader_id: int) -> list[RepeatFlag]:
    """``repeat_flags`` for the welfare division's coordinator, the reads logged (one unit of
    work: the flags and their read log together)."""

    def work(session: Session) -> list[RepeatFlag]:
        reader = session.get(User, reader_id)
        if reader is None:
            raise NotFound("ไม่พบผู้ใช้")
        check_coordinator(session, reader)
        return repeat_flags(session, round_id, reader=reader)

    return in_transaction(engine, work)
