"""Who may do what beyond a child's own case: the programme's coordinators (config/children/
referrals.toml [roles]), the contacts of a receiving agency, and the readers of the figures.
The figures are counts only: executives read them and never a case."""

from sqlmodel import Session, col, select

from domain.children.referral_policy import referral_policy
from domain.engine.authority import outranks
from domain.engine.visibility import EXECUTIVES_FROM
from domain.errors import NotEntitled
from models.children import ChildCase
from models.children_referrals import AgencyProfile, Referral, ReferralStatus
from models.people import CommitteeMember, Division, User


def is_coordinator(session: Session, user: User) -> bool:
    if not user.active or user.division_id is None:
        return False
    division = session.get(Division, user.division_id)
    return division is not None and division.code == referral_policy().roles.coordinator_division


def require_coordinator(session: Session, user: User) -> None:
    if not is_coordinator(session, user):
        raise NotEntitled("เฉพาะผู้ประสานงานโครงการเด็กและเยาวชน (สำนักสวัสดิการสังคม) เท่านั้น")


def may_read_figures(session: Session, user: User) -> bool:
    return user.active and (outranks(user, EXECUTIVES_FROM) or is_coordinator(session, user))


def contact_agency_ids(session: Session, user: User) -> set[int]:
    """The partner agencies ``user`` is a contact of (a member of the agency's contacts)."""
    if not user.active:
        return set()
    rows = session.exec(
        select(AgencyProfile.agency_id)
        .join(CommitteeMember, col(CommitteeMember.committee_id) == AgencyProfile.committee_id)
        .where(CommitteeMember.user_id == user.id)
    ).all()
    return set(rows)


def is_receiving_agency_contact(session: Session, user: User, person_id: int) -> bool:
    """A contact of an agency the child was referred to (not a referral removed before it was
    sent) may read the child's case, to care for the child."""
    agencies = contact_agency_ids(session, user)
    if not agencies:
        return False
    found = session.exec(
        select(Referral.id).where(
            Referral.person_id == person_id,
            col(Referral.agency_id).in_(agencies),
            Referral.status != ReferralStatus.dropped,
        )
    ).first()
    return found is not None


def contact_reads_case(session: Session, user: User, case: ChildCase) -> bool:
    """The reader rule of ``domain.children.protection.READER_RULES``."""
    return is_receiving_agency_contact(session, user, case.person_id)
