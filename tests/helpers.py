"""Small helpers shared by tests."""

from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from domain.engine.steps import decide, open_steps_of_case
from domain.memo.rules import create_memo
from models.memo import Memo, MemoCreate
from models.people import User
from models.steps import HumanStep


def submit_memo(engine: Engine, author: User, chain: str = "memo") -> int:
    with Session(engine, expire_on_commit=False) as s:
        memo = create_memo(
            s, data=MemoCreate(subject="ขออนุมัติจัดซื้อวัสดุสำนักงาน", chain=chain), originator=author
        )
        s.commit()
        return memo.id  # type: ignore[return-value]


def open_step(engine: Engine, memo_id: int) -> HumanStep:
    with Session(engine, expire_on_commit=False) as s:
        steps = open_steps_of_case(s, case_type="memo", case_id=memo_id)
    assert len(steps) == 1, steps
    return steps[0]


def act(engine: Engine, user: User, memo_id: int, **form: Any) -> HumanStep:
    """Decide the memo's open step as ``user``; return the step that was decided."""
    step = open_step(engine, memo_id)
    with Session(engine, expire_on_commit=False) as s:
        decide(s, step_id=step.id, user=s.get(User, user.id), data=form)
        s.commit()
    return step


def memo(engine: Engine, memo_id: int) -> Memo:
    with Session(engine, expire_on_commit=False) as s:
        found = s.get(Memo, memo_id)
        assert found is not None
        return found


def steps_of(engine: Engine, memo_id: int) -> list[HumanStep]:
    with Session(engine, expire_on_commit=False) as s:
        return list(
            s.exec(select(HumanStep).where(HumanStep.case_id == memo_id).order_by(HumanStep.id))
        )
