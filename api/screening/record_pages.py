"""A person's screening record (/pages/screening/persons/{id}: asked with a purpose, every read
logged, the HIV status only when asked and allowed) and the read log for the data protection
officer (/pages/screening/read-log, itself read with a purpose)."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import EngineDep, SessionDep, SettingsDep
from api.pages.common import PageUser, error_page, render, users_by_id
from api.screening.pages import optional_id, template_helpers
from domain.engine import readlog
from domain.errors import DomainError
from domain.screening import protection

router = APIRouter(prefix="/pages/screening", tags=["pages"], include_in_schema=False)


@router.get("/persons/{person_id}", response_class=HTMLResponse)
def person_page(
    person_id: int,
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
    purpose: str = "",
    hiv_status: bool = False,
) -> HTMLResponse:
    """Asks why first; the record is read (and logged) only with a purpose."""
    ctx: dict[str, Any] = {"person_id": person_id, "purpose": purpose[:500], "record": None}
    if purpose.strip():
        try:
            ctx["record"] = protection.read_person(
                engine,
                user_id=user.id,  # type: ignore[arg-type]
                person_id=person_id,
                purpose=purpose[:500],
                with_hiv_status=hiv_status,
                channel="page",
            )
        except DomainError as exc:
            return error_page(request, exc, user=user, session=session, settings=settings)
    return render(
        request,
        "screening/person.html",
        ctx | template_helpers(),
        user=user,
        session=session,
        settings=settings,
    )


@router.get("/read-log", response_class=HTMLResponse)
def read_log_page(
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
    purpose: str = "",
    record_id: str = "",
) -> HTMLResponse:
    ctx: dict[str, Any] = {
        "purpose": purpose[:500],
        "entries": None,
        "readers": {},
        "record_titles": readlog.RECORD_KINDS,
    }
    if purpose.strip():
        try:
            entries = readlog.read_log(
                engine,
                user_id=user.id,  # type: ignore[arg-type]
                purpose=purpose[:500],
                record_id=optional_id(record_id),
                channel="page",
            )
        except DomainError as exc:
            return error_page(request, exc, user=user, session=session, settings=settings)
        ctx["entries"] = entries
        ctx["readers"] = users_by_id(session, {e.user_id for e in entries})
    return render(
        request, "screening/read_log.html", ctx, user=user, session=session, settings=settings
    )
