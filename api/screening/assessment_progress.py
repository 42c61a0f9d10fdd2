"""The coordinator's view of a round's screening: the funnel moving (counts per state and the
funnel's stages), each stage's step with its deadline, the teams' lists, the open joint
surveys, the list for the welfare division to confirm (grouped by complexity and benefit
group) and the committee's certification."""

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy import func
from sqlmodel import Session, col, select

from api.deps import CaseSyncDep, EngineDep, SessionDep, SettingsDep, sync_case_later
from api.pages.common import PageUser, csrf_ok, error_page, render, templates
from domain.engine.authority import standing
from domain.engine.visibility import can_view
from domain.errors import DomainError, InvalidInput, NotEntitled
from domain.screening import assessment_service
from domain.screening.assessment import assessed_counts
from domain.screening.certify import (
    confirmation_step,
    confirmed_list,
    latest_certification_step,
)
from domain.screening.fairness import funnel
from domain.screening.programmes import programmes, stages_of
from domain.screening.reconcile import open_joint_surveys
from domain.screening.rounds import get_round
from domain.screening.states import CASE_TYPE
from models.people import User
from models.screening import Candidate, CandidateState, RoundStatus, ScreeningRound
from models.screening_assessment import PROBLEM_AREA_TITLES, ProblemArea
from models.steps import HumanStep


def area_list(areas: list[str]) -> str:
    return ", ".join(PROBLEM_AREA_TITLES[ProblemArea(a)] for a in areas) or "-"


router = APIRouter(prefix="/pages/screening", tags=["pages"], include_in_schema=False)


@router.get("/rounds/{round_id}/progress", response_class=HTMLResponse)
def progress_page(
    request: Request,
    round_id: int,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    flash: str = "",
) -> HTMLResponse:
    common: dict[str, Any] = {"user": user, "session": session, "settings": settings}
    try:
        round_ = get_round(session, round_id)
        if not can_view(session, user=user, case_type=CASE_TYPE, case_id=round_id):
            raise NotEntitled("ท่านไม่มีสิทธิ์ดูรอบการคัดกรองนี้")
    except DomainError as exc:
        return error_page(request, exc, **common)
    counts = dict(
        session.exec(
            select(Candidate.state, func.count())
            .where(Candidate.round_id == round_id)
            .group_by(Candidate.state)
        ).all()
    )
    by_state = [(s, int(counts.get(s.value, 0))) for s in CandidateState]
    total = max(1, sum(n for s, n in by_state if s != CandidateState.merged))
    steps = session.exec(
        select(HumanStep)
        .where(HumanStep.case_type == CASE_TYPE, HumanStep.case_id == round_id)
        .where(col(HumanStep.kind) != "joint-survey")
        .order_by(col(HumanStep.id))
    ).all()
    confirming = confirmation_step(session, round_id)
    may_confirm = False
    if confirming is not None and confirming.status == "open":
        try:
            standing(session, user=user, step=confirming)
            may_confirm = True
        except NotEntitled:
            pass
    ctx = {
        "round": round_,
        "status_thai": RoundStatus(round_.status).thai,
        "stages": stages_of(round_).stages,
        "by_state": by_state,
        "total": total,
        "funnel": funnel(session, round_id),
        "assessed": assessed_counts(session, round_id),
        "steps": steps,
        "surveys": open_joint_surveys(session, round_id),
        "confirming": confirming,
        "may_confirm": may_confirm,
        "listing": confirmed_list(session, round_id) if confirming is not None else None,
        "certification": latest_certification_step(session, round_id),
        "complexity_title": programmes().complexity_title,
        "area_titles": {a.value: PROBLEM_AREA_TITLES[a] for a in ProblemArea},
        "area_list": area_list,
        "flash": flash[:300],
    }
    return render(request, "screening/assess/progress.html", ctx, **common)


@router.post("/rounds/{round_id}/confirm", response_class=HTMLResponse)
async def confirm_page(
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
        assessment_service.confirm_list(
            engine,
            round_id=round_id,
            user_id=user.id,  # type: ignore[arg-type]
            comment=str(form.get("comment") or ""),
        )
    except DomainError as exc:
        return error_page(request, exc, **common)
    flash = "ยืนยันรายชื่อแล้ว เสนอที่ประชุมคณะผู้บริหารรับรอง"
    background.add_task(sync_case_later, orchestrator, CASE_TYPE, round_id)
    return RedirectResponse(
        f"/pages/screening/rounds/{round_id}/progress?{urlencode({'flash': flash})}", 303
    )


def case_panel(session: Session, user: User, step: HumanStep) -> Markup:
    """A round's step on the engine's step page: the round, where the step's work is done
    (the team's list, the joint survey, the committee's page) and the round's progress."""
    round_ = session.get(ScreeningRound, step.case_id)
    if round_ is None:
        return Markup("")
    html = templates.get_template("screening/assess/panel.html").render(
        round=round_, step=step, status_thai=RoundStatus(round_.status).thai
    )
    return Markup(html)
