"""Who may read a complaint, and who may see a complainant who asked to stay anonymous."""

from sqlmodel import Session

from domain.complaints.lookups import centre_division
from domain.complaints.policy import complaint_policy
from domain.engine.registry import Audience
from models.complaint import Complaint, ComplaintStaff
from models.people import User

CONTACT_FIELDS = (
    "complainant_name",
    "complainant_phone",
    "complainant_email",
    "complainant_address",
)


def audience(session: Session, case_id: int) -> Audience | None:
    """The complaint centre, the division it was routed to, and the officer who took it."""
    complaint = session.get(Complaint, case_id)
    if complaint is None:
        return None
    divisions = {centre_division(session, complaint_policy()).id}
    if complaint.division_id is not None:
        divisions.add(complaint.division_id)
    officers = {complaint.intake_officer_id} - {None}
    return Audience(user_ids=frozenset(officers), division_ids=frozenset(divisions))  # type: ignore[arg-type]


def can_see_contact(session: Session, *, user: User, complaint: Complaint) -> bool:
    """A withheld identity is seen by the centre only (and the officer who took it)."""
    if not complaint.withhold_identity:
        return True
    centre = centre_division(session, complaint_policy())
    return user.division_id == centre.id or user.id == complaint.intake_officer_id


def staff_view(session: Session, *, user: User, complaint: Complaint) -> ComplaintStaff:
    """The complaint as an officer reads it: the contact blanked where ``user`` may not see it."""
    view = ComplaintStaff.model_validate(complaint, from_attributes=True)
    if can_see_contact(session, user=user, complaint=complaint):
        return view
    return view.model_copy(update=dict.fromkeys(CONTACT_FIELDS))
