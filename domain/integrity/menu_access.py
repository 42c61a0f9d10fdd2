"""Who sees the sealed channel in the officers' menu (need to know): its list of reports
answers 403 to anyone but the named officers (``rules.require_named_officer``)."""

from sqlmodel import Session

from domain.errors import NotEntitled
from domain.integrity.rules import require_named_officer
from models.people import User


def is_named_officer(session: Session, user: User) -> bool:
    """The channel's named officers alone read its reports, so they alone see its link."""
    try:
        require_named_officer(session, user)
    except NotEntitled:
        return False
    return True
