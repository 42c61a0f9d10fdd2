"""Who may open the dashboards: the executives (the deputy permanent secretary and up, as
``domain.engine.visibility`` counts them), Strategy and Budget (กย., which coordinates the
plan and its reports) and the complaint centre (สป.). The dashboards show counts only."""

from sqlmodel import Session

from domain.complaints.policy import complaint_policy
from domain.engine.authority import outranks
from domain.engine.visibility import EXECUTIVES_FROM
from domain.errors import NotEntitled
from domain.pdca.rules import OWNER_DIVISION
from models.people import Division, User

REFUSED = (
    "หน้าภาพรวมสำหรับผู้บริหารเปิดได้เฉพาะผู้บริหาร (รองปลัดเทศบาลขึ้นไป) "
    "กองยุทธศาสตร์และงบประมาณ และศูนย์รับเรื่องร้องเรียน"
)


def may_open_as(user: User, division: Division | None) -> bool:
    """Whether ``user``, of ``division`` (their own), may open the dashboards: the menu asks
    this on every page, with the division the page already read, so it costs no query."""
    if not user.active:
        return False
    if outranks(user, EXECUTIVES_FROM):
        return True
    coordinating = {OWNER_DIVISION, complaint_policy().centre_division}
    return division is not None and division.code in coordinating


def may_open(session: Session, user: User) -> bool:
    """``may_open_as`` with the user's division read from the database."""
    division = session.get(Division, user.division_id) if user.division_id else None
    return may_open_as(user, division)


def check_may_open(session: Session, user: User) -> None:
    """NotEntitled with the Thai list of who may open them, for anybody else."""
    if not may_open(session, user):
        raise NotEntitled(REFUSED)
