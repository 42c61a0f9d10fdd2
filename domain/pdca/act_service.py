"""The Act's use cases, each in one unit of work: the JSON API, the pages, the flow's Act stage,
the demo data and the tests call these."""

from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.db import in_transaction
from domain.errors import Conflict, NotEntitled
from domain.pdca import act
from domain.pdca.orders import local_today
from domain.pdca.rounds import get_round
from models.pdca_act import CarryOverProposal, Lesson
from models.pdca_round import RoundKind
from models.people import User


def _actor(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise NotEntitled("บัญชีผู้ใช้นี้ใช้งานไม่ได้")
    return user


def propose_carry_over(
    engine: Engine, *, round_id: int, user_id: int | None = None, today: date | None = None
) -> list[CarryOverProposal]:
    """Put the 12-month round's undone projects before the steering committee (กย., or the
    flow's Act stage when ``user_id`` is None). Safe to repeat."""

    def work(session: Session) -> list[CarryOverProposal]:
        actor = _actor(session, user_id) if user_id is not None else None
        if actor is not None:
            act.check_coordinator(session, actor)
        rnd = get_round(session, round_id, lock=True)
        return act.propose_carry_over_in(session, rnd, actor=actor, today=today or local_today())

    return in_transaction(engine, work)


def write_lesson(
    engine: Engine,
    *,
    user_id: int,
    round_id: int,
    project_id: int | None,
    lesson: str,
    improvement: str = "",
) -> Lesson:
    return in_transaction(
        engine,
        lambda session: act.write_lesson_in(
            session,
            actor=_actor(session, user_id),
            round_id=round_id,
            project_id=project_id,
            lesson=lesson,
            improvement=improvement,
        ),
    )


def open_act_stage(engine: Engine, *, round_id: int, today: date | None = None) -> str:
    """The flow's Act stage, after the Check: a 12-month round's undone projects go before the
    steering committee. What happened, for the run's log (a round with no order in force
    waits for กย. to propose from the page once the order is recorded)."""
    with Session(engine) as session:
        kind = get_round(session, round_id).kind
    if kind != RoundKind.twelve_month:
        return "รอบ 6 เดือน: ไม่มีการเสนอยกโครงการไปปีถัดไป"
    try:
        found = propose_carry_over(engine, round_id=round_id, today=today)
    except Conflict as exc:
        return exc.message
    return f"เสนอคณะกรรมการฝ่ายอำนวยการพิจารณา {len(found)} โครงการ"
