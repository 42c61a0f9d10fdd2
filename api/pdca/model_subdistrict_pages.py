"""The model sub-district on the officers' pages (/pages/pdca/model-subdistricts): the list and
registering one, a sub-district's cycle (plan items, meetings and activities, its
self-assessments with the level reached and what the next level lacks, the annual report's
form), the annual report as A4 printable Thai HTML, and the self-assessment on its step's page
(the case panel: the criteria with the committee's answer form, bound to the step's decision
form so that it carries that form's CSRF token)."""

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from sqlmodel import Session, col, select

from api.deps import EngineDep, SessionDep, SettingsDep
from api.errors import status_of
from api.pages.common import PageUser, csrf_ok, error_page, render, run_posted_form, templates
from core.settings import Settings
from domain.engine.calendar import parse_thai_date, thai_date_text
from domain.errors import DomainError, InvalidInput, NotEntitled
from domain.pdca.model_subdistrict import rules, service
from domain.pdca.model_subdistrict.config import SubdistrictKind, default_config
from domain.pdca.money import baht_text
from models.model_subdistrict import ActivityKind, AssessmentStatus, ModelSubdistrict
from models.people import Committee, User
from models.steps import HumanStep, StepStatus

router = APIRouter(prefix="/pages/pdca/model-subdistricts", tags=["pages"], include_in_schema=False)
BASE = "/pages/pdca/model-subdistricts"
EXPIRED = "แบบฟอร์มหมดอายุ กรุณาลองใหม่อีกครั้ง"


def _helpers() -> dict[str, Any]:
    config = default_config()
    return {
        "config": config,
        "kind_thai": lambda k: SubdistrictKind(k).thai,
        "activity_thai": lambda k: ActivityKind(k).thai,
        "assessment_status_thai": lambda s: AssessmentStatus(s).thai,
        "baht": baht_text,
        "activity_kinds": list(ActivityKind),
        "kinds": list(SubdistrictKind),
    }


def _date(value: str, label: str) -> date:
    try:
        return parse_thai_date(value)
    except ValueError:
        raise InvalidInput(f"{label}: รูปแบบวันที่ไม่ถูกต้อง (เช่น 10 ก.ย. 2569)") from None


def _baht_to_satang(value: str) -> int:
    text = value.replace(",", "").strip() or "0"
    try:
        baht, _, satang = text.partition(".")
        if not baht.isdigit() or (satang and (not satang.isdigit() or len(satang) > 2)):
            raise ValueError
        return int(baht) * 100 + int(satang.ljust(2, "0") or 0)
    except ValueError:
        raise InvalidInput(
            f"งบประมาณ: ต้องเป็นจำนวนเงินบาท เช่น 5,000 หรือ 5000.50 ไม่ใช่ “{value}”"
        ) from None


# --------------------------------------------------------------------------- list, register


def _list(
    request: Request,
    user: User,
    session: Session,
    settings: Settings,
    errors: list[str] | None = None,
    status_code: int = 200,
    flash: str = "",
) -> HTMLResponse:
    subs = rules.readable_subdistricts(session, user)
    ctx = {
        "subs": [(s, rules.assessments_of(session, s)) for s in subs],
        "committees": list(session.exec(select(Committee).order_by(col(Committee.name)))),
        "errors": errors or [],
        "flash": flash[:300],
        **_helpers(),
    }
    return render(
        request,
        "pdca/model_subdistrict/list.html",
        ctx,
        status_code=status_code,
        user=user,
        session=session,
        settings=settings,
    )


@router.get("", response_class=HTMLResponse)
def list_page(
    request: Request, user: PageUser, session: SessionDep, settings: SettingsDep, flash: str = ""
) -> HTMLResponse:
    return _list(request, user, session, settings, flash=flash)


