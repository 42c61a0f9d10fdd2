"""Deadlines are data: every open step has a due time on the working-day calendar, and a
scheduled sweep reminds, flags overdue and escalates, each notice once however often it runs.

The sweep also finds orphaned steps, which nobody can decide (no active holder, nobody acting
for one, a committee that can no longer reach a decision), and alerts the division's director
and the workflow's contacts (the permanent secretary by default) once per orphaning; a step is
checked when it opens too (``alert_if_orphaned``)."""

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from core.db import UTCDateTime, utcnow
from core.settings import get_settings
from domain.engine import audit
from domain.engine.calendar import WorkCalendar
from domain.engine.notify import queue_email, step_url
from domain.engine.people import (
    acting_officers,
    deciders,
    holders,
    superiors,
    with_acting_officers,
)
from domain.engine.registry import installed
from models.calendar import DeclaredHoliday
from models.people import Committee, Division, Position, User
from models.steps import AssigneeKind, Decision, HumanStep, NoticeKind, StepNotice, StepStatus


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
    step. Every open step is first checked for nobody able to decide it (``sweep_orphans``),
    so a reminder or overdue notice without a recipient is covered by the orphan alert of the
    same sweep. Returns the steps notified per kind."""
    now = now or utcnow()
    policy = policy or SweepPolicy.from_settings()
    notified: dict[str, int] = {}
    orphaned = sweep_orphans(session, now=now)
    if orphaned:
        notified[NoticeKind.orphaned.value] = orphaned
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
                # Reminders and overdue notices go to whoever may decide the step now, the
                # officers acting for a departed holder included (the same rule as orphans).
                people[key] = (
                    with_acting_officers(session, superiors(session, step=step), now)
                    if kind is NoticeKind.escalation
                    else deciders(session, step=step, at=now)
                )
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


# --------------------------------------------------------------------------- orphaned steps


@dataclass(frozen=True)
class _Named:
    """Whom steps naming one assignee wait on, at one moment."""

    people: list[User]
    """Everyone the step names in their own right, active or not."""
    able: frozenset[int]
    """Those of ``people`` someone can decide for now: active themselves, or with an active
    officer acting for them."""


def _named(session: Session, step: HumanStep, at: datetime) -> _Named:
    people = holders(session, step=step, include_inactive=True)
    acting = acting_officers(session, [p.id for p in people], at)  # type: ignore[misc]
    return _Named(people, frozenset(p.id for p in people if p.active or p.id in acting))  # type: ignore[misc]


@dataclass(frozen=True)
class Orphan:
    """An open step nobody can decide, and what to say about it (Thai)."""

    step: HumanStep
    assignee: str
    """Who the step names."""
    reason: str
    """Why nobody can decide it."""
    remedy: str
    """What to do about it."""


def _division(session: Session, division_id: int | None) -> Division | None:
    return session.get(Division, division_id) if division_id is not None else None


def _assignee_text(session: Session, step: HumanStep) -> str:
    if step.assignee_kind == AssigneeKind.user:
        user = session.get(User, step.assignee_user_id) if step.assignee_user_id else None
        return user.full_name if user else f"ผู้ใช้รหัส {step.assignee_user_id}"
    if step.assignee_kind == AssigneeKind.position:
        position = Position(str(step.assignee_position)).thai
        division = _division(session, step.assignee_division_id)
        return f"{position} {division.name}" if division else position
    committee = session.get(Committee, step.committee_id) if step.committee_id else None
    return committee.name if committee else f"คณะกรรมการรหัส {step.committee_id}"


def _acting_remedy(people: list[User]) -> str:
    names = ", ".join(f"{p.full_name} (for_user_id {p.id})" for p in people)
    return (
        f"ให้ปลัดเทศบาลขึ้นไปลงนามคำสั่งให้มีผู้รักษาราชการแทน {names} "
        "แล้วบันทึกคำสั่งที่ POST /api/acting-assignments ผู้รักษาราชการแทนพิจารณาได้ทันที"
    )


def _orphan(session: Session, step: HumanStep, named: _Named) -> Orphan | None:
    """The step as an orphan, or None if someone can decide it (``named`` is for its
    assignee at the moment in question)."""
    departed = [p for p in named.people if p.id not in named.able]
    assignee = _assignee_text(session, step)
    if step.assignee_kind == AssigneeKind.committee:
        return _committee_orphan(session, step, named, assignee, departed)
    if named.able:
        return None
    if step.assignee_kind == AssigneeKind.user:
        if not named.people:
            return Orphan(step, assignee, "ไม่พบบัญชีผู้ใช้ที่ได้รับมอบหมาย", "มอบหมายขั้นตอนนี้ใหม่")
        return Orphan(
            step,
            assignee,
            f"บัญชีของ {assignee} ผู้มีอำนาจพิจารณาถูกระงับการใช้งาน และไม่มีผู้รักษาราชการแทน",
            _acting_remedy(departed),
        )
    position = Position(str(step.assignee_position)).thai
    division = _division(session, step.assignee_division_id)
    where = f"ใน{division.name}" if division else ""
    reason = f"ไม่มีผู้ดำรงตำแหน่ง{position}{where}ที่ใช้งานอยู่ และไม่มีผู้รักษาราชการแทน"
    appoint = f"มอบหมายผู้ดำรงตำแหน่ง{position}{where}ในระบบ (บัญชีผู้ใช้ที่ใช้งานอยู่) ซึ่งจะพิจารณาได้ทันที"
    if not departed:
        return Orphan(step, assignee, reason, appoint)
    reason += " (บัญชีที่ถูกระงับ: " + ", ".join(p.full_name for p in departed) + ")"
    return Orphan(step, assignee, reason, f"{_acting_remedy(departed)} หรือ{appoint}")


def _committee_orphan(
    session: Session, step: HumanStep, named: _Named, assignee: str, departed: list[User]
) -> Orphan | None:
    """A committee step is orphaned when nobody who has not voted can vote any more, or when
    those who still can are too few to reach the quorum."""
    committee = session.get(Committee, step.committee_id) if step.committee_id else None
    quorum = committee.quorum if committee else 1
    voted = set(session.exec(select(Decision.principal_user_id).where(Decision.step_id == step.id)))
    left = named.able - voted
    if left and len(voted) + len(left) >= quorum:
        return None
    if not voted and not left:
        reason = f"{assignee} ไม่มีกรรมการที่ใช้งานอยู่ และไม่มีผู้รักษาราชการแทน"
    elif len(voted) + len(left) < quorum:
        reason = (
            f"{assignee} มีกรรมการที่ยังลงมติได้ {len(left)} คน ลงมติแล้ว {len(voted)} คน "
            f"ไม่ครบองค์ประชุม {quorum} คน"
        )
    else:
        reason = f"{assignee} ลงมติแล้ว {len(voted)} คนแต่ยังไม่ได้มติ และไม่มีกรรมการที่ใช้งานอยู่ลงมติเพิ่มได้"
    remedy = "แต่งตั้งกรรมการเพิ่มเติมตามคำสั่งเทศบาล"
    still_out = [p for p in departed if p.id not in voted]
    if still_out:
        remedy = f"{_acting_remedy(still_out)} หรือ{remedy}"
    return Orphan(step, assignee, reason, remedy)


def _people_in(session: Session, position: Position, division_id: int | None = None) -> list[User]:
    """Holders of ``position`` (in ``division_id``), whether or not their account is active:
    an officer may act for one whose account is closed."""
    query = select(User).where(User.position == position)
    if division_id is not None:
        query = query.where(User.division_id == division_id)
    return list(session.exec(query.order_by(col(User.id))))


def _reachable(session: Session, people: list[User], at: datetime) -> list[User]:
    """The active ones of ``people`` and the active officers acting for any of them."""
    found = {p.id: p for p in people if p.active}
    for officers in acting_officers(session, [p.id for p in people], at).values():  # type: ignore[misc]
        found.update((o.id, o) for o in officers)
    return list(found.values())


ORPHAN_FALLBACK = (Position.permanent_secretary, Position.deputy_mayor, Position.mayor)
"""Whom to alert, first that has anyone, when neither the director nor the contacts can be."""


def orphan_recipients(session: Session, step: HumanStep, at: datetime) -> list[User]:
    """Whom to alert about an orphaned step: the director of the step's division (for a step
    naming one person, of that person's division; a committee or a municipality-wide post has
    none) and the workflow's contacts (``Workflow.orphan_contacts``; the permanent secretary
    when the workflow names none), each with whoever acts for them. If none of them can be
    reached, the permanent secretary, else the deputy mayors, else the mayor."""
    division_id = step.assignee_division_id
    if division_id is None and step.assignee_kind == AssigneeKind.user and step.assignee_user_id:
        person = session.get(User, step.assignee_user_id)
        division_id = person.division_id if person else None
    directors = (
        _people_in(session, Position.division_director, division_id)
        if division_id is not None
        else []
    )
    workflow = installed().get(step.case_type)
    if workflow is not None and workflow.orphan_contacts is not None:
        contacts = list(workflow.orphan_contacts(session, step))
    else:
        contacts = _people_in(session, Position.permanent_secretary)
    reached = _reachable(session, [*directors, *contacts], at)
    for position in ORPHAN_FALLBACK:
        if reached:
            break
        reached = _reachable(session, _people_in(session, position), at)
    return reached


def _claim(session: Session, kind: NoticeKind, step_ids: list[int], now: datetime) -> list[int]:
    """Record ``kind`` for each step that has none yet; returns the steps claimed now."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    claimed: list[int] = []
    for i in range(0, len(step_ids), 1000):
        rows = [
            {"step_id": step_id, "kind": kind.value, "created_at": now}
            for step_id in step_ids[i : i + 1000]
        ]
        claim = (
            dialect.insert(StepNotice)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["step_id", "kind"])
            .returning(StepNotice.step_id)
        )
        claimed.extend(session.execute(claim).scalars())
    return claimed


