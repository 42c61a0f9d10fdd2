"""The assessors' pages, made for a phone on a home visit (390 px wide, large touch targets, the
camera for photos): a team's list of candidates still to assess, one candidate's assessment
form (round 2 shows round 1's record), the home-visit photos; and the coordinator's actions on
the round (close nominations and start assessing, a team closes its stage)."""

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, BackgroundTasks, File, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session, col, select

from api.deps import CaseSyncDep, EngineDep, SessionDep, SettingsDep, sync_case_later
from api.errors import status_of
from api.pages.common import PageUser, csrf_ok, error_page, render
from core.db import in_transaction
from domain.engine.authority import standing
from domain.engine.readlog import Verdict, record_read
from domain.errors import DomainError, InvalidInput, NotEntitled, NotFound
from domain.screening import assessment_service
from domain.screening.assessment import (
    PhotoUpload,
    assessments_of,
    photo_ids,
    stage_step,
    waiting_for,
)
from domain.screening.assessment_form import MAX_PHOTO_BYTES, MAX_PHOTOS, questionnaire
from domain.screening.letters_people import log_reads
from domain.screening.people import full_name
from domain.screening.programmes import programmes, stages_of, teams
from domain.screening.protection import RECORD_TYPE, may_read_record, read_person
from domain.screening.rounds import get_round
from domain.screening.states import CASE_TYPE
from models.people import User
from models.screening import Candidate, Person, ScreeningRound
from models.screening_assessment import PROBLEM_AREA_TITLES, Assessment, AssessmentPhoto

router = APIRouter(prefix="/pages/screening", tags=["pages"], include_in_schema=False)
PAGE_SIZE = 30
LIST_PURPOSE = "รายชื่อผู้รอการประเมิน (ทีมประเมิน)"


def helpers() -> dict[str, Any]:
    return {
        "questionnaire": questionnaire(),
        "areas": PROBLEM_AREA_TITLES,
        "complexity_groups": programmes().complexity_groups,
        "complexity_title": programmes().complexity_title,
        "baht": lambda satang: f"{satang / 100:,.2f}",
        "max_photos": MAX_PHOTOS,
    }


def my_rounds(session: Session, round_: ScreeningRound, user: User) -> list[int]:
    """The assessment rounds of ``round_`` whose team ``user`` is on."""
    return [
        stage.round or 1
        for stage in stages_of(round_).of_kind("assessment")
        if user.id in teams()[stage.team or ""].member_ids(session)
    ]


