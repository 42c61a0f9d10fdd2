"""Complaints, the officers' routes: counter/telephone/post entry, the lists and one complaint,
evidence, schedule changes, withdrawal for a caller, the meeting agenda, the public summary.
The public routes (no login) are in ``public_routes.py``.
Decisions on a complaint's steps go through /api/steps/{id}/decision like every step."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import (
    APIRouter,
    BackgroundTasks,
    Body,
    File,
    Form,
    Query,
    Response,
    UploadFile,
    status,
)
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session, col, select

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
    CurrentUser,
    EngineDep,
    IsoDate,
    Limit,
    PathId,
    SessionDep,
    sync_case_later,
)
from api.middleware import DOCUMENT_HEADERS, PHOTO_TYPES, photo_headers
from api.schemas import StepPublic
from domain.complaints import service
from domain.complaints.duplicates import find_duplicates
from domain.complaints.escalation import meeting_agenda
from domain.complaints.public import render_receipt
from domain.complaints.states import CASE_TYPE
from domain.complaints.visibility import can_see_contact, staff_view
from domain.engine.calendar import format_thai_date
from domain.engine.visibility import can_view
from domain.errors import InvalidInput, NotEntitled, NotFound
from models.complaint import (
    OFFICER_CHANNELS,
    Channel,
    Complaint,
    ComplaintCategory,
    ComplaintPhoto,
    ComplaintSchedule,
    ComplaintStaff,
    ComplaintStatus,
    PhotoKind,
)
from models.people import User
from models.steps import HumanStep

router = APIRouter(prefix="/api/complaints", tags=["complaints"])

CASE = CASE_TYPE


# --------------------------------------------------------------------------- shapes


class DuplicateOut(BaseModel):
    id: int
    number: str
    status: ComplaintStatus
    distance_m: float
    description: str
    registered_at: datetime


class PhotoMeta(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: PhotoKind
    content_type: str
    size_bytes: int
    uploaded_at: datetime


class ScheduleOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    planned_date: date
    reason: str
    at: datetime


class ComplaintDetail(BaseModel):
    complaint: ComplaintStaff
    category_name: str
    steps: list[StepPublic]
    duplicates: list[DuplicateOut]
    photos: list[PhotoMeta]
    schedule: list[ScheduleOut]


class ScheduleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    planned_date: date
    reason: str = Field(min_length=1, max_length=2000)


class ExplanationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    explanation: str = Field(min_length=1, max_length=4000)


class AgendaEntryOut(BaseModel):
    number: str
    complaint_id: int
    category_name: str
    division: str | None
    status: ComplaintStatus
    registered_at: datetime
    expected_at: datetime
    added_at: datetime
    explanation: str | None
    explained_at: datetime | None


class PublicSummaryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(
        min_length=5, max_length=5000, description="สรุปเรื่องสำหรับเผยแพร่ (Open311, หน้าติดตามเรื่อง)"
    )


class PublicSummaryOut(BaseModel):
    number: str
    public_description: str
    public_released_at: datetime


class Agenda(BaseModel):
    meeting_date: date
    meeting_day: str
    items: list[AgendaEntryOut]


# --------------------------------------------------------------------------- helpers


def _officer_channel(value: str | None) -> Channel:
    allowed = ", ".join(c.value for c in sorted(OFFICER_CHANNELS))
    try:
        channel = Channel(value or "")
    except ValueError:
        raise InvalidInput(f"กรุณาระบุช่องทางรับเรื่อง ({allowed})", field="channel") from None
    if channel not in OFFICER_CHANNELS:
        raise InvalidInput(f"เจ้าหน้าที่บันทึกได้เฉพาะช่องทาง {allowed}", field="channel")
    return channel


def _visible(session: Session, user: User, complaint_id: int) -> Complaint:
    complaint = session.get(Complaint, complaint_id)
    if complaint is None:
        raise NotFound("ไม่พบเรื่องร้องเรียน")
    if not can_view(session, user=user, case_type=CASE, case_id=complaint_id):
        raise NotEntitled("ท่านไม่มีสิทธิ์ดูเรื่องร้องเรียนนี้")
    return complaint


# --------------------------------------------------------------------------- officers


@router.post("", response_model=ComplaintReceipt, status_code=status.HTTP_201_CREATED)
def submit_by_officer(
    user: CurrentUser,
    engine: EngineDep,
    orchestrator: CaseSyncDep,
    background: BackgroundTasks,
    data: Any = Body(
        examples=[{**FORM_EXAMPLE, "channel": "counter"}],
        description="As the web form, plus channel: counter / telephone / post",
    ),
) -> ComplaintReceipt:
    """An officer enters a complaint received at the counter, by telephone or by post; the
    channel and the officer are recorded."""
    if not isinstance(data, dict):
        raise InvalidInput("ข้อมูลที่ส่งมาต้องเป็นออบเจกต์ JSON")
    data = dict(data)
    channel = _officer_channel(data.pop("channel", None))
    return take_in(
        engine,
        data,
        channel=channel,
        officer_id=user.id,
        photos=[],
        background=background,
        case_sync=orchestrator,
    )


@router.post("/multipart", response_model=ComplaintReceipt, status_code=status.HTTP_201_CREATED)
async def submit_by_officer_multipart(
    user: CurrentUser,
    engine: EngineDep,
    orchestrator: CaseSyncDep,
    background: BackgroundTasks,
    complaint: Annotated[str, Form(description="JSON as POST /api/complaints, with channel")],
    photos: Annotated[list[UploadFile] | None, File()] = None,
) -> ComplaintReceipt:
    data = json_object(complaint)
    channel = _officer_channel(data.pop("channel", None))
    files = await read_uploads(photos)
    return take_in(
        engine,
        data,
        channel=channel,
        officer_id=user.id,
        photos=files,
        background=background,
        case_sync=orchestrator,
    )


@router.get("/agenda", response_model=Agenda)
def agenda(user: CurrentUser, session: SessionDep, meeting_date: IsoDate | None = None) -> Agenda:
    """The follow-up meeting's agenda: complaints escalated to the mayor, with each
    division's explanation (the next meeting by default)."""
    day, entries = meeting_agenda(session, meeting_date=meeting_date)
    return Agenda(
        meeting_date=day,
        meeting_day=format_thai_date(day),
        items=[
            AgendaEntryOut(
                number=e.complaint.number,
                complaint_id=e.complaint.id,  # type: ignore[arg-type]
                category_name=e.category_name,
                division=e.division.name if e.division else None,
                status=e.complaint.status,
                registered_at=e.complaint.registered_at,
                expected_at=e.complaint.expected_at,
                added_at=e.item.added_at,
                explanation=e.item.explanation,
                explained_at=e.item.explained_at,
            )
            for e in entries
        ],
    )


