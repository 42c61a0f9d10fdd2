"""The memo workflow (บันทึกข้อความ): a memo climbs its chain level by level; a level may
approve it upward, send it back to a named lower level (the round is counted), or reject it."""

from pathlib import Path

from sqlmodel import Session, select

from core.db import utcnow
from core.settings import get_settings
from domain import audit
from domain.authority import holders
from domain.chains import ORIGINATOR, Chain, Level, chain_named
from domain.errors import InvalidInput, NotFound
from domain.notify import queue_email
from domain.runs import request_flow_run
from domain.statemachine import Transitions
from domain.steps import Assignee, open_step
from domain.workflows import register
from models.memo import Memo, MemoCreate, MemoStatus
from models.people import Position, User
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


def step_key(memo_id: int, level_key: str, round: int) -> str:
    return f"memo-{memo_id}-{level_key}-r{round}"


def create_memo(
    session: Session, *, data: MemoCreate, originator: User, chains_file: Path | None = None
) -> Memo:
    """Register a memo and open its first level; the flow run is requested in the same
    transaction."""
    if originator.division_id is None:
        raise InvalidInput("ผู้เสนอต้องสังกัดกอง/สำนัก จึงจะเสนอบันทึกข้อความได้")
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


class MemoWorkflow:
    case_type = CASE_TYPE
    deployment = "memo-approval/memo-approval"

    def on_step_closed(self, session: Session, *, step: HumanStep, decision: Decision) -> None:
        memo = session.get(Memo, step.case_id, with_for_update=True)
        if memo is None:
            raise NotFound("ไม่พบบันทึกข้อความ")
        chain = _chain(memo)
        outcome = Outcome(step.outcome)
        if step.level == ORIGINATOR:
            if outcome is Outcome.reject:
                _finish(session, memo, MemoStatus.withdrawn, decision)
            else:
                _open_level(session, memo, chain.first())
            return
        assert step.level is not None
        if outcome is Outcome.reject:
            _finish(session, memo, MemoStatus.rejected, decision)
        elif outcome is Outcome.return_for_revision:
            target = str(decision.fields.get("return_to"))
            chain.check_return_target(from_key=step.level, to_key=target)
            memo.returns_count += 1
            session.add(memo)
            audit.record(
                session,
                case_type=CASE_TYPE,
                case_id=memo.id,  # type: ignore[arg-type]
                action="memo_returned",
                detail={"from": step.level, "to": target, "round": memo.returns_count + 1},
                public=True,
            )
            if target == ORIGINATOR:
                _open_revision(session, memo)
            else:
                _open_level(session, memo, chain.levels[chain.index(target)])
        else:
            upper = chain.after(step.level)
            if upper is None:
                _finish(session, memo, MemoStatus.approved, decision)
            else:
                _open_level(session, memo, upper)

    def can_view(self, session: Session, *, user: User, case_id: int) -> bool:
        memo = session.get(Memo, case_id)
        if memo is None:
            return False
        if user.id == memo.originator_id or user.division_id == memo.division_id:
            return True
        if Position(user.position).rank >= Position.deputy_permanent_secretary.rank:
            return True
        steps = session.exec(
            select(HumanStep).where(HumanStep.case_type == CASE_TYPE, HumanStep.case_id == case_id)
        )
        return any(user.id in {h.id for h in holders(session, step=s)} for s in steps)

    def is_finished(self, session: Session, *, case_id: int) -> bool:
        memo = session.get(Memo, case_id)
        return memo is None or memo.status != MemoStatus.in_review


register(MemoWorkflow())
