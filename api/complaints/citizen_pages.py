"""Citizen pages (Thai, no login, mobile first): file a complaint through the web form, track it
with its number and PIN, and rate the result from the mail's link or with number and PIN.

Plain HTML forms posting back here, through the same domain calls (and the same shaping
helpers) as the public JSON routes in api/routes/complaints.py: no rule is repeated here."""

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Form, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlmodel import Session
from starlette.datastructures import UploadFile

from api.complaints.common import take_in
from api.deps import CaseSyncDep, EngineDep, SessionDep, sync_case_later
from api.errors import headers_of, status_of
from api.security import client_of
from core.settings import PROJECT_ROOT
from domain.complaints import service
from domain.complaints.lookups import categories
from domain.complaints.pin import check_pin
from domain.complaints.policy import complaint_policy
from domain.complaints.public import tracking_for
from domain.complaints.states import CASE_TYPE
from domain.engine.calendar import thai_date_text
from domain.errors import DomainError, InvalidInput, NotFound, TooManyRequests
from models.complaint import Channel, PhotoData

router = APIRouter(prefix="/complaints", tags=["citizen pages"], include_in_schema=False)
templates = Jinja2Templates(directory=PROJECT_ROOT / "templates" / "complaints" / "citizen")

NOT_FOUND = "ไม่พบเรื่องหรือรหัส PIN ไม่ถูกต้อง"
"""One answer for an unknown number and a wrong PIN (the domain does not tell them apart)."""
PHOTO_INPUTS = 3
FORM_FIELDS = (
    "category",
    "description",
    "address",
    "latitude",
    "longitude",
    "name",
    "phone",
    "email",
    "contact_address",
)
SCORES = [
    (5, "พอใจมากที่สุด"),
    (4, "พอใจมาก"),
    (3, "พอใจปานกลาง"),
    (2, "พอใจน้อย"),
    (1, "ไม่พอใจ"),
]
DETAIL_TITLES = {
    "number": "เลขที่เรื่อง",
    "category": "ประเภท",
    "expected_at": "กำหนดแล้วเสร็จ",
    "division": "หน่วยงาน",
    "planned_date": "กำหนดวันดำเนินการ",
    "previous_date": "กำหนดเดิม",
    "reason": "เหตุผล",
    "result": "ผลการดำเนินการ",
    "agency": "หน่วยงานภายนอก",
    "acknowledged_on": "ตอบรับเมื่อ",
    "merged_into": "รวมกับเรื่องเลขที่",
    "score": "คะแนน",
}


# --------------------------------------------------------------------------- helpers


def thai_when(value: Any, with_time: bool = False) -> str:
    """A date, datetime or ISO text (as kept in the audit detail) in Thai, Buddhist Era."""
    return thai_date_text(value, with_time=with_time)


def detail_value(key: str, value: Any) -> str:
    if key in {"expected_at", "planned_date", "previous_date", "acknowledged_on"}:
        return thai_when(value)
    return str(value)


templates.env.filters["thaidate"] = thai_when
templates.env.globals["detail_titles"] = DETAIL_TITLES
templates.env.globals["detail_value"] = detail_value


def messages_of(exc: DomainError) -> list[str]:
    """The domain's Thai messages, one per field when it gave them."""
    errors = exc.detail.get("errors")
    if isinstance(errors, list) and errors:
        found = [str(e.get("message")) for e in errors if isinstance(e, dict) and e.get("message")]
        if found:
            return found
    return [exc.message]


def render(
    request: Request, name: str, context: dict[str, Any], *, status_code: int = 200
) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def _text(value: Any, limit: int = 6000) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _number_or_text(value: str) -> str | None:
    """Blank coordinates are none; anything else goes to the domain to judge."""
    return value.strip() or None


# --------------------------------------------------------------------------- file a complaint


