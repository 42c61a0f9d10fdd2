"""Complaints: the public web form, tracking, rating and receipts (no login), and the officers'
routes (counter/telephone/post entry, evidence, schedule changes, the meeting agenda).
Decisions on a complaint's steps go through /api/steps/{id}/decision like every step."""

import json
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

from api.deps import (
    CurrentUser,
    EngineDep,
    OrchestratorDep,
    SessionDep,
    in_transaction,
    sync_case_later,
)
from api.schemas import StepPublic
from core.settings import get_settings
from domain import complaints as domain
from domain.calendar import format_thai_date
from domain.errors import InvalidInput, NotEntitled, NotFound
from models.complaint import (
    OFFICER_CHANNELS,
    Channel,
    Complaint,
    ComplaintCategory,
    ComplaintPhoto,
    ComplaintPublic,
    ComplaintSchedule,
    ComplaintStaff,
    ComplaintStatus,
    PhotoData,
    PhotoKind,
)
from models.people import User
from models.steps import HumanStep

router = APIRouter(prefix="/api/complaints", tags=["complaints"])

CASE = domain.CASE_TYPE


# --------------------------------------------------------------------------- shapes


class CategoryPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    days: int = Field(description="วันทำการที่กำหนดสำหรับประเภทนี้")
    division_code: str


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
    receipt_url: str = Field(description="ใบรับเรื่องฉบับผู้ร้อง (HTML พิมพ์ได้)")
    track_url: str
    possible_duplicates: int | None = Field(
        description="เรื่องที่ยังเปิดอยู่ใกล้เคียงในหมวดเดียวกัน; null: ยังไม่ได้ตรวจ "
        "(ศูนย์ฯ ตรวจเมื่อรับเรื่องเข้าระบบครบ)"
    )


class Credentials(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    number: str = Field(min_length=1, max_length=32)
    pin: str = Field(min_length=1, max_length=12)


class PublicEventOut(BaseModel):
    at: datetime
    at_thai: str
    action: str
    title: str
    detail: dict[str, Any]


class Tracking(BaseModel):
    """What the complainant sees with number and PIN: nothing about anyone else."""

    complaint: ComplaintPublic
    category_name: str
    status_title: str
    expected_day: str
    planned_day: str | None
    agency: str | None
    merged_into: "Tracking | None" = None
    timeline: list[PublicEventOut]
    can_rate: bool


class RatingIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    score: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=4000)
    token: str | None = Field(default=None, max_length=500, description="จากลิงก์ในอีเมล")
    number: str | None = Field(default=None, max_length=32)
    pin: str | None = Field(default=None, max_length=12)


class WithdrawIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    number: str | None = Field(default=None, max_length=32)
    pin: str | None = Field(default=None, max_length=12)
    reason: str = Field(default="", max_length=2000)


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


class Agenda(BaseModel):
    meeting_date: date
    meeting_day: str
    items: list[AgendaEntryOut]


# --------------------------------------------------------------------------- helpers


def _urls(number: str, pin: str) -> tuple[str, str]:
    base = get_settings().public_base_url
    return (
        f"{base}/api/complaints/public/{number}/receipt?pin={pin}",
        f"{base}/complaints/track?number={number}",
    )


def receipt_for(registered: domain.Registered) -> ComplaintReceipt:
    c = registered.complaint
    receipt_url, track_url = _urls(c.number, registered.pin)
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


