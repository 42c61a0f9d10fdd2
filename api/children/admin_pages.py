"""The children's administration page (/pages/children/admin): a school's classes enrolled
(one pupil, or a class list from CSV/XLSX refused whole naming each broken row), its teachers
linked (the coordinator), the school's register history (who did which, when), and, for the
coordinator who does not read cases, a case handed to
another core person or closed early by its number, with the reason."""

from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session, col, select
from starlette.datastructures import UploadFile

from api.children.page_forms import STALE_FORM, posted_form
from api.children.pages import run_stage
from api.deps import CaseSyncDep, EngineDep, SessionDep, SettingsDep, sync_case_later
from api.pages.common import PageUser, csrf_ok, error_page, render
from domain.children import admin, register_history, roster_import, service
from domain.children.admin_access import administers_school
from domain.children.classroom import this_academic_year
from domain.children.referral_access import is_coordinator
from domain.children.roster import GuardianInput, PupilInput
from domain.children.states import CASE_TYPE
from domain.errors import DomainError, InvalidInput
from domain.screening.import_nominations import SEXES
from domain.screening.people import PersonInput
from models.children import SchoolTeacher
from models.people import User
from models.screening import School, Sex

pages = APIRouter(prefix="/pages/children/admin", tags=["pages"], include_in_schema=False)
MAX_UPLOAD = 2_000_000
CASE_ACTIONS = ("core-person", "close-early")


def _schools(session: Session, user: User) -> list[School]:
    """The schools the user may enrol pupils in: every school for the coordinator; the
    schools one is core person or a teacher of."""
    schools = session.exec(select(School).order_by(col(School.code))).all()
    if is_coordinator(session, user):
        return list(schools)
    taught = set(
        session.exec(select(SchoolTeacher.school_id).where(SchoolTeacher.user_id == user.id))
    )
    return [s for s in schools if s.id in taught or administers_school(session, user, s.id)]  # type: ignore[arg-type]


def _int(data: dict[str, str], name: str, label: str) -> int:
    try:
        return int(data.get(name, ""))
    except ValueError:
        raise InvalidInput(f"กรุณาระบุ{label}", field=name) from None


@pages.get("", response_class=HTMLResponse)
@pages.get("/schools/{school_id}", response_class=HTMLResponse)
def admin_page(
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    school_id: int = 0,
    flash: str = "",
) -> HTMLResponse:
    schools = _schools(session, user)
    chosen = next((s for s in schools if s.id == school_id), schools[0] if schools else None)
    context: dict[str, Any] = {
        "schools": schools,
        "school": chosen,
        "teachers": admin.teachers_of_school(session, chosen.id) if chosen else [],  # type: ignore[arg-type]
        "history": register_history.history(session, chosen.id) if chosen else [],  # type: ignore[arg-type]
        "coordinator": is_coordinator(session, user),
        "year": this_academic_year(),
        "columns": [names[0] for names in roster_import.ROSTER_COLUMNS.values()],
        "flash": flash,
    }
    return render(
        request, "children/pages/admin.html", context, user=user, session=session, settings=settings
    )


def _back(school_id: int | str) -> str:
    return f"/pages/children/admin/schools/{school_id}"


def _birth_date(text: str) -> date | None:
    """A date picker's ISO date, or a Buddhist Era dd/mm/yyyy typed in (as in a class list)."""
    if not text.strip():
        return None
    try:
        return roster_import.parse_date_cell(text)
    except ValueError as exc:
        raise InvalidInput(str(exc), field="birth_date") from None


def _pupil(data: dict[str, str]) -> tuple[PupilInput, list[GuardianInput]]:
    sex = data.get("sex", "")
    child = PersonInput(
        first_name=data.get("first_name", "").strip(),
        last_name=data.get("last_name", "").strip(),
        prefix=data.get("prefix", "").strip(),
        thai_id=data.get("thai_id", "").strip() or None,
        birth_date=_birth_date(data.get("birth_date", "")),
        sex=SEXES.get(sex, Sex.unknown),
    )
    if not child.first_name or not child.last_name:
        raise InvalidInput("กรุณาระบุชื่อและนามสกุลนักเรียน", field="first_name")
    pupil = PupilInput(
        child=child,
        school_id=_int(data, "school_id", "โรงเรียน"),
        academic_year=_int(data, "year", "ปีการศึกษา"),
        grade=data.get("grade", ""),
        class_name=data.get("class_name", ""),
        student_no=data.get("student_no", ""),
    )
    guardians = []
    if data.get("guardian_name", "").strip():
        guardian = roster_import.guardian_from(
            data["guardian_name"],
            data.get("relation", ""),
            data.get("guardian_phone", ""),
            data.get("guardian_email", ""),
            data.get("guardian_line", ""),
        )
        if guardian is None:
            raise InvalidInput("กรุณาระบุชื่อและนามสกุลผู้ปกครอง", field="guardian_name")
        guardians.append(guardian)
    return pupil, guardians