def alert_orphans(session: Session, orphans: list[Orphan], now: datetime) -> int:
    """Alert once per orphaning: claim the notice of each step; for each claimed now, an audit
    entry on its case ("step_orphaned") and, per recipient, one mail listing their steps.
    Returns the steps alerted now."""
    claimed = set(_claim(session, NoticeKind.orphaned, [o.step.id for o in orphans], now))  # type: ignore[misc]
    if not claimed:
        return 0
    recipients: dict[tuple[object, ...], list[User]] = {}
    people: dict[int, User] = {}
    listed: dict[int, list[dict[str, object]]] = defaultdict(list)
    for orphan in sorted(orphans, key=lambda o: (o.step.due_at, o.step.id)):
        step = orphan.step
        if step.id not in claimed:
            continue
        key = (*_assignee_key(step), step.case_type)
        if key not in recipients:
            recipients[key] = orphan_recipients(session, step, now)
        workflow = installed().get(step.case_type)
        audit.record(
            session,
            case_type=step.case_type,
            case_id=step.case_id,
            action="step_orphaned",
            detail={
                "step_id": step.id,
                "key": step.key,
                "title": step.title,
                "reason": orphan.reason,
                "notified": [p.id for p in recipients[key]],
            },
        )
        item = {
            "step": step,
            "url": step_url(step),
            "case": f"{workflow.title if workflow else step.case_type} รหัส {step.case_id}",
            "assignee": orphan.assignee,
            "reason": orphan.reason,
            "remedy": orphan.remedy,
        }
        for person in recipients[key]:
            people[person.id] = person  # type: ignore[index]
            listed[person.id].append(item)  # type: ignore[index]
    base = get_settings().public_base_url
    for person_id, items in listed.items():
        person = people[person_id]
        steps: list[HumanStep] = [i["step"] for i in items]  # type: ignore[misc]
        mark = ",".join(f"{s.id}@{now.isoformat()}" for s in steps)
        cases = {(s.case_type, s.case_id) for s in steps}
        case_type, case_id = next(iter(cases)) if len(cases) == 1 else (None, None)
        queue_email(
            session,
            dedupe_key=f"orphaned:{person.id}:{hashlib.sha256(mark.encode()).hexdigest()[:24]}",
            to=person.email,
            template="step_orphaned",
            context={
                "person": person,
                "items": items[:DIGEST_LIMIT],
                "more": max(0, len(items) - DIGEST_LIMIT),
                "acting_url": f"{base}/api/acting-assignments",
            },
            case_type=case_type,
            case_id=case_id,
        )
    return len(claimed)


