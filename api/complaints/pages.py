"""The officers' complaint pages: the list (the centre and the executives: all; a division: its
own), one complaint's page, and evidence photos uploaded from the division's result step. The
complaint's panel and the screening form's choices are in ``panel.py``."""

import hmac
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import ColumnElement, and_, func, or_
from sqlmodel import Session, col, select
from starlette.concurrency import run_in_threadpool

from api.complaints.common import read_uploads
from api.complaints.panel import (
    PAGE_SIZE,
    STEP_KIND_TITLES,
    STEP_STATUS_TITLES,
    _category_names,
    _division_names,
    _open_steps,
    evidence_token,
    is_overdue,
    render_panel,
)
from api.deps import EngineDep, SessionDep, SettingsDep
from api.errors import status_of
from api.pages.common import PageUser, render
from core.db import utcnow
from core.settings import Settings, get_settings
from domain.complaints import service
from domain.complaints.lookups import categories, in_centre
from domain.complaints.states import CASE_TYPE
from domain.engine import authority
from domain.engine.calendar import format_thai_date
from domain.engine.visibility import EXECUTIVES_FROM, can_view
from domain.errors import DomainError, NotEntitled, NotFound
from models.complaint import (
    OPEN_STATUSES,
    Complaint,
    ComplaintStatus,
)
from models.people import User
from models.steps import HumanStep, StepStatus

router = APIRouter(prefix="/pages/complaints", tags=["pages"], include_in_schema=False)


# --------------------------------------------------------------------------- the list


def sees_all(session: Session, user: User) -> bool:
    """The complaint centre and the executives read every complaint."""
    return in_centre(session, user) or authority.outranks(user, EXECUTIVES_FROM)


def scope_of(session: Session, user: User) -> ColumnElement[bool] | None:
    """What the list shows ``user``: everything (None), or the complaints of their division
    and those they took in themselves (the audience of ``domain.complaints.visibility``)."""
    if sees_all(session, user):
        return None
    conditions = [col(Complaint.intake_officer_id) == user.id]
    if user.division_id is not None:
        conditions.append(col(Complaint.division_id) == user.division_id)
    return or_(*conditions)


STATUS_FILTERS = [("", "ทุกสถานะ"), ("open", "ยังไม่เสร็จ (ทุกขั้นตอน)")] + [
    (s.value, s.thai) for s in ComplaintStatus
]


