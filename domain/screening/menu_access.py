"""Who sees welfare screening in the officers' menu (need to know: poor households' records,
HIV status). The rounds' pages show others their titles and counts alone: no names, no form
they may use, and every record, benefit or renewal page refuses them."""

from sqlmodel import Session, col, select

from domain.engine.readlog import is_data_protection_officer
from domain.engine.visibility import in_audience
from domain.screening.rounds import is_coordinator
from domain.screening.states import CASE_TYPE
from models.people import User
from models.screening import ScreeningRound
from models.screening_renewal import MentorAssignment


def is_mentor(session: Session, user: User) -> bool:
    """A scholarship recipient's mentor reports on and reads the recipient (``renewal``)."""
    found = session.exec(
        select(MentorAssignment.id).where(MentorAssignment.mentor_user_id == user.id)
    ).first()
    return found is not None


def has_business(session: Session, user: User) -> bool:
    """The coordinators, a round's audience (the welfare division, the volunteer teams, the
    executives) and the mentors. Asked on every page, so not the holders of a round's steps
    (``can_view`` resolves every stage step's holders: 6.4 ms a page for 3 demo rounds, growing
    by the round); they reach their steps from the inbox."""
    if not user.active:
        return False
    if is_coordinator(session, user) or is_mentor(session, user):
        return True
    round_ids = session.exec(select(ScreeningRound.id).order_by(col(ScreeningRound.id).desc()))
    return any(
        in_audience(session, user=user, case_type=CASE_TYPE, case_id=round_id)  # type: ignore[arg-type]
        for round_id in round_ids.all()
    )


def reads_the_log(_session: Session, user: User) -> bool:
    """The data protection officer, who alone reads the log of who read which record."""
    return is_data_protection_officer(user)
