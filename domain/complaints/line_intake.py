"""Complaints that come as LINE messages, collected over a conversation.

A LINE user's texts, location and photos are collected in a ``lineconversation`` across
webhook calls, while each message comes within ``[line] conversation_minutes`` (config/
complaints.toml) of the one before; the complaint is registered once, as soon as the
conversation holds a description (the texts, at least five characters once telephone numbers
are taken out) and a location. Photos are optional. A conversation left longer than the window
is closed as expired and the next message starts a new one; one registered is closed too.

Each webhook event is taken in once, by its ``webhookEventId`` (table ``linewebhookevent``):
an event already taken in contributes nothing however LINE's deliveries overlap, while the new
events of the same delivery still do. The database decides (a unique key), and a sender's
deliveries are taken in one at a time (a row lock on PostgreSQL, the single writer on SQLite).

Answers, as the reply to the delivery: what is still missing, once per conversation (it is
asked in full by the first message, and the missing things only ever become fewer), then the
receipt with the number and PIN once registered. Later steps reach the user as LINE pushes
(``domain.complaints.line_notices``), as the complaint remembers the user (``line_user_id``).

The webhook (``api/complaints/line.py``) turns LINE's events into a ``LineBatch``; this
module is what the municipality decides about it."""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.db import in_transaction, insert_ignoring_duplicates, utcnow
from domain.complaints.category_guess import guess_category
from domain.complaints.intake import complete_intake, receive_complaint
from domain.complaints.policy import ComplaintPolicy, complaint_policy
from domain.complaints.service import check_intake_limits
from domain.engine.calendar import format_thai_date
from domain.errors import DomainError
from models.complaint import Channel, Complaint, LineConversation, LineWebhookEvent

PHONE = re.compile(r"(?<!\d)(?:\+66|0)\d(?:[ \-]?\d){7,8}(?!\d)")
NAME = "ผู้แจ้งผ่าน LINE"
MIN_DESCRIPTION = 5


class ConversationStatus:
    collecting = "collecting"
    registered = "registered"
    expired = "expired"


@dataclass(frozen=True)
class LineLocation:
    latitude: float
    longitude: float
    title: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class LineMessage:
    """One message event: a text, a location, an image (by LINE's message id), or something
    else (a sticker…) that only counts as taken in."""

    event_id: str | None
    reply_token: str | None = None
    text: str | None = None
    location: LineLocation | None = None
    image_id: str | None = None


@dataclass
class LineBatch:
    """What one sender sent in one webhook call, in order."""

    user_id: str | None
    """Whom the conversation is with and pushes go to (the user; a group or room if LINE did
    not give the user)."""
    messages: list[LineMessage] = field(default_factory=list)


@dataclass(frozen=True)
class LineAnswer:
    complaint_id: int | None
    """The complaint registered by this delivery, if any."""
    reply: str | None
    """What to answer; None: nothing (a redelivery, or nothing new to ask)."""
    reply_token: str | None
    """The token of a message taken in by this delivery (a token answers once)."""


# --------------------------------------------------------------------------- what is missing


@dataclass(frozen=True)
class Missing:
    description: bool
    location: bool


def _texts(conversation: LineConversation) -> str:
    return "\n".join(t.strip() for t in conversation.texts if t.strip())


def missing(conversation: LineConversation) -> Missing | None:
    """What the conversation still lacks before it can be registered; None: complete."""
    description = PHONE.sub("", _texts(conversation)).strip()
    lacks = Missing(
        description=len(description) < MIN_DESCRIPTION,
        location=conversation.latitude is None or conversation.longitude is None,
    )
    return lacks if (lacks.description or lacks.location) else None


