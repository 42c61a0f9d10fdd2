"""The joint survey's page (both teams' record of a disagreement) and the committee's
certification page (the list by complexity, the meeting's minutes with members present and
exclusions with reasons, each member's vote)."""

from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session, col, select

from api.deps import CaseSyncDep, EngineDep, SessionDep, SettingsDep, sync_case_later
from api.errors import status_of
from api.pages.common import COMMITTEE_ROLES, PageUser, csrf_ok, error_page, render
from core.db import in_transaction
from domain.engine.authority import standing
from domain.errors import DomainError, InvalidInput, NotEntitled, NotFound
from domain.screening import assessment_service
from domain.screening.assessment import assessments_of
from domain.screening.certify import (
    MeetingRecord,
    certification_step,
    confirmed_list,
    meeting_of,
)
from domain.screening.letters_people import log_reads
from domain.screening.people import full_name
from domain.screening.programmes import programmes, stages_of, teams
from domain.screening.reconcile import SurveyRecord
from domain.screening.rounds import get_round
from domain.screening.states import CASE_TYPE
from models.people import CommitteeMember, User
from models.screening import Candidate, Person
from models.screening_assessment import PROBLEM_AREA_TITLES, Exclusion, JointSurvey, ProblemArea
from models.steps import Decision, HumanStep


def area_list(areas: list[str]) -> str:
    return ", ".join(PROBLEM_AREA_TITLES[ProblemArea(a)] for a in areas) or "-"


router = APIRouter(prefix="/pages/screening", tags=["pages"], include_in_schema=False)


def _names(
    session: Session, engine: Any, user: User, candidates: list[Candidate], purpose: str
) -> dict[int, str]:
    """The candidates' names, each read logged (protected records)."""
    people = {
        p.id: p
        for p in session.exec(
            select(Person).where(col(Person.id).in_([c.person_id for c in candidates]))
        )
    }
    in_transaction(
        engine,
        lambda s: log_reads(
            s,
            list(people),
            reader=s.get(User, user.id),
            purpose=purpose,
            scope="record",
            channel="page",
        ),
    )
    return {c.id: full_name(people[c.person_id]) for c in candidates if c.person_id in people}  # type: ignore[misc]


# --------------------------------------------------------------------------- joint survey


def _survey_context(session: Session, engine: Any, user: User, step_id: int) -> dict[str, Any]:
    survey = session.exec(select(JointSurvey).where(JointSurvey.step_id == step_id)).first()
    step = session.get(HumanStep, step_id)
    if survey is None or step is None:
        raise NotFound("ไม่พบการสำรวจร่วมนี้")
    standing(session, user=user, step=step)
    candidate = session.get(Candidate, survey.candidate_id)
    assert candidate is not None
    round_ = get_round(session, candidate.round_id)
    team_members = []
    for stage in stages_of(round_).of_kind("assessment"):
        team = teams()[stage.team or ""]
        ids = team.member_ids(session)
        people = session.exec(
            select(User).where(col(User.id).in_(ids)).order_by(col(User.id))
        ).all()
        team_members.append((team, people))
    return {
        "step": step,
        "survey": survey,
        "round": round_,
        "candidate": candidate,
        "name": _names(session, engine, user, [candidate], "สำรวจร่วมกรณีผลการประเมินไม่ตรงกัน")[
            candidate.id
        ],  # type: ignore[index]
        "assessments": assessments_of(session, candidate.id),  # type: ignore[arg-type]
        "team_members": team_members,
        "complexity_groups": programmes().complexity_groups,
        "complexity_title": programmes().complexity_title,
        "areas": PROBLEM_AREA_TITLES,
        "baht": lambda satang: f"{satang / 100:,.2f}",
    }