def _json_object(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise InvalidInput("ข้อมูลเรื่องร้องเรียน (complaint) ต้องเป็น JSON") from None
    if not isinstance(data, dict):
        raise InvalidInput("ข้อมูลเรื่องร้องเรียน (complaint) ต้องเป็นออบเจกต์ JSON")
    return data


async def _read_uploads(files: list[UploadFile] | None) -> list[PhotoData]:
    """Read each upload, never more than the limit plus one byte (so a huge file is refused
    without being held whole)."""
    limit = domain.complaint_policy().max_photo_bytes
    photos = []
    for i, upload in enumerate(files or [], start=1):
        data = await upload.read(limit + 1)
        if len(data) > limit:
            raise InvalidInput(
                f"รูปภาพที่ {i} มีขนาดเกิน {limit // (1024 * 1024)} MB", field=f"photos.{i - 1}"
            )
        photos.append(PhotoData(filename=upload.filename, data=data))
    return photos


def register(
    engine: Any,
    data: dict[str, Any],
    *,
    channel: Channel,
    officer_id: int | None,
    photos: list[PhotoData],
    background: BackgroundTasks,
    case_sync: Any,
) -> ComplaintReceipt:
    """Store the complaint in one transaction, answer with its receipt, then queue its flow
    run. Where Prefect runs, completing the intake (duplicates, the centre's check, the
    receipt mail) is the flow's first task, so a burst is answered at the pace of storing
    alone; without Prefect it is done here, in the same transaction."""
    intake = domain.register_complaint if case_sync is None else domain.receive_complaint
    parsed = domain.parse_complaint(data)  # before the write transaction, which holds a lock

    def work(session: Session) -> domain.Registered:
        officer = session.get(User, officer_id) if officer_id else None
        return intake(session, data=parsed, channel=channel, officer=officer, photos=photos)

    registered = in_transaction(engine, work)
    background.add_task(sync_case_later, case_sync, CASE, registered.complaint.id, new_case=True)
    return receipt_for(registered)


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
    if not domain.ComplaintWorkflow().can_view(session, user=user, case_id=complaint_id):
        raise NotEntitled("ท่านไม่มีสิทธิ์ดูเรื่องร้องเรียนนี้")
    return complaint


def _staff_view(session: Session, user: User, complaint: Complaint) -> ComplaintStaff:
    view = ComplaintStaff.model_validate(complaint, from_attributes=True)
    if not domain.can_see_contact(session, user=user, complaint=complaint):
        view = view.model_copy(
            update={
                "complainant_name": None,
                "complainant_phone": None,
                "complainant_email": None,
                "complainant_address": None,
            }
        )
    return view


def tracking_for(session: Session, complaint: Complaint, *, depth: int = 0) -> Tracking:
    cat = session.get(ComplaintCategory, complaint.category_code)
    merged = None
    if complaint.merged_into_id and depth < 3:
        original = session.get(Complaint, complaint.merged_into_id)
        if original is not None:
            merged = tracking_for(session, original, depth=depth + 1)
    events = domain.public_timeline(session, complaint=complaint)
    return Tracking(
        complaint=ComplaintPublic.model_validate(complaint, from_attributes=True),
        category_name=cat.name if cat else complaint.category_code,
        status_title=ComplaintStatus(complaint.status).thai,
        expected_day=format_thai_date(complaint.expected_at),
        planned_day=format_thai_date(complaint.planned_date) if complaint.planned_date else None,
        agency=complaint.agency,
        merged_into=merged,
        timeline=[
            PublicEventOut(
                at=e.at,
                at_thai=format_thai_date(e.at, style="short", with_time=True),
                action=e.action,
                title=e.title,
                detail=e.detail,
            )
            for e in events
        ],
        can_rate=depth == 0
        and complaint.status == ComplaintStatus.resolved
        and complaint.closed_at is None,
    )


# --------------------------------------------------------------------------- public

FORM_EXAMPLE = {
    "category": "street-light",
    "description": "ไฟฟ้าส่องสว่างหน้าบ้านเลขที่ 12 ดับมา 3 คืนแล้ว",
    "address": "ซอยมิตรภาพ 5 ถนนมิตรภาพ ต.ในเมือง อ.เมืองขอนแก่น",
    "latitude": 16.4419,
    "longitude": 102.8360,
    "complainant": {"name": "นายสมหมาย ใจงาม", "phone": "0812345678", "email": None},
    "photos": [],
}


@router.get("/public/categories", response_model=list[CategoryPublic])
def public_categories(session: SessionDep) -> list[CategoryPublic]:
    """The kinds of complaint and the working days allowed for each."""
    return [CategoryPublic.model_validate(c) for c in domain.categories(session)]


@router.post("/public", response_model=ComplaintReceipt, status_code=status.HTTP_201_CREATED)
def submit_public(
    engine: EngineDep,
    orchestrator: OrchestratorDep,
    background: BackgroundTasks,
    data: Any = Body(
        examples=[FORM_EXAMPLE],
        description="The web form: category, description, address and/or latitude/longitude, "
        "complainant {name, phone, email, address, withhold_identity}, photos "
        "[{filename, content_base64}] (JPEG/PNG/WebP, ≤5 MB each)",
    ),
) -> ComplaintReceipt:
    """The public web form (no login). Answers the number and PIN at once."""
    if not isinstance(data, dict):
        raise InvalidInput("ข้อมูลที่ส่งมาต้องเป็นออบเจกต์ JSON")
    return register(
        engine,
        data,
        channel=Channel.web,
        officer_id=None,
        photos=[],
        background=background,
        case_sync=orchestrator,
    )


@router.post(
    "/public/multipart", response_model=ComplaintReceipt, status_code=status.HTTP_201_CREATED
)
async def submit_public_multipart(
    engine: EngineDep,
    orchestrator: OrchestratorDep,
    background: BackgroundTasks,
    complaint: Annotated[str, Form(description="The same JSON as POST /public, without photos")],
    photos: Annotated[list[UploadFile] | None, File(description="JPEG/PNG/WebP ≤5 MB")] = None,
) -> ComplaintReceipt:
    """The web form with photos as files (multipart/form-data)."""
    data = _json_object(complaint)
    files = await _read_uploads(photos)
    return register(
        engine,
        data,
        channel=Channel.web,
        officer_id=None,
        photos=files,
        background=background,
        case_sync=orchestrator,
    )


@router.get("/public/{number}/receipt", response_class=HTMLResponse)
def citizen_receipt(
    number: str, session: SessionDep, pin: Annotated[str, Query(max_length=12)] = ""
) -> HTMLResponse:
    """The citizen's printable copy (needs the PIN, which it shows)."""
    complaint = domain.check_pin(session, number=number, pin=pin)
    html = domain.render_receipt(session, complaint=complaint, copy="citizen", pin=pin)
    return HTMLResponse(html)


@router.post("/public/track", response_model=Tracking)
def track(credentials: Credentials, session: SessionDep) -> Tracking:
    """Status, public timeline, expected date and result, with the number and PIN. A wrong
    PIN and an unknown number get the same answer."""
    complaint = domain.check_pin(session, number=credentials.number, pin=credentials.pin)
    return tracking_for(session, complaint)


@router.post("/public/rating", status_code=status.HTTP_201_CREATED)
def rate(
    data: RatingIn,
    engine: EngineDep,
    orchestrator: OrchestratorDep,
    background: BackgroundTasks,
) -> dict[str, Any]:
    """Rate the result 1–5 with the mail's link token, or with number and PIN."""
    if not data.token and not (data.number and data.pin):
        raise InvalidInput("กรุณาระบุลิงก์ประเมิน หรือเลขที่เรื่องและรหัส PIN")

    def work(session: Session) -> dict[str, Any]:
        rating = domain.rate(
            session,
            score=data.score,
            comment=data.comment,
            number=data.number,
            pin=data.pin,
            token=data.token,
        )
        complaint = session.get(Complaint, rating.complaint_id)
        assert complaint is not None
        return {
            "complaint_id": complaint.id,
            "number": complaint.number,
            "score": rating.score,
            "status": complaint.status,
            "status_title": ComplaintStatus(complaint.status).thai,
        }

    answer = in_transaction(engine, work)
    background.add_task(sync_case_later, orchestrator, CASE, int(answer.pop("complaint_id")))
    return answer


@router.post("/public/withdraw")
def withdraw_public(
    data: WithdrawIn,
    engine: EngineDep,
    orchestrator: OrchestratorDep,
    background: BackgroundTasks,
) -> dict[str, Any]:
    """The complainant withdraws the complaint (number and PIN)."""

    def work(session: Session) -> tuple[int, str]:
        found = domain.check_pin(session, number=data.number or "", pin=data.pin or "")
        complaint = domain.withdraw(session, complaint_id=found.id, reason=data.reason)  # type: ignore[arg-type]
        return complaint.id, complaint.status  # type: ignore[return-value]

    complaint_id, state = in_transaction(engine, work)
    background.add_task(sync_case_later, orchestrator, CASE, complaint_id)
    return {"status": state, "status_title": ComplaintStatus(state).thai}


# --------------------------------------------------------------------------- officers


@router.post("", response_model=ComplaintReceipt, status_code=status.HTTP_201_CREATED)
def submit_by_officer(
    user: CurrentUser,
    engine: EngineDep,
    orchestrator: OrchestratorDep,
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
    return register(
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
    orchestrator: OrchestratorDep,
    background: BackgroundTasks,
    complaint: Annotated[str, Form(description="JSON as POST /api/complaints, with channel")],
    photos: Annotated[list[UploadFile] | None, File()] = None,
) -> ComplaintReceipt:
    data = _json_object(complaint)
    channel = _officer_channel(data.pop("channel", None))
    files = await _read_uploads(photos)
    return register(
        engine,
        data,
        channel=channel,
        officer_id=user.id,
        photos=files,
        background=background,
        case_sync=orchestrator,
    )


@router.get("/agenda", response_model=Agenda)
def agenda(user: CurrentUser, session: SessionDep, meeting_date: date | None = None) -> Agenda:
    """The follow-up meeting's agenda: complaints escalated to the mayor, with each
    division's explanation (the next meeting by default)."""
    day, entries = domain.meeting_agenda(session, meeting_date=meeting_date)
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
    limit: int = 100,
) -> list[ComplaintStaff]:
    """Complaints you may see (the centre: all; a division: its own), newest first."""
    query = select(Complaint).order_by(col(Complaint.id).desc()).limit(min(limit, 500))
    if status_ is not None:
        query = query.where(Complaint.status == status_)
    workflow = domain.ComplaintWorkflow()
    return [
        _staff_view(session, user, c)
        for c in session.exec(query)
        if workflow.can_view(session, user=user, case_id=c.id)  # type: ignore[arg-type]
    ]


@router.get("/{complaint_id}", response_model=ComplaintDetail)
def read_complaint(complaint_id: int, user: CurrentUser, session: SessionDep) -> ComplaintDetail:
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
        complaint=_staff_view(session, user, complaint),
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
        for d in domain.find_duplicates(session, complaint=complaint)
    ]


