"""A child's typed outcomes (seed 001, 5C "Complete": "สามารถเข้าระบบการศึกษา กลับสู่ครอบครัว
หรือมีอาชีพ"): back in school at M.3, M.6 or university, a job, an ID card issued, returned to
family. A child may have several, each with its date; the figures count them by type."""

from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.db import in_transaction
from domain.children.devlog import latest_case, not_future, writer
from domain.errors import InvalidInput
from models.children_referrals import ChildOutcome, OutcomeKind, SchoolLevel


def record_outcome(
    engine: Engine,
    *,
    user_id: int,
    person_id: int,
    kind: OutcomeKind,
    achieved_on: date,
    level: SchoolLevel | None = None,
    note: str = "",
) -> ChildOutcome:
    """One outcome of a child; the same outcome on the same day is recorded once."""
    if kind == OutcomeKind.school and level is None:
        raise InvalidInput("กรุณาระบุระดับการศึกษา (ม.3 ม.6 หรือปริญญาตรี)", field="level")
    if kind != OutcomeKind.school and level is not None:
        raise InvalidInput("ระบุระดับการศึกษาได้เฉพาะผลลัพธ์กลับเข้าสู่ระบบการศึกษา", field="level")
    not_future(achieved_on, "achieved_on")
    level_key = level.value if level else ""

    def work(session: Session) -> ChildOutcome:
        user = writer(session, user_id, person_id)
        found = session.exec(
            select(ChildOutcome).where(
                ChildOutcome.person_id == person_id,
                ChildOutcome.kind == kind,
                ChildOutcome.level == level_key,
                ChildOutcome.achieved_on == achieved_on,
            )
        ).first()
        if found is not None:
            return found
        outcome = ChildOutcome(
            person_id=person_id,
            case_id=latest_case(session, person_id),
            kind=kind,
            level=level_key,
            achieved_on=achieved_on,
            note=note.strip(),
            recorded_by_id=user.id,  # type: ignore[arg-type]
        )
        session.add(outcome)
        session.flush()
        return outcome

    return in_transaction(engine, work)


def outcome_title(outcome: ChildOutcome) -> str:
    title = OutcomeKind(outcome.kind).thai
    return f"{title} ({SchoolLevel(outcome.level).thai})" if outcome.level else title