@pages.post("/pupils")
async def enrol_form(
    request: Request, user: PageUser, engine: EngineDep, session: SessionDep, settings: SettingsDep
) -> Response:
    data = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}

    def run(form: dict[str, str]) -> str:
        pupil, guardians = _pupil(form)
        service.enrol_pupil(engine, user_id=user.id, pupil=pupil, guardians=guardians)  # type: ignore[arg-type]
        return (
            f"เพิ่มนักเรียน {pupil.child.first_name} {pupil.child.last_name} ห้อง {pupil.class_name} แล้ว"
        )

    return await posted_form(
        request, user, session, settings, run=run, back=_back(data.get("school_id", ""))
    )


@pages.post("/roster")
async def roster_form(
    request: Request, user: PageUser, engine: EngineDep, session: SessionDep, settings: SettingsDep
) -> Response:
    form = await request.form()
    data = {k: v for k, v in form.items() if isinstance(v, str)}
    upload = form.get("file")

    def refused(exc: DomainError) -> Response:
        return error_page(request, exc, user=user, session=session, settings=settings)

    if not csrf_ok(request, settings, data.get("csrf", "")):
        return refused(STALE_FORM)
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise InvalidInput("กรุณาเลือกไฟล์รายชื่อนักเรียน (.csv หรือ .xlsx)", field="file")
        content = await upload.read(MAX_UPLOAD + 1)
        if len(content) > MAX_UPLOAD:
            raise InvalidInput("ไฟล์ใหญ่เกิน 2 MB", field="file")
        school_id = _int(data, "school_id", "โรงเรียน")
        count = roster_import.import_roster(
            engine,
            user_id=user.id,  # type: ignore[arg-type]
            data=content,
            filename=upload.filename,
            school_id=school_id,
            year=_int(data, "year", "ปีการศึกษา"),
        )
    except DomainError as exc:
        return refused(exc)
    message = f"นำเข้ารายชื่อนักเรียน {count} คนแล้ว"
    return RedirectResponse(f"{_back(school_id)}?{urlencode({'flash': message})}", status_code=303)


@pages.post("/teachers")
async def teacher_form(
    request: Request, user: PageUser, engine: EngineDep, session: SessionDep, settings: SettingsDep
) -> Response:
    data = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}

    def run(form: dict[str, str]) -> str:
        teacher = admin.link_teacher(
            engine,
            user_id=user.id,  # type: ignore[arg-type]
            teacher_username=form.get("teacher_username", ""),
            school_id=_int(form, "school_id", "โรงเรียน"),
            class_name=form.get("class_name", ""),
        )
        where = (
            f"ห้อง {form['class_name'].strip()}" if form.get("class_name", "").strip() else "ทุกห้อง"
        )
        return f"เชื่อม {teacher.full_name} กับโรงเรียน ({where}) แล้ว"

    return await posted_form(
        request, user, session, settings, run=run, back=_back(data.get("school_id", "0"))
    )


@pages.post("/cases")
async def case_form(
    request: Request,
    user: PageUser,
    engine: EngineDep,
    session: SessionDep,
    settings: SettingsDep,
    background: BackgroundTasks,
    case_sync: CaseSyncDep,
) -> Response:
    """The coordinator's hand on a case by its number (the case itself stays unread)."""
    data = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}

    def run(form: dict[str, str]) -> str:
        case_id = _int(form, "case_id", "เลขที่กรณี")
        action = form.get("action", "")
        if action in CASE_ACTIONS:
            message, moved = run_stage(action, engine, case_id, user, form)
            if moved:
                background.add_task(sync_case_later, case_sync, CASE_TYPE, case_id)
            return f"กรณีดูแลเด็กเลขที่ {case_id}: {message}"
        raise InvalidInput("ไม่รู้จักคำสั่งนี้")

    return await posted_form(
        request, user, session, settings, run=run, back=_back(data.get("school_id", "0"))
    )
