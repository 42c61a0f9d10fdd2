"""JSON routes of a round's results (/api/screening): letters (tell everyone, list), benefits
(budgets, assign, totals), sponsors and pairings, partner agencies, follow-up visits, and the
fairness figures (the funnel, who got what, repeated requests)."""

from dataclasses import asdict
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import col, select

from api.deps import CurrentUser, EngineDep, SessionDep
from api.screening.benefit_access import coordinator_round, readable_round
from domain.errors import InvalidInput, NotEntitled
from domain.pdca.money import AmountError, parse_baht
from domain.screening import benefits, fairness, followup, letters, sponsors
from domain.screening.benefits_totals import totals
from domain.screening.followup_partners import partner_agencies
from domain.screening.rounds import check_coordinator
from models.screening_benefits import (
    FollowUpVisit,
    LetterOutcome,
    ScreeningLetter,
    SponsorPairing,
    VisitStatus,
)

router = APIRouter(prefix="/api/screening", tags=["screening"])


@router.get(
    "/rounds/{round_id}/funnel",
    summary="ช่องทางของรอบ: เสนอชื่อ → ประเมิน → รับรอง → แจ้งผล → สิทธิประโยชน์",
)
def get_funnel(round_id: int, user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    readable_round(session, user, round_id)
    return asdict(fairness.funnel(session, round_id))


@router.get("/rounds/{round_id}/who-got-what", summary="ใครได้อะไร แยกตามชุมชนและสิทธิประโยชน์")
def get_who_got_what(round_id: int, user: CurrentUser, session: SessionDep) -> list[dict[str, Any]]:
    readable_round(session, user, round_id)
    return [asdict(r) for r in fairness.who_got_what(session, round_id)]


@router.get("/rounds/{round_id}/repeat-flags", summary="ผู้ที่เคยได้รับความช่วยเหลือมาก่อน")
def get_repeat_flags(
    round_id: int, user: CurrentUser, engine: EngineDep, session: SessionDep
) -> list[dict[str, Any]]:
    readable_round(session, user, round_id)  # names are protected: coordinators only, logged
    return [asdict(f) for f in fairness.read_repeat_flags(engine, round_id, reader_id=user.id or 0)]


class LetterPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    candidate_id: int
    number: int
    outcome: LetterOutcome
    reason: str
    batch_id: int | None
    mailed: bool = False
    pushed_to_line: bool = False


@router.post("/rounds/{round_id}/letters", summary="แจ้งผลผู้ได้รับการเสนอชื่อทุกคน (ทำซ้ำได้ ไม่ส่งซ้ำ)")
def post_letters(
    round_id: int, user: CurrentUser, engine: EngineDep, session: SessionDep
) -> dict[str, Any]:
    coordinator_round(session, user, round_id)
    return asdict(letters.notify_round(engine, round_id, actor_id=user.id))


@router.get("/rounds/{round_id}/letters", summary="หนังสือแจ้งผลของรอบ")
def get_letters(round_id: int, user: CurrentUser, session: SessionDep) -> list[LetterPublic]:
    readable_round(session, user, round_id)
    rows = session.exec(
        select(ScreeningLetter)
        .where(ScreeningLetter.round_id == round_id)
        .order_by(col(ScreeningLetter.number))
    )
    found = []
    for letter in rows:
        item = LetterPublic.model_validate(letter)
        item.mailed, item.pushed_to_line = letter.mail_key is not None, letter.line_key is not None
        found.append(item)
    return found


class BudgetIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    benefit: str = Field(max_length=60)
    source: str = Field(max_length=20)
    amount_baht: str = Field(default="0", max_length=20, description="บาท เช่น 100,000.50")
    units: int = Field(default=0, ge=0, le=10_000_000)


@router.put("/rounds/{round_id}/budgets", summary="ตั้งงบประมาณของสิทธิประโยชน์ต่อแหล่งเงิน")
def put_budget(
    round_id: int, body: BudgetIn, user: CurrentUser, engine: EngineDep, session: SessionDep
) -> dict[str, Any]:
    coordinator_round(session, user, round_id)
    try:
        satang = parse_baht(body.amount_baht) or 0
    except AmountError as exc:
        raise InvalidInput(str(exc), field="amount_baht") from None
    row = benefits.set_budget(
        engine,
        round_id,
        actor_id=user.id or 0,
        benefit=body.benefit,
        source=body.source,
        amount_satang=satang,
        units=body.units,
    )
    return row.model_dump()


@router.post("/rounds/{round_id}/benefits", summary="จัดสิทธิประโยชน์ตามหลักเกณฑ์ (ทำซ้ำได้)")
def post_benefits(
    round_id: int, user: CurrentUser, engine: EngineDep, session: SessionDep
) -> dict[str, Any]:
    coordinator_round(session, user, round_id)
    return asdict(benefits.assign_round(engine, round_id, actor_id=user.id))


@router.get("/rounds/{round_id}/benefits/totals", summary="ยอดรวมสิทธิประโยชน์ต่อแหล่งเงิน")
def get_totals(round_id: int, user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    readable_round(session, user, round_id)
    return asdict(totals(session, round_id))


class SponsorIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=200)
    kind: str = Field(default="person", max_length=20)
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=200)
    note: str = Field(default="", max_length=2000)


