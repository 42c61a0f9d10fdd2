"""Intake from any channel: stored with a number and PIN at once, then completed (duplicates,
the centre's check, the receipt mail) in the same transaction or by the complaint's flow."""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from core.db import utcnow
from core.settings import get_settings
from domain.complaints.duplicates import DuplicateCandidate, find_duplicates
from domain.complaints.lookups import category
from domain.complaints.notices import tell_complainant
from domain.complaints.policy import ComplaintPolicy, complaint_policy
from domain.complaints.privacy import mask_personal_data
from domain.complaints.states import CASE_TYPE, audit_event
from domain.complaints.steps import open_screening
from domain.complaints.submission import (
    check_photos,
    decode_base64_photos,
    parse_complaint,
    store_photos,
)
from domain.engine.accounts import pin_digest
from domain.engine.calendar import BANGKOK, to_buddhist_year
from domain.engine.deadlines import working_calendar
from domain.engine.runs import request_flow_run
from domain.errors import NotEntitled
from models.complaint import (
    OFFICER_CHANNELS,
    Channel,
    Complaint,
    ComplaintCreate,
    ComplaintStatus,
    PhotoData,
    PhotoKind,
)
from models.people import User


@dataclass(frozen=True)
class Registered:
    complaint: Complaint
    category_name: str
    pin: str
    """Shown once, on the receipt; only its hash is stored."""
    duplicates: list["DuplicateCandidate"] | None
    """Open complaints nearby of the same category; None until intake is completed."""


def next_number(session: Session, *, at: datetime, prefix: str = "KKC") -> str:
    """KKC-<BE year>-<6-digit sequence of that year>, in one upsert: the year's row is locked
    by it, so concurrent registrations queue on it and never share a number."""
    year = to_buddhist_year(at.astimezone(BANGKOK).year)
    last = session.execute(_NEXT_NUMBER, {"year": year}).scalar_one()
    return f"{prefix}-{year}-{last:06d}"


_NEXT_NUMBER = sa.text(
    "INSERT INTO complaintsequence (year, last) VALUES (:year, 1) "
    "ON CONFLICT (year) DO UPDATE SET last = complaintsequence.last + 1 RETURNING last"
)


def receive_complaint(
    session: Session,
    *,
    data: ComplaintCreate | dict[str, Any],
    channel: Channel,
    officer: User | None = None,
    photos: Sequence[PhotoData] = (),
    now: datetime | None = None,
    policy: ComplaintPolicy | None = None,
) -> Registered:
    """Store a complaint from any channel and issue its number and PIN: all that must be
    written before the complainant is answered. ``complete_intake`` does the rest, in the
    same transaction (``register_complaint``) or as the first task of the complaint's flow.

    Photos come as ``photos`` (already read bytes) and/or base64 in ``data.photos``."""
    policy = policy or complaint_policy()
    now = now or utcnow()
    parsed = parse_complaint(data)
    channel = Channel(channel)
    if channel in OFFICER_CHANNELS and officer is None:
        raise NotEntitled(f"เรื่องที่รับทาง{channel.thai} ต้องบันทึกโดยเจ้าหน้าที่")
    all_photos = [*decode_base64_photos(parsed, max_bytes=policy.max_photo_bytes), *photos]
    checked = check_photos(all_photos, policy)
    cat = category(session, parsed.category)
    calendar = working_calendar(session)
    pin = f"{secrets.randbelow(10**6):06d}"
    contact = parsed.complainant
    number = next_number(session, at=now, prefix=policy.number_prefix)
    complaint = Complaint(
        number=number,
        pin_hash=pin_digest(pin, number=number, secret=get_settings().secret_key),
        category_code=cat.code,
        description=parsed.description,
        public_description=mask_personal_data(parsed.description),
        address=parsed.address,
        latitude=parsed.latitude,
        longitude=parsed.longitude,
        channel=channel,
        intake_officer_id=officer.id if officer else None,
        complainant_name=contact.name,
        complainant_phone=contact.phone,
        complainant_email=contact.email,
        complainant_address=contact.address,
        withhold_identity=contact.withhold_identity,
        registered_at=now,
        expected_at=calendar.add_working_days(now, cat.days),
    )
    session.add(complaint)
    session.flush()
    store_photos(session, complaint, checked, PhotoKind.complaint, officer)
    audit_event(
        session,
        complaint,
        "complaint_registered",
        actor=officer,
        public=True,
        number=complaint.number,
        category=cat.name,
        channel=channel.value,
        photos=len(checked),
        expected_at=complaint.expected_at,
    )
    request_flow_run(
        session,
        case_type=CASE_TYPE,
        case_id=complaint.id,  # type: ignore[arg-type]
        parameters={"complaint_id": complaint.id},
    )
    return Registered(complaint, cat.name, pin, None)


def complete_intake(
    session: Session, complaint: Complaint, *, policy: ComplaintPolicy | None = None
) -> list["DuplicateCandidate"] | None:
    """Search for duplicates, open the centre's jurisdiction check (due a working day after
    the complaint arrived) and queue the receipt mail. Once: None if it was already done
    (a concurrent caller waits on the row and then finds it done)."""
    policy = policy or complaint_policy()
    status = session.execute(
        sa.update(Complaint)
        .where(col(Complaint.id) == complaint.id, col(Complaint.intake_completed_at).is_(None))
        .values(intake_completed_at=utcnow())
        .returning(Complaint.status)
    ).scalar_one_or_none()
    if status is None:
        return None
    if status != ComplaintStatus.screening:
        return []  # withdrawn in the seconds before: nothing left to check
    cat = category(session, complaint.category_code, active_only=False)
    dups = find_duplicates(session, complaint=complaint, policy=policy)
    open_screening(session, complaint, cat, dups, policy, complaint.registered_at)
    tell_complainant(session, complaint, "received", dedupe="received")
    return dups


def register_complaint(
    session: Session,
    *,
    data: ComplaintCreate | dict[str, Any],
    channel: Channel,
    officer: User | None = None,
    photos: Sequence[PhotoData] = (),
    now: datetime | None = None,
    policy: ComplaintPolicy | None = None,
) -> Registered:
    """Receive a complaint and complete its intake in one transaction: everything or nothing
    is written (where no Prefect worker will complete it, and in the tests)."""
    policy = policy or complaint_policy()
    registered = receive_complaint(
        session,
        data=data,
        channel=channel,
        officer=officer,
        photos=photos,
        now=now,
        policy=policy,
    )
    dups = complete_intake(session, registered.complaint, policy=policy)
    return Registered(registered.complaint, registered.category_name, registered.pin, dups)


def waiting_intakes(
    session: Session, *, older_than: timedelta = timedelta(seconds=30), limit: int = 500
) -> list[int]:
    """Complaints stored over ``older_than`` ago whose intake no flow has completed (Prefect
    behind or down): the reconcile sweep completes them, each in its own short transaction,
    so that a stored complaint reaches the centre within two minutes."""
    cutoff = utcnow() - older_than
    return list(
        session.exec(
            select(Complaint.id)
            .where(col(Complaint.intake_completed_at).is_(None), Complaint.registered_at < cutoff)
            .order_by(col(Complaint.id))
            .limit(limit)
        )
    )  # type: ignore[arg-type]
