"""What a complainant sends, checked: fields (errors in Thai) and photos (by their bytes)."""

import base64
import binascii
import hashlib
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session

from domain.complaints.policy import ComplaintPolicy
from domain.engine.forms import thai_errors
from domain.errors import InvalidInput
from models.complaint import (
    Complaint,
    ComplaintCreate,
    ComplaintPhoto,
    PhotoData,
    PhotoKind,
)
from models.people import User

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


def parse_complaint(data: ComplaintCreate | dict[str, Any]) -> ComplaintCreate:
    """Validate a submission; InvalidInput (422) with Thai messages per field."""
    if isinstance(data, ComplaintCreate):
        return data
    if not isinstance(data, dict):
        raise InvalidInput("ข้อมูลที่ส่งมาต้องเป็นออบเจกต์ JSON")
    try:
        return ComplaintCreate.model_validate(data)
    except ValidationError as exc:
        errors = thai_errors(exc, FIELD_TITLES)
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


def store_photos(
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
