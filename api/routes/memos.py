"""Memos: the demo workflow that climbs the approval chain."""

from typing import Any

from fastapi import APIRouter, BackgroundTasks, status
from pydantic import BaseModel
from sqlmodel import col, or_, select

from api.deps import (
    CurrentUser,
    EngineDep,
    OrchestratorDep,
    SessionDep,
    in_transaction,
    sync_case_later,
)
from api.schemas import StepPublic
from domain.errors import NotEntitled, NotFound
from domain.memo import CASE_TYPE, MemoWorkflow, create_memo
from models.memo import Memo, MemoCreate, MemoPublic
from models.people import User
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
    orchestrator: OrchestratorDep,
    background: BackgroundTasks,
) -> MemoPublic:
    """Submit a memo; its first level opens at once and its flow run starts."""

    def work(session: Any) -> MemoPublic:
        memo = create_memo(session, data=data, originator=session.get(User, user.id))
        return MemoPublic.model_validate(memo, from_attributes=True)

    memo = in_transaction(engine, work)
    background.add_task(sync_case_later, orchestrator, CASE_TYPE, memo.id)
    return memo


@router.get("", response_model=list[MemoPublic])
def list_memos(user: CurrentUser, session: SessionDep, limit: int = 100) -> list[MemoPublic]:
    """Memos of your division and those you wrote, newest first."""
    memos = session.exec(
        select(Memo)
        .where(or_(Memo.originator_id == user.id, Memo.division_id == user.division_id))
        .order_by(col(Memo.id).desc())
        .limit(min(limit, 500))
    )
    return [MemoPublic.model_validate(m, from_attributes=True) for m in memos]


@router.get("/{memo_id}", response_model=MemoDetail)
def read_memo(memo_id: int, user: CurrentUser, session: SessionDep) -> MemoDetail:
    memo = session.get(Memo, memo_id)
    if memo is None:
        raise NotFound("ไม่พบบันทึกข้อความ")
    if not MemoWorkflow().can_view(session, user=user, case_id=memo_id):
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
