"""The chase ladder: a division that has not done what it owes by a due time is chased stage
by stage (a follow-up, then notices, each giving it some days to respond), and at the top an
authority (the mayor) is told and the case goes on the agenda of the next weekly meeting,
where the division explains itself.

Complaints chase unreported results with it; the PDCA cycle will chase missing 6/12-month
reports. The ladder is configuration (``Ladder``); the workflow keeps what only it knows:
which cases are being chased (its own query), their due time, cycle and division, whom to
tell and with what mail, and what goes into its audit chain. A sweep calls ``advance`` for
each chased case and sends mail for whatever stage it returns.

Why stages are claimed, not computed: sweeps run every few minutes, may overlap, and a
Prefect run may repeat. Each stage is one row keyed by (case, cycle, stage), inserted with
ON CONFLICT DO NOTHING, so the database, not a prior read, decides who sends it: one notice
per stage however often or concurrently the ladder is advanced. A new ``cycle`` (more time
granted) starts the ladder again from the bottom."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from core.db import insert_ignoring_duplicates, utcnow
from domain.engine.calendar import BANGKOK, WorkCalendar
from domain.engine.deadlines import working_calendar
from domain.errors import InvalidInput, NotFound
from models.chase import AgendaItem, ChaseNotice
from models.people import Position, User
from models.steps import HumanStep, StepStatus


@dataclass(frozen=True)
class Stage:
    """A notice asking the division to respond within ``days``; the next stage falls due
    then. Calendar or working days per stage, because letters often count calendar days
    while a short last notice may be meant in office days."""

    key: str
    title: str
    days: int
    working_days: bool = False

    def respond_by(self, calendar: WorkCalendar, now: datetime) -> datetime:
        if self.working_days:
            return calendar.add_working_days(now, self.days)
        return now + timedelta(days=self.days)


@dataclass(frozen=True)
class Escalation:
    """The top of the ladder: ``authority`` is told and, when ``meeting_weekday`` is set
    (0 = Monday), the case goes on the agenda of the next weekly meeting."""

    key: str
    title: str
    authority: Position = Position.mayor
    meeting_weekday: int | None = 0


@dataclass(frozen=True)
class Ladder:
    """The stages in order, then the escalation. Keys are stored: changing one restarts the
    ladder of every case under way."""

    stages: tuple[Stage, ...]
    escalation: Escalation

    def __post_init__(self) -> None:
        keys = [s.key for s in self.steps]
        if len(set(keys)) != len(keys):
            raise ValueError(f"ladder stage keys must differ: {keys}")
        if any(s.days < 0 for s in self.stages):
            raise ValueError("days to respond cannot be negative")
        weekday = self.escalation.meeting_weekday
        if weekday is not None and not 0 <= weekday <= 6:
            raise ValueError(f"meeting_weekday must be 0 (Monday) … 6, got {weekday}")

    @property
    def steps(self) -> tuple[Stage | Escalation, ...]:
        return (*self.stages, self.escalation)


@dataclass(frozen=True)
class Claimed:
    """A stage claimed just now by this caller, who alone sends its mail."""

    stage: Stage | Escalation
    cycle: int
    respond_by: datetime | None
    """When the division must respond (the next stage's due time); None at the top."""
    meeting_date: date | None
    """The meeting whose agenda the case went on (escalation with a meeting only)."""

    @property
    def final(self) -> bool:
        return isinstance(self.stage, Escalation)


def next_meeting(calendar: WorkCalendar, *, after: datetime, weekday: int) -> date:
    """The first meeting day strictly after ``after``'s (Bangkok) date; a holiday moves the
    meeting to the next working day, as the office does."""
    day = after.astimezone(BANGKOK).date() + timedelta(days=1)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return calendar.next_working_day(day)


def claim_notice(
    session: Session,
    *,
    case_type: str,
    case_id: int,
    cycle: int,
    stage: str,
    division_id: int | None,
    respond_by: datetime | None = None,
    now: datetime,
) -> bool:
    """Record a notice once; True only for the caller that recorded it. Also for one-off
    notices outside the ladder (give them a cycle the ladder never uses, e.g. negative)."""
    return insert_ignoring_duplicates(
        session,
        ChaseNotice.__table__,  # type: ignore[attr-defined]
        {
            "case_type": case_type,
            "case_id": case_id,
            "cycle": cycle,
            "stage": stage,
            "division_id": division_id,
            "respond_by": respond_by,
            "created_at": now,
        },
        ["case_type", "case_id", "cycle", "stage"],
    )


def _next_due(
    session: Session, *, ladder: Ladder, case_type: str, case_id: int, cycle: int, due_at: datetime
) -> tuple[Stage | Escalation, datetime] | None:
    """The first stage not yet claimed in this cycle and when it falls due: the case's own
    due time for the first, the previous notice's respond-by for the others."""
    claimed = {
        n.stage: n.respond_by
        for n in session.exec(
            select(ChaseNotice).where(
                ChaseNotice.case_type == case_type,
                ChaseNotice.case_id == case_id,
                ChaseNotice.cycle == cycle,
            )
        )
    }
    due = due_at
    for stage in ladder.steps:
        if stage.key not in claimed:
            return stage, due
        due = claimed[stage.key] or due
    return None


def advance(
    session: Session,
    *,
    ladder: Ladder,
    case_type: str,
    case_id: int,
    cycle: int,
    due_at: datetime,
    now: datetime,
    division_id: int | None,
    calendar: WorkCalendar | None = None,
) -> Claimed | None:
    """Claim the case's next stage if it is due at ``now``; at the top, also put the case
    on the meeting's agenda. None when nothing is due or another caller claimed it first.
    At most one stage per call: each notice gives the division its days to respond."""
    found = _next_due(
        session, ladder=ladder, case_type=case_type, case_id=case_id, cycle=cycle, due_at=due_at
    )
    if found is None or now < found[1]:
        return None
    stage = found[0]
    calendar = calendar or working_calendar(session)
    respond_by = stage.respond_by(calendar, now) if isinstance(stage, Stage) else None
    if not claim_notice(
        session,
        case_type=case_type,
        case_id=case_id,
        cycle=cycle,
        stage=stage.key,
        division_id=division_id,
        respond_by=respond_by,
        now=now,
    ):
        return None
    meeting = None
    if isinstance(stage, Escalation) and stage.meeting_weekday is not None:
        meeting = next_meeting(calendar, after=now, weekday=stage.meeting_weekday)
        insert_ignoring_duplicates(
            session,
            AgendaItem.__table__,  # type: ignore[attr-defined]
            {
                "case_type": case_type,
                "case_id": case_id,
                "cycle": cycle,
                "division_id": division_id,
                "meeting_date": meeting,
                "added_at": now,
            },
            ["case_type", "case_id", "cycle"],
        )
    return Claimed(stage=stage, cycle=cycle, respond_by=respond_by, meeting_date=meeting)


def advance_overdue_steps(
    session: Session,
    *,
    ladder: Ladder,
    step_case_type: str,
    chased_as: Callable[[HumanStep], tuple[str, int]],
    now: datetime,
    cycle: int = 1,
) -> list[tuple[HumanStep, Claimed]]:
    """A sweep of the open steps of ``step_case_type`` past their due time: the ladder of each
    (the record it is chased under, ``chased_as(step)`` -> (case type, id)) is advanced; the
    steps whose stage was claimed now, for the workflow to tell whom it owes."""
    steps = session.exec(
        select(HumanStep)
        .where(
            HumanStep.case_type == step_case_type,
            HumanStep.status == StepStatus.open,
            col(HumanStep.due_at) < now,
        )
        .order_by(col(HumanStep.id))
    ).all()
    if not steps:
        return []
    calendar = working_calendar(session)
    claimed_now = []
    for step in steps:
        case_type, case_id = chased_as(step)
        claimed = advance(
            session,
            ladder=ladder,
            case_type=case_type,
            case_id=case_id,
            cycle=cycle,
            due_at=step.due_at,
            now=now,
            division_id=None,
            calendar=calendar,
        )
        if claimed is not None:
            claimed_now.append((step, claimed))
    return claimed_now


def agenda(
    session: Session,
    *,
    meeting_date: date | None = None,
    case_type: str | None = None,
    now: datetime | None = None,
) -> tuple[date, list[AgendaItem]]:
    """A meeting's agenda in the order cases went on it (by default the next meeting, from
    today, that has any; today's date when none has)."""
    query = select(AgendaItem)
    if case_type is not None:
        query = query.where(AgendaItem.case_type == case_type)
    if meeting_date is None:
        today = (now or utcnow()).astimezone(BANGKOK).date()
        upcoming = session.exec(
            query.where(col(AgendaItem.meeting_date) >= today).order_by(
                col(AgendaItem.meeting_date)
            )
        ).first()
        meeting_date = upcoming.meeting_date if upcoming else today
    items = session.exec(
        query.where(AgendaItem.meeting_date == meeting_date).order_by(col(AgendaItem.id))
    )
    return meeting_date, list(items)


def explain(
    session: Session,
    *,
    case_type: str,
    case_id: int,
    user: User,
    explanation: str,
    now: datetime | None = None,
) -> AgendaItem:
    """Store the division's explanation on the case's latest agenda item (a later one
    replaces it). Who may explain is the workflow's to check first."""
    text = explanation.strip()
    if not text:
        raise InvalidInput("กรุณาระบุคำชี้แจง", field="explanation")
    item = session.exec(
        select(AgendaItem)
        .where(AgendaItem.case_type == case_type, AgendaItem.case_id == case_id)
        .order_by(col(AgendaItem.cycle).desc())
        .with_for_update()
    ).first()
    if item is None:
        raise NotFound("เรื่องนี้ไม่ได้อยู่ในวาระการประชุมติดตามงาน")
    item.explanation = text
    item.explained_at = now or utcnow()
    item.explained_by_user_id = user.id
    session.add(item)
    return item
