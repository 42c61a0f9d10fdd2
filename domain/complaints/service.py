"""The complaint use cases, each in one unit of work (``core.db.in_transaction``: committed
whole, retried on a collision with a concurrent writer). The JSON API, the citizen and officer
pages, LINE, Open311, flows and ``ops`` scripts call these, never the steps below them."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.db import in_transaction, utcnow
from domain.complaints import actions, report
from domain.complaints.escalation import explain_agenda_item, sweep_escalations
from domain.complaints.intake import (
    Registered,
    complete_intake,
    receive_complaint,
    register_complaint,
    waiting_intakes,
)
from domain.complaints.lookups import get_complaint, in_centre
from domain.complaints.pin import check_pin
from domain.complaints.policy import complaint_policy
from domain.complaints.privacy import client_key, email_key, phone_key
from domain.complaints.states import audit_event
from domain.complaints.submission import parse_complaint
from domain.engine import throttle
from domain.engine.calendar import BANGKOK
from domain.engine.notify import PdfAttachment
from domain.engine.throttle import Limit
from domain.errors import InvalidInput, NotEntitled, TooManyRequests
from models.chase import AgendaItem
from models.complaint import (
    OFFICER_CHANNELS,
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


_TOO_MANY = {
    "client": "มีการส่งเรื่องร้องเรียนจากเครื่องนี้หลายครั้งในเวลาสั้น ๆ",
    "contact": "มีเรื่องร้องเรียนที่ใช้หมายเลขโทรศัพท์หรืออีเมลนี้หลายเรื่องในเวลาสั้น ๆ",
    "all": "ขณะนี้มีผู้ส่งเรื่องร้องเรียนเข้ามาจำนวนมาก",
}


def _too_many(kind: str, wait: timedelta, now: datetime) -> TooManyRequests:
    seconds = max(1, int(-(-wait.total_seconds() // 1)))
    after = (now + timedelta(seconds=seconds)).astimezone(BANGKOK)
    if after.second or after.microsecond:  # "after 10:11", never a minute too early
        after = after.replace(second=0, microsecond=0) + timedelta(minutes=1)
    span = f"{seconds} วินาที" if seconds < 60 else f"{-(-seconds // 60)} นาที"
    phone = complaint_policy().centre_phone
    return TooManyRequests(
        f"{_TOO_MANY[kind]} กรุณาลองใหม่อีกครั้งในอีก {span} (หลังเวลา {after:%H:%M} น.) "
        f"หากเป็นเรื่องเร่งด่วน โทรศูนย์รับเรื่องร้องเรียน {phone}",
        retry_after=seconds,
        limit=kind,
    )


def check_intake_limits(
    session: Session,
    *,
    client: str | None,
    phone: str | None = None,
    email: str | None = None,
    now: datetime | None = None,
) -> None:
    """Count one public complaint (web form, citizen page, Open311, LINE) against the limits
    of ``[intake]`` in config/complaints.toml, in the intake's own transaction and before it
    writes anything: per client (IP address; for LINE, the LINE user id), per contact (each
    telephone number and e-mail address, normalised) and in all. Raises ``TooManyRequests``
    (429, with the seconds to wait) at the first limit passed; the caller's rollback then
    undoes this try's counts, so a refused complaint uses up no one's allowance. The counters
    are rows of the shared ``throttle`` table (every API process sees them); counting in the
    intake's transaction costs no commit of its own, and the rows are locked in one order
    (client, telephone, e-mail, all), as the year's number sequence is after them."""
    limits = complaint_policy().intake_limits
    now = now or utcnow()
    by_phone, by_email = phone_key(phone), email_key(email)
    checks: list[tuple[str, Limit | None, str | None]] = [
        ("client", limits.client_limit, client_key(client)),
        ("contact", limits.contact_limit, by_phone and f"phone:{by_phone}"),
        ("contact", limits.contact_limit, by_email and f"email:{by_email}"),
        ("all", limits.overall_limit, "all"),
    ]
    for kind, limit, key in checks:
        if limit is None or not key:
            continue
        counter = throttle.count_in(session, limit, key, now=now)
        if counter.count > limit.attempts:
            end = counter.blocked_until or now + limit.window
            raise _too_many(kind, end - now, now)


def admit_public_intake(
    engine: Engine,
    *,
    client: str | None,
    phone: str | None = None,
    email: str | None = None,
    now: datetime | None = None,
) -> None:
    """``check_intake_limits`` in a transaction of its own, for a channel that takes the
    complaint in later or elsewhere (the count is kept once admitted)."""
    in_transaction(
        engine,
        lambda session: check_intake_limits(
            session, client=client, phone=phone, email=email, now=now
        ),
    )


def submit(
    engine: Engine,
    *,
    data: dict[str, Any],
    channel: Channel,
    officer_id: int | None = None,
    photos: Sequence[PhotoData] = (),
    complete_now: bool = True,
    client: str | None = None,
) -> Registered:
    """Take a complaint in from any channel. ``complete_now=False`` (Prefect runs) stores it
    with its number and PIN only; the ``complaint-intake`` run completes a burst's intakes
    together, so a burst is answered at the pace of storing alone. The form is checked
    before the write transaction, which holds the writers' lock. A public channel's
    complaint is counted against the intake limits first (``client``: the sender's IP
    address); officers' entry is not limited."""
    parsed = parse_complaint(data)
    limited = Channel(channel) not in OFFICER_CHANNELS
    contact = parsed.complainant
    intake = register_complaint if complete_now else receive_complaint

    def work(session: Session) -> Registered:
        if limited:
            check_intake_limits(session, client=client, phone=contact.phone, email=contact.email)
        officer = _user(session, officer_id)
        return intake(session, data=parsed, channel=channel, officer=officer, photos=photos)

    return in_transaction(engine, work)


