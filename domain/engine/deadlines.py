"""Deadlines are data: every open step has a due time on the working-day calendar, and a
scheduled sweep reminds, flags overdue and escalates, each notice once however often it runs."""

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from core.db import UTCDateTime, utcnow
from core.settings import get_settings
from domain.engine.calendar import WorkCalendar
from domain.engine.notify import queue_email, step_url
from domain.engine.people import holders, superiors, with_acting_officers
from models.calendar import DeclaredHoliday
from models.people import User
from models.steps import HumanStep, NoticeKind, StepNotice, StepStatus


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


def notice_cutoffs(
    session: Session, now: datetime, policy: SweepPolicy
) -> dict[NoticeKind, datetime]:
    """Each kind of notice is due for open steps due at or before its cutoff."""
    return {
        NoticeKind.reminder: now + policy.remind_before,
        NoticeKind.overdue: now,
        NoticeKind.escalation: working_days_before(
            working_calendar(session), now, policy.escalate_after_working_days
        ),
    }


DIGEST_LIMIT = 50
"""Steps listed in one digest mail; the rest are counted and linked to the inbox."""


def _claim_due(session: Session, kind: NoticeKind, cutoff: datetime, now: datetime) -> list[int]:
    """Record this kind of notice for every open step due by ``cutoff`` that has none yet,
    in one statement; returns the steps claimed now. A repeated or concurrent sweep claims
    nothing twice: the (step, kind) key decides."""
    due = select(HumanStep.id, sa.literal(kind.value), sa.literal(now, UTCDateTime)).where(
        HumanStep.status == StepStatus.open, HumanStep.due_at <= cutoff
    )
    if kind is NoticeKind.reminder:
        due = due.where(HumanStep.due_at > now)  # already late: the overdue notice says more
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    claim = (
        dialect.insert(StepNotice)
        .from_select(["step_id", "kind", "created_at"], due)
        .on_conflict_do_nothing(index_elements=["step_id", "kind"])
        .returning(StepNotice.step_id)
    )
    return list(session.execute(claim).scalars())


def _assignee_key(step: HumanStep) -> tuple[object, ...]:
    return (
        step.assignee_kind,
        step.assignee_user_id,
        step.assignee_position,
        step.assignee_division_id,
        step.committee_id,
    )


def _steps(session: Session, ids: list[int], chunk: int = 5000) -> list[HumanStep]:
    found: list[HumanStep] = []
    for i in range(0, len(ids), chunk):
        found.extend(
            session.exec(select(HumanStep).where(col(HumanStep.id).in_(ids[i : i + chunk])))
        )
    return found


def sweep_deadlines(
    session: Session, *, now: datetime | None = None, policy: SweepPolicy | None = None
) -> dict[str, int]:
    """Send what is due: reminders before the due time, overdue notices after it, and
    escalations to the superior once a step is late by the policy's working days. Each step
    gets each notice once; each person gets one digest per kind per sweep, not one mail per
    step. Returns the steps notified per kind."""
    now = now or utcnow()
    policy = policy or SweepPolicy.from_settings()
    notified: dict[str, int] = {}
    for kind, cutoff in notice_cutoffs(session, now, policy).items():
        claimed = _claim_due(session, kind, cutoff, now)
        if not claimed:
            continue
        notified[kind.value] = len(claimed)
        people: dict[tuple[object, ...], list[User]] = {}
        recipients: dict[int, User] = {}
        listed: dict[int, list[HumanStep]] = defaultdict(list)
        for step in sorted(_steps(session, claimed), key=lambda s: (s.due_at, s.id)):
            key = _assignee_key(step)
            if key not in people:
                named = (
                    superiors(session, step=step)
                    if kind is NoticeKind.escalation
                    else holders(session, step=step)
                )
                people[key] = with_acting_officers(session, named, now)
            for person in people[key]:
                recipients[person.id] = person  # type: ignore[index]
                listed[person.id].append(step)  # type: ignore[index]
        for person_id, steps in listed.items():
            person = recipients[person_id]
            fingerprint = hashlib.sha256(",".join(str(s.id) for s in steps).encode()).hexdigest()
            queue_email(
                session,
                dedupe_key=f"{kind.value}:{person.id}:{fingerprint[:24]}",
                to=person.email,
                template=f"step_{kind.value}",
                context={
                    "person": person,
                    "items": [{"step": s, "url": step_url(s)} for s in steps[:DIGEST_LIMIT]],
                    "more": max(0, len(steps) - DIGEST_LIMIT),
                    "inbox_url": f"{get_settings().public_base_url}/pages/inbox",
                },
            )
    return notified
