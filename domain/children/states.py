"""The child-care case's names and its one transition table: the Application Care path
(seed 002) from the medical assessment in school to closing. Modules move a case only
through ``set_status``."""

from sqlmodel import Session

from core.db import utcnow
from domain.engine import audit
from domain.engine.statemachine import Transitions
from models.children import CaseStatus, ChildCase
from models.people import User

CASE_TYPE = "child-care"
DEPLOYMENT = "child-care/child-care"

MEDICAL_STEP = "child-medical"
HOME_VISIT_STEP = "child-home-visit"
CONFERENCE_STEP = "child-conference"
PLAN_STEP = "child-plan"
FOLLOW_UP_STEP = "child-follow-up"
PATH_STEPS = (MEDICAL_STEP, HOME_VISIT_STEP, CONFERENCE_STEP, PLAN_STEP, FOLLOW_UP_STEP)

S = CaseStatus
TRANSITIONS = Transitions(
    {
        S.medical_assessment: frozenset({S.home_visit, S.closed}),
        S.home_visit: frozenset({S.case_conference, S.care_plan, S.closed}),
        S.case_conference: frozenset({S.care_plan, S.closed}),
        S.care_plan: frozenset({S.follow_up, S.closed}),
        S.follow_up: frozenset({S.closed}),
    }
)


def case_label(case: ChildCase) -> str:
    """How steps, mail and audit name a case: by number, never by the child's name."""
    return f"กรณีดูแลเด็กเลขที่ {case.id}"


def set_status(
    session: Session, case: ChildCase, target: CaseStatus, *, actor: User | None = None
) -> None:
    previous = CaseStatus(case.status)
    case.status = TRANSITIONS.check(previous, target)
    if target == CaseStatus.closed:
        case.closed_at = utcnow()
    session.add(case)
    audit.record(
        session,
        case_type=CASE_TYPE,
        case_id=case.id,  # type: ignore[arg-type]
        action=f"child_case_{target.value}",
        actor=actor,
        detail={"previous": previous.value, "status": target.value},
    )
