"""Complaints (เรื่องร้องเรียน/ร้องทุกข์), DOMAIN.md §5: intake from any channel with a number and
PIN at once; the centre checks jurisdiction (route to a division, forward outside, or merge a
duplicate); the division confirms receipt, announces when it will act, reports an obstacle or
the result with evidence; the supervisor is told, then the complainant, who rates it; a low
rating brings a review. A division that does not report is chased up to the mayor.

Every change goes through TRANSITIONS in the caller's transaction; steps and mail are keyed so
that a repeat changes nothing. Channel-agnostic: the web form, the counter, LINE and Open311
all come through ``receive_complaint`` (stored, number and PIN given), then
``complete_intake`` (duplicates, the centre's check, the receipt mail) — in the same
transaction (``register_complaint``), or in the complaint's flow when Prefect runs."""

import base64
import binascii
import hashlib
import math
import secrets
import threading
import tomllib
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar, Literal

import sqlalchemy as sa
from itsdangerous import BadSignature, URLSafeSerializer
from pydantic import Field, ValidationError, model_validator
from sqlmodel import Session, col, select

from core.db import insert_ignoring_duplicates, utcnow
from core.settings import PROJECT_ROOT, get_settings
from domain import audit
from domain.accounts import pin_digest, verify_pin
from domain.authority import holders
from domain.calendar import BANGKOK, format_thai_date, to_buddhist_year
from domain.deadlines import working_calendar
from domain.errors import Conflict, InvalidInput, NotEntitled, NotFound
from domain.forms import DecisionForm, register_form
from domain.notify import queue_email, render_email
from domain.runs import request_flow_run
from domain.statemachine import Transitions
from domain.steps import Assignee, cancel_open_steps, open_step, open_steps_of_case
from domain.workflows import register
from models.complaint import (
    OFFICER_CHANNELS,
    OPEN_STATUSES,
    Channel,
    Complaint,
    ComplaintAgendaItem,
    ComplaintCategory,
    ComplaintCreate,
    ComplaintNotice,
    ComplaintPhoto,
    ComplaintRating,
    ComplaintSchedule,
    ComplaintStatus,
    NoticeStage,
    PhotoData,
    PhotoKind,
)
from models.people import Division, Position, User
from models.steps import CaseRun, Decision, HumanStep, Outcome, StepStatus

CASE_TYPE = "complaint"
CONFIG_FILE = PROJECT_ROOT / "config" / "complaints.toml"

S = ComplaintStatus
TRANSITIONS = Transitions(
    {
        S.screening: frozenset({S.routed, S.forwarded_outside, S.duplicate, S.withdrawn}),
        S.routed: frozenset({S.in_progress, S.withdrawn}),
        S.in_progress: frozenset({S.resolved, S.closed_unresolved, S.withdrawn}),
        S.resolved: frozenset({S.under_review}),
        S.under_review: frozenset({S.in_progress, S.resolved, S.closed_unresolved}),
    }
)


# --------------------------------------------------------------------------- policy


@dataclass(frozen=True)
class ComplaintPolicy:
    """config/complaints.toml, typed."""

    number_prefix: str = "KKC"
    max_photos: int = 5
    max_photo_bytes: int = 5 * 1024 * 1024
    centre_division: str = "สป."
    centre_phone: str = "043-271-261"
    screening_working_days: int = 1
    receipt_working_days: int = 1
    inspect_working_days: int = 2
    handler_position: Position = Position.section_head
    decision_working_days: int = 2
    agency_ack_working_days: int = 5
    duplicate_radius_metres: float = 150.0
    follow_up_days: int = 10
    first_notice_days: int = 7
    second_notice_days: int = 5
    ladder_working_days: bool = False
    meeting_weekday: int = 0
    review_below_or_at: int = 2
    categories: tuple[dict[str, Any], ...] = field(default_factory=tuple)

    @classmethod
    def from_file(cls, path: Path) -> "ComplaintPolicy":
        with path.open("rb") as f:
            data = tomllib.load(f)
        intake, routing = data.get("intake", {}), data.get("routing", {})
        dup, esc, rating = (
            data.get("duplicates", {}),
            data.get("escalation", {}),
            data.get("rating", {}),
        )
        d = cls()
        return cls(
            number_prefix=intake.get("number_prefix", d.number_prefix),
            max_photos=intake.get("max_photos", d.max_photos),
            max_photo_bytes=intake.get("max_photo_bytes", d.max_photo_bytes),
            centre_division=intake.get("centre_division", d.centre_division),
            centre_phone=intake.get("centre_phone", d.centre_phone),
            screening_working_days=intake.get("screening_working_days", 1),
            receipt_working_days=routing.get("receipt_working_days", 1),
            inspect_working_days=routing.get("inspect_working_days", 2),
            handler_position=Position(routing.get("handler_position", "section_head")),
            decision_working_days=routing.get("decision_working_days", 2),
            agency_ack_working_days=routing.get("agency_ack_working_days", 5),
            duplicate_radius_metres=float(dup.get("radius_metres", 150)),
            follow_up_days=esc.get("follow_up_days", 10),
            first_notice_days=esc.get("first_notice_days", 7),
            second_notice_days=esc.get("second_notice_days", 5),
            ladder_working_days=bool(esc.get("working_days", False)),
            meeting_weekday=esc.get("meeting_weekday", 0),
            review_below_or_at=rating.get("review_below_or_at", 2),
            categories=tuple(data.get("categories", [])),
        )


@lru_cache
def complaint_policy(path: Path = CONFIG_FILE) -> ComplaintPolicy:
    return ComplaintPolicy.from_file(path)


# --------------------------------------------------------------------------- decision forms

ScreeningAction = Literal["route", "forward", "merge"]


class _ActionForm(DecisionForm):
    """A complaint step's form: the officer picks an ``action``; the generic outcome follows
    from it (so the step engine, the audit and Prefect's run input all see a plain outcome)."""

    ACTIONS: ClassVar[dict[str, Outcome]] = {}

    @model_validator(mode="before")
    @classmethod
    def _outcome_from_action(cls, data: Any) -> Any:
        if isinstance(data, dict) and "outcome" not in data and data.get("action") in cls.ACTIONS:
            return {**data, "outcome": cls.ACTIONS[data["action"]].value}
        return data

    @model_validator(mode="after")
    def _outcome_matches(self) -> "_ActionForm":
        action = getattr(self, "action", None)
        if action is not None and self.ACTIONS.get(action) != self.outcome:
            raise ValueError(f"ผลการพิจารณาไม่ตรงกับการดำเนินการ {action}")
        return self


