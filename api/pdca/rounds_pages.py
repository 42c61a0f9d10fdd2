"""Reporting rounds on the officers' pages: the coordinator (Strategy and Budget) opens a round
and follows it (which divisions have reported, late ones marked); a division's officer fills
the division's report (a form per project) with its evidence and submits it; the director
approves it on the step's page, where the report is shown (``case_panel``)."""

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, BackgroundTasks, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from pydantic import ValidationError
from pythainlp.util import thai_digit_to_arabic_digit
from sqlmodel import Session, col, select

from api.deps import CaseSyncDep, EngineDep, SessionDep, SettingsDep, sync_case_later
from api.errors import status_of
from api.pages.common import (
    PageUser,
    csrf_ok,
    error_page,
    render,
    templates,
    thai_validation_messages,
    users_by_id,
)
from api.pdca.rounds import evidence_response
from core.settings import Settings
from domain.engine.visibility import can_view
from domain.errors import DomainError, InvalidInput
from domain.pdca import rounds_service
from domain.pdca.money import AmountError, baht_text, parse_baht
from domain.pdca.rounds import CASE_TYPE, REPORT_STEP, report_of_step, round_title
from domain.pdca.rounds_entry import ReportEntry
from domain.pdca.rounds_policy import round_policy
from domain.pdca.rounds_view import (
    ReportView,
    readable_report,
    readable_round,
    report_view,
    round_progress,
)
from domain.pdca.rules import check_owner, current_plan
from models.pdca_round import (
    ProjectStatus,
    ReportingRound,
    ReportStatus,
    RoundKind,
    RoundStatus,
)
from models.people import User
from models.steps import HumanStep, StepStatus

router = APIRouter(prefix="/pages/pdca", tags=["pages"], include_in_schema=False)

REPORT_BADGE = {
    ReportStatus.requested: "muted",
    ReportStatus.submitted: "info",
    ReportStatus.returned: "danger",
    ReportStatus.approved: "ok",
}


def _helpers() -> dict[str, Any]:
    return {
        "baht": baht_text,
        "round_title": round_title,
        "report_thai": lambda s: ReportStatus(s).thai,
        "report_badge": lambda s: REPORT_BADGE[ReportStatus(s)],
        "round_status_thai": lambda s: RoundStatus(s).thai,
        "project_thai": lambda s: ProjectStatus(s).thai,
        "project_statuses": list(ProjectStatus),
        "kinds": list(RoundKind),
        "number": lambda d: f"{d.normalize():f}" if d is not None else "",
    }


def _is_coordinator(session: Session, user: User) -> bool:
    try:
        check_owner(session, user)
    except DomainError:
        return False
    return True


def _page(
    request: Request,
    name: str,
    ctx: dict[str, Any],
    user: User,
    session: Session,
    settings: Settings,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        name,
        ctx | _helpers(),
        status_code=status_code,
        user=user,
        session=session,
        settings=settings,
    )


def _redirect(path: str, flash: str) -> RedirectResponse:
    return RedirectResponse(f"{path}?{urlencode({'flash': flash})}", status_code=303)


# --------------------------------------------------------------------------- rounds


def _rounds_context(session: Session, user: User) -> dict[str, Any]:
    rounds = [
        r
        for r in session.exec(
            select(ReportingRound).order_by(
                col(ReportingRound.fiscal_year).desc(), col(ReportingRound.as_of).desc()
            )
        )
        if can_view(session, user=user, case_type=CASE_TYPE, case_id=r.id)  # type: ignore[arg-type]
    ]
    plan = current_plan(session)
    years = list(range(plan.fiscal_year_from, plan.fiscal_year_to + 1)) if plan else []
    return {
        "rounds": [round_progress(session, r) for r in rounds],
        "plan": plan,
        "years": years,
        "is_coordinator": _is_coordinator(session, user),
        "errors": [],
    }


@router.get("/rounds", response_class=HTMLResponse)
def rounds_page(
    request: Request, user: PageUser, session: SessionDep, settings: SettingsDep, flash: str = ""
) -> HTMLResponse:
    ctx = _rounds_context(session, user) | {"flash": flash[:300]}
    return _page(request, "pdca/rounds/list.html", ctx, user, session, settings)