@router.get("/sponsors", summary="ผู้ให้โอกาสและจำนวนครัวเรือนที่จับคู่")
def get_sponsors(user: CurrentUser, session: SessionDep) -> list[dict[str, Any]]:
    check_coordinator(session, user)
    return [
        {**r.sponsor.model_dump(), "households": r.households, "hosted_repairs": r.hosted_repairs}
        for r in sponsors.sponsor_rows(session)
    ]


@router.post("/sponsors", status_code=201, summary="บันทึกผู้ให้โอกาส")
def post_sponsor(body: SponsorIn, user: CurrentUser, engine: EngineDep) -> dict[str, Any]:
    data = sponsors.SponsorInput(**body.model_dump())
    return sponsors.register_sponsor(engine, actor_id=user.id or 0, data=data).model_dump()


class PairingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    household_id: int
    purpose: str = Field(default="pairing", max_length=20)
    started_on: date | None = None


@router.post("/sponsors/{sponsor_id}/pairings", status_code=201, summary="จับคู่ผู้ให้โอกาสกับครัวเรือน")
def post_pairing(
    sponsor_id: int, body: PairingIn, user: CurrentUser, engine: EngineDep
) -> dict[str, Any]:
    pairing: SponsorPairing = sponsors.pair(
        engine,
        actor_id=user.id or 0,
        sponsor_id=sponsor_id,
        household_id=body.household_id,
        purpose=body.purpose,
        started_on=body.started_on,
    )
    return pairing.model_dump()


@router.get("/partner-agencies", summary="ทะเบียนหน่วยงานภาคีสำหรับส่งต่อ")
def get_partners(user: CurrentUser, session: SessionDep) -> list[dict[str, Any]]:
    if not user.active:
        raise NotEntitled("บัญชีนี้ถูกระงับ")
    return [a.model_dump() for a in partner_agencies(session)]


class ScheduleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start_on: date | None = None


@router.post("/rounds/{round_id}/visits", summary="จัดตารางเยี่ยมบ้าน (จับเข่าคุย) ทุกวันทำการ 15.00 น.")
def post_schedule(
    round_id: int, body: ScheduleIn, user: CurrentUser, engine: EngineDep, session: SessionDep
) -> dict[str, Any]:
    coordinator_round(session, user, round_id)
    return asdict(
        followup.schedule_round(engine, round_id, start_on=body.start_on, actor_id=user.id)
    )


@router.get("/rounds/{round_id}/visits", summary="ตารางเยี่ยมบ้านของรอบ")
def get_visits(
    round_id: int,
    user: CurrentUser,
    session: SessionDep,
    status: Annotated[VisitStatus | None, Query()] = None,
) -> list[dict[str, Any]]:
    readable_round(session, user, round_id)
    query = select(FollowUpVisit).where(FollowUpVisit.round_id == round_id)
    if status is not None:
        query = query.where(FollowUpVisit.status == status)
    return [v.model_dump() for v in session.exec(query.order_by(col(FollowUpVisit.scheduled_at)))]


class VisitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: VisitStatus
    findings: str = Field(default="", max_length=4000)
    needs: str = Field(default="", max_length=4000)
    referral_agency_id: int | None = None
    referral_note: str = Field(default="", max_length=2000)


@router.post("/visits/{visit_id}", summary="บันทึกผลการเยี่ยมบ้าน ความต้องการ และการส่งต่อ")
def post_visit(
    visit_id: int, body: VisitIn, user: CurrentUser, engine: EngineDep
) -> dict[str, Any]:
    record = followup.VisitRecord(**body.model_dump())
    return followup.record_visit(engine, visit_id, actor_id=user.id or 0, data=record).model_dump()


class ReassessmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    still_eligible: bool
    note: str = Field(default="", max_length=4000)


@router.post("/reassessments/{reassessment_id}", summary="บันทึกผลการประเมินซ้ำประจำปี")
def post_reassessment(
    reassessment_id: int, body: ReassessmentIn, user: CurrentUser, engine: EngineDep
) -> dict[str, Any]:
    found = followup.record_reassessment(
        engine,
        reassessment_id,
        actor_id=user.id or 0,
        still_eligible=body.still_eligible,
        note=body.note,
    )
    return found.model_dump()
