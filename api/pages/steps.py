"""The engine's pages for officers (Thai): sign in, the inbox, one step with its decision form
(and the case itself, through its workflow's panel), the case timeline, and, in development,
the captured mail. Plain HTML forms posting back here, through the same service calls as the
JSON API."""

import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, BackgroundTasks, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from adapters.mailbox import read_mailbox
from api.deps import (
    TOKEN_COOKIE,
    CaseSyncDep,
    EngineDep,
    PathId,
    SessionDep,
    SettingsDep,
    current_user,
    sync_case_later,
)
from api.errors import headers_of, status_of
from api.pages.common import (
    COMMITTEE_ROLES,
    PageUser,
    csrf_ok,
    error_page,
    outcome_thai,
    render,
    thai_datetime,
    thai_validation_messages,
    users_by_id,
)
from api.security import client_of, issue_token
from api.workflows import installed_pages
from core.db import utcnow
from core.settings import Settings
from domain.engine import audit, authority
from domain.engine.accounts import sign_in
from domain.engine.calendar import parse_thai_date
from domain.engine.chains import LEVEL_STEP, ORIGINATOR
from domain.engine.registry import event_title, form_class, workflow_for
from domain.engine.service import decide_step, sign_out
from domain.engine.steps import decisions_of_step
from domain.engine.visibility import can_view, visible_step
from domain.errors import DomainError, InvalidInput, NotEntitled, NotFound, TooManyRequests
from models.audit import AuditEntry
from models.people import User
from models.steps import HumanStep, Outcome, StepStatus

router = APIRouter(prefix="/pages", tags=["pages"], include_in_schema=False)

BASE_FIELDS = {"outcome", "comment", "return_to"}
STEP_STATUS_TITLES = {
    StepStatus.open: "รอพิจารณา",
    StepStatus.decided: "พิจารณาแล้ว",
    StepStatus.cancelled: "ยกเลิก",
}
ENGINE_EVENTS = {
    "step_opened": "ส่งให้พิจารณา",
    "step_closed": "ปิดขั้นตอน",
    "step_cancelled": "ยกเลิกขั้นตอน",
    "decision": "ลงความเห็น",
    "vote": "ลงมติ",
    "step_orphaned": "ไม่มีผู้มีอำนาจพิจารณา แจ้งผู้เกี่ยวข้องแล้ว",
}


# --------------------------------------------------------------------------- sign in and out


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/pages/inbox") -> HTMLResponse:
    return render(request, "login.html", {"next": safe_next(next), "username": ""})


def safe_next(url: str) -> str:
    """Only a path on this site (no open redirect)."""
    return url if url.startswith("/pages/") and not url.startswith("//") else "/pages/inbox"


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/pages/inbox",
) -> Response:
    try:
        user = sign_in(engine, username=username, password=password, client=client_of(request))
    except (NotEntitled, TooManyRequests) as exc:
        page = render(
            request,
            "login.html",
            {"error": exc.message, "username": username, "next": safe_next(next)},
            status_code=401 if isinstance(exc, NotEntitled) else status_of(exc),
        )
        page.headers.update(headers_of(exc) or {})
        return page
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        TOKEN_COOKIE,
        issue_token(settings, user),
        max_age=settings.token_ttl_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=settings.public_base_url.startswith("https://"),
        path="/",
    )
    return response


