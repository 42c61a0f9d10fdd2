"""Complaints that come as LINE messages: one sender's texts, location and images of one
webhook call become one complaint, or an answer saying what is missing; an event LINE delivers
again makes nothing twice. The webhook (``api/complaints/line.py``) turns LINE's events into a
``LineBatch``; this module is what the municipality decides about it."""

import re
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from core.db import in_transaction, insert_ignoring_duplicates, utcnow
from domain.complaints.category_guess import guess_category
from domain.complaints.intake import register_complaint
from domain.engine.calendar import format_thai_date
from domain.errors import DomainError
from models.complaint import Channel, ComplaintCategory, LineWebhookEvent

PHONE = re.compile(r"(?<!\d)(?:\+66|0)\d(?:[ \-]?\d){7,8}(?!\d)")
NAME = "ผู้แจ้งผ่าน LINE"


@dataclass(frozen=True)
class LineLocation:
    latitude: float
    longitude: float
    title: str | None = None
    address: str | None = None


@dataclass
class LineBatch:
    """What one sender sent in one webhook call."""

    user_id: str | None
    event_ids: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    location: LineLocation | None = None


def complaint_from_line(session: Session, batch: LineBatch) -> dict[str, Any] | str:
    """The complaint to register, or (a str) what the sender must add."""
    text = "\n".join(t.strip() for t in batch.texts if t.strip())
    phones = PHONE.findall(text)
    description = PHONE.sub("", text).strip()
    if batch.images:
        note = "ภาพถ่ายส่งทาง LINE (message id: " + ", ".join(batch.images) + ")"
        description = f"{description}\n\n{note}" if description else note
    if len(description) < 5:
        return "กรุณาพิมพ์รายละเอียดเรื่องที่ต้องการร้องเรียน พร้อมส่งตำแหน่งที่ตั้ง (Location)"
    if batch.location is None:
        return (
            "กรุณาส่งรายละเอียดเรื่องพร้อมตำแหน่งที่ตั้ง (แชร์ Location) ในคราวเดียวกัน "
            "เพื่อให้ศูนย์รับเรื่องบันทึกเรื่องร้องเรียน"
        )
    loc = batch.location
    address = " ".join(p for p in (loc.title, loc.address) if p) or None
    contact: dict[str, Any] = {"name": NAME}
    if phones:
        contact["phone"] = re.sub(r"[ \-]", "", phones[0])
    else:
        contact["address"] = f"LINE: {batch.user_id or 'ไม่ทราบผู้ส่ง'}"
    return {
        "category": guess_category(session, text or description),
        "description": description[:5000],
        "address": address[:500] if address else None,
        "latitude": loc.latitude,
        "longitude": loc.longitude,
        "complainant": contact,
    }


def _take_in(session: Session, event_ids: list[str]) -> bool:
    """Record the batch's events as taken in; False if every one of them already was (LINE
    delivered them again). The database decides, so two deliveries at once make one."""
    if not event_ids:
        return True
    fresh = [
        insert_ignoring_duplicates(
            session,
            LineWebhookEvent.__table__,  # type: ignore[attr-defined]
            {"event_id": event_id, "complaint_id": None, "received_at": utcnow()},
            ["event_id"],
        )
        for event_id in event_ids
    ]
    return any(fresh)


def take_in_line(engine: Engine, batch: LineBatch) -> tuple[int | None, str | None]:
    """(complaint id or None, the reply text or None for a redelivery)."""

    def work(session: Session) -> tuple[int | None, str | None]:
        if not _take_in(session, batch.event_ids):
            return None, None
        data = complaint_from_line(session, batch)
        if isinstance(data, str):
            return None, data
        registered = register_complaint(session, data=data, channel=Channel.line)
        c = registered.complaint
        session.execute(
            sa.update(LineWebhookEvent)
            .where(col(LineWebhookEvent.event_id).in_(batch.event_ids))
            .values(complaint_id=c.id)
        )
        cat = session.get(ComplaintCategory, c.category_code)
        return c.id, (
            f"รับเรื่องร้องเรียนแล้ว เลขที่ {c.number} รหัส PIN {registered.pin} "
            f"(โปรดเก็บไว้เพื่อติดตามเรื่อง) ประเภท: {cat.name if cat else c.category_code} "
            f"กำหนดแล้วเสร็จ {format_thai_date(c.expected_at)}"
        )

    try:
        return in_transaction(engine, work)
    except DomainError as exc:
        return None, f"ไม่สามารถรับเรื่องได้: {exc.message}"
