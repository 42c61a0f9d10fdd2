"""A complaint's states, the one transition table that changes them, and its audit entries."""

from typing import Any

from sqlmodel import Session

from domain.engine import audit
from domain.engine.statemachine import Transitions
from models.complaint import (
    Complaint,
    ComplaintStatus,
)
from models.people import User

CASE_TYPE = "complaint"

S = ComplaintStatus
TRANSITIONS = Transitions(
    {
        S.screening: frozenset({S.routed, S.forwarded_outside, S.duplicate, S.withdrawn}),
        S.routed: frozenset({S.in_progress, S.withdrawn}),
        S.in_progress: frozenset({S.resolved, S.closed_unresolved, S.withdrawn}),
        S.resolved: frozenset({S.under_review}),
        S.under_review: frozenset({S.in_progress, S.resolved, S.closed_unresolved}),
    }
)


def set_status(
    session: Session,
    complaint: Complaint,
    target: ComplaintStatus,
    *,
    actor: User | None = None,
    public: bool = True,
    **detail: Any,
) -> None:
    previous = complaint.status
    complaint.status = TRANSITIONS.check(complaint.status, target)
    session.add(complaint)
    audit_event(
        session,
        complaint,
        f"complaint_{target.value}",
        actor=actor,
        public=public,
        status=target.value,
        previous=ComplaintStatus(previous).value,
        **detail,
    )


def audit_event(
    session: Session,
    complaint: Complaint,
    action: str,
    *,
    actor: User | None = None,
    public: bool = False,
    **detail: Any,
) -> None:
    audit.record(
        session,
        case_type=CASE_TYPE,
        case_id=complaint.id,  # type: ignore[arg-type]
        action=action,
        actor=actor,
        detail=detail,
        public=public,
    )
