"""What every officers' page shares: the templates (the engine's in templates/pages, each
workflow's in templates/<workflow>/), Thai filters, sign-in by cookie, the CSRF token, and
rendering a page or an error page."""

import hashlib
import hmac
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from sqlmodel import Session, col, select

from api.deps import (
    TOKEN_COOKIE,
    EngineDep,
    SettingsDep,
    current_user,
)
from api.errors import status_of
from api.workflows import nav_links
from core.settings import PROJECT_ROOT, Settings
from domain.engine.calendar import thai_date_text
from domain.engine.forms import thai_errors
from domain.errors import DomainError
from models.people import Division, Position, User
from models.steps import Outcome

templates = Jinja2Templates(
    directory=[PROJECT_ROOT / "templates" / "pages", PROJECT_ROOT / "templates"]
)

COMMITTEE_ROLES = {"chair": "ประธาน", "member": "กรรมการ", "secretary": "เลขานุการ"}


class LoginRequired(Exception):
    """The page needs a signed-in officer; answered with a redirect to the login page."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


def thai_datetime(value: datetime | date | str | None, style: str = "short") -> str:
    return thai_date_text(value, style="long" if style == "long" else "short")


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
    ctx["nav"] = []
    if user is not None:
        if session is None:
            raise TypeError("render: a signed-in officer's page needs its session (the menu)")
        ctx["nav"] = nav_links(session, user)  # need to know: only where the user has business
    return templates.TemplateResponse(request, name, ctx, status_code=status_code)


async def run_posted_form(
    request: Request,
    settings: Settings,
    *,
    run: Callable[[dict[str, str]], str],
    back: str,
    refused: Callable[[DomainError], Response],
    expired: DomainError,
) -> Response:
    """A page's form, post/redirect/get: check the CSRF token (``expired`` when it fails), run
    the use case, which answers the Thai message to show, and go back to ``back`` with it as
    ``flash``; a refusal of the domain is shown by ``refused``, nothing stored."""
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    if not csrf_ok(request, settings, form.get("csrf", "")):
        return refused(expired)
    try:
        message = run(form)
    except DomainError as exc:
        return refused(exc)
    return RedirectResponse(f"{back}?{urlencode({'flash': message})}", status_code=303)


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
    """The form's errors in Thai, one line each (``domain.engine.forms.thai_errors``)."""
    return [e["message"] for e in thai_errors(exc, labels)]


def users_by_id(session: Session, ids: set[int | None]) -> dict[int, User]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {u.id: u for u in session.exec(select(User).where(col(User.id).in_(wanted)))}  # type: ignore[misc]


def install_common(app: FastAPI) -> None:
    """Static files, the redirect to sign in, and ``/``."""
    app.mount("/static", StaticFiles(directory=PROJECT_ROOT / "static"), name="static")

    @app.exception_handler(LoginRequired)
    async def to_login(_: Request, exc: LoginRequired) -> RedirectResponse:
        return RedirectResponse(f"/pages/login?{urlencode({'next': exc.next_url})}", 303)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/pages/inbox", status_code=307)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        """Browsers ask for it on every site; without it each page logs a 404."""
        return FileResponse(PROJECT_ROOT / "static" / "favicon.ico", media_type="image/x-icon")