def prompt(lacks: Missing, *, minutes: int, expired: bool) -> str:
    """The Thai prompt for what is missing."""
    if lacks.description and lacks.location:
        ask = (
            "กรุณาพิมพ์รายละเอียดเรื่องที่ต้องการร้องเรียน (อย่างน้อย 5 ตัวอักษร) "
            "และแชร์ตำแหน่งที่ตั้ง (Location) ของจุดที่พบปัญหา แนบภาพถ่ายได้ถ้ามี "
            "ส่งแยกกันได้ทีละข้อความ"
        )
    elif lacks.location:
        ask = (
            "ได้รับรายละเอียดแล้ว กรุณาแชร์ตำแหน่งที่ตั้ง (Location) ของจุดที่พบปัญหา "
            '(กดปุ่ม + แล้วเลือก "ตำแหน่งที่ตั้ง") แนบภาพถ่ายได้ถ้ามี'
        )
    else:
        ask = (
            "ได้รับตำแหน่งที่ตั้งแล้ว กรุณาพิมพ์รายละเอียดเรื่องที่ต้องการร้องเรียน "
            "(อย่างน้อย 5 ตัวอักษร) เช่น ปัญหาที่พบและจุดสังเกต"
        )
    text = f"{ask} ภายใน {minutes} นาที ระบบจะบันทึกเรื่องร้องเรียนเมื่อได้รับข้อมูลครบ"
    if expired:
        text = f"ข้อมูลที่ท่านส่งไว้ก่อนหน้านี้ยังไม่ครบและเกิน {minutes} นาทีแล้ว จึงเริ่มเรื่องใหม่: {text}"
    return text


def complaint_from_conversation(session: Session, conversation: LineConversation) -> dict[str, Any]:
    """The complaint to register from a complete conversation: the texts without telephone
    numbers are the (public) description, the first number found is the contact, otherwise
    the LINE user; photos are noted by LINE's message ids (the centre fetches them)."""
    text = _texts(conversation)
    phones = PHONE.findall(text)
    description = PHONE.sub("", text).strip()
    if conversation.images:
        note = "ภาพถ่ายส่งทาง LINE (message id: " + ", ".join(conversation.images) + ")"
        description = f"{description}\n\n{note}"
    contact: dict[str, Any] = {"name": NAME}
    if phones:
        contact["phone"] = re.sub(r"[ \-]", "", phones[0])
    else:
        contact["address"] = f"LINE: {conversation.line_user_id}"
    return {
        "category": guess_category(session, text),
        "description": description[:5000],
        "address": conversation.address[:500] if conversation.address else None,
        "latitude": conversation.latitude,
        "longitude": conversation.longitude,
        "complainant": contact,
    }


# --------------------------------------------------------------------------- taking in


def _first_time(session: Session, event_id: str | None, now: datetime) -> bool:
    """Record the event as taken in; False if it already was (LINE delivered it again).
    An event without an id cannot be recognised again and always counts."""
    if not event_id:
        return True
    return insert_ignoring_duplicates(
        session,
        LineWebhookEvent.__table__,  # type: ignore[attr-defined]
        {"event_id": event_id, "complaint_id": None, "received_at": now},
        ["event_id"],
    )


def _one_at_a_time(session: Session, user_id: str) -> None:
    """Take one sender's deliveries in turn (two at once would start two conversations).
    On PostgreSQL a transaction lock keyed by the sender; SQLite has one writer anyway."""
    if session.get_bind().dialect.name != "postgresql":
        return
    digest = hashlib.sha256(f"line-conversation:{user_id}".encode()).digest()
    key = int.from_bytes(digest[:8], "big", signed=True)
    session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def _open_conversation(
    session: Session, user_id: str, now: datetime, window: timedelta
) -> tuple[LineConversation, bool, bool]:
    """(the sender's conversation, whether it starts now, whether an older one expired)."""
    collecting = session.exec(
        select(LineConversation)
        .where(
            LineConversation.line_user_id == user_id,
            LineConversation.status == ConversationStatus.collecting,
        )
        .order_by(col(LineConversation.id).desc())
    ).all()
    expired = False
    current = None
    for conversation in collecting:
        if current is None and conversation.updated_at >= now - window:
            current = conversation
            continue
        conversation.status = ConversationStatus.expired
        session.add(conversation)
        expired = True
    if current is not None:
        return current, False, False
    current = LineConversation(line_user_id=user_id, started_at=now, updated_at=now)
    return current, True, expired


