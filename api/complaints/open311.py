"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) under /open311/v2, JSON only.

Services are the complaint categories; a service request is a complaint (channel ``open311``).
Nothing about the complainant ever leaves here: no name, telephone, e-mail or PIN in any
listing (the PIN is given once, in the answer to the POST that created the request). Errors
have the spec's shape: ``[{"code": 400, "description": "..."}]``."""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import JSONResponse
from sqlmodel import Session, col, select

from api.deps import CaseSyncDep, EngineDep, SessionDep, sync_case_later
from domain.complaints import service
from domain.complaints.lookups import by_number, categories
from domain.complaints.states import CASE_TYPE
from domain.engine.calendar import BANGKOK, format_thai_date
from domain.errors import DomainError
from models.audit import AuditEntry
from models.complaint import (
    OPEN_STATUSES,
    Channel,
    Complaint,
    ComplaintCategory,
    ComplaintStatus,
)
from models.people import Division

router = APIRouter(prefix="/open311/v2", tags=["open311"])

DEFAULT_DAYS = 90
MAX_REQUESTS = 1000
ANONYMOUS = "ผู้แจ้งผ่าน Open311"


class Open311Error(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


def _error(code: int, description: str) -> JSONResponse:
    return JSONResponse([{"code": code, "description": description}], status_code=code)


def _w3c(value: datetime | None) -> str | None:
    return value.astimezone(BANGKOK).isoformat(timespec="seconds") if value else None


def _parse_w3c(name: str, value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.strip().replace(" ", "+"))
    except ValueError:
        raise Open311Error(
            400, f"{name} ต้องเป็นวันเวลารูปแบบ W3C เช่น 2026-01-31T08:00:00+07:00"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=BANGKOK)


def _keywords(name: str) -> list[str]:
    return [w for w in name.replace("(", "/").replace(")", "/").replace(" ", "/").split("/") if w]


# --------------------------------------------------------------------------- services


def _divisions(session: Session) -> dict[str, Division]:
    return {d.code: d for d in session.exec(select(Division))}


def _service(cat: ComplaintCategory, divisions: dict[str, Division]) -> dict[str, Any]:
    division = divisions.get(cat.division_code)
    group = division.name if division else cat.division_code
    return {
        "service_code": cat.code,
        "service_name": cat.name,
        "description": f"{cat.name}: ดำเนินการภายใน {cat.days} วันทำการ โดย{group}",
        "metadata": False,
        "type": "realtime",
        "keywords": ",".join(_keywords(cat.name)),
        "group": group,
    }


@router.get("/services.json")
def services(session: SessionDep) -> list[dict[str, Any]]:
    """Service list: one service per active complaint category."""
    divisions = _divisions(session)
    return [_service(c, divisions) for c in categories(session)]


@router.get("/services/{service_code}.json", response_model=None)
def service_definition(service_code: str, session: SessionDep) -> Any:
    """Service definition: no extra attributes are asked for (metadata is false)."""
    cat = session.get(ComplaintCategory, service_code)
    if cat is None or not cat.active:
        return _error(404, f"ไม่พบบริการ (service_code) {service_code}")
    return {"service_code": cat.code, "attributes": []}


# --------------------------------------------------------------------------- requests


def _updated(session: Session, ids: Iterable[int]) -> dict[int, datetime]:
    """When each complaint last changed on its public timeline."""
    ids = list(ids)
    if not ids:
        return {}
    rows = session.exec(
        select(AuditEntry.case_id, sa.func.max(AuditEntry.at))
        .where(
            AuditEntry.case_type == CASE_TYPE,
            col(AuditEntry.case_id).in_(ids),
            AuditEntry.public == True,  # noqa: E712
        )
        .group_by(col(AuditEntry.case_id))
    ).all()
    return {cid: at for cid, at in rows if at is not None}


def _status_notes(c: Complaint, merged: dict[int, str]) -> str:
    status = ComplaintStatus(c.status)
    notes = status.thai
    if status == ComplaintStatus.resolved and c.result:
        notes += f": {c.result}"
    elif status == ComplaintStatus.closed_unresolved and c.close_reason:
        notes += f": {c.close_reason}"
    elif status == ComplaintStatus.duplicate and c.merged_into_id in merged:
        notes += f" (เรื่องเลขที่ {merged[c.merged_into_id]})"
    return notes


def _requests(session: Session, found: list[Complaint]) -> list[dict[str, Any]]:
    """Public fields only (the complainant is never among them)."""
    cats = {c.code: c for c in session.exec(select(ComplaintCategory))}
    divisions = _divisions(session)
    by_id = {d.id: d for d in divisions.values()}
    updated = _updated(session, (c.id for c in found if c.id is not None))
    merged_ids = {c.merged_into_id for c in found if c.merged_into_id}
    merged: dict[int, str] = (
        {
            c.id: c.number  # type: ignore[misc]
            for c in session.exec(select(Complaint).where(col(Complaint.id).in_(merged_ids)))
        }
        if merged_ids
        else {}
    )
    out = []
    for c in found:
        cat = cats.get(c.category_code)
        status = ComplaintStatus(c.status)
        agency: str | None
        if status == ComplaintStatus.forwarded_outside and c.agency:
            agency = c.agency
        elif c.division_id in by_id:
            agency = by_id[c.division_id].name
        else:
            division = divisions.get(cat.division_code) if cat else None
            agency = division.name if division else None
        out.append(
            {
                "service_request_id": c.number,
                "status": "open" if status in OPEN_STATUSES else "closed",
                "status_notes": _status_notes(c, merged),
                "service_name": cat.name if cat else c.category_code,
                "service_code": c.category_code,
                "description": c.description,
                "agency_responsible": agency,
                "service_notice": f"กำหนดแล้วเสร็จ {format_thai_date(c.expected_at)}",
                "requested_datetime": _w3c(c.registered_at),
                "updated_datetime": _w3c(max(updated.get(c.id, c.registered_at), c.registered_at))
                if c.id is not None
                else None,
                "expected_datetime": _w3c(c.expected_at),
                "address": c.address,
                "address_id": None,
                "zipcode": None,
                "lat": c.latitude,
                "long": c.longitude,
                "media_url": None,
            }
        )
    return out


@router.get("/requests.json", response_model=None)
def get_requests(request: Request, session: SessionDep) -> Any:
    """Service requests: by ``service_request_id`` (comma list; then every other filter is
    ignored, as the spec says), or by service_code, start_date/end_date (W3C; the last 90 days
    by default) and status (open, closed); newest first, at most 1000."""
    q = request.query_params
    try:
        stmt = select(Complaint)
        if ids := [i.strip() for i in q.get("service_request_id", "").split(",") if i.strip()]:
            stmt = stmt.where(col(Complaint.number).in_(ids))
        else:
            end = _parse_w3c("end_date", q["end_date"]) if q.get("end_date") else None
            start = _parse_w3c("start_date", q["start_date"]) if q.get("start_date") else None
            if start is None:
                start = (end or datetime.now(BANGKOK)) - timedelta(days=DEFAULT_DAYS)
            stmt = stmt.where(col(Complaint.registered_at) >= start)
            if end is not None:
                stmt = stmt.where(col(Complaint.registered_at) <= end)
            if codes := [s.strip() for s in q.get("service_code", "").split(",") if s.strip()]:
                stmt = stmt.where(col(Complaint.category_code).in_(codes))
            if wanted := {s.strip().lower() for s in q.get("status", "").split(",") if s.strip()}:
                if not wanted <= {"open", "closed"}:
                    raise Open311Error(400, "status ต้องเป็น open หรือ closed")
                if wanted == {"open"}:
                    stmt = stmt.where(col(Complaint.status).in_([s.value for s in OPEN_STATUSES]))
                elif wanted == {"closed"}:
                    stmt = stmt.where(
                        col(Complaint.status).not_in([s.value for s in OPEN_STATUSES])
                    )
    except Open311Error as exc:
        return _error(exc.code, exc.description)
    stmt = stmt.order_by(col(Complaint.registered_at).desc(), col(Complaint.id).desc())
    return _requests(session, list(session.exec(stmt.limit(MAX_REQUESTS))))


@router.get("/requests/{service_request_id}.json", response_model=None)
def get_request(service_request_id: str, session: SessionDep) -> Any:
    found = by_number(session, service_request_id)
    if found is None:
        return _error(404, f"ไม่พบคำร้อง (service_request_id) {service_request_id}")
    return _requests(session, [found])


def _text(form: Any, name: str) -> str | None:
    value = form.get(name)
    if value is None or not isinstance(value, str) or not value.strip():
        return None
    return value.strip()


def _float(form: Any, name: str) -> float | None:
    value = _text(form, name)
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        raise Open311Error(400, f"{name} ต้องเป็นตัวเลข") from None


def _complaint_data(session: Session, form: Any) -> dict[str, Any]:
    code = _text(form, "service_code")
    if code is None:
        raise Open311Error(400, "กรุณาระบุ service_code")
    cat = session.get(ComplaintCategory, code)
    if cat is None or not cat.active:
        raise Open311Error(400, f"ไม่พบบริการ (service_code) {code}")
    lat, lon = _float(form, "lat"), _float(form, "long")
    address = _text(form, "address_string")
    if (lat is None) != (lon is None):
        raise Open311Error(400, "ต้องระบุพิกัดทั้ง lat และ long")
    if lat is None and address is None:
        raise Open311Error(400, "ต้องระบุสถานที่: lat และ long หรือ address_string")
    description = _text(form, "description")
    if description is None:
        raise Open311Error(400, "กรุณาระบุรายละเอียด (description)")
    if media := _text(form, "media_url"):
        description += f"\n\nภาพประกอบ (media_url): {media}"
    email, phone = _text(form, "email"), _text(form, "phone")
    if email is None and phone is None:
        raise Open311Error(400, "ต้องระบุช่องทางติดต่อกลับอย่างน้อยหนึ่งช่องทาง (email หรือ phone)")
    name = " ".join(n for n in (_text(form, "first_name"), _text(form, "last_name")) if n)
    return {
        "category": cat.code,
        "description": description,
        "address": address,
        "latitude": lat,
        "longitude": lon,
        "complainant": {"name": name or ANONYMOUS, "phone": phone, "email": email},
    }


@router.post("/requests.json", response_model=None)
async def post_request(
    request: Request,
    engine: EngineDep,
    session: SessionDep,
    orchestrator: CaseSyncDep,
    background: BackgroundTasks,
) -> Any:
    """Create a service request (form-encoded, per the spec). ``api_key`` is accepted and not
    required. The answer carries the complaint number; its ``service_notice`` also gives the PIN
    once, for tracking on the municipality's site."""
    form = await request.form()
    try:
        data = _complaint_data(session, form)
        registered = service.submit(engine, data=data, channel=Channel.open311)
    except Open311Error as exc:
        return _error(exc.code, exc.description)
    except DomainError as exc:
        return _error(400, exc.message)
    c = registered.complaint
    notice = (
        f"รับเรื่องแล้ว เลขที่ {c.number} รหัส PIN {registered.pin} "
        f"กำหนดแล้วเสร็จ {format_thai_date(c.expected_at)}"
    )
    answer = {
        "service_request_id": c.number,
        "service_notice": notice,
        "account_id": None,
        "token": None,
    }
    complaint_id = c.id
    background.add_task(sync_case_later, orchestrator, CASE_TYPE, complaint_id)
    return JSONResponse([answer], status_code=201)
