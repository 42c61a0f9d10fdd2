"""The consolidated report on the officers' pages (/pages/pdca/rounds/{id}/report): the figures,
charts of progress by division and by dimension, anomalies, the year-on-year table, links to the
CSV and JSON, and for Strategy and Budget (กย.) the form to start, write and submit the report
(submitting decides the report's step: who may is the engine's rule)."""

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, BackgroundTasks, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from sqlmodel import Session

from api.deps import CaseSyncDep, EngineDep, SessionDep, SettingsDep, sync_case_later
from api.errors import status_of
from api.pages.common import PageUser, csrf_ok, error_page, render, templates, users_by_id
from api.pdca.report_view import helpers
from domain.engine.steps import open_steps_of_case
from domain.errors import DomainError
from domain.pdca import consolidate_rules as report_rules
from domain.pdca import consolidate_service as service
from domain.pdca.rules import check_owner
from models.pdca_report import ConsolidatedStatus
from models.pdca_round import ReportingRound, RoundSource
from models.people import User
from models.steps import HumanStep

router = APIRouter(prefix="/pages/pdca/rounds", tags=["pages"], include_in_schema=False)
EXPIRED = "แบบฟอร์มหมดอายุ กรุณาลองใหม่อีกครั้ง"


def _is_owner(session: Session, user: User) -> bool:
    try:
        check_owner(session, user)
    except DomainError:
        return False
    return True


def _page(
    request: Request,
    user: User,
    session: Session,
    settings: Any,
    round_id: int,
    *,
    errors: list[str] | None = None,
    status_code: int = 200,
    flash: str = "",
) -> HTMLResponse:
    try:
        round_ = service.readable_round(session, user, round_id)
    except DomainError as exc:
        return error_page(request, exc, user=user, session=session, settings=settings)
    view = service.report_view(session, round_)
    report = view.report
    owner = _is_owner(session, user)
    preparing = any(
        s.kind == report_rules.PREPARE_STEP
        for s in open_steps_of_case(
            session,
            case_type=report_rules.ROUND_CASE_TYPE,
            case_id=round_id,
        )
    )
    people = users_by_id(
        session,
        {report.submitted_by_id, report.approved_by_id} if report else set(),
    )
    ctx = {
        "v": view,
        "people": people,
        "can_start": owner and report is None and round_.source != RoundSource.history,
        "can_edit": owner
        and report is not None
        and ConsolidatedStatus(report.status) in report_rules.EDITABLE,
        "can_submit": owner and preparing,
        "errors": errors or [],
        "flash": flash[:300],
        **helpers(),
    }
    return render(
        request,
        "pdca/report/page.html",
        ctx,
        status_code=status_code,
        user=user,
        session=session,
        settings=settings,
    )


@router.get("/{round_id}/report", response_class=HTMLResponse)
def report_page(
    request: Request,
    round_id: int,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    flash: str = "",
) -> HTMLResponse:
    return _page(request, user, session, settings, round_id, flash=flash)


def _back(round_id: int, flash: str) -> RedirectResponse:
    return RedirectResponse(
        f"/pages/pdca/rounds/{round_id}/report?{urlencode({'flash': flash})}", status_code=303
    )


@router.post("/{round_id}/report/start", response_class=HTMLResponse)
def start_page(
    request: Request,
    round_id: int,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
    case_sync: CaseSyncDep,
    background: BackgroundTasks,
    csrf: Annotated[str, Form()] = "",
) -> Response:
    if not csrf_ok(request, settings, csrf):
        return _page(request, user, session, settings, round_id, errors=[EXPIRED], status_code=403)
    try:
        service.start_report(engine, user_id=user.id, round_id=round_id)  # type: ignore[arg-type]
    except DomainError as exc:
        return _page(
            request,
            user,
            session,
            settings,
            round_id,
            errors=[exc.message],
            status_code=status_of(exc),
        )
    background.add_task(sync_case_later, case_sync, report_rules.ROUND_CASE_TYPE, round_id)
    return _back(round_id, "เริ่มจัดทำรายงานสรุปผลแล้ว")


@router.post("/{round_id}/report/save", response_class=HTMLResponse)
def save_page(
    request: Request,
    round_id: int,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
    case_sync: CaseSyncDep,
    background: BackgroundTasks,
    problems: Annotated[str, Form()] = "",
    suggestions: Annotated[str, Form()] = "",
    action: Annotated[str, Form()] = "save",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """Save the draft's text, or (``action`` submit) save and submit it up the chain."""
    if not csrf_ok(request, settings, csrf):
        return _page(request, user, session, settings, round_id, errors=[EXPIRED], status_code=403)
    try:
        if action == "submit":
            service.submit_report(
                engine,
                user_id=user.id,  # type: ignore[arg-type]
                round_id=round_id,
                problems=problems,
                suggestions=suggestions,
            )
            background.add_task(sync_case_later, case_sync, report_rules.ROUND_CASE_TYPE, round_id)
            return _back(round_id, "เสนอรายงานต่อผู้อำนวยการกองยุทธศาสตร์และงบประมาณแล้ว")
        service.save_report_text(
            engine,
            user_id=user.id,  # type: ignore[arg-type]
            round_id=round_id,
            problems=problems,
            suggestions=suggestions,
        )
    except DomainError as exc:
        return _page(
            request,
            user,
            session,
            settings,
            round_id,
            errors=[exc.message],
            status_code=status_of(exc),
        )
    return _back(round_id, "บันทึกร่างแล้ว")


def case_panel(session: Session, user: User, step: HumanStep) -> Markup:
    """The consolidated report on its steps' pages: what each level is asked to approve (the
    figures, the anomalies, the text of กย.) and the link to the whole report."""
    round_ = session.get(ReportingRound, step.case_id)
    if round_ is None:
        return Markup("")
    html = templates.get_template("pdca/report/panel.html").render(
        v=service.report_view(session, round_), step=step, **helpers()
    )
    return Markup(html)
