"""The public complaint API, without login: the kinds of complaint, the web form (JSON and
multipart), and with number and PIN the tracking, rating, withdrawal and printable receipt.
The officers' routes are in ``routes.py``."""

from typing import Annotated, Any

from fastapi import (
    APIRouter,
    BackgroundTasks,
    Body,
    File,
    Form,
    Request,
    UploadFile,
    status,
)
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field

from api.complaints.common import (
    FORM_EXAMPLE,
    ComplaintReceipt,
    WithdrawIn,
    json_object,
    read_uploads,
    take_in,
)
from api.deps import (
    CaseSyncDep,
    EngineDep,
    SessionDep,
    sync_case_later,
)
from api.middleware import DOCUMENT_HEADERS
from api.security import client_of
from domain.complaints import service
from domain.complaints.lookups import categories
from domain.complaints.pin import check_pin, normalise_pin
from domain.complaints.public import Tracking, render_receipt, tracking_for
from domain.complaints.states import CASE_TYPE
from domain.errors import InvalidInput
from models.complaint import (
    Channel,
    ComplaintStatus,
)

router = APIRouter(prefix="/api/complaints", tags=["complaints (public)"])

CASE = CASE_TYPE


class CategoryPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    days: int = Field(description="วันทำการที่กำหนดสำหรับประเภทนี้")
    division_code: str


class Credentials(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    number: str = Field(min_length=1, max_length=32)
    pin: str = Field(min_length=1, max_length=12)


class RatingIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    score: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=4000)
    token: str | None = Field(default=None, max_length=500, description="จากลิงก์ในอีเมล")
    number: str | None = Field(default=None, max_length=32)
    pin: str | None = Field(default=None, max_length=12)


@router.get("/public/categories", response_model=list[CategoryPublic])
def public_categories(session: SessionDep) -> list[CategoryPublic]:
    """The kinds of complaint and the working days allowed for each."""
    return [CategoryPublic.model_validate(c) for c in categories(session)]


@router.post("/public", response_model=ComplaintReceipt, status_code=status.HTTP_201_CREATED)
async def submit_public(
    request: Request,
    engine: EngineDep,
    orchestrator: CaseSyncDep,
    background: BackgroundTasks,
    data: Any = Body(
        examples=[FORM_EXAMPLE],
        description="The web form: category, description, address and/or latitude/longitude, "
        "complainant {name, phone, email, address, withhold_identity}, photos "
        "[{filename, content_base64}] (JPEG/PNG/WebP, ≤5 MB each)",
    ),
) -> ComplaintReceipt:
    """The public web form (no login). Answers the number and PIN at once; past the intake
    limits (per client, per contact, overall) 429 with Retry-After. Async, its transaction in
    one thread: a plain route would take two trips through the thread pool (its body, then the
    check of its answer), and every complaint of a burst passes here."""
    if not isinstance(data, dict):
        raise InvalidInput("ข้อมูลที่ส่งมาต้องเป็นออบเจกต์ JSON")
    return await run_in_threadpool(
        take_in,
        engine,
        data,
        channel=Channel.web,
        officer_id=None,
        photos=[],
        background=background,
        case_sync=orchestrator,
        client=client_of(request),
    )


@router.post(
    "/public/multipart", response_model=ComplaintReceipt, status_code=status.HTTP_201_CREATED
)
async def submit_public_multipart(
    request: Request,
    engine: EngineDep,
    orchestrator: CaseSyncDep,
    background: BackgroundTasks,
    complaint: Annotated[str, Form(description="The same JSON as POST /public, without photos")],
    photos: Annotated[list[UploadFile] | None, File(description="JPEG/PNG/WebP ≤5 MB")] = None,
) -> ComplaintReceipt:
    """The web form with photos as files (multipart/form-data)."""
    data = json_object(complaint)
    files = await read_uploads(photos)
    return take_in(
        engine,
        data,
        channel=Channel.web,
        officer_id=None,
        photos=files,
        background=background,
        case_sync=orchestrator,
        client=client_of(request),
    )


@router.post("/public/receipt", response_class=HTMLResponse)
def citizen_receipt(
    request: Request,
    engine: EngineDep,
    session: SessionDep,
    number: Annotated[str, Form(max_length=32)] = "",
    pin: Annotated[str, Form(max_length=12)] = "",
) -> HTMLResponse:
    """The citizen's printable copy, which shows the PIN: number and PIN are posted as a form
    (application/x-www-form-urlencoded), never put in a link, so that the PIN stays out of
    addresses, browser history and server logs."""
    complaint = check_pin(engine, number=number, pin=pin, client=client_of(request))
    html = render_receipt(session, complaint=complaint, copy="citizen", pin=normalise_pin(pin))
    return HTMLResponse(html, headers=DOCUMENT_HEADERS)


@router.post("/public/track", response_model=Tracking)
def track(
    request: Request, credentials: Credentials, engine: EngineDep, session: SessionDep
) -> Tracking:
    """Status, public timeline, expected date and result, with the number and PIN. A wrong
    PIN and an unknown number get the same answer; after several wrong tries, 429 with
    Retry-After (seconds)."""
    complaint = check_pin(
        engine, number=credentials.number, pin=credentials.pin, client=client_of(request)
    )
    return tracking_for(session, complaint)


@router.post("/public/rating", status_code=status.HTTP_201_CREATED)
def rate(
    request: Request,
    data: RatingIn,
    engine: EngineDep,
    orchestrator: CaseSyncDep,
    background: BackgroundTasks,
) -> dict[str, Any]:
    """Rate the result 1–5 with the mail's link token, or with number and PIN."""
    if not data.token and not (data.number and data.pin):
        raise InvalidInput("กรุณาระบุลิงก์ประเมิน หรือเลขที่เรื่องและรหัส PIN")

    rated = service.rate(
        engine,
        score=data.score,
        comment=data.comment,
        number=data.number,
        pin=data.pin,
        token=data.token,
        client=client_of(request),
    )
    background.add_task(sync_case_later, orchestrator, CASE, rated.complaint_id)
    return {
        "number": rated.number,
        "score": rated.score,
        "status": rated.status,
        "status_title": rated.status.thai,
    }


@router.post("/public/withdraw")
def withdraw_public(
    request: Request,
    data: WithdrawIn,
    engine: EngineDep,
    orchestrator: CaseSyncDep,
    background: BackgroundTasks,
) -> dict[str, Any]:
    """The complainant withdraws the complaint (number and PIN)."""

    complaint = service.withdraw_by_complainant(
        engine,
        number=data.number or "",
        pin=data.pin or "",
        reason=data.reason,
        client=client_of(request),
    )
    background.add_task(sync_case_later, orchestrator, CASE, complaint.id)
    state = complaint.status
    return {"status": state, "status_title": ComplaintStatus(state).thai}
