"""Referral pages (/pages/children/referrals): the list an agency's contacts or a
coordinator follow, a referral opened with a purpose (the read logged) where the agency
acknowledges it and records its outcome, confirming a child's referrals from the rules'
suggestions, and the register of partner agencies with their agreements and contacts."""

from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from sqlmodel import Session

from api.children.page_forms import posted_form
from api.deps import EngineDep, SessionDep, SettingsDep
from api.pages.common import PageUser, error_page, render, templates
from domain.children import agencies, referrals
from domain.children.referral_access import contact_agency_ids, is_coordinator
from domain.children.referral_policy import referral_policy
from domain.children.referral_views import read_referral, referral_lines
from domain.errors import DomainError, InvalidInput
from models.children_referrals import Referral, ReferralStatus
from models.people import User
from models.screening_benefits import PartnerAgency
from models.steps import HumanStep

pages = APIRouter(prefix="/pages/children", tags=["pages"], include_in_schema=False)

PURPOSES = ("รับการส่งต่อและดูแลเด็ก (หน่วยงานภาคี)", "ติดตามการส่งต่อ (ผู้ประสานงานโครงการ)")


def _render(
    request: Request,
    name: str,
    context: dict[str, Any],
    user: User,
    session: Session,
    settings: Any,
) -> HTMLResponse:
    return render(request, name, context, user=user, session=session, settings=settings)