class ScreeningForm(_ActionForm):
    """The centre's jurisdiction check: route inside, forward outside, or merge a duplicate."""

    ACTIONS: ClassVar[dict[str, Outcome]] = {
        "route": Outcome.approve,
        "forward": Outcome.reject,
        "merge": Outcome.acknowledge,
    }
    action: ScreeningAction = Field(description="route / forward / merge")
    category: str | None = Field(default=None, max_length=40, description="แก้ประเภทเรื่อง")
    division_code: str | None = Field(
        default=None, max_length=16, description="หน่วยงานรับผิดชอบ (ค่าเริ่มต้นตามประเภท)"
    )
    agency: str | None = Field(default=None, max_length=300, description="หน่วยงานภายนอก")
    merge_into: str | None = Field(default=None, max_length=32, description="เลขที่เรื่องเดิม")

    @model_validator(mode="after")
    def _needs(self) -> "ScreeningForm":
        if self.action == "forward" and not (self.agency and self.agency.strip()):
            raise ValueError("ส่งต่อหน่วยงานภายนอกต้องระบุชื่อหน่วยงาน (agency)")
        if self.action == "merge" and not self.merge_into:
            raise ValueError("รวมเรื่องต้องระบุเลขที่เรื่องเดิม (merge_into)")
        return self


class AgencyAckForm(DecisionForm):
    """The outside agency acknowledged the forwarded complaint (date and its reference)."""

    outcome: Outcome = Outcome.acknowledge
    acknowledged_on: date = Field(description="วันที่หน่วยงานภายนอกตอบรับ")
    agency_reference: str | None = Field(default=None, max_length=200)


class ScheduleForm(DecisionForm):
    """The division inspected and announces when it will act."""

    outcome: Outcome = Outcome.approve
    planned_date: date = Field(description="วันที่จะดำเนินการ")


class ResultForm(_ActionForm):
    """The division's report: resolved (with evidence photos uploaded), or an obstacle, which
    may ask for more working days; the centre decides the obstacle."""

    ACTIONS: ClassVar[dict[str, Outcome]] = {
        "resolved": Outcome.approve,
        "obstacle": Outcome.reject,
    }
    action: Literal["resolved", "obstacle"]
    result: str | None = Field(default=None, max_length=4000, description="ผลการดำเนินการ")
    obstacle: str | None = Field(default=None, max_length=4000, description="ปัญหาอุปสรรค")
    extra_working_days: int | None = Field(default=None, ge=1, le=120, description="ขอขยายเวลา")

    @model_validator(mode="after")
    def _needs(self) -> "ResultForm":
        if self.action == "resolved" and not (self.result and self.result.strip()):
            raise ValueError("ต้องระบุผลการดำเนินการ (result)")
        if self.action == "obstacle" and not (self.obstacle and self.obstacle.strip()):
            raise ValueError("ต้องระบุปัญหาอุปสรรค (obstacle)")
        return self


class ObstacleForm(_ActionForm):
    """The centre on an obstacle: grant more time, refuse (carry on), or close unresolved."""

    ACTIONS: ClassVar[dict[str, Outcome]] = {
        "grant": Outcome.approve,
        "refuse": Outcome.return_for_revision,
        "close_unresolved": Outcome.reject,
    }
    action: Literal["grant", "refuse", "close_unresolved"]
    extra_working_days: int | None = Field(default=None, ge=1, le=120)
    explanation: str | None = Field(default=None, max_length=4000, description="แจ้งผู้ร้อง")

    @model_validator(mode="after")
    def _needs(self) -> "ObstacleForm":
        if self.action == "grant" and not self.extra_working_days:
            raise ValueError("ขยายเวลาต้องระบุจำนวนวันทำการ (extra_working_days)")
        if self.action == "close_unresolved" and not self.explanation:
            raise ValueError("ยุติเรื่องต้องระบุคำชี้แจงถึงผู้ร้อง (explanation)")
        return self


class ReviewForm(_ActionForm):
    """The centre on a low rating: back to the division, or close with an explanation."""

    ACTIONS: ClassVar[dict[str, Outcome]] = {
        "reopen": Outcome.return_for_revision,
        "close": Outcome.approve,
        "close_unresolved": Outcome.reject,
    }
    action: Literal["reopen", "close", "close_unresolved"]
    explanation: str | None = Field(default=None, max_length=4000, description="แจ้งผู้ร้อง")

    @model_validator(mode="after")
    def _needs(self) -> "ReviewForm":
        if self.action != "reopen" and not self.explanation:
            raise ValueError("ปิดเรื่องต้องระบุคำชี้แจงถึงผู้ร้อง (explanation)")
        return self


register_form("complaint-screening", ScreeningForm)
register_form("complaint-agency-ack", AgencyAckForm)
register_form("complaint-schedule", ScheduleForm)
register_form("complaint-result", ResultForm)
register_form("complaint-obstacle", ObstacleForm)
register_form("complaint-review", ReviewForm)


# --------------------------------------------------------------------------- input checks

FIELD_TITLES = {
    "category": "ประเภทเรื่อง",
    "description": "รายละเอียดเรื่องร้องเรียน",
    "address": "สถานที่เกิดเหตุ",
    "latitude": "ละติจูด",
    "longitude": "ลองจิจูด",
    "complainant": "ข้อมูลผู้ร้อง",
    "name": "ชื่อผู้ร้อง",
    "phone": "หมายเลขโทรศัพท์",
    "email": "อีเมล",
    "withhold_identity": "การไม่เปิดเผยชื่อ",
    "photos": "รูปภาพ",
    "content_base64": "ข้อมูลรูปภาพ",
    "score": "คะแนนความพึงพอใจ",
}


def _thai_error(err: dict[str, Any]) -> str:
    loc = [str(p) for p in err.get("loc", ()) if not isinstance(p, int)]
    title = FIELD_TITLES.get(loc[-1], loc[-1]) if loc else "ข้อมูล"
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return f"กรุณาระบุ{title}"
    if kind == "value_error":
        return str(ctx.get("error") or err.get("msg", "")).removeprefix("Value error, ")
    if kind == "string_too_short":
        return f"{title}สั้นเกินไป (อย่างน้อย {ctx.get('min_length')} ตัวอักษร)"
    if kind == "string_too_long":
        return f"{title}ยาวเกินไป (ไม่เกิน {ctx.get('max_length')} ตัวอักษร)"
    if kind in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
        if loc and loc[-1] in {"latitude", "longitude"}:
            return "พิกัดไม่ถูกต้อง: ละติจูดต้องอยู่ระหว่าง -90 ถึง 90 และลองจิจูดระหว่าง -180 ถึง 180"
        return f"{title}อยู่นอกช่วงที่กำหนด"
    if kind == "extra_forbidden":
        return f"ไม่รู้จักข้อมูล {'.'.join(loc)}"
    return f"{title}มีรูปแบบไม่ถูกต้อง"


def parse_complaint(data: ComplaintCreate | dict[str, Any]) -> ComplaintCreate:
    """Validate a submission; InvalidInput (422) with Thai messages per field."""
    if isinstance(data, ComplaintCreate):
        return data
    if not isinstance(data, dict):
        raise InvalidInput("ข้อมูลที่ส่งมาต้องเป็นออบเจกต์ JSON")
    try:
        return ComplaintCreate.model_validate(data)
    except ValidationError as exc:
        errors = [
            {"field": ".".join(str(p) for p in e["loc"]), "message": _thai_error(dict(e))}
            for e in exc.errors()
        ]
        raise InvalidInput(
            "ข้อมูลเรื่องร้องเรียนไม่ครบถ้วนหรือไม่ถูกต้อง: " + "; ".join(e["message"] for e in errors),
            errors=errors,
        ) from None


