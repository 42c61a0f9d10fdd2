"""Server-rendered pages for officers (Thai): sign in, the inbox, one step with its decision
form, the case timeline, and, in development, the captured mail. No JavaScript framework: plain
HTML forms posting back here, through the same domain calls as the JSON API."""

import hashlib
import hmac
import types
import typing
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, BackgroundTasks, Depends, FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from sqlmodel import Session, col, select

from api.deps import (
    TOKEN_COOKIE,
    EngineDep,
    OrchestratorDep,
    SessionDep,
    SettingsDep,
    current_user,
    in_transaction,
    sync_case_later,
)
from api.errors import status_of
from api.routes.steps import load_visible_step
from api.security import issue_token
from core.db import utcnow
from core.settings import PROJECT_ROOT, Settings
from domain import audit, authority
from domain.accounts import authenticate
from domain.calendar import format_thai_date, parse_thai_date
from domain.chains import ORIGINATOR, chain_named, load_chains
from domain.errors import DomainError, InvalidInput, NotEntitled, NotFound
from domain.forms import form_class
from domain.memo import CASE_TYPE as MEMO
from domain.memo import create_memo
from domain.steps import decide, decisions_of_step
from domain.workflows import workflow_for
from models.audit import AuditEntry
from models.memo import Memo, MemoCreate, MemoStatus
from models.people import Division, Position, User
from models.steps import HumanStep, Outcome, StepStatus
from ops.smtp_capture import read_mailbox

router = APIRouter(prefix="/pages", tags=["pages"], include_in_schema=False)
templates = Jinja2Templates(directory=PROJECT_ROOT / "templates" / "pages")

BASE_FIELDS = {"outcome", "comment", "return_to"}
CASE_TITLES = {"memo": "บันทึกข้อความ", "complaint": "เรื่องร้องเรียน"}
STEP_STATUS_TITLES = {
    StepStatus.open: "รอพิจารณา",
    StepStatus.decided: "พิจารณาแล้ว",
    StepStatus.cancelled: "ยกเลิก",
}
ACTION_TITLES = {
    "memo_created": "เสนอบันทึกข้อความ",
    "step_opened": "ส่งให้พิจารณา",
    "step_closed": "ปิดขั้นตอน",
    "step_cancelled": "ยกเลิกขั้นตอน",
    "decision": "ลงความเห็น",
    "vote": "ลงมติ",
    "memo_returned": "ส่งกลับแก้ไข",
    "memo_approved": "อนุมัติแล้ว",
    "memo_rejected": "ไม่อนุมัติ",
    "memo_withdrawn": "ผู้เสนอถอนเรื่อง",
}
CHOICE_TITLES = {
    "route": "รับเรื่องและส่งหน่วยงานภายในดำเนินการ",
    "forward": "ส่งต่อหน่วยงานภายนอก",
    "merge": "รวมกับเรื่องที่ซ้ำกัน",
    "resolved": "ดำเนินการแล้วเสร็จ",
    "obstacle": "มีปัญหาอุปสรรค",
    "grant": "อนุญาตให้ขยายเวลา",
    "refuse": "ไม่อนุญาต ให้ดำเนินการต่อ",
    "close_unresolved": "ปิดเรื่องโดยแก้ไขไม่ได้",
    "reopen": "เปิดเรื่องใหม่",
    "close": "ปิดเรื่อง",
}
FIELD_TITLES = {"action": "การดำเนินการ"}
COMMITTEE_ROLES = {"chair": "ประธาน", "member": "กรรมการ", "secretary": "เลขานุการ"}


# --------------------------------------------------------------------------- helpers


