"""The engine's use cases, each in one unit of work: the JSON API, the pages and ``ops`` call
these."""

from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.db import in_transaction
from domain.engine import audit
from domain.engine.accounts import end_logins
from domain.engine.authority import outranks
from domain.engine.deadlines import sweep_orphans
from domain.engine.steps import DecisionResult, decide
from domain.errors import Conflict, NotEntitled, NotFound
from models.people import ActingAssignment, Position, User


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


def assign_acting(
    engine: Engine,
    *,
    signer_id: int,
    acting_user_id: int,
    for_user_id: int,
    starts_at: datetime,
    ends_at: datetime,
    order_ref: str | None = None,
) -> ActingAssignment:
    """Record an order that one officer acts for another (รักษาราชการแทน) from ``starts_at``
    to ``ends_at``. Only the permanent secretary or above signs such orders here."""

    def work(session: Session) -> ActingAssignment:
        signer = session.get(User, signer_id)
        if signer is None or not outranks(signer, Position.permanent_secretary):
            raise NotEntitled("คำสั่งให้รักษาราชการแทนต้องลงนามโดยปลัดเทศบาลขึ้นไป")
        for uid in (acting_user_id, for_user_id):
            if session.get(User, uid) is None:
                raise NotFound(f"ไม่พบผู้ใช้รหัส {uid}")
        row = ActingAssignment(
            acting_user_id=acting_user_id,
            for_user_id=for_user_id,
            starts_at=starts_at,
            ends_at=ends_at,
            order_ref=order_ref,
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            case_type="acting",
            case_id=row.id,  # type: ignore[arg-type]
            action="acting_assigned",
            actor=signer,
            detail={
                "acting_user_id": acting_user_id,
                "for_user_id": for_user_id,
                "starts_at": starts_at.isoformat(),
                "ends_at": ends_at.isoformat(),
                "order_ref": order_ref,
            },
        )
        return row

    return in_transaction(engine, work)


def sign_out(engine: Engine, *, user_id: int) -> None:
    """Log the user out everywhere: every token issued to the user so far stops working."""
    in_transaction(engine, lambda session: end_logins(session, user_id))


def deactivate_user(engine: Engine, *, actor_id: int, user_id: int) -> User:
    """Close an officer's account: no more sign-in, and every token of the user stops working
    at once. Only the permanent secretary or above; not one's own account."""

    def work(session: Session) -> User:
        actor = session.get(User, actor_id)
        if actor is None or not actor.active or not outranks(actor, Position.permanent_secretary):
            raise NotEntitled("การระงับบัญชีผู้ใช้ต้องทำโดยปลัดเทศบาลขึ้นไป")
        user = session.get(User, user_id, with_for_update=True)
        if user is None:
            raise NotFound(f"ไม่พบผู้ใช้รหัส {user_id}")
        if user.id == actor.id:
            raise Conflict("ระงับบัญชีของตนเองไม่ได้")
        if user.active:
            user.active = False
            session.add(user)
            session.flush()
            end_logins(session, user_id)
            audit.record(
                session,
                case_type="user",
                case_id=user_id,
                action="user_deactivated",
                actor=actor,
                detail={"username": user.username},
            )
            sweep_orphans(session)  # steps only this user could decide: alert who can fix it
        session.refresh(user)
        return user

    return in_transaction(engine, work)
