"""The human step engine: open a step, decide it (alone or as a committee), and hand the
outcome to the step's workflow. API and flows both come through here."""

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from core.db import utcnow
from domain.engine import audit
from domain.engine.authority import standing
from domain.engine.deadlines import alert_if_orphaned, working_calendar
from domain.engine.forms import DecisionForm
from domain.engine.notify import queue_email, step_url
from domain.engine.people import holders
from domain.engine.registry import form_class, workflow_for
from domain.errors import Conflict, InvalidInput, NotFound
from models.people import Committee, CommitteeMember, CommitteeRole, Position, User
from models.steps import AssigneeKind, Decision, HumanStep, Outcome, StepStatus

PAUSE_KEY = re.compile(r"[a-z0-9-]{1,120}")


@dataclass(frozen=True)
class Assignee:
    """Who a step waits on: one person, holders of a position (in a division), or a committee."""

    kind: AssigneeKind
    user_id: int | None = None
    position: Position | None = None
    division_id: int | None = None
    committee_id: int | None = None

    @classmethod
    def person(cls, user_id: int) -> "Assignee":
        return cls(AssigneeKind.user, user_id=user_id)

    @classmethod
    def holder_of(cls, position: Position, division_id: int | None = None) -> "Assignee":
        return cls(AssigneeKind.position, position=position, division_id=division_id)

    @classmethod
    def committee(cls, committee_id: int) -> "Assignee":
        return cls(AssigneeKind.committee, committee_id=committee_id)


def open_step(
    session: Session,
    *,
    case_type: str,
    case_id: int,
    key: str,
    title: str,
    assignee: Assignee,
    kind: str,
    form: str = "decision",
    allowed_outcomes: list[Outcome],
    due_in_working_days: int = 0,
    due_at: datetime | None = None,
    level: str | None = None,
    round: int = 1,
    now: datetime | None = None,
) -> HumanStep:
    """Open a step, or return the one already opened under ``key`` (safe to repeat). Due
    ``due_in_working_days`` on the working calendar, or at ``due_at`` where a date is set by
    rule rather than counted (a statutory deadline, the end of a reporting month)."""
    if not PAUSE_KEY.fullmatch(key):
        raise ValueError(f"step key {key!r}: only a-z, 0-9 and '-' (Prefect pause keys)")
    existing = session.exec(select(HumanStep).where(HumanStep.key == key)).first()
    if existing:
        return existing
    form_class(form)
    now = now or utcnow()
    if due_at is None:
        due_at = working_calendar(session).add_working_days(now, due_in_working_days)
    step = HumanStep(
        case_type=case_type,
        case_id=case_id,
        key=key,
        title=title,
        kind=kind,
        level=level,
        round=round,
        assignee_kind=assignee.kind,
        assignee_user_id=assignee.user_id,
        assignee_position=assignee.position,
        assignee_division_id=assignee.division_id,
        committee_id=assignee.committee_id,
        form=form,
        allowed_outcomes=[o.value for o in allowed_outcomes],
        opened_at=now,
        due_at=due_at,  # type: ignore[arg-type]
    )
    session.add(step)
    session.flush()
    audit.record(
        session,
        case_type=case_type,
        case_id=case_id,
        action="step_opened",
        detail={"step_id": step.id, "key": key, "title": title, "due_at": step.due_at},
        public=True,
    )
    named = holders(session, step=step)
    for person in named:
        queue_email(
            session,
            dedupe_key=f"step-opened:{key}:{person.id}",
            to=person.email,
            template="step_opened",
            context={"step": step, "person": person, "url": step_url(step)},
            case_type=case_type,
            case_id=case_id,
        )
    if not named or assignee.kind == AssigneeKind.committee:
        alert_if_orphaned(session, step, now)  # nobody may decide it: tell who can fix that
    return step


def validate_form(step: HumanStep, data: dict[str, Any]) -> DecisionForm:
    """Parse ``data`` with the step's form; pydantic's ValidationError means 422."""
    form = form_class(step.form).model_validate(data)
    if form.outcome.value not in step.allowed_outcomes:
        allowed = ", ".join(Outcome(o).thai for o in step.allowed_outcomes)
        raise InvalidInput(
            f"ขั้นตอนนี้เลือกได้เฉพาะ: {allowed}", field="outcome", allowed=step.allowed_outcomes
        )
    return form


@dataclass(frozen=True)
class DecisionResult:
    decision: Decision
    step: HumanStep
    repeated: bool
    """The same decision was already on record; nothing changed."""
    closed_now: bool
    """This decision closed the step (a committee step may stay open below quorum)."""