@router.post("/rounds", response_class=HTMLResponse)
def open_round_page(
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
    orchestrator: CaseSyncDep,
    background: BackgroundTasks,
    plan_id: Annotated[int, Form(ge=1, le=2**31 - 1)],
    fiscal_year: Annotated[int, Form(ge=2500, le=2700)],
    kind: Annotated[RoundKind, Form()],
    csrf: Annotated[str, Form()] = "",
) -> Response:
    def again(message: str, status_code: int) -> HTMLResponse:
        ctx = _rounds_context(session, user) | {"errors": [message], "flash": ""}
        return _page(request, "pdca/rounds/list.html", ctx, user, session, settings, status_code)

    if not csrf_ok(request, settings, csrf):
        return again("แบบฟอร์มหมดอายุ กรุณาลองใหม่อีกครั้ง", 403)
    try:
        opened = rounds_service.open_round(
            engine,
            user_id=user.id,  # type: ignore[arg-type]
            plan_id=plan_id,
            fiscal_year=fiscal_year,
            kind=kind,
        )
    except DomainError as exc:
        return again(exc.message, status_of(exc))
    if opened.created:
        background.add_task(
            sync_case_later, orchestrator, CASE_TYPE, opened.round.id, new_case=True
        )
    flash = "เปิดรอบการรายงานแล้ว แจ้งทุกกองแล้ว" if opened.created else "รอบนี้เปิดอยู่แล้ว"
    return _redirect(f"/pages/pdca/rounds/{opened.round.id}", flash)


@router.get("/rounds/{round_id}", response_class=HTMLResponse)
def round_page(
    request: Request,
    round_id: int,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    flash: str = "",
) -> HTMLResponse:
    try:
        rnd = readable_round(session, user, round_id)
    except DomainError as exc:
        return error_page(request, exc, user=user, session=session, settings=settings)
    progress = round_progress(session, rnd)
    ctx = {"progress": progress, "flash": flash[:300], "round_open": rnd.status == RoundStatus.open}
    return _page(request, "pdca/rounds/round.html", ctx, user, session, settings)


# --------------------------------------------------------------------------- a division's report


def _report_context(
    session: Session, view: ReportView, errors: list[str], posted: dict[str, str] | None = None
) -> dict[str, Any]:
    people = users_by_id(session, {view.report.submitted_by_id, view.report.approved_by_id})
    return {
        "view": view,
        "errors": errors,
        "posted": posted or {},
        "people": people,
        "evidence_types": ", ".join(sorted(round_policy().evidence_types)),
    }


