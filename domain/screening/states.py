"""A candidate's states and the one transition table that changes them (the values are
``models.screening.CandidateState``). Modules of later stages (assessment, reconciliation,
certification) move candidates only through ``set_state``."""

from sqlmodel import Session

from core.db import utcnow
from domain.engine import audit
from domain.engine.statemachine import Transitions
from models.people import User
from models.screening import Candidate, CandidateState

CASE_TYPE = "screening-round"

S = CandidateState
TRANSITIONS = Transitions(
    {
        S.nominated: frozenset({S.assessing, S.withdrawn, S.merged}),
        # a programme with one assessment round (white family) is settled from assessing
        S.assessing: frozenset({S.reassessing, S.confirmed, S.not_eligible, S.withdrawn}),
        S.reassessing: frozenset({S.confirmed, S.not_eligible, S.joint_survey, S.withdrawn}),
        S.joint_survey: frozenset({S.confirmed, S.not_eligible, S.withdrawn}),
        S.confirmed: frozenset({S.certified, S.excluded}),
    }
)
FINAL = frozenset({S.not_eligible, S.certified, S.excluded, S.withdrawn, S.merged})
"""States in which a candidate's screening is over (told of the result unless merged)."""


def set_state(
    session: Session,
    candidate: Candidate,
    target: CandidateState,
    *,
    actor: User | None = None,
    **detail: object,
) -> None:
    """Move a candidate (refused if the table does not allow it) and audit it on the round."""
    previous = CandidateState(candidate.state)
    candidate.state = TRANSITIONS.check(previous, target)
    candidate.updated_at = utcnow()
    session.add(candidate)
    audit.record(
        session,
        case_type=CASE_TYPE,
        case_id=candidate.round_id,
        action=f"screening_candidate_{target.value}",
        actor=actor,
        detail={
            "candidate_id": candidate.id,
            "previous": previous.value,
            "state": target.value,
            **detail,
        },
        public=False,
    )