@router.get("/joint-surveys/{step_id}", response_class=HTMLResponse)
def joint_survey_page(
    request: Request,
    step_id: int,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
) -> HTMLResponse:
    common: dict[str, Any] = {"user": user, "session": session, "settings": settings}
    try:
        ctx = _survey_context(session, engine, user, step_id)
    except DomainError as exc:
        return error_page(request, exc, **common)
    return render(
        request, "screening/certify/joint_survey.html", ctx | {"errors": [], "form": {}}, **common
    )


@router.post("/joint-surveys/{step_id}", response_class=HTMLResponse)
async def record_joint_survey_page(
    request: Request,
    step_id: int,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
    background: BackgroundTasks,
    orchestrator: CaseSyncDep,
) -> Response:
    common: dict[str, Any] = {"user": user, "session": session, "settings": settings}
    form = await request.form()
    try:
        ctx = _survey_context(session, engine, user, step_id)
    except DomainError as exc:
        return error_page(request, exc, **common)
    try:
        if not csrf_ok(request, settings, str(form.get("csrf") or "")):
            raise InvalidInput("แบบฟอร์มหมดอายุ กรุณาลองใหม่อีกครั้ง")
        if form.get("eligible") not in ("yes", "no"):
            raise InvalidInput("กรุณาเลือกผลการสำรวจร่วม (ผ่านหรือไม่ผ่านเกณฑ์)")
        try:
            surveyed_on = date.fromisoformat(str(form.get("surveyed_on") or ""))
        except ValueError:
            raise InvalidInput("กรุณาระบุวันที่สำรวจร่วม") from None
        record = SurveyRecord(
            eligible=form.get("eligible") == "yes",
            complexity=str(form.get("complexity") or ""),
            findings=str(form.get("findings") or ""),
            surveyed_on=surveyed_on,
            members_present=[int(v) for v in form.getlist("members_present") if str(v).isdigit()],
        )
        assessment_service.record_joint_survey(
            engine, step_id=step_id, user_id=user.id, record=record
        )  # type: ignore[arg-type]
    except DomainError as exc:
        ctx |= {
            "errors": [exc.message],
            "form": {**dict(form), "members": form.getlist("members_present")},
        }
        return render(
            request,
            "screening/certify/joint_survey.html",
            ctx,
            status_code=status_of(exc),
            **common,
        )
    flash = f"บันทึกผลการสำรวจร่วมของ{ctx['name']}แล้ว"
    background.add_task(sync_case_later, orchestrator, CASE_TYPE, ctx["round"].id)
    return RedirectResponse(
        f"/pages/screening/rounds/{ctx['round'].id}/progress?{urlencode({'flash': flash})}", 303
    )


# --------------------------------------------------------------------------- certification


def _certify_context(session: Session, engine: Any, user: User, step_id: int) -> dict[str, Any]:
    step = certification_step(session, step_id)
    members = session.exec(
        select(CommitteeMember, User)
        .join(User, col(User.id) == CommitteeMember.user_id)
        .where(CommitteeMember.committee_id == step.committee_id)
        .order_by(col(CommitteeMember.id))
    ).all()
    if user.id not in {u.id for _, u in members}:
        raise NotEntitled("หน้านี้สำหรับกรรมการผู้รับรองรายชื่อ")
    round_ = get_round(session, step.case_id)
    listing = confirmed_list(session, step.case_id)
    entries = [e for group in listing.groups.values() for e in group]
    meeting = meeting_of(session, step_id)
    excluded = (
        {
            e.candidate_id: e.reason
            for e in session.exec(select(Exclusion).where(Exclusion.certification_id == meeting.id))
        }
        if meeting
        else {}
    )
    votes = session.exec(select(Decision).where(Decision.step_id == step_id)).all()
    return {
        "step": step,
        "round": round_,
        "listing": listing,
        "names": _names(
            session, engine, user, [e.candidate for e in entries], "เสนอที่ประชุมรับรองรายชื่อ"
        ),
        "members": members,
        "roles": COMMITTEE_ROLES,
        "meeting": meeting,
        "excluded": excluded,
        "votes": {v.principal_user_id: v for v in votes},
        "complexity_title": programmes().complexity_title,
        "areas": {a.value: t for a, t in PROBLEM_AREA_TITLES.items()},
        "area_list": area_list,
    }