@router.get("/{complaint_id}/duplicates", response_model=list[DuplicateOut])
def duplicates(complaint_id: int, user: CurrentUser, session: SessionDep) -> list[DuplicateOut]:
    """Open complaints of the same kind nearby: the centre may merge (screening: merge)."""
    return _duplicates(session, _visible(session, user, complaint_id))


@router.get("/{complaint_id}/receipt", response_model=None)
def centre_receipt(
    complaint_id: int,
    user: CurrentUser,
    session: SessionDep,
    format: Literal["html", "json"] = "html",
) -> HTMLResponse | ComplaintStaff:
    """The centre's copy: HTML to print, or JSON."""
    complaint = _visible(session, user, complaint_id)
    if format == "json":
        return _staff_view(session, user, complaint)
    if not domain.can_see_contact(session, user=user, complaint=complaint):
        raise NotEntitled("ฉบับศูนย์รับเรื่องเปิดได้เฉพาะศูนย์รับเรื่องร้องเรียน")
    return HTMLResponse(
        domain.render_receipt(session, complaint=complaint, copy="centre", pin=None)
    )


@router.post(
    "/{complaint_id}/evidence",
    response_model=list[PhotoMeta],
    status_code=status.HTTP_201_CREATED,
)
async def add_evidence(
    complaint_id: int,
    user: CurrentUser,
    engine: EngineDep,
    photos: Annotated[list[UploadFile], File(description="JPEG/PNG/WebP ≤5 MB")],
) -> list[PhotoMeta]:
    """The division's photos of the result, before it reports the result."""
    files = await _read_uploads(photos)

    def work(session: Session) -> list[PhotoMeta]:
        rows = domain.add_evidence(
            session, complaint_id=complaint_id, user=_me(session, user), photos=files
        )
        return [PhotoMeta.model_validate(r) for r in rows]

    return in_transaction(engine, work)