@router.get("", response_class=HTMLResponse)
def list_page(
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    status: str = "",
    category: str = "",
    division: str = "",
    overdue: str = "",
    q: str = "",
    page: int = 1,
) -> HTMLResponse:
    now = utcnow()
    page = max(1, page)
    conditions: list[Any] = []
    scope = scope_of(session, user)
    if scope is not None:
        conditions.append(scope)
    if status == "open":
        conditions.append(col(Complaint.status).in_([s.value for s in OPEN_STATUSES]))
    elif status in {s.value for s in ComplaintStatus}:
        conditions.append(Complaint.status == status)
    else:
        status = ""
    if category:
        conditions.append(Complaint.category_code == category)
    divisions = _division_names(session)
    by_code = {d.code: d for d in divisions.values()}
    if division and scope is None and division in by_code:
        conditions.append(Complaint.division_id == by_code[division].id)
    else:
        division = ""
    if overdue:
        conditions.append(col(Complaint.status).in_([s.value for s in OPEN_STATUSES]))
        conditions.append(col(Complaint.expected_at) < now)
    q = q.strip()[:100]
    if q:
        like = f"%{q}%"
        conditions.append(
            or_(col(Complaint.number).ilike(like), col(Complaint.description).ilike(like))
        )
    where = and_(*conditions) if conditions else None
    count_query = select(func.count()).select_from(Complaint)
    query = select(Complaint).order_by(col(Complaint.id).desc())
    if where is not None:
        count_query = count_query.where(where)
        query = query.where(where)
    total = session.exec(count_query).one()
    rows = list(session.exec(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)))
    steps = _open_steps(session, [c.id for c in rows if c.id is not None])
    mine = {item.step.id for item in authority.inbox(session, user=user, at=now)}
    names = _category_names(session)
    items = [
        {
            "c": c,
            "category": names.get(c.category_code, c.category_code),
            "division": divisions.get(c.division_id) if c.division_id else None,
            "status": ComplaintStatus(c.status).thai,
            "overdue": is_overdue(c, now),
            "registered_day": format_thai_date(c.registered_at, style="short"),
            "expected_day": format_thai_date(c.expected_at, style="short"),
            "steps": [
                {
                    "step": s,
                    "title": STEP_KIND_TITLES.get(s.kind or "", s.title),
                    "mine": s.id in mine,
                }
                for s in steps.get(c.id, [])  # type: ignore[arg-type]
            ],
        }
        for c in rows
    ]
    filters = {
        "status": status,
        "category": category,
        "division": division,
        "overdue": overdue,
        "q": q,
    }

    def page_url(n: int) -> str:
        return "/pages/complaints?" + urlencode(
            {k: v for k, v in filters.items() if v} | {"page": n}
        )

    pages = max(1, -(-total // PAGE_SIZE))
    ctx = {
        "items": items,
        "total": total,
        "filters": filters,
        "status_filters": STATUS_FILTERS,
        "categories": [(c.code, c.name) for c in categories(session)],
        "divisions": [(d.code, d.name) for d in sorted(divisions.values(), key=lambda d: d.code)]
        if scope is None
        else [],
        "sees_all": scope is None,
        "page": page,
        "pages": pages,
        "prev_url": page_url(page - 1) if page > 1 else None,
        "next_url": page_url(page + 1) if page < pages else None,
    }
    return render(
        request, "complaints/pages/list.html", ctx, user=user, session=session, settings=settings
    )


# --------------------------------------------------------------------------- one complaint


@router.get("/{complaint_id}", response_class=HTMLResponse)
def detail_page(
    request: Request,
    complaint_id: int,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
) -> HTMLResponse:
    """The complaint read-only: the same panel, and every step it went through."""
    common: dict[str, Any] = {"user": user, "session": session, "settings": settings}
    complaint = session.get(Complaint, complaint_id)
    if complaint is None:
        return _message(request, NotFound("ไม่พบเรื่องร้องเรียน"), back=None, **common)
    if not can_view(session, user=user, case_type=CASE_TYPE, case_id=complaint_id):
        return _message(request, NotEntitled("ท่านไม่มีสิทธิ์ดูเรื่องร้องเรียนนี้"), back=None, **common)
    steps = list(
        session.exec(
            select(HumanStep)
            .where(HumanStep.case_type == CASE_TYPE, HumanStep.case_id == complaint_id)
            .order_by(col(HumanStep.id))
        )
    )
    open_result = next(
        (s for s in steps if s.kind == "result" and s.status == StepStatus.open), None
    )
    mine = {item.step.id for item in authority.inbox(session, user=user)}
    panel = render_panel(session, user, complaint, step=open_result, on_step_page=False)
    ctx = {
        "c": complaint,
        "panel": panel,
        "steps": [
            {
                "step": s,
                "kind": STEP_KIND_TITLES.get(s.kind or "", s.kind),
                "status": STEP_STATUS_TITLES.get(StepStatus(s.status), s.status),
                "mine": s.id in mine,
                "overdue": s.status == StepStatus.open and s.due_at < utcnow(),
            }
            for s in steps
        ],
        "may_seal": in_centre(session, user),
    }
    return render(request, "complaints/pages/detail.html", ctx, **common)


@router.post("/{complaint_id}/evidence", response_class=HTMLResponse)
async def evidence_page(
    request: Request,
    complaint_id: int,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
    token: Annotated[str, Form()] = "",
    step_id: Annotated[int | None, Form()] = None,
    photos: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    """The division's evidence photos from its result step; back to the step after."""
    back = f"/pages/steps/{step_id}" if step_id else f"/pages/complaints/{complaint_id}"
    common: dict[str, Any] = {"user": user, "session": session, "settings": settings}
    # The panel signs with get_settings() (it has no request), so the check does too.
    if not hmac.compare_digest(evidence_token(get_settings(), user.id, complaint_id), token):
        return _message(request, NotEntitled("แบบฟอร์มหมดอายุ กรุณาเปิดหน้านี้ใหม่"), back=back, **common)
    chosen = [p for p in photos or [] if p.filename]  # an empty file box sends a nameless part
    try:
        files = await read_uploads(chosen)
        await run_in_threadpool(  # a write transaction: off the event loop
            service.add_evidence,
            engine,
            complaint_id=complaint_id,
            officer_id=user.id,  # type: ignore[arg-type]
            photos=files,
        )
    except DomainError as exc:
        return _message(request, exc, back=back, **common)
    return RedirectResponse(f"{back}#evidence", status_code=303)


def _message(
    request: Request,
    exc: DomainError,
    *,
    back: str | None,
    user: User,
    session: Session,
    settings: Settings,
) -> HTMLResponse:
    return render(
        request,
        "complaints/pages/message.html",
        {"title": "ทำรายการไม่ได้", "message": exc.message, "back": back},
        status_code=status_of(exc),
        user=user,
        session=session,
        settings=settings,
    )