@router.post("", response_class=HTMLResponse)
def register_page(
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
    name: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
    fiscal_year: Annotated[str, Form()] = "",
    committee_id: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    if not csrf_ok(request, settings, csrf):
        return _list(request, user, session, settings, [EXPIRED], 403)
    try:
        if not fiscal_year.strip().isdigit() or not committee_id.isdigit():
            raise InvalidInput("กรุณาระบุปีงบประมาณ (พ.ศ.) และเลือกคณะทำงาน")
        sub = service.register(
            engine,
            user_id=user.id,  # type: ignore[arg-type]
            name=name,
            kind=kind,
            fiscal_year=int(fiscal_year),
            committee_id=int(committee_id),
        )
    except DomainError as exc:
        return _list(request, user, session, settings, [exc.message], status_of(exc))
    flash = f"ลงทะเบียน{sub.name} ปีงบประมาณ {sub.fiscal_year} แล้ว"
    return RedirectResponse(f"{BASE}/{sub.id}?{urlencode({'flash': flash})}", status_code=303)


# --------------------------------------------------------------------------- one sub-district


def _detail(
    request: Request,
    user: User,
    session: Session,
    settings: Settings,
    sub_id: int,
    errors: list[str] | None = None,
    status_code: int = 200,
    flash: str = "",
) -> HTMLResponse:
    session.expire_all()
    try:
        sub = rules.readable(session, user, sub_id)
    except DomainError as exc:
        return error_page(request, exc, user=user, session=session, settings=settings)
    ctx = {
        "view": service.subdistrict_view(session, sub),
        "may_manage": rules.may_manage(session, user, sub),
        "errors": errors or [],
        "flash": flash[:300],
        "step_status": {StepStatus.open: "รอคณะทำงานลงมติ"},
        **_helpers(),
    }
    return render(
        request,
        "pdca/model_subdistrict/detail.html",
        ctx,
        status_code=status_code,
        user=user,
        session=session,
        settings=settings,
    )


@router.get("/{sub_id}", response_class=HTMLResponse)
def detail_page(
    request: Request,
    sub_id: int,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    flash: str = "",
) -> HTMLResponse:
    return _detail(request, user, session, settings, sub_id, flash=flash)


async def _act(
    request: Request,
    user: User,
    session: Session,
    settings: Settings,
    sub_id: int,
    action: Callable[[dict[str, str]], str],
) -> Response:
    """Run one of the cycle's forms: back to the sub-district with its message, or with the
    errors and nothing stored."""
    return await run_posted_form(
        request,
        settings,
        run=action,
        back=f"{BASE}/{sub_id}",
        refused=lambda exc: _detail(
            request, user, session, settings, sub_id, [exc.message], status_of(exc)
        ),
        expired=NotEntitled(EXPIRED),
    )


@router.post("/{sub_id}/plan-items", response_class=HTMLResponse)
async def plan_item_page(
    request: Request,
    sub_id: int,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
) -> Response:
    def action(f: dict[str, str]) -> str:
        item = service.add_plan_item(
            engine,
            user_id=user.id,  # type: ignore[arg-type]
            subdistrict_id=sub_id,
            target=f.get("target", ""),
            owner=f.get("owner", ""),
            starts_on=_date(f.get("starts_on", ""), "วันเริ่ม"),
            ends_on=_date(f.get("ends_on", ""), "วันสิ้นสุด"),
            budget_satang=_baht_to_satang(f.get("budget", "")),
        )
        return f"เพิ่มในแผนแล้ว: {item.target}"

    return await _act(request, user, session, settings, sub_id, action)


@router.post("/{sub_id}/plan-items/{item_id}/done", response_class=HTMLResponse)
async def plan_item_done_page(
    request: Request,
    sub_id: int,
    item_id: int,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
) -> Response:
    def action(f: dict[str, str]) -> str:
        item = service.complete_plan_item(
            engine,
            user_id=user.id,  # type: ignore[arg-type]
            subdistrict_id=sub_id,
            item_id=item_id,
            done_on=_date(f.get("done_on", ""), "วันที่ดำเนินการแล้วเสร็จ"),
        )
        return f"บันทึกว่าดำเนินการแล้ว: {item.target}"

    return await _act(request, user, session, settings, sub_id, action)


@router.post("/{sub_id}/activities", response_class=HTMLResponse)
async def activity_page(
    request: Request,
    sub_id: int,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
) -> Response:
    def action(f: dict[str, str]) -> str:
        count = f.get("participants", "").strip()
        if count and not count.isdigit():
            raise InvalidInput("จำนวนผู้เข้าร่วม: ต้องเป็นจำนวนเต็ม")
        row = service.record_activity(
            engine,
            user_id=user.id,  # type: ignore[arg-type]
            subdistrict_id=sub_id,
            held_on=_date(f.get("held_on", ""), "วันที่"),
            kind=f.get("kind", ""),
            title=f.get("title", ""),
            result=f.get("result", ""),
            participants=int(count) if count else None,
        )
        return f"บันทึกแล้ว: {row.title}"

    return await _act(request, user, session, settings, sub_id, action)


@router.post("/{sub_id}/assessments", response_class=HTMLResponse)
async def open_assessment_page(
    request: Request,
    sub_id: int,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
) -> Response:
    def action(f: dict[str, str]) -> str:
        months = f.get("months", "")
        if months not in ("6", "12"):
            raise InvalidInput("รอบการประเมินต้องเป็น 6 หรือ 12 เดือน")
        service.open_assessment(
            engine,
            user_id=user.id,  # type: ignore[arg-type]
            subdistrict_id=sub_id,
            months=int(months),
        )
        return f"เปิดการประเมินตนเองรอบ {months} เดือนแล้ว ส่งให้คณะทำงานประเมินและลงมติ"

    return await _act(request, user, session, settings, sub_id, action)


@router.post("/{sub_id}/annual-report", response_class=HTMLResponse)
async def report_page(
    request: Request,
    sub_id: int,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
) -> Response:
    def action(f: dict[str, str]) -> str:
        sections = {
            s.key: f.get(f"section-{s.key}", "") for s in default_config().annual_report.sections
        }
        service.save_report(
            engine,
            user_id=user.id,  # type: ignore[arg-type]
            subdistrict_id=sub_id,
            sections=sections,
        )
        if not f.get("submitted_on", "").strip():
            return "บันทึกรายงานผลการดำเนินงานประจำปีแล้ว"
        report = service.submit_report(
            engine,
            user_id=user.id,  # type: ignore[arg-type]
            subdistrict_id=sub_id,
            submitted_on=_date(f["submitted_on"], "วันที่ส่งรายงานถึงกองฯ"),
        )
        return f"บันทึกการส่งรายงานประจำปีถึงกองฯ เมื่อ {thai_date_text(report.submitted_on)} แล้ว"

    return await _act(request, user, session, settings, sub_id, action)


@router.get("/{sub_id}/annual-report", response_class=HTMLResponse)
def report_print_page(
    request: Request, sub_id: int, user: PageUser, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    """The annual report from the template at the end of seed 003, A4 printable."""
    try:
        sub = rules.readable(session, user, sub_id)
    except DomainError as exc:
        return error_page(request, exc, user=user, session=session, settings=settings)
    ctx = {"view": service.subdistrict_view(session, sub), **_helpers()}
    return render(request, "pdca/model_subdistrict/report.html", ctx)


# --------------------------------------------------------------------------- on the step page


@router.post("/assessments/{assessment_id}/answers", response_class=HTMLResponse)
async def answers_page(
    request: Request,
    assessment_id: int,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
) -> Response:
    """The committee's answers, posted from the step's page (the panel's button submits the
    step's form to here): back to the step, where the level shows."""
    posted = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    try:
        assessment = rules.get_assessment(session, assessment_id)
        sub = rules.readable(session, user, assessment.subdistrict_id)
    except DomainError as exc:
        return error_page(request, exc, user=user, session=session, settings=settings)
    if not csrf_ok(request, settings, posted.get("csrf", "")):
        return _detail(request, user, session, settings, sub.id, [EXPIRED], 403)  # type: ignore[arg-type]
    step = rules.assessment_step(session, assessment)
    asked = [
        c for c in default_config().criteria_for(sub.kind, assessment.months) if c.check == "answer"
    ]
    answers = {
        c.key: (bool(posted.get(f"met-{c.key}")), posted.get(f"evidence-{c.key}", ""))
        for c in asked
    }
    try:
        service.record_answers(
            engine,
            user_id=user.id,  # type: ignore[arg-type]
            assessment_id=assessment_id,
            answers=answers,
        )
    except DomainError as exc:
        return _detail(request, user, session, settings, sub.id, [exc.message], status_of(exc))  # type: ignore[arg-type]
    target = f"/pages/steps/{step.id}" if step else f"{BASE}/{sub.id}"
    return RedirectResponse(target, status_code=303)


def case_panel(session: Session, user: User, step: HumanStep) -> Markup:
    """The self-assessment on its step's page: the table's conditions, the committee's answers
    (a form for a member until the first vote), the level by the rules and what is missing."""
    sub = session.get(ModelSubdistrict, step.case_id)
    if sub is None:
        return Markup("")
    view = service.subdistrict_view(session, sub)
    months = int(step.level or 0)
    current = view.assessments.get(months)
    editable = (
        current is not None
        and current.step is not None
        and current.step.id == step.id
        and rules.may_answer(session, user, current.assessment)
    )
    html = templates.get_template("pdca/model_subdistrict/panel.html").render(
        view=view, step=step, current=current, months=months, editable=editable, **_helpers()
    )
    return Markup(html)
