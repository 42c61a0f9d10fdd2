"""The complaint use cases, each in one unit of work (``core.db.in_transaction``: committed
whole, retried on a collision with a concurrent writer). The JSON API, the citizen and officer
pages, LINE, Open311, flows and ``ops`` scripts call these, never the steps below them."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.db import in_transaction
from domain.complaints import actions, report
from domain.complaints.escalation import explain_agenda_item, sweep_escalations
from domain.complaints.intake import (
    Registered,
    complete_intake,
    receive_complaint,
    register_complaint,
)
from domain.complaints.lookups import get_complaint, in_centre
from domain.complaints.pin import check_pin
from domain.complaints.submission import parse_complaint
from domain.errors import NotEntitled
from models.chase import AgendaItem
from models.complaint import (
    Channel,
    Complaint,
    ComplaintPhoto,
    ComplaintSchedule,
    ComplaintStatus,
    PhotoData,
)
from models.people import User


def _user(session: Session, user_id: int | None) -> User | None:
    """The officer loaded in this unit of work's session."""
    return session.get(User, user_id) if user_id is not None else None


def _officer(session: Session, user_id: int) -> User:
    user = _user(session, user_id)
    if user is None or not user.active:
        raise NotEntitled("บัญชีผู้ใช้นี้ใช้งานไม่ได้")
    return user


def submit(
    engine: Engine,
    *,
    data: dict[str, Any],
    channel: Channel,
    officer_id: int | None = None,
    photos: Sequence[PhotoData] = (),
    complete_now: bool = True,
) -> Registered:
    """Take a complaint in from any channel. ``complete_now=False`` (Prefect runs) stores it
    with its number and PIN only; the complaint's flow completes the intake, so a burst is
    answered at the pace of storing alone. The form is checked before the write transaction,
    which holds the writers' lock."""
    parsed = parse_complaint(data)
    intake = register_complaint if complete_now else receive_complaint

    def work(session: Session) -> Registered:
        officer = _user(session, officer_id)
        return intake(session, data=parsed, channel=channel, officer=officer, photos=photos)

    return in_transaction(engine, work)


def complete_intake_of(engine: Engine, complaint_id: int) -> bool:
    """Complete one stored complaint's intake; False if it was done already."""

    def work(session: Session) -> bool:
        complaint = session.get(Complaint, complaint_id)
        return complaint is not None and complete_intake(session, complaint) is not None

    return in_transaction(engine, work)


@dataclass(frozen=True)
class Rated:
    complaint_id: int
    number: str
    score: int
    status: ComplaintStatus


def rate(
    engine: Engine,
    *,
    score: int,
    comment: str = "",
    token: str | None = None,
    number: str | None = None,
    pin: str | None = None,
) -> Rated:
    """The complainant's rating, by the mail's link token or by number and PIN."""

    def work(session: Session) -> Rated:
        rating = actions.rate(
            session, score=score, comment=comment, number=number, pin=pin, token=token
        )
        complaint = get_complaint(session, rating.complaint_id)
        return Rated(
            complaint.id,  # type: ignore[arg-type]
            complaint.number,
            rating.score,
            ComplaintStatus(complaint.status),
        )

    return in_transaction(engine, work)


def withdraw_by_complainant(engine: Engine, *, number: str, pin: str, reason: str) -> Complaint:
    """The complainant withdraws online with number and PIN."""

    def work(session: Session) -> Complaint:
        found = check_pin(session, number=number, pin=pin)
        return actions.withdraw(session, complaint_id=found.id, reason=reason)  # type: ignore[arg-type]

    return in_transaction(engine, work)


def withdraw_for_complainant(
    engine: Engine, *, complaint_id: int, officer_id: int, reason: str
) -> Complaint:
    """The centre records a withdrawal the complainant asked for (e.g. by telephone)."""

    def work(session: Session) -> Complaint:
        officer = _officer(session, officer_id)
        if not in_centre(session, officer):
            raise NotEntitled("เฉพาะศูนย์รับเรื่องร้องเรียนบันทึกการถอนเรื่องได้")
        return actions.withdraw(session, complaint_id=complaint_id, reason=reason, officer=officer)

    return in_transaction(engine, work)


def add_evidence(
    engine: Engine, *, complaint_id: int, officer_id: int, photos: Sequence[PhotoData]
) -> list[ComplaintPhoto]:
    """The division's photos of the result, before it reports."""
    return in_transaction(
        engine,
        lambda session: actions.add_evidence(
            session,
            complaint_id=complaint_id,
            user=_officer(session, officer_id),
            photos=photos,
        ),
    )


def reschedule(
    engine: Engine, *, complaint_id: int, officer_id: int, planned_date: date, reason: str
) -> ComplaintSchedule:
    """The division changes the date it will act; the reason is kept, the complainant told."""
    return in_transaction(
        engine,
        lambda session: actions.reschedule(
            session,
            complaint_id=complaint_id,
            user=_officer(session, officer_id),
            planned_date=planned_date,
            reason=reason,
        ),
    )


def explain_for_meeting(
    engine: Engine, *, complaint_id: int, officer_id: int, explanation: str
) -> AgendaItem:
    """The division explains, for the follow-up meeting, why it has not reported."""
    return in_transaction(
        engine,
        lambda session: explain_agenda_item(
            session,
            complaint_id=complaint_id,
            user=_officer(session, officer_id),
            explanation=explanation,
        ),
    )


def chase_divisions(engine: Engine) -> dict[str, int]:
    """Record and queue the chase notices that are due (each once, whatever the schedule)."""
    return in_transaction(engine, sweep_escalations)


def queue_monthly_report(engine: Engine, *, year_be: int, month: int) -> dict[str, int]:
    """Build the month's report and queue it for the executives (once per month and person)."""

    def work(session: Session) -> dict[str, int]:
        built = report.build_monthly_report(session, year_be=year_be, month=month)
        queued = report.queue_monthly_report(
            session, report=built, recipients=report.executives(session)
        )
        return {"complaints": built.total, "queued": queued}

    return in_transaction(engine, work)


def status_of(engine: Engine, complaint_id: int) -> str:
    """The complaint's status, read without taking the writers' turn ("missing" if none)."""
    with Session(engine) as session:
        complaint = session.get(Complaint, complaint_id)
        return complaint.status if complaint else "missing"