def alert_if_orphaned(session: Session, step: HumanStep, now: datetime | None = None) -> bool:
    """Alert now if nobody can decide ``step`` (``open_step`` calls it for a step opened with
    no active holder); whether an alert went out."""
    now = now or utcnow()
    orphan = _orphan(session, step, _named(session, step, now))
    return orphan is not None and alert_orphans(session, [orphan], now) > 0


_KEY_NAMES = (
    "assignee_kind",
    "assignee_user_id",
    "assignee_position",
    "assignee_division_id",
    "committee_id",
)
"""The columns naming a step's assignee, in ``_assignee_key``'s order."""
_KEY_COLUMNS = tuple(col(getattr(HumanStep, name)) for name in _KEY_NAMES)


def _same_assignee(step: HumanStep) -> sa.ColumnElement[bool]:
    return sa.and_(
        *(
            column.is_(None) if value is None else column == value
            for column, value in zip(_KEY_COLUMNS, _assignee_key(step), strict=True)
        )
    )


def sweep_orphans(session: Session, *, now: datetime | None = None) -> int:
    """Check every open step once: alert those nobody can decide that were not alerted yet,
    and forget the alert of those someone can decide again (an acting officer appointed, a
    holder back), so a step orphaned again later is alerted again. People are looked up once
    per assignee, not per step. Also for a deactivation: call it in the same transaction.
    Returns the steps alerted now."""
    now = now or utcnow()
    open_now = HumanStep.status == StepStatus.open
    assignees = session.execute(select(*_KEY_COLUMNS).where(open_now).distinct()).all()
    orphan_ids: set[int] = set()
    reasons: dict[int, Orphan] = {}  # by step; one shared by all steps naming an assignee
    for row in assignees:
        named_by = HumanStep(**dict(zip(_KEY_NAMES, row, strict=True)))  # not stored
        named = _named(session, named_by, now)
        if named_by.assignee_kind == AssigneeKind.committee:
            for step in session.exec(select(HumanStep).where(open_now, _same_assignee(named_by))):
                orphan = _orphan(session, step, named)
                if orphan is not None:
                    orphan_ids.add(step.id)  # type: ignore[arg-type]
                    reasons[step.id] = orphan  # type: ignore[index]
            continue
        orphan = _orphan(session, named_by, named)
        if orphan is None:
            continue
        ids = session.exec(select(HumanStep.id).where(open_now, _same_assignee(named_by))).all()
        orphan_ids.update(i for i in ids if i is not None)
        reasons.update(dict.fromkeys((i for i in ids if i is not None), orphan))
    # Alerted before: the orphaned notices (few) of steps still open.
    ever = list(
        session.exec(select(StepNotice.step_id).where(StepNotice.kind == NoticeKind.orphaned))
    )
    alerted: set[int] = set()
    for start in range(0, len(ever), 1000):
        still_open = select(HumanStep.id).where(
            open_now, col(HumanStep.id).in_(ever[start : start + 1000])
        )
        alerted.update(step_id for step_id in session.exec(still_open) if step_id is not None)
    decidable_again = sorted(alerted - orphan_ids)
    for i in range(0, len(decidable_again), 1000):
        session.execute(
            sa.delete(StepNotice).where(
                col(StepNotice.kind) == NoticeKind.orphaned.value,
                col(StepNotice.step_id).in_(decidable_again[i : i + 1000]),
            )
        )
    new = sorted(orphan_ids - alerted)
    if not new:
        return 0
    orphans = []
    for step in _steps(session, new):
        shared = reasons[step.id]  # type: ignore[index]
        orphans.append(Orphan(step, shared.assignee, shared.reason, shared.remedy))
    return alert_orphans(session, orphans, now)