@router.post("/logout")
def logout(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """The menu's button: ends every login of the officer (the cookie and any bearer token),
    then forgets the cookie in this browser."""
    if csrf_ok(request, settings, csrf):
        try:
            user = current_user(request, engine, settings, None)
        except HTTPException:
            user = None
        if user is not None:
            sign_out(engine, user_id=user.id)  # type: ignore[arg-type]
    response = RedirectResponse("/pages/login", status_code=303)
    response.delete_cookie(TOKEN_COOKIE, path="/")
    return response


@router.get("/logout")
def forget_login() -> Response:
    """An old link: forgets the cookie in this browser only (a GET changes nothing else, so a
    link on another site cannot end anyone's logins)."""
    response = RedirectResponse("/pages/login", status_code=303)
    response.delete_cookie(TOKEN_COOKIE, path="/")
    return response


# --------------------------------------------------------------------------- inbox


def inbox_context(session: Session, user: User, settings: Settings) -> dict[str, Any]:
    now = utcnow()
    items = [
        {
            "step": item.step,
            "acting_for": item.acting_for,
            "overdue": item.step.due_at < now,
            "case_title": workflow_for(item.step.case_type).title,
        }
        for item in authority.inbox(session, user=user, at=now)
    ]
    return {"items": items}


@router.get("/inbox", response_class=HTMLResponse)
def inbox_page(
    request: Request, user: PageUser, session: SessionDep, settings: SettingsDep, flash: str = ""
) -> HTMLResponse:
    ctx = inbox_context(session, user, settings)
    ctx["flash"] = flash[:300]
    return render(request, "inbox.html", ctx, user=user, session=session, settings=settings)


# --------------------------------------------------------------------------- one step


@dataclass
class ExtraField:
    """A step form's own field beyond outcome/comment/return_to, rendered generically."""

    name: str
    label: str
    kind: str  # text, textarea, number, date, select, checkbox
    required: bool
    choices: list[tuple[str, str]] = field(default_factory=list)


def _choices(annotation: Any) -> list[tuple[str, str]] | None:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return [(str(a), str(a)) for a in typing.get_args(annotation)]
    if origin in (typing.Union, types.UnionType) and len(args) == 1:
        return _choices(args[0])
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return [(str(m.value), str(getattr(m, "thai", m.value))) for m in annotation]
    return None


def _base_type(annotation: Any) -> Any:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(args) == 1:
        return args[0]
    return annotation


def extra_fields(
    form_name: str, from_data: Mapping[str, list[tuple[str, str]]] | None = None
) -> list[ExtraField]:
    """The form's own fields; ``from_data`` gives choices (e.g. divisions) that make a field
    a select instead of a text box."""
    from_data = from_data or {}
    fields = []
    for name, info in form_class(form_name).model_fields.items():
        if name in BASE_FIELDS:
            continue
        label = info.description or name
        choices = from_data.get(name) or _choices(info.annotation)
        base = _base_type(info.annotation)
        if choices is not None:
            kind = "select"
        elif base is bool:
            kind = "checkbox"
        elif base is int:
            kind = "number"
        elif base is date:
            kind = "date"
        elif any(getattr(m, "max_length", 0) and m.max_length > 300 for m in info.metadata):
            kind = "textarea"
        else:
            kind = "text"
        fields.append(ExtraField(name, label, kind, info.is_required(), choices or []))
    return fields


def return_targets(session: Session, step: HumanStep) -> list[tuple[str, str]]:
    """Where a chain level may send the case back: lower levels, or the originator."""
    if step.form != "chain-decision" or Outcome.return_for_revision not in step.allowed_outcomes:
        return []
    targets = [(ORIGINATOR, "ผู้เสนอเรื่อง")]
    chain_of = workflow_for(step.case_type).chain_of
    if chain_of is not None and step.kind == LEVEL_STEP and step.level:
        try:
            chain = chain_of(session, step.case_id)
            below = chain.levels[: chain.index(step.level)]
        except DomainError:
            below = ()
        targets += [(level.key, level.title) for level in below]
    return targets


def choices_for(session: Session, step: HumanStep) -> Mapping[str, list[tuple[str, str]]]:
    pages = installed_pages().get(step.case_type)
    if pages is None or pages.field_choices is None:
        return {}
    return pages.field_choices(session, step)


def describe(entry: AuditEntry) -> str:
    """One line of what an audit entry says, in Thai."""
    d = entry.detail or {}
    parts = []
    if d.get("title"):
        parts.append(str(d["title"]))
    if d.get("subject"):
        parts.append(f"เรื่อง {d['subject']}")
    if d.get("outcome"):
        parts.append(f"ผล: {outcome_thai(str(d['outcome']))}")
    if d.get("comment"):
        parts.append(f"ความเห็น: {d['comment']}")
    if entry.action == "memo_returned":
        parts.append(f"ส่งกลับไปยัง {d.get('to')} (รอบที่ {d.get('round')})")
    if d.get("reason"):
        parts.append(f"เหตุผล: {d['reason']}")
    if d.get("due_at"):
        try:
            parts.append(f"ครบกำหนด {thai_datetime(datetime.fromisoformat(str(d['due_at'])))}")
        except ValueError:
            pass
    return " · ".join(parts)


def step_context(
    session: Session, settings: Settings, user: User, step: HumanStep
) -> dict[str, Any]:
    decisions = decisions_of_step(session, step_id=step.id)  # type: ignore[arg-type]
    standing = None
    if step.status == StepStatus.open:
        try:
            standing = authority.standing(session, user=user, step=step)
        except NotEntitled:
            standing = None
    workflow = workflow_for(step.case_type)
    can_view_case = can_view(session, user=user, case_type=step.case_type, case_id=step.case_id)
    entries = (
        audit.timeline(session, case_type=step.case_type, case_id=step.case_id)
        if can_view_case
        else []
    )
    check = audit.verify(entries) if can_view_case else None
    people = users_by_id(
        session,
        {d.user_id for d in decisions}
        | {d.acting_for_user_id for d in decisions}
        | {e.actor_user_id for e in entries}
        | {e.acting_for_user_id for e in entries},
    )
    extras = extra_fields(step.form, choices_for(session, step))
    pages = installed_pages().get(step.case_type)
    panel = (
        pages.case_panel(session, user, step)
        if can_view_case and pages is not None and pages.case_panel is not None
        else None
    )
    return {
        "step": step,
        "status_thai": STEP_STATUS_TITLES.get(StepStatus(step.status), step.status),
        "case_title": workflow.title,
        "panel": panel,
        "overdue": step.status == StepStatus.open and step.due_at < utcnow(),
        "decisions": [
            {
                "d": d,
                "who": people.get(d.user_id),
                "acting_for": people.get(d.acting_for_user_id)  # type: ignore[arg-type]
                if d.acting_for_user_id
                else None,
                "role": COMMITTEE_ROLES.get(d.committee_role or "", ""),
            }
            for d in decisions
        ],
        "can_view_case": can_view_case,
        "timeline": [
            {
                "e": e,
                "action": ENGINE_EVENTS.get(e.action) or event_title(e.action) or e.action,
                "actor": people.get(e.actor_user_id) if e.actor_user_id else None,
                "acting_for": people.get(e.acting_for_user_id) if e.acting_for_user_id else None,
                "text": describe(e),
            }
            for e in entries
        ],
        "chain_check": check,
        "can_decide": standing is not None,
        "acting_for": standing.principal
        if standing is not None and standing.acting_for_user_id
        else None,
        "outcomes": [(o, Outcome(o).thai) for o in step.allowed_outcomes],
        "return_targets": return_targets(session, step),
        "extras": extras,
        "values": {"outcome": "", "comment": "", "return_to": ""},
        "errors": [],
    }


@router.get("/steps/{step_id}", response_class=HTMLResponse)
def step_page(
    request: Request, step_id: PathId, user: PageUser, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    try:
        step = visible_step(session, user=user, step_id=step_id)
    except DomainError as exc:
        return error_page(request, exc, user=user, session=session, settings=settings)
    ctx = step_context(session, settings, user, step)
    return render(request, "step.html", ctx, user=user, session=session, settings=settings)


def form_data(raw: dict[str, str], step: HumanStep) -> dict[str, Any]:
    """The posted HTML form as the step's form expects it: blanks dropped, dates in พ.ศ."""
    data: dict[str, Any] = {"comment": raw.get("comment", "").strip()}
    if raw.get("outcome"):
        data["outcome"] = raw["outcome"]
    if raw.get("return_to") and raw.get("outcome") == Outcome.return_for_revision.value:
        data["return_to"] = raw["return_to"]
    for extra in extra_fields(step.form):
        value = raw.get(extra.name, "").strip()
        if extra.kind == "checkbox":
            data[extra.name] = bool(value)
        elif value == "":
            continue
        elif extra.kind == "date":
            try:
                data[extra.name] = parse_thai_date(value).isoformat()
            except ValueError as exc:
                raise InvalidInput(str(exc), field=extra.name) from None
        else:
            data[extra.name] = value
    return data


@router.post("/steps/{step_id}", response_class=HTMLResponse)
async def decide_page(
    request: Request,
    step_id: PathId,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
    orchestrator: CaseSyncDep,
    background: BackgroundTasks,
) -> Response:
    posted = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    common: dict[str, Any] = {"user": user, "session": session, "settings": settings}
    if not csrf_ok(request, settings, posted.get("csrf", "")):
        return error_page(request, NotEntitled("แบบฟอร์มหมดอายุ กรุณาเปิดหน้านี้ใหม่"), **common)
    step = session.get(HumanStep, step_id)
    if step is None:
        return error_page(request, NotFound("ไม่พบขั้นตอนนี้"), **common)

    def again(errors: list[str], status_code: int) -> HTMLResponse:
        session.expire_all()
        fresh = session.get(HumanStep, step_id)
        ctx = step_context(session, settings, user, fresh)  # type: ignore[arg-type]
        ctx["values"] = {
            "outcome": posted.get("outcome", ""),
            "comment": posted.get("comment", ""),
            "return_to": posted.get("return_to", ""),
            **{f.name: posted.get(f.name, "") for f in ctx["extras"]},
        }
        ctx["errors"] = errors
        return render(request, "step.html", ctx, status_code=status_code, **common)

    try:
        data = form_data(posted, step)
        result = decide_step(engine, step_id=step_id, user_id=user.id, data=data)  # type: ignore[arg-type]
        repeated, closed = result.repeated, result.closed_now
        case_type, case_id = result.step.case_type, result.step.case_id
    except ValidationError as exc:
        labels = {
            "outcome": "ผลการพิจารณา",
            "comment": "ความเห็น",
            "return_to": "ระดับที่จะส่งกลับ",
        } | {f.name: f.label for f in extra_fields(step.form, choices_for(session, step))}
        return again(thai_validation_messages(exc, labels), 422)
    except NotEntitled as exc:
        if step.status == StepStatus.open and not _may_view(session, user, step_id):
            return error_page(request, exc, **common)
        return again([exc.message], 403)
    except DomainError as exc:
        return again([exc.message], status_of(exc))
    if closed:
        background.add_task(sync_case_later, orchestrator, case_type, case_id)
    outcome = outcome_thai(data.get("outcome"))
    flash = (
        f"บันทึกผลการพิจารณาเดิมไว้แล้ว: {step.title}"
        if repeated
        else f"บันทึกผลการพิจารณา “{outcome}” แล้ว: {step.title}"
    )
    return RedirectResponse(f"/pages/inbox?flash={quote(flash)}", status_code=303)


def _may_view(session: Session, user: User, step_id: int) -> bool:
    try:
        visible_step(session, user=user, step_id=step_id)
    except DomainError:
        return False
    return True


# --------------------------------------------------------------------------- captured mail


@router.get("/mail", response_class=HTMLResponse)
def mail_page(
    request: Request, user: PageUser, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    directory = settings.mail_capture_dir
    mails = list(reversed(read_mailbox(directory))) if directory is not None else []
    return render(
        request,
        "mail.html",
        {"directory": directory, "mails": mails},
        user=user,
        session=session,
        settings=settings,
    )
