"""The plan on the officers' pages: the list of plans and their versions with the import form,
one version with its dimensions, projects, budgets per fiscal year and the differences its
import reported, submitting, revising, the E-PlanNACC file; and the plan on its steps' pages."""

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, BackgroundTasks, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from sqlmodel import Session, col, select

from api.deps import CaseSyncDep, EngineDep, SessionDep, SettingsDep, sync_case_later
from api.errors import status_of
from api.pages.common import PageUser, csrf_ok, error_page, render, templates, users_by_id
from api.pdca.act_panels import plan_cycles_panel
from api.pdca.common import export_response, read_upload
from core.db import utcnow
from domain.engine.steps import open_steps_of_case
from domain.errors import DomainError, NotEntitled
from domain.pdca import rules, service
from domain.pdca.import_common import ImportRefused
from domain.pdca.money import baht_text
from domain.pdca.rules import may_read, readable_plan
from domain.pdca.summary import MIN_PUBLISHED_RISKS, plan_view
from models.pdca import Plan, PlanStatus, RiskLevel, TargetOperator
from models.people import User
from models.steps import HumanStep, StepStatus

router = APIRouter(prefix="/pages/pdca", tags=["pages"], include_in_schema=False)

STEP_STATUS = {"open": "รอดำเนินการ", "decided": "ดำเนินการแล้ว", "cancelled": "ยกเลิก"}
STATUS_BADGE = {
    PlanStatus.draft: "muted",
    PlanStatus.in_review: "info",
    PlanStatus.approved: "ok",
    PlanStatus.rejected: "danger",
}


def _is_owner(session: Session, user: User) -> bool:
    try:
        rules.check_owner(session, user)
    except DomainError:
        return False
    return True


def _helpers() -> dict[str, Any]:
    return {
        "baht": baht_text,
        "status_thai": lambda s: PlanStatus(s).thai,
        "status_badge": lambda s: STATUS_BADGE.get(PlanStatus(s), "muted"),
        "risk_thai": lambda v: RiskLevel(v).thai,
        "operator_thai": lambda v: TargetOperator(v).thai,
        "number": lambda d: f"{d.normalize():f}",
        "min_published_risks": MIN_PUBLISHED_RISKS,
    }


def _list_context(session: Session, user: User) -> dict[str, Any]:
    plans = [
        p
        for p in session.exec(select(Plan).order_by(col(Plan.series), col(Plan.version).desc()))
        if may_read(session, user, p)
    ]
    series: dict[str, list[Plan]] = {}
    for p in plans:
        series.setdefault(p.series, []).append(p)
    approvers = users_by_id(session, {p.approved_by_id for p in plans})
    return {
        "series": series,
        "approvers": approvers,
        "current": rules.current_plan(session),
        "is_owner": _is_owner(session, user),
        "import_errors": [],
        "import_form": {"name": ""},
        **_helpers(),
    }


@router.get("", response_class=HTMLResponse)
def plans_page(
    request: Request, user: PageUser, session: SessionDep, settings: SettingsDep, flash: str = ""
) -> HTMLResponse:
    ctx = _list_context(session, user) | {"flash": flash[:300]}
    return render(
        request, "pdca/pages/list.html", ctx, user=user, session=session, settings=settings
    )


