"""Follow-up (seed 000, ภารกิจที่ 10 "จับเข่าคุย": home visits every working day at 15:00, urgent
cases first, referral to partner agencies): ``schedule_round`` books a visit for each household
helped in the round and for those helped in an earlier round within the past year, most
complex problems first, so many a day at 15:00 on the working calendar (Thai holidays and the
municipality's declared days skipped), in the places the day has left. It also
books each certified person's yearly reassessment. Visits are recorded with findings, needs
and a referral to one of the partner agencies (a register). Repeating a run books nothing new."""

from calendar import monthrange
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.db import in_transaction, utcnow
from domain.engine import audit
from domain.engine.calendar import BANGKOK, WorkCalendar, fiscal_year
from domain.engine.deadlines import working_calendar
from domain.errors import Conflict, InvalidInput, NotFound
from domain.screening.benefits_catalogue import catalogue
from domain.screening.benefits_rules import COMPLEXITY_URGENCY
from domain.screening.rounds import check_coordinator, today
from domain.screening.states import CASE_TYPE
from models.people import User
from models.screening import Candidate, CandidateState, ScreeningRound
from models.screening_assessment import Assessment, Certification, JointSurvey
from models.screening_benefits import (
    AwardStatus,
    BenefitAward,
    FollowUpVisit,
    PartnerAgency,
    Reassessment,
    VisitStatus,
)


@dataclass(frozen=True)
class ScheduleSummary:
    round_id: int
    visits_booked: int
    earlier_recipients: int
    reassessments_booked: int
    first_visit: datetime | None
    last_visit: datetime | None


@dataclass(frozen=True)
class _Due:
    candidate_id: int
    household_id: int | None
    urgency: int
    earlier: bool

    @property
    def key_part(self) -> str:
        return f"h{self.household_id}" if self.household_id else f"c{self.candidate_id}"


def visit_key(round_id: int, due: _Due) -> str:
    return f"{round_id}:{due.key_part}"


def urgency_of(session: Session, candidate_ids: set[int]) -> dict[int, int]:
    """Candidate -> urgency (1 most urgent) from the joint survey's or latest assessment's
    complexity group."""
    if not candidate_ids:
        return {}
    found: dict[int, tuple[int, str]] = {}
    for a in session.exec(
        select(Assessment).where(col(Assessment.candidate_id).in_(candidate_ids))
    ):
        if a.candidate_id not in found or found[a.candidate_id][0] < a.assessment_round:
            found[a.candidate_id] = (a.assessment_round, a.complexity)
    complexity = {c: group for c, (_, group) in found.items()}
    for s in session.exec(
        select(JointSurvey).where(col(JointSurvey.candidate_id).in_(candidate_ids))
    ):
        if s.complexity:
            complexity[s.candidate_id] = s.complexity
    last = len(COMPLEXITY_URGENCY) + 1
    return {c: COMPLEXITY_URGENCY.get(complexity.get(c, ""), last) for c in candidate_ids}


def _recipients(session: Session, screening_round: ScreeningRound) -> list[_Due]:
    """This round's recipients, then earlier rounds' recipients of the past year, one visit
    per household (a person without a household: per person)."""
    days = catalogue().earlier_recipients_days
    since = utcnow() - timedelta(days=days)
    awards = session.exec(
        select(BenefitAward).where(
            col(BenefitAward.status).in_([AwardStatus.awarded, AwardStatus.waiting_host]),
            (BenefitAward.round_id == screening_round.id) | (col(BenefitAward.awarded_at) >= since),
        )
    ).all()
    urgency = urgency_of(session, {a.candidate_id for a in awards})
    chosen: dict[str, _Due] = {}
    for award in sorted(awards, key=lambda a: (a.round_id != screening_round.id, a.id or 0)):
        due = _Due(
            candidate_id=award.candidate_id,
            household_id=award.household_id,
            urgency=urgency.get(award.candidate_id, len(COMPLEXITY_URGENCY) + 1),
            earlier=award.round_id != screening_round.id,
        )
        current = chosen.get(due.key_part)
        if (
            current is None
            or (current.earlier and not due.earlier)
            or (current.earlier == due.earlier and due.urgency < current.urgency)
        ):
            chosen[due.key_part] = due
    return sorted(chosen.values(), key=lambda d: (d.urgency, d.earlier, d.key_part))