@router.get("", response_model=list[ComplaintStaff])
def list_complaints(
    user: CurrentUser,
    session: SessionDep,
    status_: Annotated[ComplaintStatus | None, Query(alias="status")] = None,
    limit: Limit = 100,
) -> list[ComplaintStaff]:
    """Complaints you may see (the centre: all; a division: its own), newest first."""
    query = select(Complaint).order_by(col(Complaint.id).desc()).limit(limit)
    if status_ is not None:
        query = query.where(Complaint.status == status_)
    return [
        staff_view(session, user=user, complaint=c)
        for c in session.exec(query)
        if can_view(session, user=user, case_type=CASE, case_id=c.id)  # type: ignore[arg-type]
    ]


@router.get("/{complaint_id}", response_model=ComplaintDetail)
def read_complaint(complaint_id: PathId, user: CurrentUser, session: SessionDep) -> ComplaintDetail:
    complaint = _visible(session, user, complaint_id)
    cat = session.get(ComplaintCategory, complaint.category_code)
    steps = session.exec(
        select(HumanStep)
        .where(HumanStep.case_type == CASE, HumanStep.case_id == complaint_id)
        .order_by(col(HumanStep.id))
    )
    photos = session.exec(
        select(ComplaintPhoto)
        .where(ComplaintPhoto.complaint_id == complaint_id)
        .order_by(col(ComplaintPhoto.id))
    )
    schedule = session.exec(
        select(ComplaintSchedule)
        .where(ComplaintSchedule.complaint_id == complaint_id)
        .order_by(col(ComplaintSchedule.id))
    )
    return ComplaintDetail(
        complaint=staff_view(session, user=user, complaint=complaint),
        category_name=cat.name if cat else complaint.category_code,
        steps=[StepPublic.model_validate(s) for s in steps],
        duplicates=_duplicates(session, complaint),
        photos=[PhotoMeta.model_validate(p) for p in photos],
        schedule=[ScheduleOut.model_validate(s) for s in schedule],
    )


def _duplicates(session: Session, complaint: Complaint) -> list[DuplicateOut]:
    return [
        DuplicateOut(
            id=d.complaint.id,  # type: ignore[arg-type]
            number=d.complaint.number,
            status=d.complaint.status,
            distance_m=d.distance_m,
            description=d.complaint.description,
            registered_at=d.complaint.registered_at,
        )
        for d in find_duplicates(session, complaint=complaint)
    ]


@router.get("/{complaint_id}/duplicates", response_model=list[DuplicateOut])
def duplicates(complaint_id: PathId, user: CurrentUser, session: SessionDep) -> list[DuplicateOut]:
    """Open complaints of the same kind nearby: the centre may merge (screening: merge)."""
    return _duplicates(session, _visible(session, user, complaint_id))


