"""Memos: the demo workflow that climbs the approval chain."""

from fastapi import APIRouter, BackgroundTasks, status
from pydantic import BaseModel
from sqlmodel import col, or_, select

from api.deps import (
    CaseSyncDep,
    CurrentUser,
    EngineDep,
    Limit,
    PathId,
    SessionDep,
    sync_case_later,
)
from api.schemas import StepPublic
from domain.engine.visibility import can_view
from domain.errors import NotEntitled, NotFound
from domain.memo.rules import CASE_TYPE
from domain.memo.service import propose
from models.memo import Memo, MemoCreate, MemoPublic
from models.steps import HumanStep

router = APIRouter(prefix="/api/memos", tags=["memos"])


class MemoDetail(BaseModel):
    memo: MemoPublic
    steps: list[StepPublic]


@router.post("", response_model=MemoPublic, status_code=status.HTTP_201_CREATED)
def submit_memo(
    data: MemoCreate,
    user: CurrentUser,
    engine: EngineDep,
    orchestrator: CaseSyncDep,
    background: BackgroundTasks,
) -> MemoPublic:
    """Submit a memo; its first level opens at once and its flow run starts."""

    memo = propose(engine, author_id=user.id, data=data)  # type: ignore[arg-type]
    background.add_task(sync_case_later, orchestrator, CASE_TYPE, memo.id)
    return MemoPublic.model_validate(memo, from_attributes=True)


@router.get("", response_model=list[MemoPublic])
def list_memos(user: CurrentUser, session: SessionDep, limit: Limit = 100) -> list[MemoPublic]:
    """Memos of your division and those you wrote, newest first."""
    memos = session.exec(
        select(Memo)
        .where(or_(Memo.originator_id == user.id, Memo.division_id == user.division_id))
        .order_by(col(Memo.id).desc())
        .limit(limit)
    )
    return [MemoPublic.model_validate(m, from_attributes=True) for m in memos]


@router.get("/{memo_id}", response_model=MemoDetail)
def read_memo(memo_id: PathId, user: CurrentUser, session: SessionDep) -> MemoDetail:
    memo = session.get(Memo, memo_id)
    if memo is None:
        raise NotFound("ไม่พบบันทึกข้อความ")
    if not can_view(session, user=user, case_type=CASE_TYPE, case_id=memo_id):
        raise NotEntitled("ท่านไม่มีสิทธิ์ดูบันทึกข้อความนี้")
    steps = session.exec(
        select(HumanStep)
        .where(HumanStep.case_type == CASE_TYPE, HumanStep.case_id == memo_id)
        .order_by(col(HumanStep.id))
    )
    return MemoDetail(
        memo=MemoPublic.model_validate(memo, from_attributes=True),
        steps=[StepPublic.model_validate(s) for s in steps],
    )
