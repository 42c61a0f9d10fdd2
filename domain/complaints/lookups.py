"""Lookups of complaints, categories and the people who handle them."""

from sqlmodel import Session, col, select

from domain.complaints.policy import ComplaintPolicy, complaint_policy
from domain.engine.people import division_by_code, holders_of, members_of_division
from domain.engine.steps import Assignee
from domain.errors import InvalidInput, NotFound
from models.complaint import (
    Complaint,
    ComplaintCategory,
)
from models.people import Division, Position, User


def category(session: Session, code: str, *, active_only: bool = True) -> ComplaintCategory:
    found = session.get(ComplaintCategory, code)
    if found is None or (active_only and not found.active):
        raise InvalidInput(f"ไม่รู้จักประเภทเรื่อง {code}", field="category")
    return found


def categories(session: Session) -> list[ComplaintCategory]:
    return list(
        session.exec(
            select(ComplaintCategory)
            .where(ComplaintCategory.active == True)  # noqa: E712
            .order_by(col(ComplaintCategory.name))
        )
    )


def in_centre(session: Session, user: User) -> bool:
    """Whether ``user`` works in the complaint centre's division (สป.)."""
    centre = division_by_code(session, complaint_policy().centre_division)
    return user.division_id is not None and user.division_id == centre.id


def get_complaint(session: Session, complaint_id: int, *, lock: bool = False) -> Complaint:
    found = session.get(Complaint, complaint_id, with_for_update=lock, populate_existing=lock)
    if found is None:
        raise NotFound("ไม่พบเรื่องร้องเรียน")
    return found


def by_number(session: Session, number: str) -> Complaint | None:
    return session.exec(select(Complaint).where(Complaint.number == number.strip())).first()


def centre_division(session: Session, policy: ComplaintPolicy) -> Division:
    return division_by_code(session, policy.centre_division)


def handler_of(session: Session, division_id: int, policy: ComplaintPolicy) -> Assignee:
    """The division's handlers (section heads by default); the director if it has none."""
    has_handler = holders_of(session, policy.handler_position, division_id)
    position = policy.handler_position if has_handler else Position.division_director
    return Assignee.holder_of(position, division_id)


def division_directors(session: Session, division_id: int | None) -> list[User]:
    if division_id is None:
        return []
    return holders_of(session, Position.division_director, division_id)


def works_in_division(session: Session, complaint: Complaint, user: User) -> bool:
    return complaint.division_id is not None and user.division_id == complaint.division_id


def centre_officers(session: Session, policy: ComplaintPolicy) -> list[User]:
    """The complaint centre's officers."""
    return holders_of(session, Position.officer, centre_division(session, policy).id)


def division_handlers(session: Session, complaint: Complaint) -> list[User]:
    """Handlers and director of the complaint's division: whom a chase notice goes to."""
    if complaint.division_id is None:
        return []
    return members_of_division(
        session, complaint.division_id, (Position.section_head, Position.division_director)
    )
