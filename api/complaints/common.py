"""What the complaint routes and pages share: the receipt given at intake, reading uploads,
and taking a complaint in through the service with its flow run queued after."""

import json
from datetime import datetime
from typing import Any

from fastapi import BackgroundTasks, UploadFile
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.engine import Engine

from adapters.case_sync import CaseSyncQueue
from api.deps import sync_case_later
from core.settings import get_settings
from domain.complaints import service
from domain.complaints.intake import Registered
from domain.complaints.policy import complaint_policy
from domain.complaints.states import CASE_TYPE
from domain.engine.calendar import format_thai_date
from domain.errors import InvalidInput
from models.complaint import Channel, ComplaintStatus, PhotoData


class WithdrawIn(BaseModel):
    """A withdrawal: number and PIN from the complainant, or a reason the centre records."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    number: str | None = Field(default=None, max_length=32)
    pin: str | None = Field(default=None, max_length=12)
    reason: str = Field(default="", max_length=2000)


FORM_EXAMPLE = {
    "category": "street-light",
    "description": "ไฟฟ้าส่องสว่างหน้าบ้านเลขที่ 12 ดับมา 3 คืนแล้ว",
    "address": "ซอยมิตรภาพ 5 ถนนมิตรภาพ ต.ในเมือง อ.เมืองขอนแก่น",
    "latitude": 16.4419,
    "longitude": 102.8360,
    "complainant": {"name": "นายสมหมาย ใจงาม", "phone": "0812345678", "email": None},
    "photos": [],
}


class ComplaintReceipt(BaseModel):
    """Given once, at intake: the number and the PIN (only its hash is kept)."""

    number: str
    pin: str
    status: ComplaintStatus
    status_title: str
    category_name: str
    registered_at: datetime
    expected_at: datetime
    expected_day: str
    receipt_url: str = Field(
        description="ใบรับเรื่องฉบับผู้ร้อง (HTML พิมพ์ได้): POST แบบฟอร์ม number และ pin "
        "(application/x-www-form-urlencoded) ไปยังที่อยู่นี้; รหัส PIN ไม่อยู่ในลิงก์"
    )
    track_url: str
    possible_duplicates: int | None = Field(
        description="เรื่องที่ยังเปิดอยู่ใกล้เคียงในหมวดเดียวกัน; null: ยังไม่ได้ตรวจ "
        "(ศูนย์ฯ ตรวจเมื่อรับเรื่องเข้าระบบครบ)"
    )


def _urls(number: str) -> tuple[str, str]:
    """The receipt is POSTed to (number and PIN in the body, never in an address); tracking
    is opened with the number only."""
    base = get_settings().public_base_url
    return (
        f"{base}/api/complaints/public/receipt",
        f"{base}/complaints/track?number={number}",
    )


def receipt_for(registered: Registered) -> ComplaintReceipt:
    c = registered.complaint
    receipt_url, track_url = _urls(c.number)
    return ComplaintReceipt(
        number=c.number,
        pin=registered.pin,
        status=c.status,
        status_title=ComplaintStatus(c.status).thai,
        category_name=registered.category_name,
        registered_at=c.registered_at,
        expected_at=c.expected_at,
        expected_day=format_thai_date(c.expected_at),
        receipt_url=receipt_url,
        track_url=track_url,
        possible_duplicates=None if registered.duplicates is None else len(registered.duplicates),
    )


def json_object(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise InvalidInput("ข้อมูลเรื่องร้องเรียน (complaint) ต้องเป็น JSON") from None
    if not isinstance(data, dict):
        raise InvalidInput("ข้อมูลเรื่องร้องเรียน (complaint) ต้องเป็นออบเจกต์ JSON")
    return data


async def read_uploads(files: list[UploadFile] | None) -> list[PhotoData]:
    """Read each upload, never more than the limit plus one byte (so a huge file is refused
    without being held whole)."""
    limit = complaint_policy().max_photo_bytes
    photos = []
    for i, upload in enumerate(files or [], start=1):
        data = await upload.read(limit + 1)
        if len(data) > limit:
            raise InvalidInput(
                f"รูปภาพที่ {i} มีขนาดเกิน {limit // (1024 * 1024)} MB", field=f"photos.{i - 1}"
            )
        photos.append(PhotoData(filename=upload.filename, data=data))
    return photos


def take_in(
    engine: Engine,
    data: dict[str, Any],
    *,
    channel: Channel,
    officer_id: int | None,
    photos: list[PhotoData],
    background: BackgroundTasks,
    case_sync: CaseSyncQueue | None,
    client: str | None = None,
) -> ComplaintReceipt:
    """Store the complaint, answer with its receipt, then queue its flow run. Where Prefect
    runs, the flow completes the intake (duplicates, the centre's check, the receipt mail);
    without Prefect it is completed here, in the same transaction. ``client`` is the sender's
    address, for the public intake limits (``TooManyRequests``, 429)."""
    registered = service.submit(
        engine,
        data=data,
        channel=channel,
        officer_id=officer_id,
        photos=photos,
        complete_now=case_sync is None,
        client=client,
    )
    background.add_task(
        sync_case_later, case_sync, CASE_TYPE, registered.complaint.id, new_case=True
    )
    return receipt_for(registered)
