"""Opening a complaint's human steps: keys, titles, who handles each."""

from datetime import datetime

from sqlmodel import Session

from core.db import utcnow
from domain.complaints.duplicates import DuplicateCandidate
from domain.complaints.lookups import centre_division, handler_of
from domain.complaints.policy import ComplaintPolicy
from domain.complaints.states import CASE_TYPE
from domain.engine.deadlines import working_calendar
from domain.engine.steps import Assignee, open_step
from models.complaint import (
    Complaint,
    ComplaintCategory,
)
from models.people import Position
from models.steps import HumanStep, Outcome


def step_key(complaint: Complaint, kind: str, round: int | None = None) -> str:
    return f"complaint-{complaint.id}-{kind}" + (f"-r{round}" if round is not None else "")


def step_title(complaint: Complaint, what: str) -> str:
    return f"{what}: เรื่องร้องเรียนเลขที่ {complaint.number}"


def open_screening(
    session: Session,
    complaint: Complaint,
    cat: ComplaintCategory,
    dups: list[DuplicateCandidate],
    policy: ComplaintPolicy,
    now: datetime,
) -> HumanStep:
    hint = f" (อาจซ้ำกับ {', '.join(d.complaint.number for d in dups[:3])})" if dups else ""
    return open_step(
        session,
        case_type=CASE_TYPE,
        case_id=complaint.id,  # type: ignore[arg-type]
        key=step_key(complaint, "screen"),
        title=step_title(complaint, f"ตรวจสอบอำนาจหน้าที่ ({cat.name}){hint}"),
        assignee=Assignee.holder_of(Position.officer, centre_division(session, policy).id),
        form="complaint-screening",
        allowed_outcomes=[Outcome.route, Outcome.forward, Outcome.merge],
        due_in_working_days=policy.screening_working_days,
        kind="screen",
        now=now,
    )


def open_complaint_step(
    session: Session,
    complaint: Complaint,
    *,
    kind: str,
    round: int | None,
    what: str,
    assignee: Assignee,
    form: str,
    outcomes: list[Outcome],
    days: int,
) -> HumanStep:
    return open_step(
        session,
        case_type=CASE_TYPE,
        case_id=complaint.id,  # type: ignore[arg-type]
        key=step_key(complaint, kind, round),
        title=step_title(complaint, what),
        assignee=assignee,
        form=form,
        allowed_outcomes=outcomes,
        due_in_working_days=days,
        kind=kind,
        round=round or 1,
    )


def open_result_step(session: Session, complaint: Complaint, policy: ComplaintPolicy) -> None:
    """The division's report, due by the expected date (at least one working day away)."""
    assert complaint.division_id is not None
    complaint.work_round += 1
    session.add(complaint)
    now = utcnow()
    calendar = working_calendar(session)
    days = max(1, calendar.working_days_between(now, complaint.expected_at))
    open_complaint_step(
        session,
        complaint,
        kind="result",
        round=complaint.work_round,
        what="รายงานผลการแก้ไข",
        assignee=handler_of(session, complaint.division_id, policy),
        form="complaint-result",
        outcomes=[Outcome.resolved, Outcome.obstacle],
        days=days,
    )