def _form_page(
    request: Request,
    session: Session,
    *,
    entries: dict[str, Any] | None = None,
    errors: list[str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "new.html",
        {
            "categories": categories(session),
            "entries": entries or {},
            "errors": errors or [],
            "photo_inputs": range(PHOTO_INPUTS),
            "max_mb": complaint_policy().max_photo_bytes // (1024 * 1024),
        },
        status_code=status_code,
    )


@router.get("/new", response_class=HTMLResponse)
def new_complaint_form(request: Request, session: SessionDep) -> HTMLResponse:
    return _form_page(request, session)


@router.post("/new", response_class=HTMLResponse)
async def submit_complaint_page(
    request: Request,
    session: SessionDep,
    engine: EngineDep,
    orchestrator: CaseSyncDep,
    background: BackgroundTasks,
) -> HTMLResponse:
    raw = await request.form()
    entries: dict[str, Any] = {k: _text(raw.get(k)) for k in FORM_FIELDS}
    entries["withhold_identity"] = bool(raw.get("withhold_identity"))

    # Read each photo up to the limit plus one byte: the domain judges size and kind (and
    # refuses an oversized one in Thai); we only avoid holding a huge upload whole.
    limit = complaint_policy().max_photo_bytes
    photos: list[PhotoData] = []
    too_large = False
    for upload in raw.getlist("photos"):
        if not isinstance(upload, UploadFile) or not upload.filename:
            continue  # an empty file input
        content = await upload.read(limit + 1)
        too_large = too_large or len(content) > limit
        photos.append(PhotoData(filename=upload.filename, data=content))

    data: dict[str, Any] = {
        "category": entries["category"],
        "description": entries["description"],
        "address": entries["address"],
        "latitude": _number_or_text(entries["latitude"]),
        "longitude": _number_or_text(entries["longitude"]),
        "complainant": {
            "name": entries["name"],
            "phone": entries["phone"],
            "email": entries["email"],
            "address": entries["contact_address"],
            "withhold_identity": entries["withhold_identity"],
        },
    }

    try:
        receipt = take_in(
            engine,
            data,
            channel=Channel.web,
            officer_id=None,
            photos=photos,
            background=background,
            case_sync=orchestrator,
            client=client_of(request),
        )
    except DomainError as exc:
        code = 413 if too_large and isinstance(exc, InvalidInput) else status_of(exc)
        page = _form_page(
            request, session, entries=entries, errors=messages_of(exc), status_code=code
        )
        page.headers.update(headers_of(exc) or {})
        return page
    return render(request, "received.html", {"receipt": receipt}, status_code=201)


# --------------------------------------------------------------------------- track


@router.get("/track", response_class=HTMLResponse)
def track_form(request: Request, number: str = "") -> HTMLResponse:
    return render(request, "track.html", {"number": number[:32], "tracking": None, "error": None})


@router.post("/track", response_class=HTMLResponse)
def track_page(
    request: Request,
    engine: EngineDep,
    session: SessionDep,
    number: Annotated[str, Form()] = "",
    pin: Annotated[str, Form()] = "",
) -> HTMLResponse:
    number, pin = number.strip()[:32], pin.strip()[:12]
    try:
        complaint = check_pin(engine, number=number, pin=pin, client=client_of(request))
    except (NotFound, TooManyRequests) as exc:
        page = render(
            request,
            "track.html",
            {
                "number": number,
                "tracking": None,
                "error": NOT_FOUND if isinstance(exc, NotFound) else exc.message,
            },
            status_code=status_of(exc),
        )
        page.headers.update(headers_of(exc) or {})
        return page
    context = {"number": number, "pin": pin, "tracking": tracking_for(session, complaint)}
    return render(request, "track.html", {**context, "error": None, "scores": SCORES})


# --------------------------------------------------------------------------- rate


def _rate_page(
    request: Request,
    entries: dict[str, Any],
    *,
    errors: list[str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "rate.html",
        {"entries": entries, "errors": errors or [], "scores": SCORES},
        status_code=status_code,
    )


@router.get("/rate", response_class=HTMLResponse)
def rate_form(request: Request, token: str = "", number: str = "") -> HTMLResponse:
    return _rate_page(request, {"token": token[:500], "number": number[:32]})


@router.post("/rate", response_class=HTMLResponse)
def rate_page(
    request: Request,
    engine: EngineDep,
    orchestrator: CaseSyncDep,
    background: BackgroundTasks,
    score: Annotated[str, Form()] = "",
    comment: Annotated[str, Form()] = "",
    token: Annotated[str, Form()] = "",
    number: Annotated[str, Form()] = "",
    pin: Annotated[str, Form()] = "",
) -> HTMLResponse:
    entries = {
        "score": score.strip(),
        "comment": comment[:4000],
        "token": token.strip()[:500],
        "number": number.strip()[:32],
        "pin": pin.strip()[:12],
    }
    if not entries["token"] and not (entries["number"] and entries["pin"]):
        return _rate_page(
            request,
            entries,
            errors=["กรุณาระบุลิงก์ประเมิน หรือเลขที่เรื่องและรหัส PIN"],
            status_code=422,
        )
    value = int(entries["score"]) if entries["score"].isdigit() else 0  # the domain judges it

    try:
        rated = service.rate(
            engine,
            score=value,
            comment=entries["comment"],
            number=entries["number"] or None,
            pin=entries["pin"] or None,
            token=entries["token"] or None,
            client=client_of(request),
        )
    except DomainError as exc:
        message = exc.message
        if isinstance(exc, NotFound) and not entries["token"]:
            message = NOT_FOUND
        page = _rate_page(request, entries, errors=[message], status_code=status_of(exc))
        page.headers.update(headers_of(exc) or {})
        return page
    background.add_task(sync_case_later, orchestrator, CASE_TYPE, rated.complaint_id)
    return render(
        request,
        "rated.html",
        {"number": rated.number, "score": value, "status_title": rated.status.thai},
        status_code=201,
    )


# --------------------------------------------------------------------------- wiring