@router.get("/rounds/{round_id}/assess", response_class=HTMLResponse)
def worklist_page(
    request: Request,
    round_id: int,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
    round_no: int | None = None,
    page: int = 1,
    flash: str = "",
) -> HTMLResponse:
    common: dict[str, Any] = {"user": user, "session": session, "settings": settings}
    try:
        round_ = get_round(session, round_id)
        mine = my_rounds(session, round_, user)
        if not mine:
            raise NotEntitled("ท่านไม่ได้อยู่ในทีมประเมินของรอบนี้")
        round_no = round_no if round_no in mine else mine[0]
        stage = stages_of(round_).assessment(round_no)
        waiting = waiting_for(session, round_id, round_no)
        start = (max(page, 1) - 1) * PAGE_SIZE
        shown = waiting[start : start + PAGE_SIZE]
        people = {
            p.id: p
            for p in session.exec(
                select(Person).where(col(Person.id).in_([c.person_id for c in shown]))
            )
        }
        in_transaction(
            engine,
            lambda s: log_reads(
                s,
                [c.person_id for c in shown],
                reader=s.get(User, user.id),
                purpose=LIST_PURPOSE,
                scope="record",
                channel="page",
            ),
        )
    except DomainError as exc:
        return error_page(request, exc, **common)
    step = stage_step(session, round_id, stage.key)
    may_close = False
    if step is not None and step.status == "open":
        try:
            standing(session, user=user, step=step)
            may_close = True
        except NotEntitled:
            pass
    ctx = {
        "may_close": may_close,
        "round": round_,
        "stage": stage,
        "team": teams()[stage.team or ""],
        "round_no": round_no,
        "mine": mine,
        "rows": [(c, people.get(c.person_id)) for c in shown],
        "full_name": full_name,
        "waiting": len(waiting),
        "page": max(page, 1),
        "pages": max(1, -(-len(waiting) // PAGE_SIZE)),
        "step": step,
        "flash": flash[:300],
    }
    return render(request, "screening/assess/list.html", ctx, **common)


def _form_context(
    session: Session, engine: Any, user: User, candidate_id: int, round_no: int
) -> dict[str, Any]:
    candidate = session.get(Candidate, candidate_id)
    if candidate is None:
        raise NotFound("ไม่พบผู้ได้รับการเสนอชื่อรายนี้")
    round_ = get_round(session, candidate.round_id)
    stage = stages_of(round_).assessment(round_no)
    if round_no not in my_rounds(session, round_, user):
        raise NotEntitled(f"ประเมินครั้งที่ {round_no} ทำได้เฉพาะ{teams()[stage.team or ''].title}")
    record = read_person(
        engine,
        user_id=user.id,  # type: ignore[arg-type]
        person_id=candidate.person_id,
        purpose=f"{stage.title} (ลงพื้นที่เยี่ยมบ้าน)",
        channel="page",
    )
    earlier = [a for a in assessments_of(session, candidate_id) if a.assessment_round < round_no]
    return {
        "candidate": candidate,
        "round": round_,
        "stage": stage,
        "round_no": round_no,
        "record": record,
        "name": full_name(record.person),
        "earlier": [(a, photo_ids(session, a.id)) for a in earlier],  # type: ignore[arg-type]
        "mine": assessments_of(session, candidate_id),
        **helpers(),
    }


@router.get("/candidates/{candidate_id}/assess/{round_no}", response_class=HTMLResponse)
def assessment_form_page(
    request: Request,
    candidate_id: int,
    round_no: int,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
) -> HTMLResponse:
    common: dict[str, Any] = {"user": user, "session": session, "settings": settings}
    try:
        ctx = _form_context(session, engine, user, candidate_id, round_no)
    except DomainError as exc:
        return error_page(request, exc, **common)
    ctx |= {"errors": [], "form": {}}
    return render(request, "screening/assess/form.html", ctx, **common)


def _form_data(form: Any) -> dict[str, Any]:
    """The page's fields as the assessment's input (checked by ``parse_assessment``)."""
    answers = {
        q.key: form.get(f"q_{q.key}")
        for q in questionnaire().questions
        if form.get(f"q_{q.key}") not in (None, "")
    }
    problems = {
        area: (form.get(f"note_{area.value}") or "").strip()
        for area in PROBLEM_AREA_TITLES
        if form.get(f"area_{area.value}")
    }
    members = (form.get("household_members") or "").strip()
    income = (form.get("household_income_baht") or "").replace(",", "").strip()
    eligible = form.get("eligible")
    data: dict[str, Any] = {
        "answers": answers,
        "household_members": members or None,
        "problems": problems,
        "complexity": form.get("complexity") or "",
        "summary": form.get("summary") or "",
    }
    if income:
        data["household_income_baht"] = income
    if eligible in ("yes", "no"):
        data["eligible"] = eligible == "yes"
    return data


@router.post("/candidates/{candidate_id}/assess/{round_no}", response_class=HTMLResponse)
async def submit_assessment_page(
    request: Request,
    candidate_id: int,
    round_no: int,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
    photos: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    common: dict[str, Any] = {"user": user, "session": session, "settings": settings}
    form = await request.form()
    uploads = []
    for upload in photos or []:
        if upload.filename:
            raw = await upload.read(MAX_PHOTO_BYTES + 1)
            uploads.append(PhotoUpload(upload.filename, raw))
    try:
        ctx = _form_context(session, engine, user, candidate_id, round_no)
    except DomainError as exc:
        return error_page(request, exc, **common)
    if not csrf_ok(request, settings, str(form.get("csrf") or "")):
        errors, status = ["แบบฟอร์มหมดอายุ กรุณาลองใหม่อีกครั้ง"], 403
    else:
        try:
            assessment_service.submit_assessment(
                engine,
                candidate_id=candidate_id,
                round_no=round_no,
                user_id=user.id,  # type: ignore[arg-type]
                data=_form_data(form),
                photos=uploads,
            )
        except DomainError as exc:
            errors = [e["message"] for e in exc.detail.get("errors", [])] or [exc.message]  # type: ignore[union-attr]
            status = status_of(exc)
        else:
            flash = f"บันทึกผลการประเมินครั้งที่ {round_no} ของ{ctx['name']}แล้ว"
            query = urlencode({"round_no": round_no, "flash": flash})
            return RedirectResponse(
                f"/pages/screening/rounds/{ctx['round'].id}/assess?{query}", status_code=303
            )
    ctx |= {"errors": errors, "form": dict(form)}
    return render(request, "screening/assess/form.html", ctx, status_code=status, **common)


@router.get("/assessment-photos/{photo_id}")
def assessment_photo(
    photo_id: int, user: PageUser, session: SessionDep, engine: EngineDep
) -> Response:
    """A home-visit photo, for whoever may read the person's record (the read logged)."""
    photo = session.get(AssessmentPhoto, photo_id)
    assessment = session.get(Assessment, photo.assessment_id) if photo else None
    candidate = session.get(Candidate, assessment.candidate_id) if assessment else None
    if photo is None or candidate is None:
        return Response(status_code=404)
    allowed = may_read_record(session, user, candidate.person_id)
    in_transaction(
        engine,
        lambda s: record_read(
            s,
            user=s.get(User, user.id),
            record_type=RECORD_TYPE,
            record_id=candidate.person_id,
            purpose="ภาพถ่ายการลงพื้นที่เยี่ยมบ้าน",
            verdict=Verdict(allowed, "" if allowed else "ไม่มีสิทธิ์"),
            scope="photo",
            channel="page",
        ),
    )
    if not allowed:
        return Response(status_code=403)
    return Response(
        photo.data,
        media_type=photo.content_type,
        headers={"Cache-Control": "private, no-store"},
    )


@router.post("/rounds/{round_id}/start-assessment", response_class=HTMLResponse)
async def start_assessment_page(
    request: Request,
    round_id: int,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
    background: BackgroundTasks,
    orchestrator: CaseSyncDep,
) -> Response:
    form = await request.form()
    common: dict[str, Any] = {"user": user, "session": session, "settings": settings}
    try:
        if not csrf_ok(request, settings, str(form.get("csrf") or "")):
            raise InvalidInput("แบบฟอร์มหมดอายุ กรุณาลองใหม่อีกครั้ง")
        count = assessment_service.start_assessment(engine, round_id=round_id, user_id=user.id)  # type: ignore[arg-type]
    except DomainError as exc:
        return error_page(request, exc, **common)
    flash = f"ปิดรับรายชื่อและเริ่มการประเมินแล้ว ผู้ได้รับการเสนอชื่อ {count:,} ราย"
    background.add_task(sync_case_later, orchestrator, CASE_TYPE, round_id, new_case=True)
    return RedirectResponse(
        f"/pages/screening/rounds/{round_id}/progress?{urlencode({'flash': flash})}", 303
    )


@router.post("/rounds/{round_id}/stages/{stage_key}/close", response_class=HTMLResponse)
async def close_stage_page(
    request: Request,
    round_id: int,
    stage_key: str,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
    background: BackgroundTasks,
    orchestrator: CaseSyncDep,
) -> Response:
    form = await request.form()
    common: dict[str, Any] = {"user": user, "session": session, "settings": settings}
    try:
        if not csrf_ok(request, settings, str(form.get("csrf") or "")):
            raise InvalidInput("แบบฟอร์มหมดอายุ กรุณาลองใหม่อีกครั้ง")
        step = assessment_service.close_stage(
            engine,
            round_id=round_id,
            stage_key=stage_key,
            user_id=user.id,  # type: ignore[arg-type]
        )
    except DomainError as exc:
        return error_page(request, exc, **common)
    flash = f"ปิดขั้นตอน “{step.title}” แล้ว"
    background.add_task(sync_case_later, orchestrator, CASE_TYPE, round_id)
    return RedirectResponse(
        f"/pages/screening/rounds/{round_id}/progress?{urlencode({'flash': flash})}", 303
    )
