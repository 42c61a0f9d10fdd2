"""At-risk children's officers' pages (/pages/children): a teacher's classes and the cases one
may read; a class screened on one page (pupil rows × item numbers, scores and band shown
after saving); a child's case for the core person (stages, plan, follow-ups, timeline), opened
with a purpose (every read logged)."""

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy.engine import Engine
from sqlmodel import Session

from adapters.case_sync import CaseSyncQueue
from api.children.page_forms import STALE_FORM
from api.deps import CaseSyncDep, EngineDep, SessionDep, SettingsDep, sync_case_later
from api.pages.common import PageUser, csrf_ok, error_page, render
from api.pages.steps import ENGINE_EVENTS, describe
from core.settings import Settings
from domain.children import admin, service
from domain.children.admin_access import may_manage_case
from domain.children.classroom import read_class, this_academic_year
from domain.children.config import care_config
from domain.children.instruments import BAND_TITLES, instrument
from domain.children.path import open_steps_by_kind
from domain.children.record import ENTRY_TITLES, read_case
from domain.children.referrals import may_refer
from domain.children.roster import classes_of_teacher
from domain.children.screening import ClassScreening
from domain.children.states import CASE_TYPE, case_label
from domain.engine import audit
from domain.engine.authority import standing
from domain.engine.registry import event_title
from domain.errors import DomainError, InvalidInput, NotEntitled
from models.audit import AuditEntry
from models.children import ActionStatus, CaseStatus, ChildCase, NoticeChannel
from models.people import User
from models.steps import HumanStep

pages = APIRouter(prefix="/pages/children", tags=["pages"], include_in_schema=False)

SCREEN_PURPOSE = "คัดกรองและดูแลนักเรียนในห้องเรียน"
PURPOSES = (
    "ติดตามดูแลตามแผน (ผู้รับผิดชอบหลัก)",
    "ตรวจประเมินทางการแพทย์ในโรงเรียน",
    "ประสานการดูแลนักเรียนในห้องเรียน",
)


def _bands() -> dict[str, str]:
    return {band.value: title for band, title in BAND_TITLES.items()}