def decide(
    session: Session,
    *,
    step_id: int,
    user: User,
    data: dict[str, Any],
    now: datetime | None = None,
) -> DecisionResult:
    """Record ``user``'s decision on a step and, if that closes it, apply the outcome.

    The step row is locked first, so two concurrent deciders are serialised: one wins, the
    other gets Conflict (or, if it made the same decision, the recorded one back)."""
    now = now or utcnow()
    step = session.get(HumanStep, step_id, with_for_update=True, populate_existing=True)
    if step is None:
        raise NotFound("ไม่พบขั้นตอนนี้")
    who = standing(session, user=user, step=step, at=now)  # 403 before any word on the form
    form = validate_form(step, data)
    previous = session.exec(
        select(Decision).where(
            Decision.step_id == step.id, Decision.principal_user_id == who.principal.id
        )
    ).first()
    if previous is not None:
        if _same(previous, form):
            return DecisionResult(previous, step, repeated=True, closed_now=False)
        raise Conflict(
            "มีการพิจารณาขั้นตอนนี้ในนามของท่านไว้แล้วด้วยความเห็นอื่น",
            decided_at=previous.decided_at.isoformat(),
            outcome=previous.outcome,
        )
    if step.status != StepStatus.open:
        raise Conflict(
            "ขั้นตอนนี้มีผู้พิจารณาแล้ว",
            status=step.status,
            outcome=step.outcome,
        )

    decision = Decision(
        step_id=step.id,  # type: ignore[arg-type]
        user_id=user.id,  # type: ignore[arg-type]
        position=user.position,
        acting_for_user_id=who.acting_for_user_id,
        principal_user_id=who.principal.id,  # type: ignore[arg-type]
        committee_role=_committee_role(session, step, who.principal),
        outcome=form.outcome,
        comment=form.comment,
        fields=form.step_fields(),
        decided_at=now,
    )
    session.add(decision)
    session.flush()
    audit.record(
        session,
        case_type=step.case_type,
        case_id=step.case_id,
        action="vote" if step.assignee_kind == AssigneeKind.committee else "decision",
        actor=user,
        acting_for_user_id=who.acting_for_user_id,
        detail={
            "step_id": step.id,
            "key": step.key,
            "outcome": form.outcome.value,
            "comment": form.comment,
            "fields": decision.fields,
        },
    )

    outcome = (
        _committee_outcome(session, step)
        if step.assignee_kind == AssigneeKind.committee
        else form.outcome
    )
    if outcome is None:
        return DecisionResult(decision, step, repeated=False, closed_now=False)
    _close(session, step, outcome, now)
    workflow_for(step.case_type).on_step_closed(session, step, decision)
    return DecisionResult(decision, step, repeated=False, closed_now=True)


def _same(previous: Decision, form: DecisionForm) -> bool:
    return (
        previous.outcome == form.outcome
        and previous.comment == form.comment
        and previous.fields == form.step_fields()
    )


def _committee_role(session: Session, step: HumanStep, principal: User) -> str | None:
    if step.assignee_kind != AssigneeKind.committee:
        return None
    return session.exec(
        select(CommitteeMember.role).where(
            CommitteeMember.committee_id == step.committee_id,
            CommitteeMember.user_id == principal.id,
        )
    ).first()


def _committee_outcome(session: Session, step: HumanStep) -> Outcome | None:
    """The committee's decision once quorum is reached: the majority of votes cast; on a tie
    the chair's vote decides (พ.ร.บ.วิธีปฏิบัติราชการทางปกครอง มาตรา 82); a tie that nobody
    can break any more (all have voted) does not pass. None while open."""
    committee = session.get(Committee, step.committee_id)
    if committee is None:
        raise NotFound("ไม่พบคณะกรรมการของขั้นตอนนี้")
    votes = list(session.exec(select(Decision).where(Decision.step_id == step.id)))
    if len(votes) < committee.quorum:
        return None
    tally = Counter(Outcome(v.outcome) for v in votes).most_common()
    leader, top = tally[0]
    if len(tally) == 1 or top > tally[1][1]:
        return leader
    chair_vote = next((v for v in votes if v.committee_role == CommitteeRole.chair), None)
    tied = {outcome for outcome, count in tally if count == top}
    if chair_vote is not None and Outcome(chair_vote.outcome) in tied:
        return Outcome(chair_vote.outcome)
    members = session.exec(
        select(CommitteeMember.id).where(CommitteeMember.committee_id == committee.id)
    ).all()
    if len(votes) >= len(members):
        return Outcome.reject  # everyone voted, no majority and no casting vote: not passed
    return None


def _close(session: Session, step: HumanStep, outcome: Outcome, now: datetime) -> None:
    step.status = StepStatus.decided
    step.outcome = outcome.value
    step.closed_at = now
    session.add(step)
    session.flush()
    audit.record(
        session,
        case_type=step.case_type,
        case_id=step.case_id,
        action="step_closed",
        detail={"step_id": step.id, "key": step.key, "outcome": outcome.value},
        public=True,
    )


def cancel_open_steps(session: Session, *, case_type: str, case_id: int, reason: str) -> int:
    """Close every open step of a case that ended another way (e.g. withdrawn)."""
    steps = session.exec(
        select(HumanStep).where(
            HumanStep.case_type == case_type,
            HumanStep.case_id == case_id,
            HumanStep.status == StepStatus.open,
        )
    ).all()
    for step in steps:
        step.status = StepStatus.cancelled
        step.closed_at = utcnow()
        session.add(step)
        audit.record(
            session,
            case_type=case_type,
            case_id=case_id,
            action="step_cancelled",
            detail={"step_id": step.id, "key": step.key, "reason": reason},
        )
    return len(steps)


def open_steps_of_case(session: Session, *, case_type: str, case_id: int) -> list[HumanStep]:
    return list(
        session.exec(
            select(HumanStep)
            .where(
                HumanStep.case_type == case_type,
                HumanStep.case_id == case_id,
                HumanStep.status == StepStatus.open,
            )
            .order_by(col(HumanStep.id))
        )
    )


def decisions_of_step(session: Session, *, step_id: int) -> list[Decision]:
    return list(
        session.exec(select(Decision).where(Decision.step_id == step_id).order_by(col(Decision.id)))
    )