@pages.get("/referrals", response_class=HTMLResponse)
def list_page(
    request: Request, user: PageUser, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    context = {
        "lines": referral_lines(session, user),
        "coordinator": is_coordinator(session, user),
        "flash": request.query_params.get("flash", ""),
    }
    return _render(request, "children/pages/referral_list.html", context, user, session, settings)


@pages.get("/referrals/new", response_class=HTMLResponse)
def new_page(
    request: Request,
    user: PageUser,
    engine: EngineDep,
    session: SessionDep,
    settings: SettingsDep,
    person_id: int,
    case_id: int | None = None,
    referred_on: date | None = None,
) -> HTMLResponse:
    """The rules' suggestions for the child, to confirm (problems ticked re-propose)."""
    problems = request.query_params.getlist("problems")
    on = referred_on or date.today()
    try:
        proposal = referrals.propose(
            engine,
            user_id=user.id,  # type: ignore[arg-type]
            person_id=person_id,
            on=on,
            problems=problems,
            case_id=case_id,
        )
    except DomainError as exc:
        return error_page(request, exc, user=user, session=session, settings=settings)
    policy = referral_policy()
    context = {
        "proposal": proposal,
        "case_id": case_id,
        "policy": policy,
        "suggested": {s.agency_code: s for s in proposal.suggestions},
        "error": request.query_params.get("error", ""),
    }
    return _render(request, "children/pages/referral_new.html", context, user, session, settings)


@pages.post("/referrals/new")
async def confirm_form(
    request: Request, user: PageUser, engine: EngineDep, session: SessionDep, settings: SettingsDep
) -> Response:
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    chosen = [v for v in form.getlist("agencies") if isinstance(v, str)]
    problems = [v for v in form.getlist("problems") if isinstance(v, str)]
    reasons = {k.removeprefix("reason:"): v for k, v in values.items() if k.startswith("reason:")}

    def run(data: dict[str, str]) -> str:
        try:
            person_id = int(data.get("person_id", ""))
            on = date.fromisoformat(data.get("referred_on", ""))
            case_id = int(data["case_id"]) if data.get("case_id") else None
        except ValueError:
            raise InvalidInput("ข้อมูลเด็กหรือวันที่ส่งต่อไม่ถูกต้อง") from None
        sent = referrals.confirm(
            engine,
            user_id=user.id,  # type: ignore[arg-type]
            person_id=person_id,
            on=on,
            problems=problems,
            agencies=chosen,
            reasons=reasons,
            case_id=case_id,
        )
        return f"ส่งต่อแล้ว {len(sent)} หน่วยงาน รอหน่วยงานตอบรับ"

    return await posted_form(
        request, user, session, settings, run=run, back="/pages/children/referrals"
    )


@pages.get("/referrals/{referral_id}", response_class=HTMLResponse)
def referral_page(
    request: Request,
    referral_id: int,
    user: PageUser,
    engine: EngineDep,
    session: SessionDep,
    settings: SettingsDep,
    purpose: str = "",
) -> HTMLResponse:
    context: dict[str, Any] = {"referral_id": referral_id, "purposes": PURPOSES}
    if not purpose.strip():
        return _render(
            request, "children/pages/referral_purpose.html", context, user, session, settings
        )
    try:
        view = read_referral(
            engine,
            user_id=user.id,  # type: ignore[arg-type]
            referral_id=referral_id,
            purpose=purpose,
            channel="page",
        )
    except DomainError as exc:
        return error_page(request, exc, user=user, session=session, settings=settings)
    is_contact = view.referral.agency_id in contact_agency_ids(session, user)
    context |= {
        "view": view,
        "purpose": purpose,
        "may_acknowledge": is_contact and view.referral.status == ReferralStatus.waiting,
        "may_record": (is_contact or is_coordinator(session, user)) and view.next_outcomes,
        "flash": request.query_params.get("flash", ""),
    }
    return _render(request, "children/pages/referral.html", context, user, session, settings)


def _back(referral_id: int, purpose: str) -> str:
    return f"/pages/children/referrals/{referral_id}?" + urlencode({"purpose": purpose})


@pages.post("/referrals/{referral_id}/{action}")
async def referral_action(
    request: Request,
    referral_id: int,
    action: str,
    user: PageUser,
    engine: EngineDep,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    form = await request.form()
    purpose = str(form.get("purpose", "")) or PURPOSES[0]

    def run(data: dict[str, str]) -> str:
        if action == "acknowledge":
            received = data.get("received") == "yes"
            referrals.acknowledge(
                engine,
                user_id=user.id,  # type: ignore[arg-type]
                referral_id=referral_id,
                received=received,
                comment=data.get("comment", ""),
            )
            return referrals.ACKNOWLEDGED[received]
        if action == "outcome":
            try:
                status = ReferralStatus(data.get("status", ""))
            except ValueError:
                raise InvalidInput("กรุณาเลือกผลการส่งต่อ", field="status") from None
            referrals.record_outcome(
                engine,
                user_id=user.id,  # type: ignore[arg-type]
                referral_id=referral_id,
                status=status,
                note=data.get("note", ""),
            )
            return f"บันทึกผล: {status.thai}"
        raise InvalidInput("ไม่รู้จักคำสั่งนี้")

    response = await posted_form(
        request, user, session, settings, run=run, back=f"/pages/children/referrals/{referral_id}"
    )
    if response.status_code == 303:  # keep the purpose: the page is read again, logged
        location = response.headers["location"]
        flash = location.split("?", 1)[1] if "?" in location else ""
        response.headers["location"] = _back(referral_id, purpose) + (f"&{flash}" if flash else "")
    return response


@pages.get("/agencies", response_class=HTMLResponse)
def agencies_page(
    request: Request, user: PageUser, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    context = {
        "lines": agencies.agency_register(session),
        "today": date.today(),
        "coordinator": is_coordinator(session, user),
        "flash": request.query_params.get("flash", ""),
    }
    return _render(
        request, "children/pages/referral_agencies.html", context, user, session, settings
    )


@pages.post("/agencies/{code}/{action}")
async def agency_action(
    request: Request,
    code: str,
    action: str,
    user: PageUser,
    engine: EngineDep,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    def run(data: dict[str, str]) -> str:
        if action == "contacts":
            return agencies.register_contact(
                engine,
                user_id=user.id,  # type: ignore[arg-type]
                code=code,
                contact_username=data.get("username", "").strip(),
            )
        if action == "agreements":
            try:
                signed = date.fromisoformat(data.get("signed_on", ""))
                expires = date.fromisoformat(data["expires_on"]) if data.get("expires_on") else None
            except ValueError:
                raise InvalidInput("วันที่ลงนามหรือวันสิ้นสุดไม่ถูกต้อง", field="signed_on") from None
            agencies.record_agreement(
                engine,
                user_id=user.id,  # type: ignore[arg-type]
                code=code,
                scope=data.get("scope", ""),
                signed_on=signed,
                expires_on=expires,
                reference=data.get("reference", ""),
            )
            return "บันทึกข้อตกลงความร่วมมือแล้ว"
        raise InvalidInput("ไม่รู้จักคำสั่งนี้")

    return await posted_form(
        request, user, session, settings, run=run, back="/pages/children/agencies"
    )


def case_panel(session: Session, user: User, step: HumanStep) -> Markup:
    """Above the acknowledgement step: the referral's number, agency, date and status; the
    child's details only on the referral's own page, where the read is logged."""
    referral = session.get(Referral, step.case_id)
    if referral is None:
        return Markup("")
    agency = session.get(PartnerAgency, referral.agency_id)
    html = templates.get_template("children/pages/referral_panel.html").render(
        referral=referral, agency=agency.name if agency else ""
    )
    return Markup(html)
