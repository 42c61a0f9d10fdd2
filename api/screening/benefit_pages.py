"""Benefits on the officers' pages: a round's totals per benefit and funding source against
its budget, setting a budget, assigning by the rules (repeatable); the sponsors, registering
one and pairing them with a household or naming them the host of its house repair."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import EngineDep, SessionDep, SettingsDep
from api.pages.common import PageUser, error_page, render
from api.screening.benefit_access import coordinator_round, readable_round
from api.screening.benefit_page_common import helpers, posted
from domain.errors import DomainError, InvalidInput, NotEntitled
from domain.pdca.money import AmountError, parse_baht
from domain.screening import benefits, sponsors
from domain.screening.benefits_totals import totals
from domain.screening.rounds import check_coordinator, is_coordinator

router = APIRouter(prefix="/pages/screening", tags=["pages"], include_in_schema=False)


@router.get("/rounds/{round_id}/benefits", response_class=HTMLResponse)
def benefits_page(
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
    return render(
        request,
        "screening/benefits/round.html",
        {
            "round": screening_round,
            "totals": totals(session, round_id),
            "is_coordinator": is_coordinator(session, user),
            "flash": flash,
            **helpers(),
        },
        user=user,
        session=session,
        settings=settings,
    )


def _int(text: str, label: str) -> int:
    try:
        value = int(text.replace(",", "").strip() or "0")
    except ValueError:
        raise InvalidInput(f"{label}ต้องเป็นจำนวนเต็ม") from None
    return value


@router.post("/rounds/{round_id}/budgets", response_class=HTMLResponse)
async def budget_page(
    round_id: int,
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
) -> Response:
    def run(form: dict[str, str]) -> str:
        coordinator_round(session, user, round_id)
        try:
            satang = parse_baht(form.get("amount_baht", "")) or 0
        except AmountError as exc:
            raise InvalidInput(str(exc), field="amount_baht") from None
        benefits.set_budget(
            engine,
            round_id,
            actor_id=user.id or 0,
            benefit=form.get("benefit", ""),
            source=form.get("source", ""),
            amount_satang=satang,
            units=_int(form.get("units", ""), "จำนวนหน่วย"),
        )
        return "บันทึกงบประมาณแล้ว"

    return await posted(
        request,
        user=user,
        session=session,
        settings=settings,
        back=f"/pages/screening/rounds/{round_id}/benefits",
        run=run,
    )


@router.post("/rounds/{round_id}/benefits/assign", response_class=HTMLResponse)
async def assign_page(
    round_id: int,
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
) -> Response:
    def run(_form: dict[str, str]) -> str:
        coordinator_round(session, user, round_id)
        done = benefits.assign_round(engine, round_id, actor_id=user.id)
        return (
            f"จัดสิทธิประโยชน์แล้ว {done.awarded} รายการ รองบประมาณ {done.waiting_budget} "
            f"รอเจ้าภาพ {done.waiting_host}"
        )

    return await posted(
        request,
        user=user,
        session=session,
        settings=settings,
        back=f"/pages/screening/rounds/{round_id}/benefits",
        run=run,
    )


@router.get("/sponsors", response_class=HTMLResponse)
def sponsors_page(
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    flash: Annotated[str, Query(max_length=300)] = "",
) -> Response:
    try:
        check_coordinator(session, user)
    except NotEntitled as exc:
        return error_page(request, exc, user=user, session=session, settings=settings)
    paired_sponsors, paired_households = sponsors.pairing_figures(session)
    return render(
        request,
        "screening/benefits/sponsors.html",
        {
            "rows": sponsors.sponsor_rows(session),
            "kinds": sponsors.SPONSOR_KINDS,
            "purposes": sponsors.PURPOSES,
            "paired_sponsors": paired_sponsors,
            "paired_households": paired_households,
            "flash": flash,
        },
        user=user,
        session=session,
        settings=settings,
    )


@router.post("/sponsors", response_class=HTMLResponse)
async def register_sponsor_page(
    request: Request, user: PageUser, session: SessionDep, settings: SettingsDep, engine: EngineDep
) -> Response:
    def run(form: dict[str, str]) -> str:
        data = sponsors.SponsorInput(
            name=form.get("name", ""),
            kind=form.get("kind", "person"),
            phone=form.get("phone"),
            email=form.get("email"),
            note=form.get("note", ""),
        )
        sponsor = sponsors.register_sponsor(engine, actor_id=user.id or 0, data=data)
        return f"บันทึกผู้ให้โอกาส {sponsor.name} แล้ว"

    return await posted(
        request,
        user=user,
        session=session,
        settings=settings,
        back="/pages/screening/sponsors",
        run=run,
    )


@router.post("/sponsors/{sponsor_id}/pairings", response_class=HTMLResponse)
async def pair_page(
    sponsor_id: int,
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
) -> Response:
    def run(form: dict[str, str]) -> str:
        sponsors.pair(
            engine,
            actor_id=user.id or 0,
            sponsor_id=sponsor_id,
            household_id=_int(form.get("household_id", ""), "เลขครัวเรือน"),
            purpose=form.get("purpose", "pairing"),
        )
        return "จับคู่แล้ว"

    return await posted(
        request,
        user=user,
        session=session,
        settings=settings,
        back="/pages/screening/sponsors",
        run=run,
    )