class LoginRequired(Exception):
    """The page needs a signed-in officer; answered with a redirect to the login page."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


def thai_datetime(value: datetime | date | None, style: str = "short") -> str:
    if value is None:
        return "-"
    with_time = isinstance(value, datetime)
    return format_thai_date(value, style=style, with_time=with_time)  # type: ignore[arg-type]


def position_thai(value: str | None) -> str:
    if not value:
        return ""
    try:
        return Position(value).thai
    except ValueError:
        return value


def outcome_thai(value: str | None) -> str:
    if not value:
        return ""
    try:
        return Outcome(value).thai
    except ValueError:
        return value


templates.env.filters["thaidate"] = thai_datetime
templates.env.filters["position_thai"] = position_thai
templates.env.filters["outcome_thai"] = outcome_thai


def csrf_for(settings: Settings, token: str | None) -> str:
    """A form token bound to the login cookie: a page of another site cannot know it."""
    if not token:
        return ""
    mac = hmac.new(settings.secret_key.encode(), f"csrf:{token}".encode(), hashlib.sha256)
    return mac.hexdigest()[:40]


def csrf_ok(request: Request, settings: Settings, value: str) -> bool:
    expected = csrf_for(settings, request.cookies.get(TOKEN_COOKIE))
    return bool(expected) and hmac.compare_digest(expected, value or "")


def page_user(request: Request, engine: EngineDep, settings: SettingsDep) -> User:
    """The officer signed in by cookie; otherwise off to the login page."""
    try:
        return current_user(request, engine, settings, None)
    except HTTPException:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target) from None


PageUser = Annotated[User, Depends(page_user)]


def render(
    request: Request,
    name: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
    user: User | None = None,
    session: Session | None = None,
    settings: Settings | None = None,
) -> HTMLResponse:
    ctx: dict[str, Any] = {"user": user, "csrf": "", "division": None, **context}
    if settings is not None:
        ctx["csrf"] = csrf_for(settings, request.cookies.get(TOKEN_COOKIE))
    if user is not None and session is not None and user.division_id is not None:
        ctx["division"] = session.get(Division, user.division_id)
    return templates.TemplateResponse(request, name, ctx, status_code=status_code)


def error_page(
    request: Request,
    exc: DomainError,
    *,
    user: User | None,
    session: Session | None,
    settings: Settings | None,
) -> HTMLResponse:
    return render(
        request,
        "error.html",
        {"message": exc.message, "title": "ทำรายการไม่ได้"},
        status_code=status_of(exc),
        user=user,
        session=session,
        settings=settings,
    )


def thai_validation_messages(exc: ValidationError, labels: dict[str, str]) -> list[str]:
    """Pydantic's errors in Thai: our own validators already speak Thai; the rest are named."""
    messages = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"])
        label = labels.get(where, where) or "แบบฟอร์ม"
        kind = err["type"]
        if kind == "value_error":
            text = str(err["msg"]).removeprefix("Value error, ")
        elif kind == "missing":
            text = f"กรุณาระบุ{label}"
        elif kind in ("enum", "literal_error"):
            text = f"{label}: ตัวเลือกไม่ถูกต้อง"
        elif kind == "string_too_short":
            text = f"{label}: สั้นเกินไป (อย่างน้อย {err.get('ctx', {}).get('min_length')} ตัวอักษร)"
        elif kind == "string_too_long":
            text = f"{label}: ยาวเกินไป (ไม่เกิน {err.get('ctx', {}).get('max_length')} ตัวอักษร)"
        elif kind == "extra_forbidden":
            text = f"แบบฟอร์มนี้ไม่มีช่อง {label}"
        else:
            text = f"{label}: ข้อมูลไม่ถูกต้อง"
        messages.append(text)
    return messages or ["ข้อมูลในแบบฟอร์มไม่ถูกต้อง"]


def users_by_id(session: Session, ids: set[int | None]) -> dict[int, User]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {u.id: u for u in session.exec(select(User).where(col(User.id).in_(wanted)))}  # type: ignore[misc]


def chains(settings: Settings) -> list[tuple[str, str]]:
    return [(c.name, c.title) for c in load_chains(settings.chains_file).values()]


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
    session: SessionDep,
    settings: SettingsDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/pages/inbox",
) -> Response:
    try:
        user = authenticate(session, username=username.strip(), password=password)
    except NotEntitled as exc:
        return render(
            request,
            "login.html",
            {"error": exc.message, "username": username, "next": safe_next(next)},
            status_code=401,
        )
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        TOKEN_COOKIE,
        issue_token(settings, user.id),  # type: ignore[arg-type]
        max_age=settings.token_ttl_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=settings.public_base_url.startswith("https://"),
        path="/",
    )
    return response


@router.api_route("/logout", methods=["GET", "POST"])
def logout() -> Response:
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
            "case_title": CASE_TITLES.get(item.step.case_type, item.step.case_type),
        }
        for item in authority.inbox(session, user=user, at=now)
    ]
    memos = session.exec(
        select(Memo).where(Memo.originator_id == user.id).order_by(col(Memo.id).desc()).limit(20)
    ).all()
    return {
        "items": items,
        "chains": chains(settings),
        "my_memos": [
            {"memo": m, "status": MemoStatus(m.status).thai, "open": m.status == "in_review"}
            for m in memos
        ],
        "memo_form": {"subject": "", "body": "", "chain": "memo"},
    }


@router.get("/inbox", response_class=HTMLResponse)
def inbox_page(
    request: Request, user: PageUser, session: SessionDep, settings: SettingsDep, flash: str = ""
) -> HTMLResponse:
    ctx = inbox_context(session, user, settings)
    ctx["flash"] = flash[:300]
    return render(request, "inbox.html", ctx, user=user, session=session, settings=settings)


