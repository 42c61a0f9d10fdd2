"""A child's case as its readers see it (the core person's page, the health staff, the
teachers): the child, the school and class, the parents and how they are reached, the
household, the screening result that opened it, what each stage found, the plan's actions
and the steps. Read only through ``read_case`` (``guarded_read``: every read logged)."""

from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from domain.children.path import get_case
from domain.children.protection import CASE_RECORD, case_rule
from domain.children.states import CASE_TYPE
from domain.engine.readlog import guarded_read
from domain.errors import NotFound
from models.children import (
    CaseEntry,
    ChildCase,
    Guardian,
    PlanAction,
    Pupil,
    ScreeningResult,
    ScreeningSession,
)
from models.people import User
from models.screening import Household, Person, School
from models.steps import HumanStep

ENTRY_TITLES = {
    "medical": "ผลการตรวจประเมินทางการแพทย์",
    "home_visit": "ผลการเยี่ยมบ้าน",
    "conference_skipped": "เหตุผลที่ไม่ต้องประชุมรายกรณี",
    "conference": "การประชุมรายกรณี",
    "follow_up": "การติดตามผล",
}


@dataclass(frozen=True)
class ParentLine:
    guardian: Guardian
    person: Person


@dataclass
class CaseRecord:
    case: ChildCase
    child: Person
    core_person: User
    school: School | None
    pupil: Pupil | None
    household: Household | None
    result: ScreeningResult | None
    session: ScreeningSession | None
    parents: list[ParentLine] = field(default_factory=list)
    entries: list[CaseEntry] = field(default_factory=list)
    actions: list[PlanAction] = field(default_factory=list)
    steps: list[HumanStep] = field(default_factory=list)
    people: dict[int, User] = field(default_factory=dict)
    """Authors and owners by id."""


def _load(session: Session, case_id: int) -> CaseRecord:
    case = get_case(session, case_id)
    child = session.get(Person, case.person_id)
    core = session.get(User, case.core_person_id)
    if child is None or core is None:
        raise NotFound("ข้อมูลกรณีไม่ครบ")
    result = (
        session.get(ScreeningResult, case.screening_result_id) if case.screening_result_id else None
    )
    pupil = session.exec(
        select(Pupil)
        .where(Pupil.person_id == child.id, Pupil.active == True)  # noqa: E712
        .order_by(col(Pupil.academic_year).desc())
    ).first()
    record = CaseRecord(
        case=case,
        child=child,
        core_person=core,
        school=session.get(School, case.school_id) if case.school_id else None,
        pupil=pupil,
        household=session.get(Household, child.household_id) if child.household_id else None,
        result=result,
        session=session.get(ScreeningSession, result.session_id) if result else None,
    )
    for guardian, parent in session.exec(
        select(Guardian, Person)
        .join(Person, col(Person.id) == Guardian.guardian_id)
        .where(Guardian.child_id == child.id)
        .order_by(col(Guardian.id))
    ).all():
        record.parents.append(ParentLine(guardian, parent))
    record.entries = list(
        session.exec(
            select(CaseEntry).where(CaseEntry.case_id == case_id).order_by(col(CaseEntry.id))
        )
    )
    record.actions = list(
        session.exec(
            select(PlanAction).where(PlanAction.case_id == case_id).order_by(col(PlanAction.id))
        )
    )
    record.steps = list(
        session.exec(
            select(HumanStep)
            .where(HumanStep.case_type == CASE_TYPE, HumanStep.case_id == case_id)
            .order_by(col(HumanStep.id))
        )
    )
    ids = {e.author_id for e in record.entries} | {
        a.owner_user_id for a in record.actions if a.owner_user_id
    }
    record.people = {
        u.id: u  # type: ignore[misc]
        for u in session.exec(select(User).where(col(User.id).in_(ids or {0})))
    }
    return record


def read_case(
    engine: Engine, *, user_id: int, case_id: int, purpose: str, channel: str = ""
) -> CaseRecord:
    """The case's record for a reader who may (the read logged); NotEntitled (logged) for
    anyone else, with the reason."""
    with Session(engine) as session:
        if session.get(ChildCase, case_id) is None:
            raise NotFound("ไม่พบกรณีดูแลเด็กนี้")
    return guarded_read(
        engine,
        user_id=user_id,
        record_type=CASE_RECORD,
        record_id=case_id,
        purpose=purpose,
        rules={"record": case_rule(case_id)},
        load=lambda session, _user, _scopes: _load(session, case_id),
        channel=channel,
    )