@router.get("/{complaint_id}/photos/{photo_id}")
def photo(complaint_id: int, photo_id: int, user: CurrentUser, session: SessionDep) -> Response:
    _visible(session, user, complaint_id)
    row = session.get(ComplaintPhoto, photo_id)
    if row is None or row.complaint_id != complaint_id:
        raise NotFound("ไม่พบรูปภาพ")
    return Response(row.data, media_type=row.content_type)


@router.post("/{complaint_id}/schedule", response_model=ScheduleOut)
def change_schedule(
    complaint_id: int,
    data: ScheduleIn,
    user: CurrentUser,
    engine: EngineDep,
) -> ScheduleOut:
    """The division changes the date it will act; the reason is kept, the complainant told."""

    def work(session: Session) -> ScheduleOut:
        row = domain.reschedule(
            session,
            complaint_id=complaint_id,
            user=_me(session, user),
            planned_date=data.planned_date,
            reason=data.reason,
        )
        return ScheduleOut.model_validate(row)

    return in_transaction(engine, work)


@router.post("/{complaint_id}/withdraw")
def withdraw_by_officer(
    complaint_id: int,
    data: WithdrawIn,
    user: CurrentUser,
    engine: EngineDep,
    orchestrator: OrchestratorDep,
    background: BackgroundTasks,
) -> dict[str, Any]:
    """The centre records a withdrawal the complainant asked for (e.g. by telephone)."""

    def work(session: Session) -> str:
        officer = _me(session, user)
        if not domain.in_centre(session, officer):
            raise NotEntitled("เฉพาะศูนย์รับเรื่องร้องเรียนบันทึกการถอนเรื่องได้")
        return domain.withdraw(
            session, complaint_id=complaint_id, reason=data.reason, officer=officer
        ).status

    state = in_transaction(engine, work)
    background.add_task(sync_case_later, orchestrator, CASE, complaint_id)
    return {"status": state, "status_title": ComplaintStatus(state).thai}


def _me(session: Session, user: User) -> User:
    """The signed-in officer, loaded in this transaction's session."""
    found = session.get(User, user.id)
    assert found is not None
    return found


@router.post("/{complaint_id}/agenda-explanation")
def explain(
    complaint_id: int, data: ExplanationIn, user: CurrentUser, engine: EngineDep
) -> dict[str, Any]:
    """The division explains, for the follow-up meeting, why it has not reported."""

    def work(session: Session) -> dict[str, Any]:
        item = domain.explain_agenda_item(
            session,
            complaint_id=complaint_id,
            user=_me(session, user),
            explanation=data.explanation,
        )
        return {"meeting_date": item.meeting_date, "explanation": item.explanation}

    return in_transaction(engine, work)
