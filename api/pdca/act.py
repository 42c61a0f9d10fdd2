"""The Act on the API and the pages: a round's lessons (form and list), its carry-over proposals
with the steering committee's decision on each (and the step to vote on), the proposal on the
committee's step page (case panel), and the plan's cycles (the next fiscal year opened on
1 October) shown on the plan's page."""

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, BackgroundTasks, Form, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlmodel import Session, col, select

from api.deps import CaseSyncDep, CurrentUser, EngineDep, SessionDep, SettingsDep, sync_case_later
from api.errors import status_of
from api.pages.common import PageUser, csrf_ok, error_page, render, users_by_id
from api.pdca.act_panels import helpers
from domain.engine.visibility import can_view
from domain.errors import DomainError, NotEntitled
from domain.pdca import act, act_service
from domain.pdca.rounds import CASE_TYPE as ROUND_CASE_TYPE
from domain.pdca.rounds import get_round, round_title
from models.pdca import Plan, PlanProject
from models.pdca_act import CarryOverDecision, CarryOverProposal, CycleStatus
from models.pdca_round import ReportingRound, RoundKind
from models.people import User
from models.steps import HumanStep

router = APIRouter(tags=["pdca"])


class ProposalPublic(BaseModel):
    id: int
    project_id: int
    project_no: int
    project_name: str
    fiscal_year: int
    status_at_round: str
    reason_at_round: str
    budget_satang: int
    disbursed_satang: int
    plan_next_year_satang: int | None
    proposed_budget_satang: int
    step_id: int | None
    decision: CarryOverDecision
    decision_thai: str
    decision_reason: str
    decided_budget_satang: int | None
    decided_at: datetime | None
    applied_at: datetime | None

    @classmethod
    def of(cls, p: CarryOverProposal, project: PlanProject) -> "ProposalPublic":
        return cls(
            **p.model_dump(
                exclude={
                    "round_id",
                    "proposed_by_id",
                    "proposed_at",
                    "applied_cycle_id",
                    "decision",
                }
            ),
            decision=CarryOverDecision(p.decision),  # text from the database
            project_no=project.no,
            project_name=project.name,
            decision_thai=CarryOverDecision(p.decision).thai,
        )


class LessonIn(BaseModel):
    project_id: int | None = None
    lesson: str = Field(min_length=1, max_length=8000, description="บทเรียนที่ได้รับ")
    improvement: str = Field(default="", max_length=8000, description="แนวทางปรับปรุง")


class LessonPublic(BaseModel):
    id: int
    plan_id: int
    fiscal_year: int
    round_id: int | None
    project_id: int | None
    lesson: str
    improvement: str
    written_by_id: int
    written_at: datetime


class ActPublic(BaseModel):
    round_id: int
    proposals: list[ProposalPublic]
    lessons: list[LessonPublic]


class CyclePublic(BaseModel):
    fiscal_year: int
    status: CycleStatus
    status_thai: str
    plan_id: int
    from_round_id: int | None
    opened_at: datetime
    note: str


def _readable_round(session: Session, user: User, round_id: int) -> ReportingRound:
    rnd = get_round(session, round_id)
    if not can_view(session, user=user, case_type=ROUND_CASE_TYPE, case_id=round_id):
        raise NotEntitled("ท่านไม่มีสิทธิ์ดูรอบการรายงานนี้")
    return rnd


def _act_public(session: Session, round_id: int) -> ActPublic:
    return ActPublic(
        round_id=round_id,
        proposals=[ProposalPublic.of(p, pr) for p, pr in act.proposals_of(session, round_id)],
        lessons=[LessonPublic(**x.model_dump()) for x in act.lessons_of(session, round_id)],
    )


@router.get("/api/pdca/rounds/{round_id}/act", response_model=ActPublic)
def read_act(round_id: int, user: CurrentUser, session: SessionDep) -> ActPublic:
    """The round's lessons and carry-over proposals with the committee's decisions."""
    _readable_round(session, user, round_id)
    return _act_public(session, round_id)


@router.post(
    "/api/pdca/rounds/{round_id}/carry-over",
    response_model=ActPublic,
    status_code=status.HTTP_201_CREATED,
)
def propose(
    round_id: int,
    user: CurrentUser,
    engine: EngineDep,
    background: BackgroundTasks,
    orchestrator: CaseSyncDep,
) -> ActPublic:
    """Put the 12-month round's undone projects before the steering committee (กย.)."""
    act_service.propose_carry_over(engine, round_id=round_id, user_id=user.id)
    background.add_task(sync_case_later, orchestrator, ROUND_CASE_TYPE, round_id)
    with Session(engine) as session:
        return _act_public(session, round_id)


@router.post(
    "/api/pdca/rounds/{round_id}/lessons",
    response_model=LessonPublic,
    status_code=status.HTTP_201_CREATED,
)
def add_lesson(round_id: int, data: LessonIn, user: CurrentUser, engine: EngineDep) -> LessonPublic:
    found = act_service.write_lesson(
        engine,
        user_id=user.id,  # type: ignore[arg-type]
        round_id=round_id,
        project_id=data.project_id,
        lesson=data.lesson,
        improvement=data.improvement,
    )
    return LessonPublic(**found.model_dump())


