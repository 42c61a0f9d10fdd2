"""Who may read a child's risk label and case (seed 002: reduce stigma): the child's teachers
(linked to the child's school, for every class or the child's class), the health staff
(config/children/care.toml [protection] health_division), and the case's core person. Every
read goes through ``domain.engine.readlog.guarded_read`` and is logged, allowed or refused,
with its purpose. Parents have no login: they are reached by notices only. The executives do
not read cases (the workflow is sealed): they get counts.

Other modules name more readers of a case with a line in ``READER_RULES``
("module:function" taking (session, user, case) and answering whether the user may read it,
e.g. the contact of an agency a child is referred to)."""

import importlib
from collections.abc import Callable

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, or_, select

from domain.children.config import care_config
from domain.children.path import get_case
from domain.engine.readlog import Verdict, guarded_read
from domain.engine.registry import Audience
from domain.errors import NotFound
from models.children import ChildCase, Pupil, SchoolTeacher
from models.people import Division, User

CASE_RECORD = "child-case"
CHILD_RECORD = "child"
CLASS_RECORD = "child-class"
REFUSED = "เฉพาะครูของเด็ก เจ้าหน้าที่สาธารณสุข และผู้รับผิดชอบหลักของกรณีเข้าดูได้"

ReaderRule = Callable[[Session, User, ChildCase], bool]
READER_RULES: tuple[str, ...] = ("domain.children.referral_access:contact_reads_case",)
"""More readers of a child's case, each "module:function" (session, user, case)."""


def is_health_staff(session: Session, user: User) -> bool:
    if not user.active or user.division_id is None:
        return False
    division = session.get(Division, user.division_id)
    return division is not None and division.code == care_config().health_division


def teaches_class(session: Session, user: User, school_id: int, class_name: str) -> bool:
    """Linked to the school for every class, or to this class."""
    return (
        session.exec(
            select(SchoolTeacher.id).where(
                SchoolTeacher.user_id == user.id,
                SchoolTeacher.school_id == school_id,
                or_(SchoolTeacher.class_name == "", SchoolTeacher.class_name == class_name),
            )
        ).first()
        is not None
    )


def teaches_child(session: Session, user: User, person_id: int) -> bool:
    """A teacher of a school and class the child is (actively) enrolled in."""
    if not user.active:
        return False
    enrolments = session.exec(
        select(Pupil).where(Pupil.person_id == person_id, Pupil.active == True)  # noqa: E712
    ).all()
    return any(teaches_class(session, user, p.school_id, p.class_name) for p in enrolments)


def _extra_rules() -> list[ReaderRule]:
    rules = []
    for spec in READER_RULES:
        module_name, function = spec.split(":")
        rules.append(getattr(importlib.import_module(module_name), function))
    return rules


def may_read_case(session: Session, user: User, case: ChildCase) -> bool:
    if not user.active:
        return False
    if user.id == case.core_person_id or is_health_staff(session, user):
        return True
    if teaches_child(session, user, case.person_id):
        return True
    return any(rule(session, user, case) for rule in _extra_rules())


def may_read_child(session: Session, user: User, person_id: int) -> bool:
    """A child's risk labels: the child's teachers, the health staff, and whoever may read
    one of the child's cases."""
    if not user.active:
        return False
    if is_health_staff(session, user) or teaches_child(session, user, person_id):
        return True
    cases = session.exec(select(ChildCase).where(ChildCase.person_id == person_id)).all()
    return any(may_read_case(session, user, case) for case in cases)


def case_rule(case_id: int) -> Callable[[Session, User], Verdict]:
    """The guarded-read rule of one case (for ``guarded_read``'s ``rules``)."""

    def rule(session: Session, user: User) -> Verdict:
        if may_read_case(session, user, get_case(session, case_id)):
            return Verdict(True)
        return Verdict(False, REFUSED)

    return rule


def class_rule(school_id: int, class_name: str) -> Callable[[Session, User], Verdict]:
    def rule(session: Session, user: User) -> Verdict:
        if user.active and (
            teaches_class(session, user, school_id, class_name) or is_health_staff(session, user)
        ):
            return Verdict(True)
        return Verdict(False, "เฉพาะครูของห้องเรียนนี้และเจ้าหน้าที่สาธารณสุขเข้าดูผลคัดกรองได้")

    return rule


def check_case_read(
    engine: Engine, *, user_id: int, case_id: int, purpose: str, channel: str = ""
) -> ChildCase:
    """The case row itself, the read logged; NotEntitled (logged) for anyone else."""
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
        load=lambda session, _user, _scopes: get_case(session, case_id),
        channel=channel,
    )


def audience(session: Session, case_id: int) -> Audience | None:
    """The engine's readers of the case (its steps' pages, its timeline): the core person,
    the child's teachers and the health division; the workflow is sealed, so the executives
    are not among them. The case's protected record is read through ``check_case_read``."""
    case = session.get(ChildCase, case_id)
    if case is None:
        return None
    links = session.exec(
        select(SchoolTeacher.user_id, SchoolTeacher.school_id, SchoolTeacher.class_name)
        .join(Pupil, col(Pupil.school_id) == SchoolTeacher.school_id)
        .where(Pupil.person_id == case.person_id, Pupil.active == True)  # noqa: E712
        .where(or_(SchoolTeacher.class_name == "", SchoolTeacher.class_name == Pupil.class_name))
    ).all()
    health = session.exec(
        select(Division.id).where(Division.code == care_config().health_division)
    ).first()
    return Audience(
        user_ids=frozenset({case.core_person_id, *(row[0] for row in links)}),
        division_ids=frozenset({health} if health is not None else set()),
    )
