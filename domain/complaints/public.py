"""What a citizen sees: the public timeline, the tracking page's data and the printable
receipt; never an officer's name or an internal comment."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel
from sqlmodel import Session

from domain.complaints.notices import mail_context
from domain.complaints.privacy import masked, public_text
from domain.complaints.states import CASE_TYPE
from domain.engine import audit
from domain.engine.calendar import format_thai_date
from domain.engine.notify import render_email
from models.complaint import (
    Channel,
    Complaint,
    ComplaintCategory,
    ComplaintPublic,
    ComplaintStatus,
)
from models.people import User

PUBLIC_ACTIONS = {
    "complaint_registered": "รับเรื่องร้องเรียนแล้ว",
    "complaint_routed": "ส่งเรื่องให้หน่วยงานที่รับผิดชอบ",
    "complaint_in_progress": "หน่วยงานรับเรื่องและกำลังดำเนินการ",
    "complaint_scheduled": "หน่วยงานแจ้งกำหนดวันดำเนินการ",
    "complaint_rescheduled": "หน่วยงานเปลี่ยนกำหนดวันดำเนินการ",
    "complaint_obstacle": "หน่วยงานรายงานปัญหาอุปสรรค",
    "complaint_extended": "ขยายระยะเวลาดำเนินการ",
    "complaint_resolved": "ดำเนินการแก้ไขแล้ว",
    "complaint_rated": "ผู้ร้องประเมินความพึงพอใจ",
    "complaint_under_review": "ศูนย์รับเรื่องทบทวนผลการแก้ไข",
    "complaint_closed_unresolved": "ยุติเรื่อง",
    "complaint_forwarded_outside": "ส่งต่อหน่วยงานภายนอก",
    "complaint_agency_acknowledged": "หน่วยงานภายนอกตอบรับเรื่องแล้ว",
    "complaint_duplicate": "รวมกับเรื่องร้องเรียนที่ซ้ำกัน",
    "complaint_withdrawn": "ผู้ร้องถอนเรื่อง",
    "complaint_mayor": "รายงานนายกเทศมนตรีเพื่อติดตามเรื่อง",
}
EVENT_TITLES = {
    **PUBLIC_ACTIONS,
    "complaint_screening": "รอศูนย์ฯ ตรวจสอบอำนาจหน้าที่",
    "complaint_merged_in": "มีเรื่องซ้ำรวมเข้ามา",
    "complaint_receipt_late": "หน่วยงานยังไม่ยืนยันรับเรื่องภายในกำหนด",
    "complaint_follow_up": "ติดตามเรื่อง (ครั้งที่ 1)",
    "complaint_first_notice": "มีหนังสือแจ้งเตือนครั้งที่ 1",
    "complaint_second_notice": "มีหนังสือแจ้งเตือนครั้งที่ 2",
    "complaint_agenda_explained": "หน่วยงานชี้แจงต่อที่ประชุมติดตามงาน",
    "complaint_evidence_added": "แนบรูปภาพหลักฐานผลการดำเนินการ",
    "complainant_to_telephone": "ศูนย์ฯ ต้องโทรแจ้งผู้ร้อง (ไม่มีอีเมล)",
    "complaint_obstacle_refused": "ไม่อนุญาตขยายเวลา ให้ดำเนินการต่อ",
    "complaint_public_summary": "ศูนย์ฯ เผยแพร่สรุปเรื่องต่อสาธารณะ",
}
"""Thai names of every audit action of a complaint, for the officers' timeline."""
PUBLIC_DETAIL = {
    "complaint_registered": ("number", "category", "expected_at"),
    "complaint_routed": ("division", "expected_at"),
    "complaint_scheduled": ("planned_date",),
    "complaint_rescheduled": ("planned_date", "previous_date", "reason"),
    "complaint_extended": ("expected_at",),
    "complaint_resolved": ("result",),
    "complaint_closed_unresolved": ("reason",),
    "complaint_forwarded_outside": ("agency",),
    "complaint_agency_acknowledged": ("agency", "acknowledged_on"),
    "complaint_duplicate": ("merged_into",),
    "complaint_rated": ("score",),
}
"""What of each public entry a citizen may read: never officer names or internal comments."""
FREE_TEXT_DETAIL = {"reason", "result"}
"""Details officers type: a telephone number or e-mail in them is masked (domain.privacy)."""


