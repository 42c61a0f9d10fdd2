"""Complaints (เรื่องร้องเรียน/ร้องทุกข์): the complaint, its photos, schedule changes, ratings
and the stages of the centre's chase (its notices and the follow-up meeting agenda are the
engine's, models/chase.py); and the shapes the API takes and gives. Contact details of the
complainant never leave through a public shape."""

import re
from datetime import date, datetime
from enum import StrEnum

import pydantic
import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, field_validator, model_validator
from sqlmodel import Field, SQLModel

from core.db import UTCDateTime, utcnow


class ComplaintStatus(StrEnum):
    screening = "screening"
    """Registered; the centre checks whether it is within the municipality's powers."""
    routed = "routed"
    """Sent to the responsible division, which has not confirmed receipt yet."""
    in_progress = "in_progress"
    """The division confirmed receipt and is working on it."""
    resolved = "resolved"
    """The division recorded the result (with evidence); the complainant may rate it."""
    under_review = "under_review"
    """The complainant rated 1–2; the centre reviews (reopen, or close with explanation)."""
    closed_unresolved = "closed_unresolved"
    forwarded_outside = "forwarded_outside"
    duplicate = "duplicate"
    withdrawn = "withdrawn"

    @property
    def thai(self) -> str:
        return COMPLAINT_STATUS_TITLES[self]

    @property
    def open(self) -> bool:
        return self in OPEN_STATUSES


COMPLAINT_STATUS_TITLES = {
    ComplaintStatus.screening: "ศูนย์รับเรื่องกำลังตรวจสอบ",
    ComplaintStatus.routed: "ส่งเรื่องให้หน่วยงานรับผิดชอบแล้ว",
    ComplaintStatus.in_progress: "หน่วยงานกำลังดำเนินการ",
    ComplaintStatus.resolved: "ดำเนินการแก้ไขแล้ว",
    ComplaintStatus.under_review: "ศูนย์รับเรื่องกำลังทบทวนผลการแก้ไข",
    ComplaintStatus.closed_unresolved: "ยุติเรื่องโดยแก้ไขไม่ได้",
    ComplaintStatus.forwarded_outside: "ส่งต่อหน่วยงานภายนอก",
    ComplaintStatus.duplicate: "รวมกับเรื่องร้องเรียนที่ซ้ำกัน",
    ComplaintStatus.withdrawn: "ผู้ร้องถอนเรื่อง",
}
OPEN_STATUSES = frozenset(
    {
        ComplaintStatus.screening,
        ComplaintStatus.routed,
        ComplaintStatus.in_progress,
        ComplaintStatus.under_review,
    }
)
"""Still being handled: candidates for duplicates, subject to the chase."""


class Channel(StrEnum):
    web = "web"
    counter = "counter"
    telephone = "telephone"
    post = "post"
    line = "line"
    open311 = "open311"

    @property
    def thai(self) -> str:
        return CHANNEL_TITLES[self]


CHANNEL_TITLES = {
    Channel.web: "เว็บไซต์",
    Channel.counter: "ศูนย์รับเรื่อง (ด้วยตนเอง)",
    Channel.telephone: "โทรศัพท์",
    Channel.post: "ไปรษณีย์",
    Channel.line: "แอปพลิเคชันไลน์",
    Channel.open311: "Open311",
}
OFFICER_CHANNELS = frozenset({Channel.counter, Channel.telephone, Channel.post})
"""Channels an officer types in for the complainant."""


class PhotoKind(StrEnum):
    complaint = "complaint"
    evidence = "evidence"


class NoticeStage(StrEnum):
    receipt_late = "receipt_late"
    follow_up = "follow_up"
    first_notice = "first_notice"
    second_notice = "second_notice"
    mayor = "mayor"

    @property
    def thai(self) -> str:
        return NOTICE_TITLES[self]


NOTICE_TITLES = {
    NoticeStage.receipt_late: "หน่วยงานยังไม่ยืนยันการรับเรื่อง",
    NoticeStage.follow_up: "ติดตามให้รายงานผล",
    NoticeStage.first_notice: "แจ้งเตือนครั้งที่ 1",
    NoticeStage.second_notice: "แจ้งเตือนครั้งที่ 2",
    NoticeStage.mayor: "รายงานนายกเทศมนตรีและเข้าวาระการประชุมติดตามงาน",
}


# --------------------------------------------------------------------------- tables


