"""Screening's officers' pages (/pages/screening): the rounds and opening one, a round with its
live figures, nominations (a form, a file whose refusal is shown row by row), duplicates to
merge. A person's record and the read log are in ``record_pages``."""

from datetime import date, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session, col, select
from starlette.datastructures import UploadFile

from api.deps import EngineDep, SessionDep, SettingsDep
from api.errors import status_of
from api.pages.common import PageUser, csrf_ok, error_page, render, users_by_id
from api.screening.routes import MAX_FILE_BYTES
from domain.engine.visibility import can_view
from domain.errors import DomainError, InvalidInput
from domain.screening import rounds, service
from domain.screening.config import screening_config
from domain.screening.duplicates import suggestions
from domain.screening.ids import problem as thai_id_problem
from domain.screening.import_nominations import ImportRefused
from domain.screening.import_rows import HEADER_TITLES, REQUIRED_COLUMNS
from domain.screening.nominations import NominationInput
from domain.screening.people import PersonInput, full_name
from domain.screening.programmes import stages_of
from domain.screening.states import CASE_TYPE
from models.people import User
from models.screening import (
    Candidate,
    CandidateState,
    Community,
    NominationSource,
    Person,
    Programme,
    RoundStatus,
    School,
    ScreeningRound,
    Sex,
)

router = APIRouter(prefix="/pages/screening", tags=["pages"], include_in_schema=False)
EXPIRED = "แบบฟอร์มหมดอายุ กรุณาลองใหม่อีกครั้ง"
CANDIDATE_LIST_PURPOSE = "รายชื่อผู้ได้รับการเสนอชื่อและรายชื่อที่อาจซ้ำกัน (ผู้ประสานงานรอบ)"
"""Why the round page reads the names it lists: each listed person's read is logged with it."""


def template_helpers() -> dict[str, Any]:
    config = screening_config()
    return {
        "programmes": list(Programme),
        "sources": list(NominationSource),
        "stage_title": config.stage_title,
        "stages_of": lambda programme: config.stages[Programme(programme).value],
        "status_thai": lambda s: RoundStatus(s).thai,
        "programme_thai": lambda p: Programme(p).thai,
        "sex_thai": lambda s: Sex(s).thai,
        "state_thai": lambda s: CandidateState(s).thai,
        "source_thai": lambda s: NominationSource(s).thai,
        "full_name": full_name,
        "header_titles": HEADER_TITLES,
        "required_columns": REQUIRED_COLUMNS,
    }


@router.get("", response_class=HTMLResponse)
def rounds_page(
    request: Request, user: PageUser, session: SessionDep, settings: SettingsDep, flash: str = ""
) -> HTMLResponse:
    return _rounds(request, user, session, settings, flash=flash[:300])


