"""The memo workflow (บันทึกข้อความ): a memo climbs its chain level by level; a level may
approve it upward, send it back to a named lower level (the round is counted), or reject it."""

from pathlib import Path

from sqlmodel import Session

from core.db import utcnow
from core.settings import get_settings
from domain.engine import audit
from domain.engine.chains import (
    LEVEL_STEP,
    ORIGINATOR,
    REVISION_STEP,
    Chain,
    Level,
    chain_named,
    load_chains,
    walk,
)
from domain.engine.notify import queue_email
from domain.engine.registry import Audience
from domain.engine.runs import request_flow_run
from domain.engine.statemachine import Transitions
from domain.engine.steps import Assignee, open_step
from domain.errors import InvalidInput, NotFound
from models.memo import Memo, MemoCreate, MemoStatus
from models.people import User
from models.steps import Decision, HumanStep, Outcome

CASE_TYPE = "memo"

TRANSITIONS = Transitions(
    {
        MemoStatus.in_review: frozenset(
            {MemoStatus.approved, MemoStatus.rejected, MemoStatus.withdrawn}
        ),
    }
)


def _chain(memo: Memo) -> Chain:
    return chain_named(get_settings().chains_file, memo.chain)


def chain_of(session: Session, case_id: int) -> Chain:
    """The chain memo ``case_id`` climbs."""
    memo = session.get(Memo, case_id)
    if memo is None:
        raise NotFound("ไม่พบบันทึกข้อความ")
    return _chain(memo)


def step_key(memo_id: int, level_key: str, round: int) -> str:
    return f"memo-{memo_id}-{level_key}-r{round}"


MEMO_CHAINS = "memo"
"""Memos climb the chains whose name starts with this (the others belong to other workflows,
e.g. ``pdca-plan``)."""


def memo_chains(path: Path | None = None) -> list[Chain]:
    """The chains a memo may be proposed on."""
    chains = load_chains(path or get_settings().chains_file)
    return [c for name, c in chains.items() if name.startswith(MEMO_CHAINS)]


def create_memo(
    session: Session, *, data: MemoCreate, originator: User, chains_file: Path | None = None
) -> Memo:
    """Register a memo and open its first level; the flow run is requested in the same
    transaction."""
    if originator.division_id is None:
        raise InvalidInput("ผู้เสนอต้องสังกัดกอง/สำนัก จึงจะเสนอบันทึกข้อความได้")
    if not data.chain.startswith(MEMO_CHAINS):
        raise InvalidInput(f"สายการอนุมัติ {data.chain} ไม่ใช่สายของบันทึกข้อความ", field="chain")
    chain = chain_named(chains_file or get_settings().chains_file, data.chain)
    memo = Memo(
        **data.model_dump(), division_id=originator.division_id, originator_id=originator.id
    )
    session.add(memo)
    session.flush()
    audit.record(
        session,
        case_type=CASE_TYPE,
        case_id=memo.id,  # type: ignore[arg-type]
        action="memo_created",
        actor=originator,
        detail={"subject": memo.subject, "chain": chain.name},
        public=True,
    )
    _open_level(session, memo, chain.first())
    request_flow_run(
        session,
        case_type=CASE_TYPE,
        case_id=memo.id,
        parameters={"memo_id": memo.id},  # type: ignore[arg-type]
    )
    return memo


def _open_level(session: Session, memo: Memo, level: Level) -> HumanStep:
    return open_step(
        session,
        case_type=CASE_TYPE,
        case_id=memo.id,  # type: ignore[arg-type]
        key=step_key(memo.id, level.key, memo.returns_count + 1),  # type: ignore[arg-type]
        title=f"{level.title}: {memo.subject}",
        assignee=level.assignee(session, division_id=memo.division_id),
        form="chain-decision",
        allowed_outcomes=list(level.outcomes),
        due_in_working_days=level.due_working_days,
        kind=LEVEL_STEP,
        level=level.key,
        round=memo.returns_count + 1,
    )


def _open_revision(session: Session, memo: Memo) -> HumanStep:
    """Back to the author: resubmit after revising (approve) or withdraw (reject)."""
    return open_step(
        session,
        case_type=CASE_TYPE,
        case_id=memo.id,  # type: ignore[arg-type]
        key=step_key(memo.id, ORIGINATOR, memo.returns_count + 1),  # type: ignore[arg-type]
        title=f"แก้ไขและเสนอใหม่: {memo.subject}",
        assignee=Assignee.person(memo.originator_id),
        form="chain-decision",
        allowed_outcomes=[Outcome.approve, Outcome.reject],
        due_in_working_days=3,
        kind=REVISION_STEP,
        level=ORIGINATOR,
        round=memo.returns_count + 1,
    )


def _finish(session: Session, memo: Memo, status: MemoStatus, decision: Decision) -> None:
    memo.status = TRANSITIONS.check(memo.status, status)
    memo.finished_at = utcnow()
    session.add(memo)
    audit.record(
        session,
        case_type=CASE_TYPE,
        case_id=memo.id,  # type: ignore[arg-type]
        action=f"memo_{status.value}",
        detail={"status": status.value, "decision_id": decision.id},
        public=True,
    )
    originator = session.get(User, memo.originator_id)
    if originator is not None:
        queue_email(
            session,
            dedupe_key=f"memo-finished:{memo.id}",
            to=originator.email,
            template="memo_finished",
            context={"memo": memo, "person": originator, "decision": decision},
            case_type=CASE_TYPE,
            case_id=memo.id,
        )


def on_step_closed(session: Session, step: HumanStep, decision: Decision) -> None:
    """Move the memo along its chain (``domain.engine.chains.walk``)."""
    memo = session.get(Memo, step.case_id, with_for_update=True)
    if memo is None:
        raise NotFound("ไม่พบบันทึกข้อความ")
    chain = _chain(memo)
    outcome = Outcome(str(step.outcome))  # the step was just closed: it has one
    return_to = decision.fields.get("return_to")
    move = walk(
        chain,
        step_kind=step.kind,
        level_key=step.level,
        outcome=outcome,
        return_to=str(return_to) if return_to else None,
    )
    if move.finish is not None:
        _finish(session, memo, MemoStatus(move.finish), decision)
        return
    if outcome is Outcome.return_for_revision:
        memo.returns_count += 1
        session.add(memo)
        audit.record(
            session,
            case_type=CASE_TYPE,
            case_id=memo.id,  # type: ignore[arg-type]
            action="memo_returned",
            detail={"from": step.level, "to": return_to, "round": memo.returns_count + 1},
            public=True,
        )
    if move.revise:
        _open_revision(session, memo)
    elif move.open_level is not None:
        _open_level(session, memo, move.open_level)


def audience(session: Session, case_id: int) -> Audience | None:
    """The author and the author's division."""
    memo = session.get(Memo, case_id)
    if memo is None:
        return None
    return Audience(
        user_ids=frozenset({memo.originator_id}), division_ids=frozenset({memo.division_id})
    )


def is_finished(session: Session, case_id: int) -> bool:
    memo = session.get(Memo, case_id)
    return memo is None or memo.status != MemoStatus.in_review
