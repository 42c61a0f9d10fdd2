"""Follow-up on the officers' pages: the round's visit schedule (จับเข่าคุย, every working day
at 15:00, urgent first, earlier recipients marked), booking it (repeatable), recording a visit
with its findings, needs and a referral to a partner agency; the yearly reassessments due."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import col, select

from api.deps import EngineDep, SessionDep, SettingsDep
from api.pages.common import PageUser, error_page, render
from api.screening.benefit_access import coordinator_round, readable_round
from api.screening.benefit_page_common import posted
from domain.errors import DomainError, InvalidInput, NotFound
from domain.screening import followup
from domain.screening.followup_partners import KIND_TITLES, partner_agencies
from domain.screening.rounds import is_coordinator
from models.screening_benefits import FollowUpVisit, Reassessment, VisitStatus

router = APIRouter(prefix="/pages/screening", tags=["pages"], include_in_schema=False)
URGENCY_TITLES = {1: "เร่งด่วนมาก", 2: "เร่งด่วน", 3: "ปกติ"}


@router.get("/rounds/{round_id}/followup", response_class=HTMLResponse)
def followup_page(
    round_id: int,
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    flash: Annotated[str, Query(max_length=300)] = "",
) -> Response:
    try:
        screening_round = readable_round(session, user, round_id)
    except DomainError as exc:
        return error_page(request, exc, user=user, session=session, settings=settings)
    visits = session.exec(
        select(FollowUpVisit)
        .where(FollowUpVisit.round_id == round_id)
        .order_by(col(FollowUpVisit.scheduled_at), col(FollowUpVisit.id))
    ).all()
    candidate_ids = {v.candidate_id for v in visits}
    reassessments = (
        session.exec(
            select(Reassessment)
            .where(col(Reassessment.candidate_id).in_(candidate_ids))
            .order_by(col(Reassessment.due_on))
        ).all()
        if candidate_ids
        else []
    )
    agencies = partner_agencies(session)
    return render(
        request,
        "screening/followup/schedule.html",
        {
            "round": screening_round,
            "visits": visits,
            "reassessments": reassessments,
            "agencies": agencies,
            "agency_names": {a.id: a.name for a in agencies},
            "kind_titles": KIND_TITLES,
            "urgency_title": lambda n: URGENCY_TITLES.get(n, "ทั่วไป"),
            "status_thai": lambda s: VisitStatus(s).thai,
            "is_coordinator": is_coordinator(session, user),
            "flash": flash,
        },
        user=user,
        session=session,
        settings=settings,
    )


@router.post("/rounds/{round_id}/followup/schedule", response_class=HTMLResponse)
async def schedule_page(
    round_id: int,
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
) -> Response:
    def run(_form: dict[str, str]) -> str:
        coordinator_round(session, user, round_id)
        done = followup.schedule_round(engine, round_id, actor_id=user.id)
        return (
            f"นัดเยี่ยมบ้านใหม่ {done.visits_booked} ครัวเรือน (ผู้เคยได้รับความช่วยเหลือ "
            f"{done.earlier_recipients}) นัดประเมินซ้ำประจำปี {done.reassessments_booked} คน"
        )

    return await posted(
        request,
        user=user,
        session=session,
        settings=settings,
        back=f"/pages/screening/rounds/{round_id}/followup",
        run=run,
    )


@router.post("/visits/{visit_id}", response_class=HTMLResponse)
async def visit_page(
    visit_id: int,
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
) -> Response:
    visit = session.get(FollowUpVisit, visit_id)
    back = f"/pages/screening/rounds/{visit.round_id}/followup" if visit else "/pages/screening"

    def run(form: dict[str, str]) -> str:
        if visit is None:
            raise NotFound("ไม่พบการนัดเยี่ยมนี้")
        try:
            status = VisitStatus(form.get("status", ""))
            agency = int(form["referral_agency_id"]) if form.get("referral_agency_id") else None
        except ValueError:
            raise InvalidInput("กรุณาเลือกผลการเยี่ยมและหน่วยงานที่ส่งต่อให้ถูกต้อง") from None
        followup.record_visit(
            engine,
            visit_id,
            actor_id=user.id or 0,
            data=followup.VisitRecord(
                status=status,
                findings=form.get("findings", ""),
                needs=form.get("needs", ""),
                referral_agency_id=agency,
                referral_note=form.get("referral_note", ""),
            ),
        )
        return "บันทึกผลการเยี่ยมแล้ว"

    return await posted(request, user=user, session=session, settings=settings, back=back, run=run)