def visit_slots(
    calendar: WorkCalendar, first_day: date, hour: int, per_day: int, booked: Counter[date]
):
    """Endless 15:00 slots (UTC) on working days from ``first_day``, ``per_day`` a day, less
    those already booked."""
    day = calendar.next_working_day(first_day)
    while True:
        for _ in range(per_day - booked.get(day, 0)):
            yield datetime.combine(day, time(hour), tzinfo=BANGKOK).astimezone(UTC)
        day = calendar.next_working_day(day, inclusive=False)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def _certified_on(session: Session, round_id: int) -> date:
    meeting = session.exec(
        select(Certification)
        .where(Certification.round_id == round_id, col(Certification.certified_at).is_not(None))
        .order_by(col(Certification.meeting_date).desc())
    ).first()
    return meeting.meeting_date if meeting else today()


def _book_reassessments(
    session: Session, screening_round: ScreeningRound, cal: WorkCalendar
) -> int:
    months = catalogue().reassessment_months
    due_on = cal.next_working_day(
        add_months(_certified_on(session, screening_round.id or 0), months)
    )
    year = fiscal_year(due_on)
    certified = session.exec(
        select(Candidate).where(
            Candidate.round_id == screening_round.id, Candidate.state == CandidateState.certified
        )
    ).all()
    have = set(
        session.exec(
            select(Reassessment.person_id).where(
                Reassessment.fiscal_year == year,
                col(Reassessment.person_id).in_([c.person_id for c in certified]),
            )
        ).all()
    )
    booked = 0
    for c in certified:
        if c.person_id in have:
            continue
        session.add(
            Reassessment(
                person_id=c.person_id, candidate_id=c.id or 0, fiscal_year=year, due_on=due_on
            )
        )
        booked += 1
    return booked


def schedule_round_in(
    session: Session, round_id: int, *, start_on: date | None = None, actor: User | None = None
) -> ScheduleSummary:
    screening_round = session.get(ScreeningRound, round_id)
    if screening_round is None:
        raise NotFound("ไม่พบรอบการคัดกรองนี้")
    settings = catalogue()
    cal = working_calendar(session)
    existing = set(
        session.exec(
            select(FollowUpVisit.visit_key).where(FollowUpVisit.round_id == round_id)
        ).all()
    )
    due = [
        d for d in _recipients(session, screening_round) if visit_key(round_id, d) not in existing
    ]
    first_day = max(start_on or today() + timedelta(days=1), today())
    booked: Counter[date] = Counter(
        at.astimezone(BANGKOK).date()
        for at in session.exec(
            select(FollowUpVisit.scheduled_at).where(
                FollowUpVisit.scheduled_at >= datetime.combine(first_day, time(0), tzinfo=BANGKOK)
            )
        ).all()
    )
    slots = visit_slots(
        cal, first_day, settings.follow_up_hour, settings.follow_up_visits_per_day, booked
    )
    times = []
    for d in due:
        at = next(slots)
        times.append(at)
        session.add(
            FollowUpVisit(
                visit_key=visit_key(round_id, d),
                round_id=round_id,
                household_id=d.household_id,
                candidate_id=d.candidate_id,
                earlier_recipient=d.earlier,
                urgency=d.urgency,
                scheduled_at=at,
            )
        )
    reassessments = _book_reassessments(session, screening_round, cal)
    session.flush()
    if due or reassessments:
        audit.record(
            session,
            case_type=CASE_TYPE,
            case_id=round_id,
            action="screening_followup_scheduled",
            actor=actor,
            detail={"visits": len(due), "reassessments": reassessments},
        )
    return ScheduleSummary(
        round_id=round_id,
        visits_booked=len(due),
        earlier_recipients=sum(d.earlier for d in due),
        reassessments_booked=reassessments,
        first_visit=min(times, default=None),
        last_visit=max(times, default=None),
    )


