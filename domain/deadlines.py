"""Deadlines are data: every open step has a due time on the working-day calendar, and a
scheduled sweep reminds, flags overdue and escalates, each notice once however often it runs."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from core.db import insert_ignoring_duplicates, utcnow
from core.settings import get_settings
from domain.authority import holders
from domain.calendar import WorkCalendar
from domain.notify import queue_email, step_url
from models.calendar import DeclaredHoliday
from models.people import ActingAssignment, Position, User
from models.steps import AssigneeKind, HumanStep, NoticeKind, StepNotice, StepStatus


def working_calendar(session: Session) -> WorkCalendar:
    """Thai public holidays plus the days the municipality declared (table declaredholiday)."""
    declared = session.exec(select(DeclaredHoliday)).all()
    return WorkCalendar(extra_holidays={h.day: h.name for h in declared})


def working_days_before(calendar: WorkCalendar, moment: datetime, n: int) -> datetime:
    """The moment ``n`` working days before ``moment`` (same time of day)."""
    current = moment
    remaining = n
    while remaining > 0:
        current -= timedelta(days=1)
        if calendar.is_working_day(current.astimezone(calendar.tz).date()):
            remaining -= 1
    return current


@dataclass(frozen=True)
class SweepPolicy:
    remind_before: timedelta
    escalate_after_working_days: int

    @classmethod
    def from_settings(cls) -> "SweepPolicy":
        s = get_settings()
        return cls(timedelta(hours=s.remind_before_hours), s.escalate_after_working_days)


def superiors(session: Session, *, step: HumanStep) -> list[User]:
    """Whom to tell when a step is badly late: holders of the next position up (in the same
    division while the ladder stays inside one), or for a committee step, its chair's superior."""
    if step.assignee_kind == AssigneeKind.position and step.assignee_position:
        position, division_id = Position(step.assignee_position), step.assignee_division_id
    else:
        named = holders(session, step=step)
        if not named:
            return []
        position, division_id = Position(named[0].position), named[0].division_id
    if position is Position.mayor:
        return []
    higher = list(Position)[position.rank + 1]
    query = select(User).where(User.position == higher, User.active == True)  # noqa: E712
    if higher.within_division:
        query = query.where(User.division_id == division_id)
    return list(session.exec(query))


def _recipients(session: Session, people: list[User], now: datetime) -> list[User]:
    """The people named plus whoever acts for them now."""
    ids = [p.id for p in people]
    acting = session.exec(
        select(User)
        .join(ActingAssignment, col(ActingAssignment.acting_user_id) == User.id)
        .where(
            col(ActingAssignment.for_user_id).in_(ids),
            ActingAssignment.starts_at <= now,
            ActingAssignment.ends_at > now,
        )
    ).all()
    unique = {p.id: p for p in [*people, *acting]}
    return list(unique.values())


def _claim_notice(session: Session, step_id: int, kind: NoticeKind) -> bool:
    """Record the notice; False if an earlier sweep (or a concurrent one) already did."""
    return insert_ignoring_duplicates(
        session,
        StepNotice.__table__,  # type: ignore[attr-defined]
        {"step_id": step_id, "kind": kind.value, "created_at": utcnow()},
        ["step_id", "kind"],
    )


def _due_without(session: Session, kind: NoticeKind, cutoff: datetime) -> list[HumanStep]:
    already = select(StepNotice.step_id).where(StepNotice.kind == kind)
    return list(
        session.exec(
            select(HumanStep).where(
                HumanStep.status == StepStatus.open,
                HumanStep.due_at <= cutoff,
                col(HumanStep.id).not_in(already),
            )
        )
    )


def sweep_deadlines(
    session: Session, *, now: datetime | None = None, policy: SweepPolicy | None = None
) -> dict[str, int]:
    """Send what is due: reminders before the due time, overdue notices after it, and
    escalations to the superior once a step is late by the policy's working days."""
    now = now or utcnow()
    policy = policy or SweepPolicy.from_settings()
    calendar = working_calendar(session)
    cutoffs = {
        NoticeKind.reminder: now + policy.remind_before,
        NoticeKind.overdue: now,
        NoticeKind.escalation: working_days_before(
            calendar, now, policy.escalate_after_working_days
        ),
    }
    sent: dict[str, int] = defaultdict(int)
    for kind, cutoff in cutoffs.items():
        for step in _due_without(session, kind, cutoff):
            if kind is NoticeKind.reminder and step.due_at <= now:
                continue  # already late: the overdue notice says more than a reminder would
            if not _claim_notice(session, step.id, kind):  # type: ignore[arg-type]
                continue
            named = (
                superiors(session, step=step)
                if kind is NoticeKind.escalation
                else holders(session, step=step)
            )
            for person in _recipients(session, named, now):
                queue_email(
                    session,
                    dedupe_key=f"{kind.value}:{step.key}:{person.id}",
                    to=person.email,
                    template=f"step_{kind.value}",
                    context={"step": step, "person": person, "url": step_url(step)},
                    case_type=step.case_type,
                    case_id=step.case_id,
                )
            sent[kind.value] += 1
    return dict(sent)