@router.get("/certifications/{step_id}", response_class=HTMLResponse)
def certification_page(
    request: Request,
    step_id: int,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
    flash: str = "",
) -> HTMLResponse:
    common: dict[str, Any] = {"user": user, "session": session, "settings": settings}
    try:
        ctx = _certify_context(session, engine, user, step_id)
    except DomainError as exc:
        return error_page(request, exc, **common)
    return render(
        request,
        "screening/certify/certification.html",
        ctx | {"errors": [], "flash": flash[:300]},
        **common,
    )


@router.post("/certifications/{step_id}/meeting", response_class=HTMLResponse)
async def meeting_page(
    request: Request,
    step_id: int,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
) -> Response:
    common: dict[str, Any] = {"user": user, "session": session, "settings": settings}
    form = await request.form()
    try:
        if not csrf_ok(request, settings, str(form.get("csrf") or "")):
            raise InvalidInput("แบบฟอร์มหมดอายุ กรุณาลองใหม่อีกครั้ง")
        try:
            meeting_date = date.fromisoformat(str(form.get("meeting_date") or ""))
        except ValueError:
            raise InvalidInput("กรุณาระบุวันที่ประชุม") from None
        exclusions = {
            int(str(key).removeprefix("exclude_")): str(
                form.get(f"reason_{str(key).removeprefix('exclude_')}") or ""
            )
            for key in form.keys()
            if str(key).startswith("exclude_") and str(key).removeprefix("exclude_").isdigit()
        }
        record = MeetingRecord(
            meeting_date=meeting_date,
            resolution_number=str(form.get("resolution_number") or ""),
            members_present=[int(v) for v in form.getlist("members_present") if str(v).isdigit()],
            exclusions=exclusions,
        )
        meeting = assessment_service.record_meeting(
            engine, step_id=step_id, user_id=user.id, record=record
        )  # type: ignore[arg-type]
    except DomainError as exc:
        try:
            ctx = _certify_context(session, engine, user, step_id)
        except DomainError as inner:
            return error_page(request, inner, **common)
        ctx |= {"errors": [exc.message], "flash": ""}
        return render(
            request,
            "screening/certify/certification.html",
            ctx,
            status_code=status_of(exc),
            **common,
        )
    flash = "บันทึกการประชุมแล้ว" + (
        "" if meeting.quorum_reached else " (ไม่ครบองค์ประชุม รับรองรายชื่อไม่ได้)"
    )
    return RedirectResponse(
        f"/pages/screening/certifications/{step_id}?{urlencode({'flash': flash})}", 303
    )


@router.post("/certifications/{step_id}/vote", response_class=HTMLResponse)
async def vote_page(
    request: Request,
    step_id: int,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
    background: BackgroundTasks,
    orchestrator: CaseSyncDep,
) -> Response:
    common: dict[str, Any] = {"user": user, "session": session, "settings": settings}
    form = await request.form()
    try:
        if not csrf_ok(request, settings, str(form.get("csrf") or "")):
            raise InvalidInput("แบบฟอร์มหมดอายุ กรุณาลองใหม่อีกครั้ง")
        closed = assessment_service.cast_vote(
            engine,
            step_id=step_id,
            user_id=user.id,  # type: ignore[arg-type]
            certify_list=form.get("certify") == "yes",
            comment=str(form.get("comment") or ""),
        )
    except DomainError as exc:
        return error_page(request, exc, **common)
    flash = "ลงมติแล้ว" + (" ที่ประชุมมีมติครบองค์ประชุมแล้ว" if closed else "")
    step = session.get(HumanStep, step_id)
    if step is not None:
        background.add_task(sync_case_later, orchestrator, CASE_TYPE, step.case_id)
    return RedirectResponse(
        f"/pages/screening/certifications/{step_id}?{urlencode({'flash': flash})}", 303
    )