def complete_intake_of(engine: Engine, complaint_id: int) -> bool:
    """Complete one stored complaint's intake; False if it was done already."""

    def work(session: Session) -> bool:
        complaint = session.get(Complaint, complaint_id)
        return complaint is not None and complete_intake(session, complaint) is not None

    return in_transaction(engine, work)


def complete_waiting_intakes(
    engine: Engine,
    *,
    older_than: timedelta = timedelta(seconds=30),
    limit: int = 500,
    until_none_wait: bool = False,
) -> int:
    """Complete up to ``limit`` waiting intakes (``waiting_intakes``), each in its own short
    transaction; how many this call completed. ``until_none_wait``: read again until none is
    left (the ``complaint-intake`` run; complaints stored meanwhile are taken too, and one
    completed by a concurrent caller is not counted); otherwise one read (the reconcile
    sweep's first part, for a burst whose intake run was lost, kept short)."""
    completed = 0
    while True:
        with Session(engine) as session:  # a read: no writers' turn
            waiting = waiting_intakes(session, older_than=older_than, limit=limit)
        completed += sum(complete_intake_of(engine, complaint_id) for complaint_id in waiting)
        if not until_none_wait or not waiting:
            return completed


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
    client: str | None = None,
) -> Rated:
    """The complainant's rating, by the mail's link token or by number and PIN (checked first,
    outside the unit of work: ``check_pin`` counts wrong tries; ``client``: the caller's
    address)."""
    found = None if token else check_pin(engine, number=number or "", pin=pin or "", client=client)

    def work(session: Session) -> Rated:
        rating = actions.rate(
            session,
            score=score,
            comment=comment,
            complaint_id=found.id if found is not None else None,
            token=token,
        )
        complaint = get_complaint(session, rating.complaint_id)
        return Rated(
            complaint.id,  # type: ignore[arg-type]
            complaint.number,
            rating.score,
            ComplaintStatus(complaint.status),
        )

    return in_transaction(engine, work)


def withdraw_by_complainant(
    engine: Engine, *, number: str, pin: str, reason: str, client: str | None = None
) -> Complaint:
    """The complainant withdraws online with number and PIN (checked first, outside the unit
    of work: ``check_pin`` counts wrong tries; ``client``: the caller's address)."""
    found = check_pin(engine, number=number, pin=pin, client=client)

    def work(session: Session) -> Complaint:
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


def queue_monthly_report(
    engine: Engine,
    *,
    year_be: int,
    month: int,
    attach: Callable[[report.MonthlyReport], PdfAttachment | None] | None = None,
) -> dict[str, int]:
    """Build the month's report and queue it for the executives (once per month and person),
    with the PDF ``attach`` renders from it (the flow's ``adapters.complaint_report_pdf``),
    rendered before the transaction: the database's write turn does not wait on it."""
    with Session(engine) as session:  # a read
        built = report.build_monthly_report(session, year_be=year_be, month=month)
    attachment = attach(built) if attach else None

    def work(session: Session) -> dict[str, int]:
        queued = report.queue_monthly_report(
            session, report=built, recipients=report.executives(session), attachment=attachment
        )
        return {"complaints": built.total, "queued": queued, "pdf": int(attachment is not None)}

    return in_transaction(engine, work)


def release_public_summary(
    engine: Engine, complaint_id: int, officer_id: int, text: str
) -> Complaint:
    """The centre writes the complaint's public summary and releases it: from now on Open311,
    the tracking page and the public JSON show it instead of the masked complaint text. The
    centre may release a corrected summary again; each release is audited."""
    summary = (text or "").strip()
    if len(summary) < 5 or len(summary) > 5000:
        raise InvalidInput("สรุปเรื่องสำหรับเผยแพร่ต้องมีความยาว 5–5,000 ตัวอักษร", field="text")

    def work(session: Session) -> Complaint:
        officer = _officer(session, officer_id)
        if not in_centre(session, officer):
            raise NotEntitled("เฉพาะศูนย์รับเรื่องร้องเรียนเผยแพร่สรุปเรื่องต่อสาธารณะได้")
        complaint = get_complaint(session, complaint_id, lock=True)
        first = complaint.public_released_at is None
        complaint.public_description = summary
        complaint.public_released_at = utcnow()
        session.add(complaint)
        audit_event(
            session,
            complaint,
            "complaint_public_summary",
            actor=officer,
            summary=summary,
            first_release=first,
        )
        return complaint

    return in_transaction(engine, work)


def status_of(engine: Engine, complaint_id: int) -> str:
    """The complaint's status, read without taking the writers' turn ("missing" if none)."""
    with Session(engine) as session:
        complaint = session.get(Complaint, complaint_id)
        return complaint.status if complaint else "missing"
