"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) under /open311/v2, in XML and
JSON, and its Service Discovery (http://wiki.open311.org/Service_Discovery) at
/open311/discovery.

Services are the complaint categories; a service request is a complaint (channel ``open311``).
Nothing about the complainant ever leaves here: no name, telephone, e-mail or PIN in any
listing (the PIN is given once, in the answer to the POST that created the request).

Every path comes in both formats, chosen by its extension (``/services.xml``,
``/services.json``, ...). Each answer is built once as plain data (dicts, lists, text, numbers,
booleans, None) and then written as JSON or as the spec's XML by :func:`_answer`: a root element
named for the answer (``<services>``, ``<service_definition>``, ``<service_requests>``,
``<errors>``, ``<discovery>``), one element per item of a list, one child element per field,
``true``/``false`` for booleans and an empty element for a missing value. Errors have the spec's
shape in both: ``[{"code": 400, "description": "..."}]`` and
``<errors><error><code>400</code><description>...</description></error></errors>``."""

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import sqlalchemy as sa
from fastapi import APIRouter, BackgroundTasks, Request, Response
from fastapi.responses import JSONResponse
from sqlmodel import Session, col, select
from starlette.convertors import Convertor, register_url_convertor

from api.deps import CaseSyncDep, EngineDep, SessionDep, sync_case_later
from core.settings import get_settings
from domain.complaints import service
from domain.complaints.lookups import by_number, categories
from domain.complaints.privacy import masked, public_text
from domain.complaints.states import CASE_TYPE
from domain.engine.calendar import BANGKOK, format_thai_date
from domain.errors import DomainError, TooManyRequests
from models.audit import AuditEntry
from models.complaint import (
    OPEN_STATUSES,
    Channel,
    Complaint,
    ComplaintCategory,
    ComplaintStatus,
)
from models.people import Division

router = APIRouter(prefix="/open311", tags=["open311"])

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
V2 = "/v2"
DEFAULT_DAYS = 90
MAX_REQUESTS = 1000
ANONYMOUS = "ผู้แจ้งผ่าน Open311"
CHANGESET = datetime(2026, 11, 29, 18, 0, tzinfo=BANGKOK)
"""When the endpoints or the service definitions last changed (Service Discovery's changeset: a
client refreshes what it cached). Change it with them."""


class _FormatConvertor(Convertor[str]):
    """A path's format extension: ``json`` or ``xml``. Any other is no route here (404)."""

    regex = "json|xml"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("open311_format", _FormatConvertor())
Format = Literal["json", "xml"]
FMT = "{fmt:open311_format}"
XML_TYPE = "text/xml"  # Starlette adds "; charset=utf-8" to a text/* type


@dataclass(frozen=True)
class Shape:
    """How an answer is written as the spec's XML: its root element and, when the answer is a
    list, the element of each item (a dict answer's fields go straight under the root)."""

    root: str
    item: str | None = None


SERVICES = Shape("services", "service")
DEFINITION = Shape("service_definition")
REQUESTS = Shape("service_requests", "request")
ERRORS = Shape("errors", "error")
DISCOVERY = Shape("discovery")

LIST_ITEMS = {
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}
"""The element of each item of a list field (``<formats><format>text/xml</format>...``)."""
LEFT_OUT_WHEN_EMPTY = {"token"}
"""Fields the spec's XML has only with a value (``token``: a request not created in real time)."""
NOT_XML_CHARS = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 cannot carry (control characters pasted into a citizen's text)."""


class Open311Error(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


def _element(parent: ET.Element, name: str, value: Any) -> None:
    element = ET.SubElement(parent, name)
    if isinstance(value, dict):
        _fields(element, value)
    elif isinstance(value, list):
        for item in value:
            _element(element, LIST_ITEMS[name], item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = NOT_XML_CHARS.sub("", str(value))


def _fields(parent: ET.Element, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if value is None and name in LEFT_OUT_WHEN_EMPTY:
            continue
        _element(parent, name, value)


def _xml(body: Any, shape: Shape) -> bytes:
    root = ET.Element(shape.root)
    if shape.item is None:
        _fields(root, body)
    else:
        for entry in body:
            _fields(ET.SubElement(root, shape.item), entry)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _answer(fmt: Format, body: Any, shape: Shape, status: int = 200) -> Response:
    """The answer in the format asked for: JSON as it is, or the spec's XML (UTF-8)."""
    if fmt == "xml":
        return Response(_xml(body, shape), status_code=status, media_type=XML_TYPE)
    return JSONResponse(body, status_code=status)


def documented(status: int = 200) -> dict[str, Any]:
    """A route's success answer for the OpenAPI document: either format (the extension chooses);
    the errors are added app-wide (api.errors.error_responses)."""
    either = {"application/json": {}, "text/xml": {"schema": {"type": "string"}}}
    return {
        "status_code": status,
        "response_class": Response,
        "responses": {status: {"description": "GeoReport v2 (XML or JSON)", "content": either}},
    }


def _error(fmt: Format, code: int, description: str) -> Response:
    return _answer(fmt, [{"code": code, "description": description}], ERRORS, status=code)


def error_answer(
    path: str, code: int, description: str, headers: dict[str, str] | None = None
) -> Response:
    """An error under /open311 in the spec's shape and in the path's format (``.xml``: XML,
    any other: JSON), for errors answered outside these routes (api.errors' handlers)."""
    answer = _error("xml" if path.endswith(".xml") else "json", code, description)
    answer.headers.update(headers or {})
    return answer


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


@router.get(f"{V2}/services.{FMT}", **documented())
def services(fmt: Format, session: SessionDep) -> Response:
    """Service list: one service per active complaint category."""
    divisions = _divisions(session)
    return _answer(fmt, [_service(c, divisions) for c in categories(session)], SERVICES)


@router.get(f"{V2}/services/{{service_code}}.{FMT}", **documented())
def service_definition(fmt: Format, service_code: str, session: SessionDep) -> Response:
    """Service definition: no extra attributes are asked for (metadata is false)."""
    cat = session.get(ComplaintCategory, service_code)
    if cat is None or not cat.active:
        return _error(fmt, 404, f"ไม่พบบริการ (service_code) {service_code}")
    return _answer(fmt, {"service_code": cat.code, "attributes": []}, DEFINITION)


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
        notes += f": {masked(c.result)}"
    elif status == ComplaintStatus.closed_unresolved and c.close_reason:
        notes += f": {masked(c.close_reason)}"
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
                "description": public_text(c),  # never the complainant's own words
                "agency_responsible": agency,
                "service_notice": f"กำหนดแล้วเสร็จ {format_thai_date(c.expected_at)}",
                "requested_datetime": _w3c(c.registered_at),
                "updated_datetime": _w3c(max(updated.get(c.id, c.registered_at), c.registered_at))
                if c.id is not None
                else None,
                "expected_datetime": _w3c(c.expected_at),
                "address": masked(c.address),  # a sender may put a number there too
                "address_id": None,
                "zipcode": None,
                "lat": c.latitude,
                "long": c.longitude,
                "media_url": None,
            }
        )
    return out


@router.get(f"{V2}/requests.{FMT}", **documented())
def get_requests(fmt: Format, request: Request, session: SessionDep) -> Response:
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
        return _error(fmt, exc.code, exc.description)
    stmt = stmt.order_by(col(Complaint.registered_at).desc(), col(Complaint.id).desc())
    found = list(session.exec(stmt.limit(MAX_REQUESTS)))
    return _answer(fmt, _requests(session, found), REQUESTS)


@router.get(f"{V2}/requests/{{service_request_id}}.{FMT}", **documented())
def get_request(fmt: Format, service_request_id: str, session: SessionDep) -> Response:
    found = by_number(session, service_request_id)
    if found is None:
        return _error(fmt, 404, f"ไม่พบคำร้อง (service_request_id) {service_request_id}")
    return _answer(fmt, _requests(session, [found]), REQUESTS)


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


@router.post(f"{V2}/requests.{FMT}", **documented(201))
async def post_request(
    fmt: Format,
    request: Request,
    engine: EngineDep,
    session: SessionDep,
    orchestrator: CaseSyncDep,
    background: BackgroundTasks,
) -> Response:
    """Create a service request (form-encoded, per the spec). ``api_key`` is accepted and not
    required. The answer carries the complaint number; its ``service_notice`` also gives the PIN
    once, for tracking on the municipality's site."""
    form = await request.form()
    try:
        data = _complaint_data(session, form)
        client = request.client.host if request.client else None
        registered = service.submit(engine, data=data, channel=Channel.open311, client=client)
    except Open311Error as exc:
        return _error(fmt, exc.code, exc.description)
    except TooManyRequests as exc:
        refused = _error(fmt, 429, exc.message)
        refused.headers["Retry-After"] = str(exc.retry_after)
        return refused
    except DomainError as exc:
        return _error(fmt, 400, exc.message)
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
    return _answer(fmt, [answer], REQUESTS, status=201)


# --------------------------------------------------------------------------- discovery


@router.get(f"/discovery.{FMT}", **documented())
@router.get(f"{V2}/discovery.{FMT}", **documented(), include_in_schema=False)
def discovery(fmt: Format) -> Response:
    """Service Discovery: where the GeoReport v2 endpoint is, in which formats, whom to ask."""
    base = get_settings().public_base_url.rstrip("/")
    changeset = _w3c(CHANGESET)
    return _answer(
        fmt,
        {
            "changeset": changeset,
            "contact": "ศูนย์รับเรื่องร้องเรียน เทศบาลนครขอนแก่น: แจ้งเรื่องที่ "
            f"{base}/complaints/new ติดตามเรื่องที่ {base}/complaints/track",
            "key_service": "ไม่ต้องขอ api_key: ส่งคำร้องได้โดยไม่ใช้คีย์ "
            "(ถ้าส่ง api_key มาด้วย ระบบรับไว้โดยไม่ตรวจ)",
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": f"{base}{router.prefix}{V2}",
                    "changeset": changeset,
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        },
        DISCOVERY,
    )