def _add(conversation: LineConversation, message: LineMessage) -> None:
    if message.text is not None and message.text.strip():
        conversation.texts = [*conversation.texts, message.text]
    if message.image_id is not None:
        conversation.images = [*conversation.images, message.image_id]
    if message.location is not None:
        loc = message.location
        conversation.latitude, conversation.longitude = loc.latitude, loc.longitude
        where = " ".join(p for p in (loc.title, loc.address) if p)
        conversation.address = where[:500] or None


def _receipt(complaint: Complaint, category_name: str, pin: str) -> str:
    return (
        f"รับเรื่องร้องเรียนแล้ว เลขที่ {complaint.number} รหัส PIN {pin} "
        f"(โปรดเก็บไว้เพื่อติดตามเรื่อง) ประเภท: {category_name} "
        f"กำหนดแล้วเสร็จ {format_thai_date(complaint.expected_at)} "
        "ท่านจะได้รับแจ้งความคืบหน้าทาง LINE นี้"
    )


def take_in_line(
    engine: Engine,
    batch: LineBatch,
    *,
    now: datetime | None = None,
    policy: ComplaintPolicy | None = None,
) -> LineAnswer:
    """Add what the sender sent in one delivery to their conversation; register the complaint
    when it is complete. One transaction: all of it is taken in, or none."""
    policy = policy or complaint_policy()
    window = timedelta(minutes=policy.line_conversation_minutes)
    user_id = batch.user_id

    def work(session: Session) -> LineAnswer:
        at = now or utcnow()
        if user_id:
            _one_at_a_time(session, user_id)
        fresh = [m for m in batch.messages if _first_time(session, m.event_id, at)]
        if not fresh:
            return LineAnswer(None, None, None)  # all delivered before: answered then
        token = next((m.reply_token for m in fresh if m.reply_token), None)
        if not user_id:  # nobody to hold a conversation with or to push to
            return LineAnswer(None, None, None)
        conversation, started, expired = _open_conversation(session, user_id, at, window)
        for message in fresh:
            _add(conversation, message)
        conversation.updated_at = at
        session.add(conversation)
        lacks = missing(conversation)
        if lacks is not None:
            reply = None
            if started:
                reply = prompt(lacks, minutes=policy.line_conversation_minutes, expired=expired)
            return LineAnswer(None, reply, token)
        data = complaint_from_conversation(session, conversation)
        check_intake_limits(  # a flood from one LINE user is held back like the web form's
            session, client=f"line:{user_id}", phone=data["complainant"].get("phone"), now=at
        )
        received = receive_complaint(
            session,
            data=data,
            channel=Channel.line,
            now=at,
            policy=policy,
        )
        complaint = received.complaint
        complaint.line_user_id = user_id
        session.add(complaint)
        complete_intake(session, complaint, policy=policy)
        conversation.status = ConversationStatus.registered
        conversation.complaint_id = complaint.id
        session.add(conversation)
        taken = [m.event_id for m in fresh if m.event_id]
        if taken:
            session.execute(
                sa.update(LineWebhookEvent)
                .where(col(LineWebhookEvent.event_id).in_(taken))
                .values(complaint_id=complaint.id)
            )
        return LineAnswer(
            complaint.id, _receipt(complaint, received.category_name, received.pin), token
        )

    try:
        return in_transaction(engine, work)
    except DomainError as exc:
        token = next((m.reply_token for m in batch.messages if m.reply_token), None)
        return LineAnswer(None, f"ไม่สามารถรับเรื่องได้: {exc.message}", token)