@router.get(
    "/{complaint_id}/receipt",
    response_model=None,
    responses={
        200: {
            "description": "HTML to print (format=html), or JSON (format=json)",
            "model": ComplaintStaff,
            "content": {"text/html": {"schema": {"type": "string"}}},
        }
    },
)
def centre_receipt(
    complaint_id: PathId,
    user: CurrentUser,
    session: SessionDep,
    format: Literal["html", "json"] = "html",
) -> HTMLResponse | ComplaintStaff:
    """The centre's copy: HTML to print, or JSON."""
    complaint = _visible(session, user, complaint_id)
    if format == "json":
        return staff_view(session, user=user, complaint=complaint)
    if not can_see_contact(session, user=user, complaint=complaint):
        raise NotEntitled("ฉบับศูนย์รับเรื่องเปิดได้เฉพาะศูนย์รับเรื่องร้องเรียน")
    html = render_receipt(session, complaint=complaint, copy="centre", pin=None)
    return HTMLResponse(html, headers=DOCUMENT_HEADERS)


@router.post(
    "/{complaint_id}/evidence",
    response_model=list[PhotoMeta],
    status_code=status.HTTP_201_CREATED,
)
async def add_evidence(
    complaint_id: PathId,
    user: CurrentUser,
    engine: EngineDep,
    photos: Annotated[list[UploadFile], File(description="JPEG/PNG/WebP ≤5 MB")],
) -> list[PhotoMeta]:
    """The division's photos of the result, before it reports the result."""
    files = await read_uploads(photos)

    rows = service.add_evidence(
        engine,
        complaint_id=complaint_id,
        officer_id=user.id,
        photos=files,  # type: ignore[arg-type]
    )
    return [PhotoMeta.model_validate(r) for r in rows]


@router.get(
    "/{complaint_id}/photos/{photo_id}",
    response_class=Response,
    responses={
        200: {
            "description": "The photo, only ever as the image type its bytes were checked to be",
            "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in PHOTO_TYPES},
        }
    },
)
def photo(
    complaint_id: PathId, photo_id: PathId, user: CurrentUser, session: SessionDep
) -> Response:
    _visible(session, user, complaint_id)
    row = session.get(ComplaintPhoto, photo_id)
    if row is None or row.complaint_id != complaint_id:
        raise NotFound("ไม่พบรูปภาพ")
    media_type, headers = photo_headers(photo_id, row.content_type)
    return Response(row.data, media_type=media_type, headers=headers)


@router.post("/{complaint_id}/schedule", response_model=ScheduleOut)
def change_schedule(
    complaint_id: PathId,
    data: ScheduleIn,
    user: CurrentUser,
    engine: EngineDep,
) -> ScheduleOut:
    """The division changes the date it will act; the reason is kept, the complainant told."""

    row = service.reschedule(
        engine,
        complaint_id=complaint_id,
        officer_id=user.id,  # type: ignore[arg-type]
        planned_date=data.planned_date,
        reason=data.reason,
    )
    return ScheduleOut.model_validate(row)


@router.post("/{complaint_id}/withdraw")
def withdraw_by_officer(
    complaint_id: PathId,
    data: WithdrawIn,
    user: CurrentUser,
    engine: EngineDep,
    orchestrator: CaseSyncDep,
    background: BackgroundTasks,
) -> dict[str, Any]:
    """The centre records a withdrawal the complainant asked for (e.g. by telephone)."""

    complaint = service.withdraw_for_complainant(
        engine,
        complaint_id=complaint_id,
        officer_id=user.id,
        reason=data.reason,  # type: ignore[arg-type]
    )
    background.add_task(sync_case_later, orchestrator, CASE, complaint_id)
    state = complaint.status
    return {"status": state, "status_title": ComplaintStatus(state).thai}


@router.post("/{complaint_id}/agenda-explanation")
def explain(
    complaint_id: PathId, data: ExplanationIn, user: CurrentUser, engine: EngineDep
) -> dict[str, Any]:
    """The division explains, for the follow-up meeting, why it has not reported."""

    item = service.explain_for_meeting(
        engine,
        complaint_id=complaint_id,
        officer_id=user.id,  # type: ignore[arg-type]
        explanation=data.explanation,
    )
    return {"meeting_date": item.meeting_date, "explanation": item.explanation}


@router.post("/{complaint_id}/public-summary", response_model=PublicSummaryOut)
def release_public_summary(
    complaint_id: PathId, data: PublicSummaryIn, user: CurrentUser, engine: EngineDep
) -> PublicSummaryOut:
    """The centre releases the complaint's public summary: Open311 and the tracking page show
    it from now on instead of the complainant's masked text (the centre only; audited)."""
    complaint = service.release_public_summary(
        engine,
        complaint_id,
        user.id,  # type: ignore[arg-type]
        data.text,
    )
    return PublicSummaryOut(
        number=complaint.number,
        public_description=complaint.public_description or "",
        public_released_at=complaint.public_released_at,  # type: ignore[arg-type]
    )