@pages.get("", response_class=HTMLResponse)
def index_page(
    request: Request, user: PageUser, engine: EngineDep, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    context = {
        "classes": classes_of_teacher(session, user),
        "cases": service.cases_for(engine, user_id=user.id),  # type: ignore[arg-type]
        "year": this_academic_year(),
        "screen_purpose": SCREEN_PURPOSE,
        "flash": request.query_params.get("flash", ""),
    }
    return render(
        request, "children/pages/index.html", context, user=user, session=session, settings=settings
    )


def _class_url(school_id: int, class_name: str, year: int, **extra: str) -> str:
    query = {"school_id": school_id, "class_name": class_name, "year": year, **extra}
    return "/pages/children/class?" + urlencode(query)


@pages.get("/class", response_class=HTMLResponse)
def class_page(
    request: Request,
    school_id: int,
    class_name: str,
    user: PageUser,
    engine: EngineDep,
    session: SessionDep,
    settings: SettingsDep,
    year: int = 0,
    purpose: str = SCREEN_PURPOSE,
    flash: str = "",
) -> HTMLResponse:
    config = care_config()
    tool = instrument(config.default_instrument)
    try:
        view = read_class(
            engine,
            user_id=user.id,  # type: ignore[arg-type]
            school_id=school_id,
            class_name=class_name,
            academic_year=year or this_academic_year(),
            purpose=purpose[:400],
            channel="page",
        )
    except DomainError as exc:
        return error_page(request, exc, user=user, session=session, settings=settings)
    context = {
        "view": view,
        "tool": tool,
        "items": range(1, tool.item_count + 1),
        "default_form": config.default_form,
        "bands": _bands(),
        "purpose": purpose,
        "flash": flash,
        "today": date.today().isoformat(),
    }
    return render(
        request, "children/pages/class.html", context, user=user, session=session, settings=settings
    )


def _answers(form: dict[str, str], item_count: int) -> dict[int, list[int]]:
    """Pupil rows from the class form (``a-<pupil id>-<item>``): a blank row is skipped, a
    half-filled one is refused naming its items."""
    rows: dict[int, dict[int, str]] = {}
    for key, value in form.items():
        if key.startswith("a-") and value != "":
            _a, pupil, item = key.split("-", 2)
            rows.setdefault(int(pupil), {})[int(item)] = value
    answers = {}
    for pupil_id, given in rows.items():
        missing = [str(i) for i in range(1, item_count + 1) if i not in given]
        if missing:
            names = form.get(f"name-{pupil_id}", str(pupil_id))
            raise InvalidInput(f"{names}: ยังไม่ได้ตอบข้อ {', '.join(missing)}")
        try:
            answers[pupil_id] = [int(given[i]) for i in range(1, item_count + 1)]
        except ValueError:
            raise InvalidInput("คำตอบต้องเป็น 0, 1 หรือ 2") from None
    return answers


@pages.post("/class")
async def class_post(
    request: Request,
    user: PageUser,
    engine: EngineDep,
    session: SessionDep,
    settings: SettingsDep,
    background: BackgroundTasks,
    case_sync: CaseSyncDep,
) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    if not csrf_ok(request, settings, form.get("csrf", "")):
        return error_page(request, STALE_FORM, user=user, session=session, settings=settings)
    try:
        school_id, year = int(form.get("school_id", "0")), int(form.get("year", "0"))
        class_name = form.get("class_name", "")
        tool = instrument(care_config().default_instrument)
        screened = service.screen_class(
            engine,
            user_id=user.id,  # type: ignore[arg-type]
            data=ClassScreening(
                school_id=school_id,
                academic_year=year,
                class_name=class_name,
                held_on=date.fromisoformat(form.get("held_on") or date.today().isoformat()),
                answers=_answers(form, tool.item_count),
                form=form.get("form", ""),
            ),
        )
    except (DomainError, ValueError) as exc:
        error = exc if isinstance(exc, DomainError) else InvalidInput("ข้อมูลไม่ถูกต้อง")
        return error_page(request, error, user=user, session=session, settings=settings)
    opened = [s.case for s in screened if s.case is not None]
    for case in opened:
        background.add_task(sync_case_later, case_sync, CASE_TYPE, case.id or 0, new_case=True)
    message = f"บันทึกผลการคัดกรอง {len(screened)} คน"
    if opened:
        message += f" · ส่งต่อการดูแล {len(opened)} คน"
    url = _class_url(school_id, class_name, year, flash=message)
    return RedirectResponse(url, status_code=303)


def _case_url(case_id: int, purpose: str, flash: str = "") -> str:
    query = {"purpose": purpose} | ({"flash": flash} if flash else {})
    return f"/pages/children/cases/{case_id}?" + urlencode(query)


@pages.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(
    request: Request,
    case_id: int,
    user: PageUser,
    engine: EngineDep,
    session: SessionDep,
    settings: SettingsDep,
    purpose: str = "",
    flash: str = "",
) -> HTMLResponse:
    context: dict[str, Any] = {"case_id": case_id, "purpose": purpose, "purposes": PURPOSES}
    if not purpose.strip():
        return render(
            request,
            "children/pages/purpose.html",
            context,
            user=user,
            session=session,
            settings=settings,
        )
    try:
        record = read_case(
            engine,
            user_id=user.id,  # type: ignore[arg-type]
            case_id=case_id,
            purpose=purpose[:500],
            channel="page",
        )
    except DomainError as exc:
        return error_page(request, exc, user=user, session=session, settings=settings)
    entries = audit.timeline(session, case_type=CASE_TYPE, case_id=case_id)
    steps = open_steps_by_kind(session, case_id)
    context |= {
        "record": record,
        "label": case_label(record.case),
        "status": CaseStatus(record.case.status),
        "open": steps,
        "mine": {kind for kind, step in steps.items() if _may_decide(session, user, step)},
        "bands": _bands(),
        "scales": instrument(record.session.instrument).scale_titles() if record.session else {},
        "timeline": [(e, timeline_title(e)) for e in entries],
        "may_refer": may_refer(session, user, record.case),
        "may_manage": may_manage_case(session, user, record.case),
        "ActionStatus": ActionStatus,
        "entry_titles": ENTRY_TITLES,
        "channels": {c.value: c.thai for c in NoticeChannel},
        "flash": flash,
        "today": date.today().isoformat(),
    }
    return render(
        request, "children/pages/case.html", context, user=user, session=session, settings=settings
    )


def timeline_title(entry: AuditEntry) -> str:
    """An audit entry in Thai, as the engine's step pages say it: the event's name (the
    engine's or a workflow's; never the raw code) and what it concerns (the step's title, the
    outcome, the reason)."""
    name = ENGINE_EVENTS.get(entry.action) or event_title(entry.action) or "บันทึกเหตุการณ์"
    about = describe(entry)
    return f"{name} · {about}" if about else name


def _may_decide(session: Session, user: User, step: HumanStep) -> bool:
    try:
        standing(session, user=user, step=step)
    except NotEntitled:
        return False
    return True


def run_stage(
    action: str, engine: Engine, case_id: int, user: User, form: dict[str, str]
) -> tuple[str, bool]:
    """Run one posted stage of the case page: (the Thai message, whether a step moved)."""
    uid: int = user.id  # type: ignore[assignment]
    if action == "medical-assessment":
        service.record_medical_assessment(
            engine,
            case_id=case_id,
            user_id=uid,
            findings=form.get("findings", ""),
            refer_to_hospital=form.get("refer_to_hospital") == "1",
        )
        return "บันทึกผลการตรวจประเมินแล้ว", True
    if action == "home-visit":
        members = form.get("members_count", "").strip()
        visit = service.HomeVisit(
            findings=form.get("findings", ""),
            lives_with=form.get("lives_with", ""),
            conference_needed=form.get("conference_needed") == "1",
            skip_reason=form.get("skip_reason", ""),
            address=form.get("address", ""),
            members_count=int(members) if members.isdigit() else None,
        )
        service.record_home_visit(engine, case_id=case_id, user_id=uid, visit=visit)
        return "บันทึกผลการเยี่ยมบ้านแล้ว", True
    if action == "conference":
        service.record_conference(
            engine,
            case_id=case_id,
            user_id=uid,
            summary=form.get("summary", ""),
            attendees=form.get("attendees", ""),
        )
        return "บันทึกการประชุมรายกรณีแล้ว", True
    if action == "plan-action":
        due = form.get("due_on", "")
        if not due:
            raise InvalidInput("กรุณาระบุกำหนดเสร็จ", field="due_on")
        service.add_plan_action(
            engine,
            case_id=case_id,
            user_id=uid,
            title=form.get("title", ""),
            due_on=date.fromisoformat(due),
            owner_name=form.get("owner_name", ""),
            owner_user_id=uid if form.get("owner_self") == "1" else None,
        )
        return "เพิ่มกิจกรรมในแผนแล้ว", False
    if action == "action-status":
        service.update_plan_action(
            engine,
            action_id=int(form.get("action_id", "0")),
            user_id=uid,
            status=ActionStatus(form.get("status", "")),
            note=form.get("note", ""),
        )
        return "ปรับสถานะกิจกรรมแล้ว", False
    if action == "plan-approve":
        service.approve_plan(engine, case_id=case_id, user_id=uid)
        return "เห็นชอบแผนการดูแลแล้ว เริ่มติดตามผลตามกำหนด", True
    if action == "follow-up":
        close = form.get("close") == "1"
        service.record_follow_up(
            engine, case_id=case_id, user_id=uid, findings=form.get("findings", ""), close=close
        )
        return ("ปิดกรณีแล้ว" if close else "บันทึกการติดตามผลแล้ว"), True
    if action == "core-person":
        admin.change_core_person(
            engine,
            user_id=uid,
            case_id=case_id,
            core_username=form.get("core_username", ""),
            reason=form.get("reason", ""),
        )
        return "เปลี่ยนผู้รับผิดชอบหลักแล้ว", False
    if action == "close-early":
        admin.close_early(engine, user_id=uid, case_id=case_id, reason=form.get("reason", ""))
        return "ปิดกรณีแล้ว (ก่อนครบขั้นตอน)", True
    raise InvalidInput("ไม่รู้จักรายการนี้")


STAGES: tuple[str, ...] = (
    "medical-assessment",
    "home-visit",
    "conference",
    "plan-action",
    "action-status",
    "plan-approve",
    "follow-up",
    "core-person",
    "close-early",
)


async def _case_post(
    action: str,
    request: Request,
    case_id: int,
    user: User,
    engine: Engine,
    session: Session,
    settings: Settings,
    background: BackgroundTasks,
    case_sync: CaseSyncQueue | None,
) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    if not csrf_ok(request, settings, form.get("csrf", "")):
        return error_page(request, STALE_FORM, user=user, session=session, settings=settings)
    try:
        message, moved = run_stage(action, engine, case_id, user, form)
    except (DomainError, ValueError) as exc:
        error = exc if isinstance(exc, DomainError) else InvalidInput("ข้อมูลไม่ถูกต้อง")
        return error_page(request, error, user=user, session=session, settings=settings)
    if moved:
        background.add_task(sync_case_later, case_sync, CASE_TYPE, case_id)
    if action == "core-person":  # the case is the new core person's now: back to the list
        return RedirectResponse("/pages/children?" + urlencode({"flash": message}), status_code=303)
    purpose = form.get("purpose", "") or PURPOSES[0]
    return RedirectResponse(_case_url(case_id, purpose, message), status_code=303)


def _stage_route(action: str) -> Callable[..., Awaitable[Response]]:
    async def post(
        request: Request,
        case_id: int,
        user: PageUser,
        engine: EngineDep,
        session: SessionDep,
        settings: SettingsDep,
        background: BackgroundTasks,
        case_sync: CaseSyncDep,
    ) -> Response:
        return await _case_post(
            action, request, case_id, user, engine, session, settings, background, case_sync
        )

    return post


for _action in STAGES:  # one path per stage: other modules' /cases/{id}/… stay theirs
    pages.add_api_route(f"/cases/{{case_id}}/{_action}", _stage_route(_action), methods=["POST"])


def case_panel(session: Session, user: User, step: HumanStep) -> Markup:
    """Above a step's form: the case by number and stage, and the way to its page (opening it
    is a logged read); nothing protected here."""
    case = session.get(ChildCase, step.case_id)
    if case is None:
        return Markup("")
    return Markup(
        '<section class="card"><p>{label} · ขั้นตอนปัจจุบัน: {status}</p>'
        '<p><a class="button" href="/pages/children/cases/{id}">เปิดดูกรณี (บันทึกการเข้าถึง)</a>'
        "</p></section>"
    ).format(label=case_label(case), status=CaseStatus(case.status).thai, id=case.id)