def schedule_round(
    engine: Engine, round_id: int, *, start_on: date | None = None, actor_id: int | None = None
) -> ScheduleSummary:
    """Book the round's follow-up visits and yearly reassessments; harmless to repeat."""

    def work(session: Session) -> ScheduleSummary:
        actor = session.get(User, actor_id) if actor_id is not None else None
        return schedule_round_in(session, round_id, start_on=start_on, actor=actor)

    return in_transaction(engine, work)


@dataclass(frozen=True)
class VisitRecord:
    status: VisitStatus
    findings: str = ""
    needs: str = ""
    referral_agency_id: int | None = None
    referral_note: str = ""


def record_visit(
    engine: Engine, visit_id: int, *, actor_id: int, data: VisitRecord
) -> FollowUpVisit:
    """What the visit found, what the household needs, and the referral if any."""
    if data.status is VisitStatus.scheduled:
        raise InvalidInput("กรุณาระบุผลการเยี่ยม", field="status")
    if data.status is VisitStatus.visited and not data.findings.strip():
        raise InvalidInput("กรุณาบันทึกสิ่งที่พบจากการเยี่ยม", field="findings")

    def work(session: Session) -> FollowUpVisit:
        actor = session.get(User, actor_id)
        if actor is None:
            raise NotFound("ไม่พบผู้ใช้")
        check_coordinator(session, actor)
        visit = session.get(FollowUpVisit, visit_id, with_for_update=True)
        if visit is None:
            raise NotFound("ไม่พบการนัดเยี่ยมนี้")
        if visit.status != VisitStatus.scheduled:
            raise Conflict("บันทึกผลการเยี่ยมครั้งนี้ไปแล้ว")
        if data.referral_agency_id is not None:
            agency = session.get(PartnerAgency, data.referral_agency_id)
            if agency is None or not agency.active:
                raise InvalidInput("ไม่พบหน่วยงานภาคีที่ส่งต่อ", field="referral_agency_id")
        visit.status = data.status
        visit.visited_at = utcnow()
        visit.visited_by_id = actor.id
        visit.findings = data.findings.strip()
        visit.needs = data.needs.strip()
        visit.referral_agency_id = data.referral_agency_id
        visit.referral_note = data.referral_note.strip()
        session.add(visit)
        audit.record(
            session,
            case_type=CASE_TYPE,
            case_id=visit.round_id,
            action="screening_visit_recorded",
            actor=actor,
            detail={
                "visit_id": visit.id,
                "status": data.status.value,
                "referral_agency_id": data.referral_agency_id,
            },
        )
        return visit

    return in_transaction(engine, work)


def record_reassessment(
    engine: Engine, reassessment_id: int, *, actor_id: int, still_eligible: bool, note: str
) -> Reassessment:
    def work(session: Session) -> Reassessment:
        actor = session.get(User, actor_id)
        if actor is None:
            raise NotFound("ไม่พบผู้ใช้")
        check_coordinator(session, actor)
        found = session.get(Reassessment, reassessment_id, with_for_update=True)
        if found is None:
            raise NotFound("ไม่พบการประเมินซ้ำนี้")
        if found.done_at is not None:
            raise Conflict("บันทึกผลการประเมินซ้ำนี้ไปแล้ว")
        found.done_at = utcnow()
        found.done_by_id = actor.id
        found.still_eligible = still_eligible
        found.note = note.strip()
        session.add(found)
        return found

    return in_transaction(engine, work)
