"""Mail about a complaint: to the complainant (or a call by the centre), to staff, to followers."""

from collections.abc import Sequence
from typing import Any

from itsdangerous import URLSafeSerializer
from sqlmodel import Session, col, select

from core.settings import get_settings
from domain.complaints.line_notices import queue_line_push
from domain.complaints.policy import complaint_policy
from domain.complaints.states import CASE_TYPE, audit_event
from domain.engine.calendar import format_thai_date
from domain.engine.notify import queue_email
from models.complaint import (
    Complaint,
    ComplaintCategory,
    ComplaintStatus,
)
from models.people import Division, User


def complaint_urls(complaint: Complaint) -> dict[str, str]:
    base = get_settings().public_base_url
    return {
        "track_url": f"{base}/complaints/track?number={complaint.number}",
        "rating_url": f"{base}/complaints/rate?token={rating_token(complaint)}",
        "staff_url": f"{base}/api/complaints/{complaint.id}",
    }


def mail_context(session: Session, complaint: Complaint, **extra: Any) -> dict[str, Any]:
    cat = session.get(ComplaintCategory, complaint.category_code)
    division = session.get(Division, complaint.division_id) if complaint.division_id else None
    policy = complaint_policy()
    return {
        "complaint": complaint,
        "category_name": cat.name if cat else complaint.category_code,
        "division_name": division.name if division else None,
        "status_title": ComplaintStatus(complaint.status).thai,
        "centre_phone": policy.centre_phone,
        "expected_day": format_thai_date(complaint.expected_at, style="long"),
        **complaint_urls(complaint),
        "extra": extra,
    }


def tell_complainant(
    session: Session, complaint: Complaint, kind: str, *, dedupe: str, **extra: Any
) -> bool:
    """Mail the complainant; one who filed through LINE is also told there (a push, queued
    like the mail); one with neither an e-mail address nor LINE is called by the centre
    (recorded, so the centre's list shows whom to telephone)."""
    context = {**mail_context(session, complaint, **extra), "kind": kind}
    if complaint.line_user_id:
        queue_line_push(session, complaint, kind, dedupe=dedupe, context=context)
    if not complaint.complainant_email:
        if not complaint.line_user_id:
            audit_event(session, complaint, "complainant_to_telephone", kind=kind)
        return False
    return queue_email(
        session,
        dedupe_key=f"complaint:{complaint.id}:citizen:{dedupe}",
        to=complaint.complainant_email,
        template="complaint_citizen",
        context=context,
        case_type=CASE_TYPE,
        case_id=complaint.id,
    )


def tell_staff(
    session: Session,
    complaint: Complaint,
    people: Sequence[User],
    kind: str,
    *,
    dedupe: str,
    also: Sequence[str | None] = (),
    **extra: Any,
) -> int:
    sent = 0
    context = {**mail_context(session, complaint, **extra), "kind": kind}
    recipients: list[tuple[str, str | None]] = [(p.full_name, p.email) for p in people]
    recipients += [("เจ้าหน้าที่ผู้รับผิดชอบ", a) for a in also]
    for name, address in recipients:
        sent += queue_email(
            session,
            dedupe_key=f"complaint:{complaint.id}:{dedupe}:{address}",
            to=address,
            template="complaint_staff",
            context={**context, "person_name": name},
            case_type=CASE_TYPE,
            case_id=complaint.id,
        )
    return sent


def tell_followers(session: Session, complaint: Complaint, *, dedupe: str) -> None:
    """Complainants whose duplicate was merged into this one learn its outcome too."""
    followers = session.exec(
        select(Complaint)
        .where(Complaint.merged_into_id == complaint.id)
        .order_by(col(Complaint.id))
    )
    for follower in followers:
        tell_complainant(
            session,
            follower,
            "original_outcome",
            dedupe=f"original:{complaint.id}:{dedupe}",
            original_number=complaint.number,
            original_status=ComplaintStatus(complaint.status).thai,
            original_result=complaint.result or complaint.close_reason or "",
        )


def rating_token(complaint: Complaint) -> str:
    """A link token for rating this round (signed; nothing to store)."""
    return rating_signer().dumps({"c": complaint.id, "r": complaint.review_round})


def rating_signer() -> URLSafeSerializer:
    return URLSafeSerializer(get_settings().secret_key, salt="complaint-rating")
