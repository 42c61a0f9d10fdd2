"""Who may see and act on a round's letters, benefits, follow-up and fairness figures: the
round's readers (its audience: the welfare division and the volunteer teams, and executives)
see them; the welfare division's coordinators act. Shared by the JSON routes and the pages."""

from sqlmodel import Session

from domain.engine.visibility import can_view
from domain.errors import NotEntitled, NotFound
from domain.screening.rounds import check_coordinator
from domain.screening.states import CASE_TYPE
from models.people import User
from models.screening import ScreeningRound


def readable_round(session: Session, user: User, round_id: int) -> ScreeningRound:
    found = session.get(ScreeningRound, round_id)
    if found is None:
        raise NotFound("ไม่พบรอบการคัดกรองนี้")
    if not can_view(session, user=user, case_type=CASE_TYPE, case_id=round_id):
        raise NotEntitled("ไม่มีสิทธิ์เข้าดูรอบการคัดกรองนี้")
    return found


def coordinator_round(session: Session, user: User, round_id: int) -> ScreeningRound:
    found = readable_round(session, user, round_id)
    check_coordinator(session, user)
    return found
