"""What people do to a complaint outside its steps: reschedule, add evidence, withdraw, rate."""

from collections.abc import Sequence
from datetime import date, datetime

from itsdangerous import BadSignature
from sqlmodel import Session, select

from core.db import utcnow
from domain.complaints.handling import record_schedule
from domain.complaints.lookups import centre_division, get_complaint, works_in_division
from domain.complaints.notices import rating_signer, tell_complainant, tell_followers
from domain.complaints.policy import ComplaintPolicy, complaint_policy
from domain.complaints.states import CASE_TYPE, S, audit_event, set_status
from domain.complaints.steps import open_complaint_step
from domain.complaints.submission import check_photos, store_photos
from domain.engine.steps import Assignee, cancel_open_steps
from domain.errors import Conflict, InvalidInput, NotEntitled, NotFound
from models.complaint import (
    Complaint,
    ComplaintPhoto,
    ComplaintRating,
    ComplaintSchedule,
    ComplaintStatus,
    PhotoData,
    PhotoKind,
)
from models.people import Position, User
from models.steps import CaseRun, Outcome


def reschedule(
    session: Session, *, complaint_id: int, user: User, planned_date: date, reason: str
) -> ComplaintSchedule:
    """The division changes the date it will act; the reason is kept, the complainant told."""
    complaint = get_complaint(session, complaint_id, lock=True)
    if not works_in_division(session, complaint, user):
        raise NotEntitled("เฉพาะหน่วยงานที่รับผิดชอบเรื่องนี้เปลี่ยนกำหนดวันดำเนินการได้")
    if complaint.status != ComplaintStatus.in_progress or complaint.planned_date is None:
        raise Conflict("เรื่องนี้ยังไม่ได้แจ้งกำหนดวันดำเนินการ หรือไม่อยู่ระหว่างดำเนินการ")
    if not reason.strip():
        raise InvalidInput("ต้องระบุเหตุผลที่เปลี่ยนกำหนดวัน", field="reason")
    if planned_date == complaint.planned_date:
        raise Conflict("กำหนดวันเดิมอยู่แล้ว")
    return record_schedule(session, complaint, planned_date, reason.strip(), user)


def add_evidence(
    session: Session, *, complaint_id: int, user: User, photos: Sequence[PhotoData]
) -> list[ComplaintPhoto]:
    """The division's evidence photos of the result (before it reports)."""
    complaint = get_complaint(session, complaint_id, lock=True)
    if not works_in_division(session, complaint, user):
        raise NotEntitled("เฉพาะหน่วยงานที่รับผิดชอบเรื่องนี้แนบหลักฐานได้")
    if complaint.status != ComplaintStatus.in_progress:
        raise Conflict("แนบหลักฐานได้เฉพาะเรื่องที่อยู่ระหว่างดำเนินการ")
    if not photos:
        raise InvalidInput("กรุณาแนบรูปภาพหลักฐานอย่างน้อย 1 รูป", field="photos")
    checked = check_photos(photos, complaint_policy())
    rows = store_photos(session, complaint, checked, PhotoKind.evidence, user)
    audit_event(session, complaint, "complaint_evidence_added", actor=user, photos=len(rows))
    return rows


def withdraw(
    session: Session,
    *,
    complaint_id: int,
    reason: str,
    officer: User | None = None,
) -> Complaint:
    """The complainant withdraws (online with the PIN, or through an officer)."""
    complaint = get_complaint(session, complaint_id, lock=True)
    if complaint.status not in {S.screening, S.routed, S.in_progress}:
        raise Conflict(f"ถอนเรื่องไม่ได้: {ComplaintStatus(complaint.status).thai}")
    complaint.close_reason = reason.strip() or "ผู้ร้องขอถอนเรื่อง"
    complaint.closed_at = utcnow()
    cancel_open_steps(
        session,
        case_type=CASE_TYPE,
        case_id=complaint.id,  # type: ignore[arg-type]
        reason="ผู้ร้องถอนเรื่อง",
    )
    set_status(session, complaint, ComplaintStatus.withdrawn, actor=officer)
    tell_complainant(session, complaint, "withdrawn", dedupe="withdrawn")
    tell_followers(session, complaint, dedupe="withdrawn")
    return complaint


def rate(
    session: Session,
    *,
    score: int,
    comment: str = "",
    complaint_id: int | None = None,
    token: str | None = None,
    now: datetime | None = None,
    policy: ComplaintPolicy | None = None,
) -> ComplaintRating:
    """The complainant rates the result 1–5 (link token, or ``complaint_id`` once number and
    PIN were checked by ``pin.check_pin``); a rating at or below the policy's threshold opens
    a review at the centre."""
    policy = policy or complaint_policy()
    now = now or utcnow()
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise InvalidInput("คะแนนความพึงพอใจต้องเป็น 1 ถึง 5", field="score")
    if token:
        try:
            payload = rating_signer().loads(token)
        except BadSignature:
            raise NotFound("ลิงก์ประเมินความพึงพอใจไม่ถูกต้อง") from None
        complaint = get_complaint(session, int(payload["c"]), lock=True)
        if int(payload["r"]) != complaint.review_round:
            raise Conflict("ลิงก์นี้ใช้ประเมินผลรอบก่อน ซึ่งสิ้นสุดแล้ว")
        via = "token"
    elif complaint_id is not None:
        complaint = get_complaint(session, complaint_id, lock=True)
        via = "pin"
    else:
        raise InvalidInput("กรุณาระบุลิงก์ประเมิน หรือเลขที่เรื่องและรหัส PIN")
    if complaint.status != ComplaintStatus.resolved or complaint.review_round < 1:
        raise Conflict("เรื่องนี้ยังไม่อยู่ในขั้นตอนประเมินความพึงพอใจ")
    done = session.exec(
        select(ComplaintRating).where(
            ComplaintRating.complaint_id == complaint.id,
            ComplaintRating.round == complaint.review_round,
        )
    ).first()
    if done is not None:
        raise Conflict("ท่านได้ประเมินความพึงพอใจเรื่องนี้แล้ว")
    rating = ComplaintRating(
        complaint_id=complaint.id,  # type: ignore[arg-type]
        round=complaint.review_round,
        score=score,
        comment=comment.strip()[:4000],
        via=via,
        at=now,
    )
    session.add(rating)
    session.flush()
    audit_event(session, complaint, "complaint_rated", public=True, score=score)
    if score <= policy.review_below_or_at:
        set_status(session, complaint, ComplaintStatus.under_review, score=score)
        open_complaint_step(
            session,
            complaint,
            kind="review",
            round=complaint.review_round,
            what=f"ทบทวนผลการแก้ไข (ผู้ร้องให้คะแนน {score})",
            assignee=Assignee.holder_of(Position.officer, centre_division(session, policy).id),
            form="complaint-review",
            outcomes=[Outcome.reopen, Outcome.close, Outcome.close_unresolved],
            days=policy.decision_working_days,
        )
        wake_flow(session, complaint)
    else:
        complaint.closed_at = now
        session.add(complaint)
    return rating


def wake_flow(session: Session, complaint: Complaint) -> None:
    """A finished case got a new step: its flow run must follow it again."""
    run = session.exec(
        select(CaseRun).where(CaseRun.case_type == CASE_TYPE, CaseRun.case_id == complaint.id)
    ).first()
    if run is not None and run.finished:
        run.finished = False
        run.updated_at = utcnow()
        session.add(run)