def _rounds(
    request: Request,
    user: User,
    session: Session,
    settings: Any,
    *,
    errors: list[str] | None = None,
    form: dict[str, str] | None = None,
    flash: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    found = list(session.exec(select(ScreeningRound).order_by(col(ScreeningRound.id).desc())))
    today = rounds.today()
    defaults = {
        "programme": Programme.welfare.value,
        "fiscal_year": str(today.year + 543 + (1 if today.month >= 10 else 0)),
        "title": "",
        "nomination_opens_on": today.isoformat(),
        "nomination_closes_on": (today + timedelta(days=30)).isoformat(),
    }
    ctx = {
        "rounds": found,
        "figures": {r.id: rounds.figures(session, r.id) for r in found},  # type: ignore[arg-type]
        "is_coordinator": rounds.is_coordinator(session, user),
        "errors": errors or [],
        "form": {**defaults, **(form or {})},
        "flash": flash,
        "all_stages": sorted({s for stages in screening_config().stages.values() for s in stages}),
        **template_helpers(),
    }
    return render(
        request,
        "screening/rounds.html",
        ctx,
        status_code=status_code,
        user=user,
        session=session,
        settings=settings,
    )


@router.post("/rounds", response_class=HTMLResponse)
async def open_round_page(
    request: Request, user: PageUser, session: SessionDep, settings: SettingsDep, engine: EngineDep
) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    if not csrf_ok(request, settings, form.get("csrf", "")):
        return _rounds(
            request, user, session, settings, errors=[EXPIRED], form=form, status_code=403
        )
    try:
        programme = Programme(form.get("programme", ""))
        stage_keys = screening_config().stages[programme.value]
        deadlines = {}
        for stage in stage_keys:
            value = form.get(f"deadline_{stage}", "")
            if value:
                deadlines[stage] = _date(value, screening_config().stage_title(stage))
        opened = service.open_round(
            engine,
            user_id=user.id,  # type: ignore[arg-type]
            programme=programme,
            fiscal_year=_int(form.get("fiscal_year", ""), "ปีงบประมาณ"),
            title=form.get("title", ""),
            nomination_opens_on=_date(form.get("nomination_opens_on", ""), "วันเปิดรับรายชื่อ"),
            nomination_closes_on=_date(form.get("nomination_closes_on", ""), "วันปิดรับรายชื่อ"),
            stage_deadlines=deadlines,
        )
    except ValueError:
        return _rounds(
            request,
            user,
            session,
            settings,
            errors=["กรุณาเลือกประเภทโครงการ"],
            form=form,
            status_code=422,
        )
    except DomainError as exc:
        return _rounds(
            request,
            user,
            session,
            settings,
            errors=[exc.message],
            form=form,
            status_code=status_of(exc),
        )
    flash = f"เปิดรอบ “{opened.title}” แล้ว"
    return RedirectResponse(
        f"/pages/screening/rounds/{opened.id}?{urlencode({'flash': flash})}", 303
    )


def _date(value: str, label: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"กรุณาระบุ{label}") from None


def _int(value: str, label: str) -> int:
    if not value.strip().isdigit():
        raise InvalidInput(f"{label}ต้องเป็นตัวเลข")
    return int(value)


@router.get("/rounds/{round_id}", response_class=HTMLResponse)
def round_page(
    round_id: int,
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    flash: str = "",
) -> HTMLResponse:
    return _round(request, user, session, settings, round_id, flash=flash[:300])


def _round(
    request: Request,
    user: User,
    session: Session,
    settings: Any,
    round_id: int,
    *,
    errors: list[str] | None = None,
    import_problems: list[Any] | None = None,
    form: dict[str, str] | None = None,
    flash: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    try:
        screening_round = rounds.get_round(session, round_id)
    except DomainError as exc:
        return error_page(request, exc, user=user, session=session, settings=settings)
    coordinator = rounds.is_coordinator(session, user)
    candidates = (
        session.exec(
            select(Candidate, Person)
            .join(Person, col(Person.id) == Candidate.person_id)
            .where(Candidate.round_id == round_id, Candidate.state != CandidateState.merged)
            .order_by(col(Candidate.id))
            .limit(200)
        ).all()
        if coordinator
        else []
    )
    found = suggestions(session, round_id) if coordinator else []
    shown = [person.id for _, person in candidates]
    shown += [p.id for s in found for p in (s.first, s.second)]
    try:
        service.log_listed_reads(
            session.get_bind(),  # type: ignore[arg-type]
            user_id=user.id,  # type: ignore[arg-type]
            person_ids=shown,  # type: ignore[arg-type]
            purpose=CANDIDATE_LIST_PURPOSE,
        )
    except DomainError as exc:
        return error_page(request, exc, user=user, session=session, settings=settings)
    ctx = {
        "round": screening_round,
        "figures": rounds.figures(session, round_id),
        "opened_by": users_by_id(session, {screening_round.opened_by_id}),
        "is_coordinator": coordinator,
        "candidates": candidates,
        "suggestions": found,
        "communities": list(
            session.exec(
                select(Community)
                .where(Community.list_id == screening_round.community_list_id)
                .order_by(col(Community.code))
            )
        ),
        "schools": list(session.exec(select(School).order_by(col(School.code)))),
        "deadlines": {k: date.fromisoformat(v) for k, v in screening_round.stage_deadlines.items()},
        "errors": errors or [],
        "import_problems": import_problems or [],
        "form": form or {},
        "flash": flash,
        **template_helpers(),
        # the programme's own stage titles (a scholarship's committee, not the executives)
        "stage_title": lambda key: stages_of(screening_round).stage(key).title,
        # a mentor who is no reader of the round follows their recipients on the renewal page
        "reads_round": can_view(session, user=user, case_type=CASE_TYPE, case_id=round_id),
    }
    return render(
        request,
        "screening/round.html",
        ctx,
        status_code=status_code,
        user=user,
        session=session,
        settings=settings,
    )


def optional_id(value: str) -> int | None:
    return int(value) if value.strip().isdigit() else None


@router.post("/rounds/{round_id}/nominations", response_class=HTMLResponse)
async def nominate_page(
    round_id: int,
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}

    def again(errors: list[str], code: int) -> HTMLResponse:
        return _round(
            request, user, session, settings, round_id, errors=errors, form=form, status_code=code
        )

    if not csrf_ok(request, settings, form.get("csrf", "")):
        return again([EXPIRED], 403)
    errors = []
    thai_id = form.get("thai_id", "").strip()
    if thai_id and (found := thai_id_problem(thai_id)):
        errors.append(found)
    if form.get("source") not in {s.value for s in NominationSource}:
        errors.append("กรุณาเลือกผู้เสนอชื่อ")
    if errors:
        return again(errors, 422)
    try:
        birth = date.fromisoformat(form["birth_date"]) if form.get("birth_date") else None
        service.nominate(
            engine,
            user_id=user.id,  # type: ignore[arg-type]
            round_id=round_id,
            data=NominationInput(
                person=PersonInput(
                    first_name=form.get("first_name", ""),
                    last_name=form.get("last_name", ""),
                    prefix=form.get("prefix", ""),
                    thai_id=thai_id or None,
                    birth_date=birth,
                    community_id=optional_id(form.get("community_id", "")),
                    phone=form.get("phone") or None,
                ),
                source=NominationSource(form["source"]),
                nominator_name=form.get("nominator_name", ""),
                school_id=optional_id(form.get("school_id", "")),
                note=form.get("note", ""),
            ),
        )
    except ValueError:
        return again(["วันเกิดไม่ถูกต้อง"], 422)
    except DomainError as exc:
        return again([exc.message], status_of(exc))
    flash = f"เพิ่มรายชื่อ {form.get('first_name', '')} {form.get('last_name', '')} แล้ว"
    return RedirectResponse(
        f"/pages/screening/rounds/{round_id}?{urlencode({'flash': flash})}", 303
    )


@router.post("/rounds/{round_id}/imports", response_class=HTMLResponse)
async def import_page(
    round_id: int,
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
) -> Response:
    form = await request.form()
    upload = form.get("file")

    def again(errors: list[str], code: int, problems: list[Any] | None = None) -> HTMLResponse:
        return _round(
            request,
            user,
            session,
            settings,
            round_id,
            errors=errors,
            import_problems=problems,
            status_code=code,
        )

    if not csrf_ok(request, settings, str(form.get("csrf", ""))):
        return again([EXPIRED], 403)
    if not isinstance(upload, UploadFile) or not upload.filename:
        return again(["กรุณาแนบไฟล์รายชื่อ (.csv หรือ .xlsx)"], 422)
    data = await upload.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        return again(["ไฟล์ใหญ่เกิน 10 MB"], 422)
    try:
        report = service.import_file(
            engine,
            user_id=user.id,
            round_id=round_id,
            data=data,
            filename=upload.filename,  # type: ignore[arg-type]
        )
    except ImportRefused as exc:
        message = f"นำเข้าไม่ได้ ไม่มีการบันทึกข้อมูลใด ๆ — พบ {len(exc.problems)} ข้อผิดพลาด"
        return again([message], 422, exc.problems)
    except DomainError as exc:
        return again([exc.message], status_of(exc))
    flash = (
        f"นำเข้า {report.rows} แถว: บุคคลใหม่ {report.persons_created} คน, "
        f"มีข้อมูลอยู่แล้ว {report.persons_known} คน, เลขประจำตัวซ้ำในไฟล์ {len(report.repeated_ids)} แถว, "
        f"ผู้ได้รับการเสนอชื่อใหม่ {report.candidates_created} คน, รายชื่อที่อาจซ้ำ {report.suggestions} คู่"
    )
    return RedirectResponse(
        f"/pages/screening/rounds/{round_id}?{urlencode({'flash': flash})}", 303
    )


@router.post("/rounds/{round_id}/merge", response_class=HTMLResponse)
async def merge_page(
    round_id: int,
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
    keep_id: Annotated[int, Form()],
    drop_id: Annotated[int, Form()],
    reason: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
    decision: Annotated[str, Form()] = "same",
) -> Response:
    """The coordinator's answer to a duplicate suggestion: one person (merge) or two."""
    if not csrf_ok(request, settings, csrf):
        return _round(request, user, session, settings, round_id, errors=[EXPIRED], status_code=403)
    two = decision == "distinct"
    try:
        if two:
            service.mark_distinct_persons(
                engine,
                user_id=user.id,  # type: ignore[arg-type]
                first_id=keep_id,
                second_id=drop_id,
                reason=reason,
            )
        else:
            service.merge_persons(
                engine,
                user_id=user.id,  # type: ignore[arg-type]
                keep_id=keep_id,
                drop_id=drop_id,
                reason=reason,
            )
    except DomainError as exc:
        return _round(
            request,
            user,
            session,
            settings,
            round_id,
            errors=[exc.message],
            status_code=status_of(exc),
        )
    flash = "บันทึกว่าเป็นคนละคนแล้ว จะไม่เสนอคู่นี้อีก" if two else "รวมรายชื่อแล้ว การเสนอชื่อทั้งหมดยังอยู่ครบ"
    return RedirectResponse(
        f"/pages/screening/rounds/{round_id}?{urlencode({'flash': flash})}", 303
    )