class ComplaintCategory(SQLModel, table=True):
    """A kind of complaint, its allowed working days and responsible division
    (config/complaints.toml is the source; ops/seed_complaints.py loads it)."""

    code: str = Field(primary_key=True, max_length=40)
    name: str = Field(max_length=200)
    days: int = Field(ge=1, description="Working days allowed from registration to result")
    division_code: str = Field(max_length=16)
    active: bool = True


class ComplaintSequence(SQLModel, table=True):
    """The last complaint number issued in a Buddhist-Era year (row-locked when incremented)."""

    year: int = Field(primary_key=True, description="Buddhist Era, e.g. 2569")
    last: int = 0


class Complaint(SQLModel, table=True):
    __table_args__ = (sa.Index("ix_complaint_status_category", "status", "category_code"),)

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=32, unique=True, description="KKC-2569-000123")
    pin_hash: str = Field(max_length=300)
    category_code: str = Field(foreign_key="complaintcategory.code", max_length=40)
    description: str = Field(sa_type=sa.Text, description="The complainant's own words (internal)")
    public_description: str | None = Field(
        default=None,
        sa_type=sa.Text,
        description="What Open311 and tracking show: the centre's public summary once released",
    )
    public_released_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    line_user_id: str | None = Field(
        default=None, max_length=64, description="LINE user to push public steps to"
    )
    address: str | None = Field(default=None, max_length=500, description="Where the problem is")
    latitude: float | None = None
    longitude: float | None = None
    channel: Channel = Field(sa_type=sa.String(16))
    intake_officer_id: int | None = Field(default=None, foreign_key="user.id")
    complainant_name: str = Field(max_length=200)
    complainant_phone: str | None = Field(default=None, max_length=32)
    complainant_email: str | None = Field(default=None, max_length=200)
    complainant_address: str | None = Field(default=None, max_length=500)
    withhold_identity: bool = Field(
        default=False, description="Name and contact shown only to the complaint centre"
    )
    status: ComplaintStatus = Field(default=ComplaintStatus.screening, sa_type=sa.String(20))
    division_id: int | None = Field(default=None, foreign_key="division.id", index=True)
    agency: str | None = Field(default=None, max_length=300, description="Outside agency")
    agency_acknowledged_on: date | None = None
    merged_into_id: int | None = Field(default=None, foreign_key="complaint.id", index=True)
    registered_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    intake_completed_at: datetime | None = Field(
        default=None,
        sa_type=UTCDateTime,
        index=True,
        description="Duplicates searched, jurisdiction check opened, receipt queued",
    )
    expected_at: datetime = Field(sa_type=UTCDateTime, description="Category days, or extended")
    planned_date: date | None = Field(default=None, description="When the division will act")
    result: str | None = Field(default=None, sa_type=sa.Text)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    close_reason: str | None = Field(default=None, sa_type=sa.Text)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    routing_round: int = Field(default=0, description="Times sent to a division")
    work_round: int = Field(default=0, description="Rounds of the division's result step")
    review_round: int = Field(default=0, description="Rounds of rating (1 after the first result)")
    ladder_cycle: int = Field(default=1, description="Restarts the chase after an extension")
    obstacle_round: int = 0


class LineConversation(SQLModel, table=True):
    """A LINE user's complaint being collected over several messages (text, location,
    photos) within a time window, until it is complete and registered once."""

    id: int | None = Field(default=None, primary_key=True)
    line_user_id: str = Field(max_length=64, index=True)
    status: str = Field(default="collecting", max_length=16)
    texts: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    images: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    latitude: float | None = None
    longitude: float | None = None
    address: str | None = Field(default=None, max_length=500)
    complaint_id: int | None = Field(default=None, foreign_key="complaint.id")
    started_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class LineWebhookEvent(SQLModel, table=True):
    """A LINE webhook event already taken in, by its ``webhookEventId``: LINE delivers an
    event again when it thinks the first delivery failed, and it must not become a second
    complaint. Written in the same transaction as the complaint it made."""

    event_id: str = Field(primary_key=True, max_length=64)
    complaint_id: int | None = Field(default=None, foreign_key="complaint.id")
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ComplaintPhoto(SQLModel, table=True):
    """A photo from the complainant or the division's evidence; bytes kept in the database
    (so a rejected submission stores nothing and backups hold everything)."""

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    kind: PhotoKind = Field(sa_type=sa.String(16))
    content_type: str = Field(max_length=32)
    size_bytes: int
    sha256: str = Field(max_length=64)
    data: bytes = Field(sa_type=sa.LargeBinary)
    uploaded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    uploaded_by_user_id: int | None = Field(default=None, foreign_key="user.id")