IMAGE_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WebP"}


def sniff_image(data: bytes) -> str | None:
    """The image type by its first bytes (never by the file name), or None."""
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def decode_base64_photos(data: ComplaintCreate, *, max_bytes: int) -> list[PhotoData]:
    photos = []
    for i, photo in enumerate(data.photos, start=1):
        text = photo.content_base64
        if text.startswith("data:") and "," in text:
            text = text.split(",", 1)[1]  # a data: URL from a browser
        if len(text) > (max_bytes * 4) // 3 + 8:
            raise InvalidInput(_too_large(i, max_bytes), field=f"photos.{i - 1}")
        try:
            raw = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidInput(
                f"รูปภาพที่ {i}: ข้อมูล base64 ไม่ถูกต้อง", field=f"photos.{i - 1}"
            ) from None
        photos.append(PhotoData(filename=photo.filename, data=raw))
    return photos


def _too_large(i: int, max_bytes: int) -> str:
    return f"รูปภาพที่ {i} มีขนาดเกิน {max_bytes // (1024 * 1024)} MB"


def check_photos(photos: Sequence[PhotoData], policy: ComplaintPolicy) -> list[tuple[str, bytes]]:
    """(content type, bytes) of each photo; InvalidInput for too many, too large, not an image."""
    if len(photos) > policy.max_photos:
        raise InvalidInput(f"แนบรูปภาพได้ไม่เกิน {policy.max_photos} รูป", field="photos")
    checked = []
    for i, photo in enumerate(photos, start=1):
        if len(photo.data) > policy.max_photo_bytes:
            raise InvalidInput(_too_large(i, policy.max_photo_bytes), field=f"photos.{i - 1}")
        if not photo.data:
            raise InvalidInput(f"รูปภาพที่ {i} ว่างเปล่า", field=f"photos.{i - 1}")
        kind = sniff_image(photo.data)
        if kind is None:
            raise InvalidInput(
                f"รูปภาพที่ {i} ไม่ใช่ไฟล์ภาพที่รับได้ (รับเฉพาะ JPEG, PNG, WebP)",
                field=f"photos.{i - 1}",
            )
        checked.append((kind, photo.data))
    return checked


def _store_photos(
    session: Session,
    complaint: Complaint,
    checked: list[tuple[str, bytes]],
    kind: PhotoKind,
    user: User | None,
) -> list[ComplaintPhoto]:
    rows = []
    for content_type, data in checked:
        row = ComplaintPhoto(
            complaint_id=complaint.id,  # type: ignore[arg-type]
            kind=kind,
            content_type=content_type,
            size_bytes=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            data=data,
            uploaded_by_user_id=user.id if user else None,
        )
        session.add(row)
        rows.append(row)
    session.flush()
    return rows


# --------------------------------------------------------------------------- lookups


def category(session: Session, code: str, *, active_only: bool = True) -> ComplaintCategory:
    found = session.get(ComplaintCategory, code)
    if found is None or (active_only and not found.active):
        raise InvalidInput(f"ไม่รู้จักประเภทเรื่อง {code}", field="category")
    return found


def categories(session: Session) -> list[ComplaintCategory]:
    return list(
        session.exec(
            select(ComplaintCategory)
            .where(ComplaintCategory.active == True)  # noqa: E712
            .order_by(col(ComplaintCategory.name))
        )
    )


def division_by_code(session: Session, code: str) -> Division:
    found = session.exec(select(Division).where(Division.code == code)).first()
    if found is None:
        raise InvalidInput(f"ไม่พบหน่วยงาน {code}", field="division_code")
    return found


def in_centre(session: Session, user: User) -> bool:
    """Whether ``user`` works in the complaint centre's division (สป.)."""
    centre = division_by_code(session, complaint_policy().centre_division)
    return user.division_id is not None and user.division_id == centre.id


def get_complaint(session: Session, complaint_id: int, *, lock: bool = False) -> Complaint:
    found = session.get(Complaint, complaint_id, with_for_update=lock, populate_existing=lock)
    if found is None:
        raise NotFound("ไม่พบเรื่องร้องเรียน")
    return found


def by_number(session: Session, number: str) -> Complaint | None:
    return session.exec(select(Complaint).where(Complaint.number == number.strip())).first()


# --------------------------------------------------------------------------- intake


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
    _store_photos(session, complaint, checked, PhotoKind.complaint, officer)
    _audit(
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
    _open_screening(session, complaint, cat, dups, policy, complaint.registered_at)
    _tell_complainant(session, complaint, "received", dedupe="received")
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


class PinGuessLimit:
    """At most ``attempts`` wrong PINs per complaint number in ``window``, then every try is
    refused until the window passes: six digits cannot be guessed through the web. Kept in
    the process (no write in the caller's transaction, which a refusal rolls back); with
    several API processes the allowance multiplies by their number, still far too few."""

    def __init__(
        self, attempts: int = 10, window: timedelta = timedelta(minutes=15), keep: int = 100_000
    ) -> None:
        self.attempts, self.window, self.keep = attempts, window, keep
        self._failures: OrderedDict[str, list[datetime]] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, number: str, now: datetime) -> list[datetime]:
        recent = [t for t in self._failures.get(number, []) if t > now - self.window]
        if recent:
            self._failures[number] = recent
        else:
            self._failures.pop(number, None)
        return recent

    def blocked(self, number: str, now: datetime) -> bool:
        with self._lock:
            return len(self._recent(number, now)) >= self.attempts

    def clear(self) -> None:
        with self._lock:
            self._failures.clear()

    def failed(self, number: str, now: datetime) -> None:
        with self._lock:
            self._failures[number] = [*self._recent(number, now), now]
            self._failures.move_to_end(number)
            while len(self._failures) > self.keep:
                self._failures.popitem(last=False)


PIN_GUESSES = PinGuessLimit()


def check_pin(session: Session, *, number: str, pin: str, now: datetime | None = None) -> Complaint:
    """The complaint if number and PIN match; otherwise one answer for every failure (unknown
    number, wrong PIN, too many wrong PINs), so an answer reveals nothing."""
    now = now or utcnow()
    number = number or ""
    refused = NotFound("ไม่พบเรื่องร้องเรียนตามเลขที่และรหัส PIN ที่ระบุ")
    if PIN_GUESSES.blocked(number, now):
        raise refused
    found = by_number(session, number)
    if found is None or not verify_pin(
        str(pin or ""), number=found.number, secret=get_settings().secret_key, stored=found.pin_hash
    ):
        PIN_GUESSES.failed(number, now)
        raise refused
    return found


# --------------------------------------------------------------------------- duplicates