@dataclass(frozen=True)
class PublicEvent:
    at: datetime
    action: str
    title: str
    detail: dict[str, Any]


def public_timeline(session: Session, *, complaint: Complaint) -> list[PublicEvent]:
    events = []
    for entry in audit.timeline(session, case_type=CASE_TYPE, case_id=complaint.id):  # type: ignore[arg-type]
        if not entry.public or entry.action not in PUBLIC_ACTIONS:
            continue
        keys = PUBLIC_DETAIL.get(entry.action, ())
        detail = {k: entry.detail[k] for k in keys if entry.detail.get(k) is not None}
        for k in FREE_TEXT_DETAIL & detail.keys():
            if isinstance(detail[k], str):
                detail[k] = masked(detail[k])
        if entry.action == "complaint_resolved" and entry.detail.get("previous") == "under_review":
            detail = {}
            title = "ศูนย์รับเรื่องปิดเรื่องพร้อมคำชี้แจง"
        else:
            title = PUBLIC_ACTIONS[entry.action]
        events.append(PublicEvent(entry.at, entry.action, title, detail))
    return events


def render_receipt(
    session: Session, *, complaint: Complaint, copy: Literal["citizen", "centre"], pin: str | None
) -> str:
    """The printable receipt (HTML): the citizen's copy carries the PIN (given only at intake,
    or with the PIN in hand); the centre's copy carries the contact details and the officer."""
    officer = (
        session.get(User, complaint.intake_officer_id) if complaint.intake_officer_id else None
    )
    context = {
        **mail_context(session, complaint),
        "copy": copy,
        "pin": pin if copy == "citizen" else None,
        "channel_title": Channel(complaint.channel).thai,
        "officer_name": officer.full_name if officer else None,
    }
    return render_email("complaint_receipt", context).html


class PublicEventOut(BaseModel):
    at: datetime
    at_thai: str
    action: str
    title: str
    detail: dict[str, Any]


class Tracking(BaseModel):
    """What the complainant sees with number and PIN: nothing about anyone else."""

    complaint: ComplaintPublic
    category_name: str
    status_title: str
    expected_day: str
    planned_day: str | None
    agency: str | None
    merged_into: "Tracking | None" = None
    timeline: list[PublicEventOut]
    can_rate: bool


def tracking_for(session: Session, complaint: Complaint, *, depth: int = 0) -> Tracking:
    cat = session.get(ComplaintCategory, complaint.category_code)
    merged = None
    if complaint.merged_into_id and depth < 3:
        original = session.get(Complaint, complaint.merged_into_id)
        if original is not None:
            merged = tracking_for(session, original, depth=depth + 1)
    events = public_timeline(session, complaint=complaint)
    shown = ComplaintPublic.model_validate(complaint, from_attributes=True).model_copy(
        update={
            "description": public_text(complaint),
            "address": masked(complaint.address),
            "result": masked(complaint.result),
        }
    )
    return Tracking(
        complaint=shown,
        category_name=cat.name if cat else complaint.category_code,
        status_title=ComplaintStatus(complaint.status).thai,
        expected_day=format_thai_date(complaint.expected_at),
        planned_day=format_thai_date(complaint.planned_date) if complaint.planned_date else None,
        agency=complaint.agency,
        merged_into=merged,
        timeline=[
            PublicEventOut(
                at=e.at,
                at_thai=format_thai_date(e.at, style="short", with_time=True),
                action=e.action,
                title=e.title,
                detail=e.detail,
            )
            for e in events
        ],
        can_rate=depth == 0
        and complaint.status == ComplaintStatus.resolved
        and complaint.closed_at is None,
    )
