"""Who sees the children's pages in the officers' menu (need to know: children at risk). The
care page lists one's classes and the cases one may read, and links the register; the
referrals list is the coordinator's and the receiving agencies' contacts'; the figures are
the executives' and the coordinator's (``referral_access.may_read_figures``)."""

from sqlmodel import Session, col, or_, select

from domain.children.protection import is_health_staff, may_read_case
from domain.children.referral_access import contact_agency_ids, is_coordinator
from models.children import ChildCase, CorePersonOfSchool, SchoolTeacher
from models.children_referrals import Referral, ReferralStatus
from models.people import User


def may_use_care(session: Session, user: User) -> bool:
    """Teachers, schools' core persons, health staff, the coordinator, and whoever may read a
    case (its core person, a receiving agency's contact): for anyone else the page is empty."""
    if not user.active:
        return False
    if is_health_staff(session, user) or is_coordinator(session, user):
        return True
    for link in (SchoolTeacher, CorePersonOfSchool):
        if session.exec(select(link.id).where(link.user_id == user.id)).first() is not None:
            return True
    referred = select(Referral.person_id).where(
        col(Referral.agency_id).in_(contact_agency_ids(session, user)),
        Referral.status != ReferralStatus.dropped,
    )
    near = select(ChildCase).where(
        or_(ChildCase.core_person_id == user.id, col(ChildCase.person_id).in_(referred))
    )
    return any(may_read_case(session, user, case) for case in session.exec(near))


def may_follow_referrals(session: Session, user: User) -> bool:
    """The referrals list shows the coordinator every referral and a contact their agency's;
    it is empty for anyone else (``referral_views.referral_lines``)."""
    return user.active and (
        is_coordinator(session, user) or bool(contact_agency_ids(session, user))
    )