@router.get("/api/pdca/plans/{plan_id}/cycles", response_model=list[CyclePublic])
def plan_cycles(plan_id: int, user: CurrentUser, session: SessionDep) -> list[CyclePublic]:
    """The fiscal years of the plan's series opened so far, with what each carried."""
    plan = session.get(Plan, plan_id)
    if plan is None:
        return []
    return [
        CyclePublic(  # the status comes back from the database as text
            **c.model_dump(exclude={"status"}),
            status=CycleStatus(c.status),
            status_thai=CycleStatus(c.status).thai,
        )
        for c in act.cycles_of(session, plan.series)
    ]


# --------------------------------------------------------------------------- pages


def _page_context(session: Session, user: User, rnd: ReportingRound) -> dict[str, Any]:
    proposals = act.proposals_of(session, rnd.id)  # type: ignore[arg-type]
    lessons = act.lessons_of(session, rnd.id)  # type: ignore[arg-type]
    projects = {
        p.id: p
        for p in session.exec(
            select(PlanProject)
            .where(PlanProject.plan_id == rnd.plan_id)
            .order_by(col(PlanProject.no))
        )
    }
    steps = {
        s.id: s
        for s in session.exec(
            select(HumanStep).where(
                col(HumanStep.id).in_([p.step_id for p, _ in proposals if p.step_id])
            )
        )
    }
    try:
        act.check_coordinator(session, user)
        coordinator = True
    except DomainError:
        coordinator = False
    return {
        "rnd": rnd,
        "title": round_title(rnd),
        "proposals": proposals,
        "steps": steps,
        "lessons": lessons,
        "projects": projects,
        "writers": users_by_id(session, {x.written_by_id for x in lessons}),
        "may_propose": coordinator and rnd.kind == RoundKind.twelve_month,
        "coordinator": coordinator,
        "errors": [],
        **helpers(),
    }


@router.get(
    "/pages/pdca/act/rounds/{round_id}", response_class=HTMLResponse, include_in_schema=False
)
def act_page(
    round_id: int,
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    flash: str = "",
) -> HTMLResponse:
    try:
        rnd = _readable_round(session, user, round_id)
    except DomainError as exc:
        return error_page(request, exc, user=user, session=session, settings=settings)
    ctx = _page_context(session, user, rnd) | {"flash": flash[:300]}
    return render(
        request, "pdca/act/round.html", ctx, user=user, session=session, settings=settings
    )


def _back(round_id: int, flash: str) -> RedirectResponse:
    return RedirectResponse(
        f"/pages/pdca/act/rounds/{round_id}?{urlencode({'flash': flash})}", status_code=303
    )


def _again(
    request: Request,
    user: User,
    session: Session,
    settings: Any,
    round_id: int,
    errors: list[str],
    code: int,
) -> HTMLResponse:
    try:
        rnd = _readable_round(session, user, round_id)
    except DomainError as exc:
        return error_page(request, exc, user=user, session=session, settings=settings)
    ctx = _page_context(session, user, rnd) | {"errors": errors}
    return render(
        request,
        "pdca/act/round.html",
        ctx,
        status_code=code,
        user=user,
        session=session,
        settings=settings,
    )


@router.post(
    "/pages/pdca/act/rounds/{round_id}/lessons",
    response_class=HTMLResponse,
    include_in_schema=False,
)
def lesson_page(
    round_id: int,
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
    project_id: Annotated[str, Form()] = "",
    lesson: Annotated[str, Form()] = "",
    improvement: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    if not csrf_ok(request, settings, csrf):
        return _again(
            request, user, session, settings, round_id, ["แบบฟอร์มหมดอายุ กรุณาลองใหม่อีกครั้ง"], 403
        )
    try:
        act_service.write_lesson(
            engine,
            user_id=user.id,  # type: ignore[arg-type]
            round_id=round_id,
            project_id=int(project_id) if project_id.isdigit() else None,
            lesson=lesson,
            improvement=improvement,
        )
    except DomainError as exc:
        return _again(request, user, session, settings, round_id, [exc.message], status_of(exc))
    return _back(round_id, "บันทึกบทเรียนแล้ว")


@router.post(
    "/pages/pdca/act/rounds/{round_id}/carry-over",
    response_class=HTMLResponse,
    include_in_schema=False,
)
def propose_page(
    round_id: int,
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
    background: BackgroundTasks,
    orchestrator: CaseSyncDep,
    csrf: Annotated[str, Form()] = "",
) -> Response:
    if not csrf_ok(request, settings, csrf):
        return _again(
            request, user, session, settings, round_id, ["แบบฟอร์มหมดอายุ กรุณาลองใหม่อีกครั้ง"], 403
        )
    try:
        found = act_service.propose_carry_over(engine, round_id=round_id, user_id=user.id)
    except DomainError as exc:
        return _again(request, user, session, settings, round_id, [exc.message], status_of(exc))
    background.add_task(sync_case_later, orchestrator, ROUND_CASE_TYPE, round_id)
    return _back(round_id, f"เสนอคณะกรรมการฝ่ายอำนวยการพิจารณา {len(found)} โครงการ")
