"""The engine's use cases, each in one unit of work: the JSON API, the pages and ``ops`` call
these."""

from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.db import in_transaction
from domain.engine.steps import DecisionResult, decide
from domain.errors import NotEntitled
from models.people import User


def decide_step(
    engine: Engine, *, step_id: int, user_id: int, data: dict[str, Any]
) -> DecisionResult:
    """Record a decision on a step and apply its outcome, committed whole (a collision with a
    concurrent decider is retried and then answered as a repeat or a conflict)."""

    def work(session: Session) -> DecisionResult:
        user = session.get(User, user_id)
        if user is None:
            raise NotEntitled("บัญชีผู้ใช้นี้ใช้งานไม่ได้")
        return decide(session, step_id=step_id, user=user, data=data)

    return in_transaction(engine, work)