def _report_page(
    request: Request,
    user: User,
    session: Session,
    settings: Settings,
    report_id: int,
    *,
    errors: list[str] | None = None,
    posted: dict[str, str] | None = None,
    flash: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    try:
        report = readable_report(session, user, report_id)
    except DomainError as exc:
        return error_page(request, exc, user=user, session=session, settings=settings)
    view = report_view(session, report, user)
    ctx = _report_context(session, view, errors or [], posted) | {"flash": flash[:300]}
    return _page(request, "pdca/rounds/report.html", ctx, user, session, settings, status_code)


@router.get("/reports/{report_id}", response_class=HTMLResponse)
def report_page(
    request: Request,
    report_id: int,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    flash: str = "",
) -> HTMLResponse:
    return _report_page(request, user, session, settings, report_id, flash=flash)


def entry_from_form(view: ReportView, form: dict[str, str]) -> ReportEntry:
    """The page's fields (one group per project: ``status-<no>``, ``disbursed-<no>`` in baht,
    ``ind-<no>-<indicator id>`` …) as the report's entry; amounts and values that cannot be
    read are refused naming the project."""
    problems = []
    results = []
    for line in view.lines:
        no = line.project.no
        label = f"โครงการลำดับที่ {no}"
        try:
            disbursed = parse_baht(form.get(f"disbursed-{no}", "")) or 0
        except AmountError as exc:
            problems.append(f"{label}: เงินเบิกจ่าย {exc}")
            disbursed = 0
        indicators = []
        for item in line.indicators:
            text = thai_digit_to_arabic_digit(form.get(f"ind-{no}-{item.indicator.id}", "").strip())
            if not text:
                continue
            try:
                value = Decimal(text.replace(",", ""))
            except InvalidOperation:
                problems.append(f"{label}: ค่าตัวชี้วัดที่ {item.indicator.seq} “{text}” ไม่ใช่ตัวเลข")
                continue
            indicators.append({"indicator_id": item.indicator.id, "value": value})
        results.append(
            {
                "project_no": no,
                "status": form.get(f"status-{no}") or line.result.status,
                "reason": form.get(f"reason-{no}", ""),
                "disbursed_satang": disbursed,
                "note": form.get(f"note-{no}", ""),
                "data_as_of": form.get(f"data-as-of-{no}") or None,
                "indicators": indicators,
            }
        )
    if problems:
        raise InvalidInput("บันทึกรายงานไม่ได้ ไม่มีการบันทึกข้อมูลใด ๆ — " + "; ".join(problems))
    return ReportEntry.model_validate(
        {"data_as_of": form.get("data_as_of") or None, "results": results}
    )


@router.post("/reports/{report_id}", response_class=HTMLResponse)
async def save_report_page(
    request: Request,
    report_id: int,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
    orchestrator: CaseSyncDep,
    background: BackgroundTasks,
) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    if not csrf_ok(request, settings, form.get("csrf", "")):
        return _report_page(
            request,
            user,
            session,
            settings,
            report_id,
            errors=["แบบฟอร์มหมดอายุ กรุณาลองใหม่อีกครั้ง"],
            posted=form,
            status_code=403,
        )
    try:
        view = report_view(session, readable_report(session, user, report_id), user)
        entry = entry_from_form(view, form)
        if form.get("action") == "submit":
            result = rounds_service.submit_report(
                engine,
                user_id=user.id,  # type: ignore[arg-type]
                report_id=report_id,
                entry=entry,
                comment=form.get("comment", "")[:4000],
            )
            background.add_task(sync_case_later, orchestrator, CASE_TYPE, result.step.case_id)
            flash = "ส่งรายงานให้ผู้อำนวยการกองพิจารณาแล้ว"
        else:
            rounds_service.save_report(
                engine,
                user_id=user.id,  # type: ignore[arg-type]
                report_id=report_id,
                entry=entry,
            )
            flash = "บันทึกแล้ว (ยังไม่ได้ส่ง)"
    except ValidationError as exc:
        messages = thai_validation_messages(exc, {"reason": "เหตุผล", "note": "หมายเหตุ"})
        return _report_page(
            request, user, session, settings, report_id, errors=messages, posted=form,
            status_code=422,
        )  # fmt: skip
    except DomainError as exc:
        found = exc.detail.get("errors")
        messages = [e["message"] for e in found] if isinstance(found, list) else [exc.message]
        return _report_page(
            request, user, session, settings, report_id, errors=messages, posted=form,
            status_code=status_of(exc),
        )  # fmt: skip
    return _redirect(f"/pages/pdca/reports/{report_id}", flash)


@router.post("/reports/{report_id}/evidence", response_class=HTMLResponse)
async def evidence_page(
    request: Request,
    report_id: int,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
    project_no: Annotated[int, Form(ge=1, le=10_000)],
    file: Annotated[UploadFile, File()],
    csrf: Annotated[str, Form()] = "",
) -> Response:
    if not csrf_ok(request, settings, csrf):
        return _report_page(
            request, user, session, settings, report_id,
            errors=["แบบฟอร์มหมดอายุ กรุณาลองใหม่อีกครั้ง"], status_code=403,
        )  # fmt: skip
    limit = round_policy().evidence_max_bytes
    data = await file.read(limit + 1)
    try:
        if len(data) > limit:
            raise InvalidInput(f"ไฟล์หลักฐานใหญ่เกิน {limit // (1024 * 1024)} MB")
        rounds_service.upload_evidence(
            engine,
            user_id=user.id,  # type: ignore[arg-type]
            report_id=report_id,
            project_no=project_no,
            filename=file.filename or "",
            content_type=file.content_type or "",
            data=data,
        )
    except DomainError as exc:
        return _report_page(
            request, user, session, settings, report_id, errors=[exc.message],
            status_code=status_of(exc),
        )  # fmt: skip
    return _redirect(f"/pages/pdca/reports/{report_id}", "แนบไฟล์หลักฐานแล้ว")


@router.get("/evidence/{evidence_id}")
def evidence_download(
    request: Request, evidence_id: int, user: PageUser, session: SessionDep, settings: SettingsDep
) -> Response:
    try:
        return evidence_response(session, user, evidence_id)
    except DomainError as exc:
        return error_page(request, exc, user=user, session=session, settings=settings)


# --------------------------------------------------------------------------- the steps' pages


def case_panel(session: Session, user: User, step: HumanStep) -> Markup:
    """The division's report on its steps' pages: the officers see where to fill it, the
    director reads what they are asked to approve."""
    try:
        report = report_of_step(session, step)
    except DomainError:
        return Markup("")
    view = report_view(session, report, user)
    html = templates.get_template("pdca/rounds/panel.html").render(
        view=view,
        step=step,
        reporting=step.kind == REPORT_STEP,
        open_step=step.status == StepStatus.open,
        **_helpers(),
    )
    return Markup(html)