@dataclass(frozen=True)
class DuplicateCandidate:
    complaint: Complaint
    distance_m: float


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres."""
    r = 6_371_000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(min(1.0, a)))


def find_duplicates(
    session: Session, *, complaint: Complaint, policy: ComplaintPolicy | None = None
) -> list[DuplicateCandidate]:
    """Open complaints of the same category within the radius, nearest first."""
    policy = policy or complaint_policy()
    if complaint.latitude is None or complaint.longitude is None:
        return []
    radius = policy.duplicate_radius_metres
    dlat = radius / 111_000 + 1e-6
    dlon = dlat / max(0.01, math.cos(math.radians(complaint.latitude)))
    rows = session.exec(
        select(Complaint).where(
            Complaint.category_code == complaint.category_code,
            col(Complaint.status).in_([s.value for s in OPEN_STATUSES]),
            Complaint.id != complaint.id,
            col(Complaint.latitude).between(complaint.latitude - dlat, complaint.latitude + dlat),
            col(Complaint.longitude).between(
                complaint.longitude - dlon, complaint.longitude + dlon
            ),
        )
    )
    found = []
    for other in rows:
        assert other.latitude is not None and other.longitude is not None
        d = haversine_m(complaint.latitude, complaint.longitude, other.latitude, other.longitude)
        if d <= radius:
            found.append(DuplicateCandidate(other, round(d, 1)))
    return sorted(found, key=lambda c: (c.distance_m, c.complaint.id or 0))


# --------------------------------------------------------------------------- steps


def step_key(complaint: Complaint, kind: str, round: int | None = None) -> str:
    return f"complaint-{complaint.id}-{kind}" + (f"-r{round}" if round is not None else "")


def _centre(session: Session, policy: ComplaintPolicy) -> Division:
    return division_by_code(session, policy.centre_division)


def _handler(session: Session, division_id: int, policy: ComplaintPolicy) -> Assignee:
    """The division's handlers (section heads by default); the director if it has none."""
    any_holder = session.exec(
        select(User.id).where(
            User.position == policy.handler_position,
            User.division_id == division_id,
            User.active == True,  # noqa: E712
        )
    ).first()
    position = policy.handler_position if any_holder else Position.division_director
    return Assignee.holder_of(position, division_id)


def _supervisors(session: Session, division_id: int | None) -> list[User]:
    if division_id is None:
        return []
    return list(
        session.exec(
            select(User).where(
                User.position == Position.division_director,
                User.division_id == division_id,
                User.active == True,  # noqa: E712
            )
        )
    )


def _title(complaint: Complaint, what: str) -> str:
    return f"{what}: เรื่องร้องเรียนเลขที่ {complaint.number}"


def _open_screening(
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
        title=_title(complaint, f"ตรวจสอบอำนาจหน้าที่ ({cat.name}){hint}"),
        assignee=Assignee.holder_of(Position.officer, _centre(session, policy).id),
        form="complaint-screening",
        allowed_outcomes=[Outcome.approve, Outcome.reject, Outcome.acknowledge],
        due_in_working_days=policy.screening_working_days,
        level="screen",
        now=now,
    )


def _open(
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
        title=_title(complaint, what),
        assignee=assignee,
        form=form,
        allowed_outcomes=outcomes,
        due_in_working_days=days,
        level=kind,
        round=round or 1,
    )


def _open_result_step(session: Session, complaint: Complaint, policy: ComplaintPolicy) -> None:
    """The division's report, due by the expected date (at least one working day away)."""
    assert complaint.division_id is not None
    complaint.work_round += 1
    session.add(complaint)
    now = utcnow()
    calendar = working_calendar(session)
    days = max(1, calendar.working_days_between(now, complaint.expected_at))
    _open(
        session,
        complaint,
        kind="result",
        round=complaint.work_round,
        what="รายงานผลการแก้ไข",
        assignee=_handler(session, complaint.division_id, policy),
        form="complaint-result",
        outcomes=[Outcome.approve, Outcome.reject],
        days=days,
    )


def _set_status(
    session: Session,
    complaint: Complaint,
    target: ComplaintStatus,
    *,
    actor: User | None = None,
    public: bool = True,
    **detail: Any,
) -> None:
    previous = complaint.status
    complaint.status = TRANSITIONS.check(complaint.status, target)
    session.add(complaint)
    _audit(
        session,
        complaint,
        f"complaint_{target.value}",
        actor=actor,
        public=public,
        status=target.value,
        previous=ComplaintStatus(previous).value,
        **detail,
    )


def _audit(
    session: Session,
    complaint: Complaint,
    action: str,
    *,
    actor: User | None = None,
    public: bool = False,
    **detail: Any,
) -> None:
    audit.record(
        session,
        case_type=CASE_TYPE,
        case_id=complaint.id,  # type: ignore[arg-type]
        action=action,
        actor=actor,
        detail=detail,
        public=public,
    )


# --------------------------------------------------------------------------- mail


def _urls(complaint: Complaint) -> dict[str, str]:
    base = get_settings().public_base_url
    return {
        "track_url": f"{base}/complaints/track?number={complaint.number}",
        "rating_url": f"{base}/complaints/rate?token={rating_token(complaint)}",
        "staff_url": f"{base}/api/complaints/{complaint.id}",
    }


def _context(session: Session, complaint: Complaint, **extra: Any) -> dict[str, Any]:
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
        **_urls(complaint),
        "extra": extra,
    }


def _tell_complainant(
    session: Session, complaint: Complaint, kind: str, *, dedupe: str, **extra: Any
) -> bool:
    """Mail the complainant; one without an e-mail address is called by the centre
    (recorded, so the centre's list shows whom to telephone)."""
    if not complaint.complainant_email:
        _audit(session, complaint, "complainant_to_telephone", kind=kind)
        return False
    return queue_email(
        session,
        dedupe_key=f"complaint:{complaint.id}:citizen:{dedupe}",
        to=complaint.complainant_email,
        template="complaint_citizen",
        context={**_context(session, complaint, **extra), "kind": kind},
        case_type=CASE_TYPE,
        case_id=complaint.id,
    )


