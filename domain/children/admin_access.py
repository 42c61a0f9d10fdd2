"""Who administers the children's register (config/children/referrals.toml [roles]): the
programme's coordinator (an officer of สส.) everywhere; a school's core person for that school;
a teacher for the class they teach. Linking teachers is the coordinator's alone."""

from sqlmodel import Session

from domain.children.protection import teaches_class
from domain.children.referral_access import is_coordinator
from domain.children.roster import core_person_of_school
from domain.errors import NotEntitled
from models.children import ChildCase
from models.people import User


def administers_school(session: Session, user: User, school_id: int) -> bool:
    if not user.active:
        return False
    return is_coordinator(session, user) or core_person_of_school(session, school_id) == user.id


def may_enrol(session: Session, user: User, school_id: int, class_name: str) -> bool:
    return administers_school(session, user, school_id) or teaches_class(
        session, user, school_id, class_name
    )


def require_enrol(session: Session, user: User, school_id: int, class_name: str) -> None:
    if not may_enrol(session, user, school_id, class_name):
        raise NotEntitled(
            "เฉพาะครูของห้องเรียนนี้ ผู้รับผิดชอบหลักของโรงเรียน หรือผู้ประสานงานโครงการเพิ่มนักเรียนได้"
        )


def may_manage_case(session: Session, user: User, case: ChildCase) -> bool:
    """Change the case's core person or close it early: the coordinator, the case's core
    person, or the core person of the child's school."""
    if not user.active:
        return False
    if case.core_person_id == user.id or is_coordinator(session, user):
        return True
    return case.school_id is not None and administers_school(session, user, case.school_id)


def require_manage_case(session: Session, user: User, case: ChildCase) -> None:
    if not may_manage_case(session, user, case):
        raise NotEntitled("เฉพาะผู้รับผิดชอบหลักหรือผู้ประสานงานโครงการจัดการกรณีนี้ได้")