@router.post("/import", response_class=HTMLResponse)
async def import_page(
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
    projects: Annotated[UploadFile | None, File()] = None,
    risks: Annotated[UploadFile | None, File()] = None,
    indicators: Annotated[UploadFile | None, File()] = None,
    name: Annotated[str, Form()] = "",
    plan_id: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    def again(errors: list[str], status_code: int) -> HTMLResponse:
        ctx = _list_context(session, user)
        ctx["import_errors"] = errors
        ctx["import_form"] = {"name": name}
        if plan_id.isdigit():
            return _detail(request, user, session, settings, int(plan_id), errors, status_code)
        return render(
            request,
            "pdca/pages/list.html",
            ctx,
            status_code=status_code,
            user=user,
            session=session,
            settings=settings,
        )

    if not csrf_ok(request, settings, csrf):
        return again(["แบบฟอร์มหมดอายุ กรุณาลองใหม่อีกครั้ง"], 403)
    try:
        data = await read_upload(projects, "โครงการ")
        if data is None or projects is None:
            return again(["กรุณาแนบไฟล์โครงการ (CSV)"], 422)
        result = service.import_plan(
            engine,
            user_id=user.id,  # type: ignore[arg-type]
            projects=data,
            filename=projects.filename,
            risks=await read_upload(risks, "ทะเบียนความเสี่ยง"),
            indicators=await read_upload(indicators, "ตัวชี้วัด"),
            name=name,
            plan_id=int(plan_id) if plan_id.isdigit() else None,
        )
    except ImportRefused as exc:
        return again(
            ["นำเข้าไม่ได้ ไม่มีการบันทึกข้อมูลใด ๆ กรุณาแก้ไขไฟล์แล้วนำเข้าใหม่"]
            + [p.text() for p in exc.problems],
            422,
        )
    except DomainError as exc:
        return again([exc.message], status_of(exc))
    found = len(result.discrepancies)
    flash = f"นำเข้าแผนฉบับที่ {result.plan.version} แล้ว: {result.counts['projects']} โครงการ" + (
        f" พบข้อมูลไม่ตรงกันระหว่างตารางสรุปกับรายละเอียดโครงการ {found} รายการ" if found else ""
    )
    return RedirectResponse(
        f"/pages/pdca/plans/{result.plan.id}?{urlencode({'flash': flash})}", status_code=303
    )


def _detail(
    request: Request,
    user: User,
    session: Session,
    settings: Any,
    plan_id: int,
    errors: list[str] | None = None,
    status_code: int = 200,
    flash: str = "",
) -> HTMLResponse:
    try:
        plan = readable_plan(session, user, plan_id)
    except DomainError as exc:
        return error_page(request, exc, user=user, session=session, settings=settings)
    view = plan_view(session, plan)
    steps = list(
        session.exec(
            select(HumanStep)
            .where(HumanStep.case_type == rules.CASE_TYPE, HumanStep.case_id == plan.id)
            .order_by(col(HumanStep.id))
        )
    )
    versions = rules.versions_of(session, plan.series)
    people = users_by_id(
        session,
        {v.approved_by_id for v in versions}
        | {plan.created_by_id, plan.submitted_by_id, plan.enacc_recorded_by_id},
    )
    owner = _is_owner(session, user)
    waiting_revision = any(
        s.kind == "revision"
        for s in open_steps_of_case(session, case_type=rules.CASE_TYPE, case_id=plan.id)  # type: ignore[arg-type]
    )
    ctx = {
        "view": view,
        "plan": plan,
        "steps": steps,
        "step_status": STEP_STATUS,
        "now": utcnow(),
        "versions": versions,
        "people": people,
        "can_submit": owner and plan.status == PlanStatus.draft and versions[0].id == plan.id,
        "can_revise": owner and plan.status in rules.REVISABLE,
        "can_reimport": owner
        and (
            plan.status == PlanStatus.draft
            or (plan.status == PlanStatus.in_review and waiting_revision)
        ),
        "enacc": rules.enacc_step(session, plan),
        "cycles_panel": plan_cycles_panel(session, plan),
        "errors": errors or [],
        "flash": flash[:300],
        **_helpers(),
    }
    return render(
        request,
        "pdca/pages/detail.html",
        ctx,
        status_code=status_code,
        user=user,
        session=session,
        settings=settings,
    )


@router.get("/plans/{plan_id}", response_class=HTMLResponse)
def plan_page(
    request: Request,
    plan_id: int,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    flash: str = "",
) -> HTMLResponse:
    return _detail(request, user, session, settings, plan_id, flash=flash)


@router.post("/plans/{plan_id}/submit", response_class=HTMLResponse)
def submit_page(
    request: Request,
    plan_id: int,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
    case_sync: CaseSyncDep,
    background: BackgroundTasks,
    csrf: Annotated[str, Form()] = "",
) -> Response:
    if not csrf_ok(request, settings, csrf):
        return _detail(
            request, user, session, settings, plan_id, ["แบบฟอร์มหมดอายุ กรุณาลองใหม่อีกครั้ง"], 403
        )
    try:
        plan = service.submit_for_approval(engine, user_id=user.id, plan_id=plan_id)  # type: ignore[arg-type]
    except DomainError as exc:
        return _detail(request, user, session, settings, plan_id, [exc.message], status_of(exc))
    background.add_task(sync_case_later, case_sync, rules.CASE_TYPE, plan_id)
    flash = f"เสนอแผนฉบับที่ {plan.version} ต่อคณะทำงานแล้ว"
    return RedirectResponse(f"/pages/pdca/plans/{plan.id}?{urlencode({'flash': flash})}", 303)


@router.post("/plans/{plan_id}/revise", response_class=HTMLResponse)
def revise_page(
    request: Request,
    plan_id: int,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
    reason: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    if not csrf_ok(request, settings, csrf):
        return _detail(
            request, user, session, settings, plan_id, ["แบบฟอร์มหมดอายุ กรุณาลองใหม่อีกครั้ง"], 403
        )
    try:
        plan = service.revise_plan(engine, user_id=user.id, plan_id=plan_id, reason=reason)  # type: ignore[arg-type]
    except DomainError as exc:
        return _detail(request, user, session, settings, plan_id, [exc.message], status_of(exc))
    flash = f"จัดทำแผนฉบับปรับปรุง (ฉบับที่ {plan.version}) แล้ว ฉบับเดิมยังคงอยู่พร้อมผู้อนุมัติ"
    return RedirectResponse(f"/pages/pdca/plans/{plan.id}?{urlencode({'flash': flash})}", 303)


@router.get("/plans/{plan_id}/eplannacc.{ext}")
def export_page(
    request: Request,
    plan_id: int,
    ext: str,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """The E-PlanNACC file, downloaded from the plan's page or its E-PlanNACC step."""
    if ext not in ("csv", "json"):
        return error_page(
            request, NotEntitled("ไม่มีไฟล์รูปแบบนี้"), user=user, session=session, settings=settings
        )
    try:
        plan = readable_plan(session, user, plan_id)
    except DomainError as exc:
        return error_page(request, exc, user=user, session=session, settings=settings)
    return export_response(plan_view(session, plan), ext)


def case_panel(session: Session, user: User, step: HumanStep) -> Markup:
    """The plan on its steps' pages: what is being approved (counts and budgets per dimension,
    the reported differences) and, on the E-PlanNACC step, its deadline and the file."""
    plan = session.get(Plan, step.case_id)
    if plan is None:
        return Markup("")
    view = plan_view(session, plan)
    html = templates.get_template("pdca/pages/panel.html").render(
        view=view,
        plan=plan,
        step=step,
        enacc=step.kind == rules.ENACC_STEP,
        open_step=step.status == StepStatus.open,
        **_helpers(),
    )
    return Markup(html)