def _tell_staff(
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
    context = {**_context(session, complaint, **extra), "kind": kind}
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


def _tell_followers(session: Session, complaint: Complaint, *, dedupe: str) -> None:
    """Complainants whose duplicate was merged into this one learn its outcome too."""
    followers = session.exec(
        select(Complaint)
        .where(Complaint.merged_into_id == complaint.id)
        .order_by(col(Complaint.id))
    )
    for follower in followers:
        _tell_complainant(
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
    return _signer().dumps({"c": complaint.id, "r": complaint.review_round})


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(get_settings().secret_key, salt="complaint-rating")


# --------------------------------------------------------------------------- the centre


def _route(
    session: Session, complaint: Complaint, decision: Decision, policy: ComplaintPolicy
) -> None:
    fields = decision.fields
    cat = session.get(ComplaintCategory, complaint.category_code)
    if fields.get("category") and fields["category"] != complaint.category_code:
        cat = category(session, fields["category"])
        complaint.category_code = cat.code
        complaint.expected_at = working_calendar(session).add_working_days(
            complaint.registered_at, cat.days
        )
    assert cat is not None
    division = division_by_code(session, fields.get("division_code") or cat.division_code)
    complaint.division_id = division.id
    complaint.routing_round += 1
    _set_status(
        session,
        complaint,
        ComplaintStatus.routed,
        division=division.name,
        category=cat.name,
        expected_at=complaint.expected_at,
    )
    _open(
        session,
        complaint,
        kind="receipt",
        round=complaint.routing_round,
        what=f"ยืนยันการรับเรื่อง ({cat.name})",
        assignee=_handler(session, division.id, policy),  # type: ignore[arg-type]
        form="decision",
        outcomes=[Outcome.acknowledge],
        days=policy.receipt_working_days,
    )
    _tell_staff(
        session,
        complaint,
        [],
        "new_for_division",
        dedupe=f"routed-{complaint.routing_round}",
        also=[division.email],
    )
    _tell_complainant(session, complaint, "routed", dedupe=f"routed-{complaint.routing_round}")


def _forward(
    session: Session, complaint: Complaint, decision: Decision, policy: ComplaintPolicy
) -> None:
    complaint.agency = str(decision.fields["agency"]).strip()
    complaint.closed_at = decision.decided_at
    _set_status(session, complaint, ComplaintStatus.forwarded_outside, agency=complaint.agency)
    _open(
        session,
        complaint,
        kind="agency",
        round=None,
        what=f"บันทึกการตอบรับของ {complaint.agency}",
        assignee=Assignee.holder_of(Position.officer, _centre(session, policy).id),
        form="complaint-agency-ack",
        outcomes=[Outcome.acknowledge],
        days=policy.agency_ack_working_days,
    )
    _tell_complainant(session, complaint, "forwarded", dedupe="forwarded", agency=complaint.agency)


def _merge(session: Session, complaint: Complaint, decision: Decision) -> None:
    target = by_number(session, str(decision.fields["merge_into"]))
    while target is not None and target.merged_into_id is not None:
        target = session.get(Complaint, target.merged_into_id)
    if target is None:
        raise InvalidInput("ไม่พบเรื่องเดิมตามเลขที่ที่ระบุ", field="merge_into")
    if target.id == complaint.id:
        raise InvalidInput("รวมเรื่องเข้ากับตัวเองไม่ได้", field="merge_into")
    if not ComplaintStatus(target.status).open and target.status != ComplaintStatus.resolved:
        raise InvalidInput(
            f"เรื่องเลขที่ {target.number} สิ้นสุดแล้ว ({ComplaintStatus(target.status).thai})",
            field="merge_into",
        )
    complaint.merged_into_id = target.id
    complaint.closed_at = decision.decided_at
    _set_status(session, complaint, ComplaintStatus.duplicate, merged_into=target.number)
    _audit(session, target, "complaint_merged_in", public=False, duplicate=complaint.number)
    _tell_complainant(session, complaint, "merged", dedupe="merged", original_number=target.number)
    if target.status == ComplaintStatus.resolved:
        _tell_followers(session, target, dedupe=f"resolved-{target.review_round}")


def _after_screening(
    session: Session, complaint: Complaint, decision: Decision, policy: ComplaintPolicy
) -> None:
    action = decision.fields.get("action")
    if action == "route":
        _route(session, complaint, decision, policy)
    elif action == "forward":
        _forward(session, complaint, decision, policy)
    else:
        _merge(session, complaint, decision)


# --------------------------------------------------------------------------- the division


def _after_receipt(session: Session, complaint: Complaint, policy: ComplaintPolicy) -> None:
    _set_status(session, complaint, ComplaintStatus.in_progress)
    assert complaint.division_id is not None
    _open(
        session,
        complaint,
        kind="schedule",
        round=complaint.routing_round,
        what="ตรวจสอบพื้นที่และแจ้งกำหนดวันดำเนินการ",
        assignee=_handler(session, complaint.division_id, policy),
        form="complaint-schedule",
        outcomes=[Outcome.approve],
        days=policy.inspect_working_days,
    )


def _record_schedule(
    session: Session, complaint: Complaint, planned: date, reason: str, user: User | None
) -> ComplaintSchedule:
    previous = complaint.planned_date
    complaint.planned_date = planned
    session.add(complaint)
    row = ComplaintSchedule(
        complaint_id=complaint.id,  # type: ignore[arg-type]
        planned_date=planned,
        reason=reason,
        by_user_id=user.id if user else None,
    )
    session.add(row)
    session.flush()
    _audit(
        session,
        complaint,
        "complaint_scheduled" if previous is None else "complaint_rescheduled",
        actor=user,
        public=True,
        planned_date=planned.isoformat(),
        previous_date=previous.isoformat() if previous else None,
        reason=reason,
    )
    _tell_complainant(
        session,
        complaint,
        "scheduled" if previous is None else "rescheduled",
        dedupe=f"schedule-{row.id}",
        planned_day=format_thai_date(planned),
        reason=reason,
    )
    return row


def _after_schedule(
    session: Session, complaint: Complaint, decision: Decision, policy: ComplaintPolicy
) -> None:
    planned = date.fromisoformat(str(decision.fields["planned_date"]))
    user = session.get(User, decision.user_id)
    _record_schedule(session, complaint, planned, decision.comment, user)
    _open_result_step(session, complaint, policy)


def _after_result(
    session: Session, complaint: Complaint, decision: Decision, policy: ComplaintPolicy
) -> None:
    fields = decision.fields
    if fields.get("action") == "obstacle":
        complaint.obstacle_round += 1
        _audit(
            session,
            complaint,
            "complaint_obstacle",
            actor=session.get(User, decision.user_id),
            public=True,
            obstacle=fields.get("obstacle"),
            extra_working_days=fields.get("extra_working_days"),
        )
        _open(
            session,
            complaint,
            kind="obstacle",
            round=complaint.obstacle_round,
            what="พิจารณาปัญหาอุปสรรค/การขอขยายเวลา",
            assignee=Assignee.holder_of(Position.officer, _centre(session, policy).id),
            form="complaint-obstacle",
            outcomes=[Outcome.approve, Outcome.return_for_revision, Outcome.reject],
            days=policy.decision_working_days,
        )
        return
    evidence = session.exec(
        select(ComplaintPhoto.id).where(
            ComplaintPhoto.complaint_id == complaint.id,
            ComplaintPhoto.kind == PhotoKind.evidence,
        )
    ).first()
    if evidence is None:
        raise InvalidInput("ต้องแนบรูปภาพหลักฐานผลการดำเนินการก่อนรายงานผล", field="evidence")
    complaint.result = str(fields["result"]).strip()
    complaint.resolved_at = decision.decided_at
    complaint.review_round += 1
    _set_status(session, complaint, ComplaintStatus.resolved, result=complaint.result)
    # The supervisor first, then the complainant (DOMAIN.md §5.4): the outbox keeps the order.
    _tell_staff(
        session,
        complaint,
        _supervisors(session, complaint.division_id),
        "result_for_supervisor",
        dedupe=f"result-{complaint.review_round}",
    )
    _tell_complainant(session, complaint, "resolved", dedupe=f"resolved-{complaint.review_round}")
    _tell_followers(session, complaint, dedupe=f"resolved-{complaint.review_round}")


def _after_obstacle(
    session: Session, complaint: Complaint, decision: Decision, policy: ComplaintPolicy
) -> None:
    fields = decision.fields
    action = fields.get("action")
    if action == "grant":
        days = int(fields["extra_working_days"])
        calendar = working_calendar(session)
        complaint.expected_at = calendar.add_working_days(
            max(complaint.expected_at, decision.decided_at), days
        )
        complaint.ladder_cycle += 1  # more time granted: the chase starts again
        _audit(
            session,
            complaint,
            "complaint_extended",
            public=True,
            extra_working_days=days,
            expected_at=complaint.expected_at,
        )
        _tell_complainant(
            session, complaint, "extended", dedupe=f"extended-{complaint.obstacle_round}"
        )
        _open_result_step(session, complaint, policy)
    elif action == "refuse":
        _audit(session, complaint, "complaint_obstacle_refused")
        _open_result_step(session, complaint, policy)
    else:
        _close_unresolved(session, complaint, str(fields.get("explanation")), decision)


def _close_unresolved(
    session: Session, complaint: Complaint, reason: str, decision: Decision
) -> None:
    complaint.close_reason = reason
    complaint.closed_at = decision.decided_at
    _set_status(session, complaint, ComplaintStatus.closed_unresolved, reason=reason)
    _tell_complainant(session, complaint, "closed_unresolved", dedupe="closed", reason=reason)
    _tell_followers(session, complaint, dedupe="closed")


def _after_review(
    session: Session, complaint: Complaint, decision: Decision, policy: ComplaintPolicy
) -> None:
    fields = decision.fields
    action = fields.get("action")
    explanation = str(fields.get("explanation") or "")
    if action == "reopen":
        complaint.result = None
        complaint.resolved_at = None
        complaint.closed_at = None
        cat = session.get(ComplaintCategory, complaint.category_code)
        complaint.expected_at = working_calendar(session).add_working_days(
            decision.decided_at, cat.days if cat else 7
        )
        complaint.ladder_cycle += 1
        _set_status(session, complaint, ComplaintStatus.in_progress, reopened=True)
        _tell_complainant(
            session, complaint, "reopened", dedupe=f"reopened-{complaint.review_round}"
        )
        _open_result_step(session, complaint, policy)
    elif action == "close":
        complaint.close_reason = explanation
        complaint.closed_at = decision.decided_at
        _set_status(session, complaint, ComplaintStatus.resolved, explanation=explanation)
        _tell_complainant(
            session,
            complaint,
            "review_closed",
            dedupe=f"review-closed-{complaint.review_round}",
            reason=explanation,
        )
    else:
        _close_unresolved(session, complaint, explanation, decision)


def _after_agency(session: Session, complaint: Complaint, decision: Decision) -> None:
    complaint.agency_acknowledged_on = date.fromisoformat(str(decision.fields["acknowledged_on"]))
    session.add(complaint)
    _audit(
        session,
        complaint,
        "complaint_agency_acknowledged",
        public=True,
        agency=complaint.agency,
        acknowledged_on=complaint.agency_acknowledged_on.isoformat(),
        reference=decision.fields.get("agency_reference"),
    )


# --------------------------------------------------------------------------- other actions


def _division_member(session: Session, complaint: Complaint, user: User) -> bool:
    return complaint.division_id is not None and user.division_id == complaint.division_id


def reschedule(
    session: Session, *, complaint_id: int, user: User, planned_date: date, reason: str
) -> ComplaintSchedule:
    """The division changes the date it will act; the reason is kept, the complainant told."""
    complaint = get_complaint(session, complaint_id, lock=True)
    if not _division_member(session, complaint, user):
        raise NotEntitled("เฉพาะหน่วยงานที่รับผิดชอบเรื่องนี้เปลี่ยนกำหนดวันดำเนินการได้")
    if complaint.status != ComplaintStatus.in_progress or complaint.planned_date is None:
        raise Conflict("เรื่องนี้ยังไม่ได้แจ้งกำหนดวันดำเนินการ หรือไม่อยู่ระหว่างดำเนินการ")
    if not reason.strip():
        raise InvalidInput("ต้องระบุเหตุผลที่เปลี่ยนกำหนดวัน", field="reason")
    if planned_date == complaint.planned_date:
        raise Conflict("กำหนดวันเดิมอยู่แล้ว")
    return _record_schedule(session, complaint, planned_date, reason.strip(), user)


def add_evidence(
    session: Session, *, complaint_id: int, user: User, photos: Sequence[PhotoData]
) -> list[ComplaintPhoto]:
    """The division's evidence photos of the result (before it reports)."""
    complaint = get_complaint(session, complaint_id, lock=True)
    if not _division_member(session, complaint, user):
        raise NotEntitled("เฉพาะหน่วยงานที่รับผิดชอบเรื่องนี้แนบหลักฐานได้")
    if complaint.status != ComplaintStatus.in_progress:
        raise Conflict("แนบหลักฐานได้เฉพาะเรื่องที่อยู่ระหว่างดำเนินการ")
    if not photos:
        raise InvalidInput("กรุณาแนบรูปภาพหลักฐานอย่างน้อย 1 รูป", field="photos")
    checked = check_photos(photos, complaint_policy())
    rows = _store_photos(session, complaint, checked, PhotoKind.evidence, user)
    _audit(session, complaint, "complaint_evidence_added", actor=user, photos=len(rows))
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
    _set_status(session, complaint, ComplaintStatus.withdrawn, actor=officer)
    _tell_complainant(session, complaint, "withdrawn", dedupe="withdrawn")
    _tell_followers(session, complaint, dedupe="withdrawn")
    return complaint


def rate(
    session: Session,
    *,
    score: int,
    comment: str = "",
    number: str | None = None,
    pin: str | None = None,
    token: str | None = None,
    now: datetime | None = None,
    policy: ComplaintPolicy | None = None,
) -> ComplaintRating:
    """The complainant rates the result 1–5 (link token, or number and PIN); a rating at or
    below the policy's threshold opens a review at the centre."""
    policy = policy or complaint_policy()
    now = now or utcnow()
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise InvalidInput("คะแนนความพึงพอใจต้องเป็น 1 ถึง 5", field="score")
    if token:
        try:
            payload = _signer().loads(token)
        except BadSignature:
            raise NotFound("ลิงก์ประเมินความพึงพอใจไม่ถูกต้อง") from None
        complaint = get_complaint(session, int(payload["c"]), lock=True)
        if int(payload["r"]) != complaint.review_round:
            raise Conflict("ลิงก์นี้ใช้ประเมินผลรอบก่อน ซึ่งสิ้นสุดแล้ว")
        via = "token"
    else:
        complaint = check_pin(session, number=number or "", pin=pin or "")
        complaint = get_complaint(session, complaint.id, lock=True)  # type: ignore[arg-type]
        via = "pin"
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
    _audit(session, complaint, "complaint_rated", public=True, score=score)
    if score <= policy.review_below_or_at:
        _set_status(session, complaint, ComplaintStatus.under_review, score=score)
        _open(
            session,
            complaint,
            kind="review",
            round=complaint.review_round,
            what=f"ทบทวนผลการแก้ไข (ผู้ร้องให้คะแนน {score})",
            assignee=Assignee.holder_of(Position.officer, _centre(session, policy).id),
            form="complaint-review",
            outcomes=[Outcome.return_for_revision, Outcome.approve, Outcome.reject],
            days=policy.decision_working_days,
        )
        _wake_flow(session, complaint)
    else:
        complaint.closed_at = now
        session.add(complaint)
    return rating


def _wake_flow(session: Session, complaint: Complaint) -> None:
    """A finished case got a new step: its flow run must follow it again."""
    run = session.exec(
        select(CaseRun).where(CaseRun.case_type == CASE_TYPE, CaseRun.case_id == complaint.id)
    ).first()
    if run is not None and run.finished:
        run.finished = False
        run.updated_at = utcnow()
        session.add(run)


# --------------------------------------------------------------------------- the chase

LADDER = [NoticeStage.follow_up, NoticeStage.first_notice, NoticeStage.second_notice]


def _respond_days(stage: NoticeStage, policy: ComplaintPolicy) -> int:
    return {
        NoticeStage.follow_up: policy.follow_up_days,
        NoticeStage.first_notice: policy.first_notice_days,
        NoticeStage.second_notice: policy.second_notice_days,
    }[stage]


def next_meeting(session: Session, *, after: datetime, policy: ComplaintPolicy) -> date:
    """The next follow-up meeting after ``after`` (weekly; a holiday moves it on)."""
    calendar = working_calendar(session)
    day = after.astimezone(BANGKOK).date() + timedelta(days=1)
    while day.weekday() != policy.meeting_weekday:
        day += timedelta(days=1)
    return calendar.next_working_day(day)


def _claim(
    session: Session,
    complaint: Complaint,
    stage: NoticeStage,
    cycle: int,
    respond_by: datetime | None,
    now: datetime,
) -> bool:
    return insert_ignoring_duplicates(
        session,
        ComplaintNotice.__table__,  # type: ignore[attr-defined]
        {
            "complaint_id": complaint.id,
            "cycle": cycle,
            "stage": stage.value,
            "division_id": complaint.division_id,
            "respond_by": respond_by,
            "created_at": now,
        },
        ["complaint_id", "cycle", "stage"],
    )


def _centre_people(session: Session, policy: ComplaintPolicy) -> list[User]:
    """The complaint centre's officers."""
    centre = _centre(session, policy)
    return list(
        session.exec(
            select(User)
            .where(
                User.division_id == centre.id,
                User.position == Position.officer,
                User.active == True,  # noqa: E712
            )
            .order_by(col(User.id))
        )
    )


def sweep_escalations(
    session: Session, *, now: datetime | None = None, policy: ComplaintPolicy | None = None
) -> dict[str, int]:
    """Tell the centre of receipts not confirmed in time, and chase divisions that have not
    reported by the expected date (no obstacle pending, no extension granted): follow-up,
    first notice, second notice, then the mayor and the next follow-up meeting's agenda.
    Each notice is recorded once (unique complaint, cycle, stage): safe to run at any rate."""
    now = now or utcnow()
    policy = policy or complaint_policy()
    calendar = working_calendar(session)
    sent: dict[str, int] = {}

    def count(stage: NoticeStage) -> None:
        sent[stage.value] = sent.get(stage.value, 0) + 1

    late_receipts = session.exec(
        select(HumanStep).where(
            HumanStep.case_type == CASE_TYPE,
            HumanStep.level == "receipt",
            HumanStep.status == StepStatus.open,
            HumanStep.due_at <= now,
        )
    ).all()
    for step in late_receipts:
        complaint = session.get(Complaint, step.case_id)
        if complaint is None:
            continue
        if not _claim(session, complaint, NoticeStage.receipt_late, -step.round, None, now):
            continue
        centre = _centre(session, policy)
        _audit(session, complaint, "complaint_receipt_late", step_key=step.key)
        _tell_staff(
            session,
            complaint,
            _centre_people(session, policy),
            "receipt_late",
            dedupe=f"receipt-late-{step.round}",
            also=[centre.email],
        )
        count(NoticeStage.receipt_late)

    chased = session.exec(
        select(Complaint)
        .where(
            col(Complaint.status).in_([S.routed.value, S.in_progress.value]),
            Complaint.expected_at <= now,
        )
        .order_by(col(Complaint.id))
    ).all()
    for complaint in chased:
        pending_obstacle = session.exec(
            select(HumanStep.id).where(
                HumanStep.case_type == CASE_TYPE,
                HumanStep.case_id == complaint.id,
                HumanStep.level == "obstacle",
                HumanStep.status == StepStatus.open,
            )
        ).first()
        if pending_obstacle is not None:
            continue
        cycle = complaint.ladder_cycle
        notices = {
            NoticeStage(n.stage): n
            for n in session.exec(
                select(ComplaintNotice).where(
                    ComplaintNotice.complaint_id == complaint.id, ComplaintNotice.cycle == cycle
                )
            )
        }
        stage, due = _next_stage(notices, complaint)
        if stage is None or due is None or now < due:
            continue
        respond_by = None
        if stage is not NoticeStage.mayor:
            days = _respond_days(stage, policy)
            respond_by = (
                calendar.add_working_days(now, days)
                if policy.ladder_working_days
                else now + timedelta(days=days)
            )
        if not _claim(session, complaint, stage, cycle, respond_by, now):
            continue
        count(stage)
        _audit(
            session,
            complaint,
            f"complaint_{stage.value}",
            public=stage is NoticeStage.mayor,
            cycle=cycle,
            respond_by=respond_by,
        )
        division = session.get(Division, complaint.division_id) if complaint.division_id else None
        handlers = _division_staff(session, complaint)
        if stage is NoticeStage.mayor:
            meeting = next_meeting(session, after=now, policy=policy)
            insert_ignoring_duplicates(
                session,
                ComplaintAgendaItem.__table__,  # type: ignore[attr-defined]
                {
                    "complaint_id": complaint.id,
                    "cycle": cycle,
                    "division_id": complaint.division_id,
                    "meeting_date": meeting,
                    "added_at": now,
                },
                ["complaint_id", "cycle"],
            )
            mayors = list(session.exec(select(User).where(User.position == Position.mayor)))
            _tell_staff(
                session,
                complaint,
                [*mayors, *handlers],
                "mayor",
                dedupe=f"ladder-{cycle}-mayor",
                meeting_day=format_thai_date(meeting),
            )
        else:
            _tell_staff(
                session,
                complaint,
                handlers,
                stage.value,
                dedupe=f"ladder-{cycle}-{stage.value}",
                also=[division.email if division else None],
                stage_title=stage.thai,
                respond_by_day=format_thai_date(respond_by) if respond_by else "",
            )
    return sent


def _division_staff(session: Session, complaint: Complaint) -> list[User]:
    """Handlers and director of the complaint's division: whom a chase notice goes to."""
    if complaint.division_id is None:
        return []
    return list(
        session.exec(
            select(User)
            .where(
                User.division_id == complaint.division_id,
                col(User.position).in_(
                    [Position.section_head.value, Position.division_director.value]
                ),
                User.active == True,  # noqa: E712
            )
            .order_by(col(User.id))
        )
    )


def _next_stage(
    notices: dict[NoticeStage, ComplaintNotice], complaint: Complaint
) -> tuple[NoticeStage | None, datetime | None]:
    """The next chase stage and when it falls due, from the notices of the current cycle."""
    previous_due = complaint.expected_at
    for stage in [*LADDER, NoticeStage.mayor]:
        notice = notices.get(stage)
        if notice is None:
            return stage, previous_due
        previous_due = notice.respond_by or previous_due
    return None, None


def explain_agenda_item(
    session: Session, *, complaint_id: int, user: User, explanation: str
) -> ComplaintAgendaItem:
    """The division's explanation for the follow-up meeting."""
    complaint = get_complaint(session, complaint_id)
    if not _division_member(session, complaint, user):
        raise NotEntitled("เฉพาะหน่วยงานที่รับผิดชอบเรื่องนี้ชี้แจงได้")
    if not explanation.strip():
        raise InvalidInput("กรุณาระบุคำชี้แจง", field="explanation")
    item = session.exec(
        select(ComplaintAgendaItem)
        .where(ComplaintAgendaItem.complaint_id == complaint_id)
        .order_by(col(ComplaintAgendaItem.cycle).desc())
        .with_for_update()
    ).first()
    if item is None:
        raise NotFound("เรื่องนี้ไม่ได้อยู่ในวาระการประชุมติดตามงาน")
    item.explanation = explanation.strip()
    item.explained_at = utcnow()
    item.explained_by_user_id = user.id
    session.add(item)
    _audit(session, complaint, "complaint_agenda_explained", actor=user)
    return item


@dataclass(frozen=True)
class AgendaEntry:
    item: ComplaintAgendaItem
    complaint: Complaint
    division: Division | None
    category_name: str


def meeting_agenda(
    session: Session, *, meeting_date: date | None = None, now: datetime | None = None
) -> tuple[date, list[AgendaEntry]]:
    """The complaints on a follow-up meeting's agenda (by default the next meeting that has
    any), with each division's explanation."""
    if meeting_date is None:
        today = (now or utcnow()).astimezone(BANGKOK).date()
        upcoming = session.exec(
            select(ComplaintAgendaItem)
            .where(col(ComplaintAgendaItem.meeting_date) >= today)
            .order_by(col(ComplaintAgendaItem.meeting_date))
        ).first()
        meeting_date = upcoming.meeting_date if upcoming else today
    items = session.exec(
        select(ComplaintAgendaItem)
        .where(ComplaintAgendaItem.meeting_date == meeting_date)
        .order_by(col(ComplaintAgendaItem.id))
    )
    entries = []
    for item in items:
        complaint = session.get(Complaint, item.complaint_id)
        assert complaint is not None
        cat = session.get(ComplaintCategory, complaint.category_code)
        division = session.get(Division, item.division_id) if item.division_id else None
        entries.append(AgendaEntry(item, complaint, division, cat.name if cat else ""))
    return meeting_date, entries


# --------------------------------------------------------------------------- what people see


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
        if entry.action == "complaint_resolved" and entry.detail.get("previous") == "under_review":
            detail = {}
            title = "ศูนย์รับเรื่องปิดเรื่องพร้อมคำชี้แจง"
        else:
            title = PUBLIC_ACTIONS[entry.action]
        events.append(PublicEvent(entry.at, entry.action, title, detail))
    return events


def can_see_contact(session: Session, *, user: User, complaint: Complaint) -> bool:
    """A withheld identity is seen by the centre only (and the officer who took it)."""
    if not complaint.withhold_identity:
        return True
    return in_centre(session, user) or (user.id == complaint.intake_officer_id)


class ComplaintWorkflow:
    case_type = CASE_TYPE
    deployment = "complaint-handling/complaint-handling"

    def on_step_closed(self, session: Session, *, step: HumanStep, decision: Decision) -> None:
        complaint = get_complaint(session, step.case_id, lock=True)
        policy = complaint_policy()
        kind = step.level
        if kind == "screen":
            _after_screening(session, complaint, decision, policy)
        elif kind == "agency":
            _after_agency(session, complaint, decision)
        elif kind == "receipt":
            _after_receipt(session, complaint, policy)
        elif kind == "schedule":
            _after_schedule(session, complaint, decision, policy)
        elif kind == "result":
            _after_result(session, complaint, decision, policy)
        elif kind == "obstacle":
            _after_obstacle(session, complaint, decision, policy)
        elif kind == "review":
            _after_review(session, complaint, decision, policy)
        else:
            raise InvalidInput(f"ไม่รู้จักขั้นตอน {kind} ของเรื่องร้องเรียน")

    def can_view(self, session: Session, *, user: User, case_id: int) -> bool:
        complaint = session.get(Complaint, case_id)
        if complaint is None:
            return False
        if in_centre(session, user) or (
            user.division_id is not None and user.division_id == complaint.division_id
        ):
            return True
        if Position(user.position).rank >= Position.deputy_permanent_secretary.rank:
            return True
        if user.id == complaint.intake_officer_id:
            return True
        steps = session.exec(
            select(HumanStep).where(HumanStep.case_type == CASE_TYPE, HumanStep.case_id == case_id)
        )
        return any(user.id in {h.id for h in holders(session, step=s)} for s in steps)

    def is_finished(self, session: Session, *, case_id: int) -> bool:
        """Intake completed and no step left to wait on (a low rating later opens one and
        wakes the run)."""
        complaint = session.get(Complaint, case_id)
        if complaint is None:
            return True
        waiting = open_steps_of_case(session, case_type=CASE_TYPE, case_id=case_id)
        return complaint.intake_completed_at is not None and not waiting


register(ComplaintWorkflow())


def render_receipt(
    session: Session, *, complaint: Complaint, copy: Literal["citizen", "centre"], pin: str | None
) -> str:
    """The printable receipt (HTML): the citizen's copy carries the PIN (given only at intake,
    or with the PIN in hand); the centre's copy carries the contact details and the officer."""
    officer = (
        session.get(User, complaint.intake_officer_id) if complaint.intake_officer_id else None
    )
    context = {
        **_context(session, complaint),
        "copy": copy,
        "pin": pin if copy == "citizen" else None,
        "channel_title": Channel(complaint.channel).thai,
        "officer_name": officer.full_name if officer else None,
    }
    return render_email("complaint_receipt", context).html
