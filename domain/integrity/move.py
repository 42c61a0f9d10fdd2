"""A corruption report that arrived through the general complaint channel (counter, web, LINE)
is moved by the complaint centre into the sealed track: its content is sealed into a new
report, and the complaint with everything that held its content (photos, schedule, ratings,
steps and decisions, its audit chain, mail and LINE messages about it) is removed from the
general side, which keeps only the move itself (``SealedMove``: the number, when, by whom).
It then appears in no list, in Open311 and in no statistics.

The audit chain is per case, so removing a whole case's chain leaves every other chain
verifiable. The complainant follows the sealed report with the receipt code and passphrase
the centre hands over (shown once); the centre reads nothing of it afterwards."""

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, delete, select, update

from core.db import in_transaction
from domain.complaints.lookups import by_number
from domain.complaints.policy import complaint_policy
from domain.complaints.states import CASE_TYPE as COMPLAINT
from domain.engine.people import division_by_code
from domain.errors import InvalidInput, NotEntitled, NotFound
from domain.integrity.forms import Identity
from domain.integrity.receipts import new_passphrase
from domain.integrity.reporting import Receipt, Upload, store_report
from models.audit import AuditEntry
from models.chase import AgendaItem, ChaseNotice
from models.complaint import (
    Complaint,
    ComplaintPhoto,
    ComplaintRating,
    ComplaintSchedule,
    LineConversation,
    LineWebhookEvent,
)
from models.integrity import IntegrityOrigin, SealedMove
from models.line_push import LinePush
from models.outbox import OutboxEmail
from models.people import User
from models.steps import CaseRun, Decision, HumanStep, StepNotice

SUBJECT = "เรื่องที่ย้ายมาจากช่องทางร้องเรียนทั่วไป"


def move_complaint(engine: Engine, *, user_id: int, number: str) -> Receipt:
    """Move complaint ``number`` into the sealed track (complaint centre officers only)."""
    passphrase = new_passphrase()

    def work(session: Session) -> Receipt:
        user = session.get(User, user_id)
        centre = division_by_code(session, complaint_policy().centre_division)
        if user is None or not user.active or user.division_id != centre.id:
            raise NotEntitled("เฉพาะเจ้าหน้าที่ศูนย์รับเรื่องร้องเรียนย้ายเรื่องเข้าช่องทางการทุจริตได้")
        complaint = by_number(session, number.strip().upper())
        if complaint is None:
            raise NotFound("ไม่พบเรื่องร้องเรียนเลขที่นี้")
        if complaint.merged_into_id is not None:
            raise InvalidInput("เรื่องนี้รวมกับเรื่องอื่นแล้ว กรุณาย้ายเรื่องหลัก")
        photos = session.exec(
            select(ComplaintPhoto).where(ComplaintPhoto.complaint_id == complaint.id)
        ).all()
        code = store_report(
            session,
            subject=SUBJECT,
            text=_text_of(complaint),
            identity=_identity_of(complaint),
            files=[(Upload(f"photo-{i}", p.data), p.content_type) for i, p in enumerate(photos, 1)],
            passphrase=passphrase,
            origin=IntegrityOrigin.moved,
        )
        _remove(session, complaint)
        session.add(SealedMove(complaint_number=complaint.number, moved_by_id=user.id))
        return Receipt(code=code, passphrase=passphrase, chosen=False)

    return in_transaction(engine, work)


def _text_of(complaint: Complaint) -> str:
    parts = [complaint.description]
    if complaint.address:
        parts.append(f"สถานที่: {complaint.address}")
    parts.append(f"(รับเรื่องทางช่องทาง {complaint.channel} เลขที่เดิม {complaint.number})")
    return "\n\n".join(parts)


def _identity_of(complaint: Complaint) -> Identity | None:
    name = (complaint.complainant_name or "").strip()
    if len(name) < 2:
        return None
    return Identity(
        name=name,
        phone=complaint.complainant_phone,
        email=complaint.complainant_email,
    )


def _remove(session: Session, complaint: Complaint) -> None:
    case = (col(HumanStep.case_type) == COMPLAINT, col(HumanStep.case_id) == complaint.id)
    step_ids = list(session.exec(select(HumanStep.id).where(*case)))
    if step_ids:
        session.execute(delete(Decision).where(col(Decision.step_id).in_(step_ids)))
        session.execute(delete(StepNotice).where(col(StepNotice.step_id).in_(step_ids)))
        session.execute(delete(HumanStep).where(col(HumanStep.id).in_(step_ids)))
    for table in (AuditEntry, ChaseNotice, AgendaItem, OutboxEmail, LinePush):
        session.execute(
            delete(table).where(
                col(table.case_type) == COMPLAINT,  # type: ignore[attr-defined]
                col(table.case_id) == complaint.id,  # type: ignore[attr-defined]
            )
        )
    for table in (ComplaintPhoto, ComplaintSchedule, ComplaintRating):
        session.execute(delete(table).where(col(table.complaint_id) == complaint.id))  # type: ignore[attr-defined]
    for table in (LineConversation, LineWebhookEvent):
        session.execute(
            update(table)
            .where(col(table.complaint_id) == complaint.id)  # type: ignore[attr-defined]
            .values(complaint_id=None)
        )
    session.execute(
        update(Complaint)
        .where(col(Complaint.merged_into_id) == complaint.id)
        .values(merged_into_id=None)
    )
    # The flow run finds the case gone (finished) and ends; the row says nothing of content.
    session.execute(
        update(CaseRun)
        .where(col(CaseRun.case_type) == COMPLAINT, col(CaseRun.case_id) == complaint.id)
        .values(finished=True)
    )
    session.delete(complaint)
    session.flush()