class ComplaintSchedule(SQLModel, table=True):
    """When the division said it would act, and every later change with its reason."""

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    planned_date: date
    reason: str = Field(default="", sa_type=sa.Text)
    by_user_id: int | None = Field(default=None, foreign_key="user.id")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ComplaintRating(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("complaint_id", "round"),)

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    round: int
    score: int = Field(ge=1, le=5)
    comment: str = Field(default="", sa_type=sa.Text)
    via: str = Field(max_length=16, description="token (link in the mail) or pin")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# --------------------------------------------------------------------------- input shapes

_PHONE = re.compile(r"\+?[0-9][0-9 \-]{7,18}[0-9]")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class ComplainantContact(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = pydantic.Field(min_length=2, max_length=200, description="ชื่อ-นามสกุลผู้ร้อง")
    phone: str | None = pydantic.Field(default=None, max_length=32)
    email: str | None = pydantic.Field(default=None, max_length=200)
    address: str | None = pydantic.Field(default=None, max_length=500)
    withhold_identity: bool = pydantic.Field(
        default=False, description="ไม่ประสงค์เปิดเผยชื่อ: เห็นได้เฉพาะศูนย์รับเรื่อง"
    )

    @field_validator("phone", "email", "address", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value is not None and not _PHONE.fullmatch(value):
            raise ValueError("หมายเลขโทรศัพท์ไม่ถูกต้อง")
        return value

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not _EMAIL.fullmatch(value):
            raise ValueError("รูปแบบอีเมลไม่ถูกต้อง")
        return value

    @model_validator(mode="after")
    def _reachable(self) -> "ComplainantContact":
        if not (self.phone or self.email or self.address):
            raise ValueError("ต้องระบุช่องทางติดต่อกลับอย่างน้อยหนึ่งช่องทาง (โทรศัพท์ อีเมล หรือที่อยู่)")
        return self


class PhotoIn(BaseModel):
    """A photo sent as base64 in JSON (the multipart route reads files instead)."""

    model_config = ConfigDict(extra="forbid")

    filename: str | None = pydantic.Field(default=None, max_length=200)
    content_base64: str = pydantic.Field(min_length=1)


class ComplaintCreate(BaseModel):
    """What the web form, an officer at the counter, or another channel submits."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    category: str = pydantic.Field(min_length=1, max_length=40, description="รหัสประเภทเรื่อง")
    description: str = pydantic.Field(min_length=5, max_length=5000, description="รายละเอียด")
    address: str | None = pydantic.Field(default=None, max_length=500, description="สถานที่เกิดเหตุ")
    latitude: float | None = pydantic.Field(default=None, ge=-90, le=90)
    longitude: float | None = pydantic.Field(default=None, ge=-180, le=180)
    complainant: ComplainantContact
    photos: list[PhotoIn] = pydantic.Field(default_factory=list)

    @field_validator("address", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _where(self) -> "ComplaintCreate":
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("ต้องระบุพิกัดทั้งละติจูดและลองจิจูด")
        if self.address is None and self.latitude is None:
            raise ValueError("ต้องระบุสถานที่เกิดเหตุ (ที่อยู่ หรือพิกัด)")
        return self


class PhotoData(BaseModel):
    """A photo's bytes, whichever way it came (base64 or multipart), before the checks."""

    filename: str | None = None
    data: bytes


# --------------------------------------------------------------------------- output shapes


class ComplaintPublic(BaseModel):
    """What anyone with no special right may see: no complainant, no officer."""

    model_config = ConfigDict(from_attributes=True)

    number: str
    category_code: str
    description: str
    address: str | None
    latitude: float | None
    longitude: float | None
    status: ComplaintStatus
    registered_at: datetime
    expected_at: datetime
    planned_date: date | None
    result: str | None
    resolved_at: datetime | None
    closed_at: datetime | None


class ComplaintStaff(ComplaintPublic):
    """What officers see; contact details are blanked for a withheld identity outside the
    centre (see domain.complaints.staff_view)."""

    id: int
    channel: Channel
    intake_officer_id: int | None
    complainant_name: str | None
    complainant_phone: str | None
    complainant_email: str | None
    complainant_address: str | None
    withhold_identity: bool
    division_id: int | None
    agency: str | None
    agency_acknowledged_on: date | None
    merged_into_id: int | None
    close_reason: str | None
    ladder_cycle: int