@router.post("/memos", response_class=HTMLResponse)
def submit_memo_page(
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
    orchestrator: OrchestratorDep,
    background: BackgroundTasks,
    subject: Annotated[str, Form()] = "",
    body: Annotated[str, Form()] = "",
    chain: Annotated[str, Form()] = "memo",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    def again(errors: list[str], status_code: int) -> HTMLResponse:
        ctx = inbox_context(session, user, settings)
        ctx["memo_form"] = {"subject": subject, "body": body, "chain": chain}
        ctx["memo_errors"] = errors
        return render(
            request,
            "inbox.html",
            ctx,
            status_code=status_code,
            user=user,
            session=session,
            settings=settings,
        )

    if not csrf_ok(request, settings, csrf):
        return again(["แบบฟอร์มหมดอายุ กรุณาลองใหม่อีกครั้ง"], 403)
    try:
        data = MemoCreate(subject=subject.strip(), body=body.strip(), chain=chain)
        chain_named(settings.chains_file, data.chain)
    except ValidationError as exc:
        labels = {"subject": "เรื่อง", "body": "รายละเอียด", "chain": "สายการอนุมัติ"}
        return again(thai_validation_messages(exc, labels), 422)
    except DomainError as exc:
        return again([exc.message], status_of(exc))

    def work(s: Session) -> int:
        memo = create_memo(s, data=data, originator=s.get(User, user.id))  # type: ignore[arg-type]
        return memo.id  # type: ignore[return-value]

    try:
        memo_id = in_transaction(engine, work)
    except DomainError as exc:
        return again([exc.message], status_of(exc))
    background.add_task(sync_case_later, orchestrator, MEMO, memo_id)
    flash = f"เสนอบันทึกข้อความ “{data.subject}” แล้ว (เลขที่ {memo_id})"
    return RedirectResponse(f"/pages/inbox?{urlencode({'flash': flash})}", status_code=303)


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
        return [(str(a), CHOICE_TITLES.get(str(a), str(a))) for a in typing.get_args(annotation)]
    if origin in (typing.Union, types.UnionType) and len(args) == 1:
        return _choices(args[0])
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return [
            (str(m.value), CHOICE_TITLES.get(str(m.value), str(getattr(m, "thai", m.value))))
            for m in annotation
        ]
    return None


def _base_type(annotation: Any) -> Any:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(args) == 1:
        return args[0]
    return annotation


def extra_fields(form_name: str) -> list[ExtraField]:
    fields = []
    for name, info in form_class(form_name).model_fields.items():
        if name in BASE_FIELDS:
            continue
        label = FIELD_TITLES.get(name) or info.description or name
        choices = _choices(info.annotation)
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


def return_targets(session: Session, settings: Settings, step: HumanStep) -> list[tuple[str, str]]:
    """Where a chain level may send the case back: lower levels, or the originator."""
    if step.form != "chain-decision" or Outcome.return_for_revision not in step.allowed_outcomes:
        return []
    targets = [(ORIGINATOR, "ผู้เสนอเรื่อง")]
    if step.case_type == MEMO and step.level and step.level != ORIGINATOR:
        memo = session.get(Memo, step.case_id)
        if memo is not None:
            try:
                chain = chain_named(settings.chains_file, memo.chain)
                below = chain.levels[: chain.index(step.level)]
            except DomainError:
                below = ()
            targets += [(level.key, level.title) for level in below]
    return targets


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
    can_view_case = workflow.can_view(session, user=user, case_id=step.case_id)
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
    memo = session.get(Memo, step.case_id) if step.case_type == MEMO else None
    extras = extra_fields(step.form)
    return {
        "step": step,
        "status_thai": STEP_STATUS_TITLES.get(StepStatus(step.status), step.status),
        "case_title": CASE_TITLES.get(step.case_type, step.case_type),
        "memo": memo,
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
                "action": ACTION_TITLES.get(e.action, e.action),
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
        # Forms whose own "action" field decides the outcome show that instead of the radio.
        "show_outcome": not any(f.name == "action" for f in extras),
        "return_targets": return_targets(session, settings, step),
        "extras": extras,
        "values": {"outcome": "", "comment": "", "return_to": ""},
        "errors": [],
    }


@router.get("/steps/{step_id}", response_class=HTMLResponse)
def step_page(
    request: Request, step_id: int, user: PageUser, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    try:
        step = load_visible_step(session, user, step_id)
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
    step_id: int,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
    orchestrator: OrchestratorDep,
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

    def work(s: Session) -> tuple[bool, bool, str, int]:
        result = decide(s, step_id=step_id, user=s.get(User, user.id), data=data)  # type: ignore[arg-type]
        return result.repeated, result.closed_now, result.step.case_type, result.step.case_id

    try:
        data = form_data(posted, step)
        repeated, closed, case_type, case_id = in_transaction(engine, work)
    except ValidationError as exc:
        labels = {
            "outcome": "ผลการพิจารณา",
            "comment": "ความเห็น",
            "return_to": "ระดับที่จะส่งกลับ",
        } | {f.name: f.label for f in extra_fields(step.form)}
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
        load_visible_step(session, user, step_id)
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


# --------------------------------------------------------------------------- wiring


def install(app: FastAPI) -> None:
    """Mount the pages, their static files, the login redirect and ``/`` on ``app``."""
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=PROJECT_ROOT / "static"), name="static")

    @app.exception_handler(LoginRequired)
    async def to_login(_: Request, exc: LoginRequired) -> RedirectResponse:
        return RedirectResponse(f"/pages/login?{urlencode({'next': exc.next_url})}", 303)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/pages/inbox", status_code=307)
