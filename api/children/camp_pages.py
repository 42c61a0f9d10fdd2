"""Youth camp pages (/pages/children/camps): the cohorts, opening one, and a cohort's page
(enrolment up to its capacity, attendance each day, the problems screened at the camp and
referrals from it through the referral rules). For the programme's coordinators."""

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from api.children.page_forms import posted_form
from api.deps import EngineDep, SessionDep, SettingsDep
from api.pages.common import PageUser, error_page, render
from domain.children import camps
from domain.children.referral_policy import referral_policy
from domain.errors import DomainError, InvalidInput

pages = APIRouter(prefix="/pages/children/camps", tags=["pages"], include_in_schema=False)


def _number(data: dict[str, str], name: str, label: str) -> int:
    try:
        return int(data.get(name, ""))
    except ValueError:
        raise InvalidInput(f"กรุณาระบุ{label}", field=name) from None


@pages.get("", response_class=HTMLResponse)
def cohorts_page(
    request: Request, user: PageUser, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    try:
        rows = camps.cohorts(session, user=user)
    except DomainError as exc:
        return error_page(request, exc, user=user, session=session, settings=settings)
    context = {
        "rows": rows,
        "camp": referral_policy().camp,
        "flash": request.query_params.get("flash", ""),
    }
    return render(
        request,
        "children/pages/camp_list.html",
        context,
        user=user,
        session=session,
        settings=settings,
    )


@pages.post("")
async def open_cohort_form(
    request: Request, user: PageUser, engine: EngineDep, session: SessionDep, settings: SettingsDep
) -> Response:
    def run(data: dict[str, str]) -> str:
        try:
            starts = date.fromisoformat(data.get("starts_on", ""))
        except ValueError:
            raise InvalidInput("กรุณาระบุวันเริ่มค่าย", field="starts_on") from None
        cohort = camps.open_cohort(
            engine,
            user_id=user.id,  # type: ignore[arg-type]
            starts_on=starts,
            venue=data.get("venue", ""),
        )
        return f"เปิด{cohort.title}แล้ว"

    return await posted_form(
        request, user, session, settings, run=run, back="/pages/children/camps"
    )


@pages.get("/{cohort_id}", response_class=HTMLResponse)
def cohort_page(
    request: Request, cohort_id: int, user: PageUser, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    try:
        view = camps.cohort_view(session, user=user, cohort_id=cohort_id)
    except DomainError as exc:
        return error_page(request, exc, user=user, session=session, settings=settings)
    policy = referral_policy()
    context: dict[str, Any] = {
        "view": view,
        "problems": policy.problem,
        "problem_titles": policy.problem_titles,
        "agencies": policy.agencies,
        "today": date.today(),
        "flash": request.query_params.get("flash", ""),
    }
    return render(
        request,
        "children/pages/camp_cohort.html",
        context,
        user=user,
        session=session,
        settings=settings,
    )


@pages.post("/{cohort_id}/{action}")
async def cohort_action(
    request: Request,
    cohort_id: int,
    action: str,
    user: PageUser,
    engine: EngineDep,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    form: FormData = await request.form()
    lists = {k: [v for v in form.getlist(k) if isinstance(v, str)] for k in form}
    uid: int = user.id  # type: ignore[assignment]

    def run(data: dict[str, str]) -> str:
        if action == "enrol":
            camps.enrol(
                engine,
                user_id=uid,
                cohort_id=cohort_id,
                person_id=_number(data, "person_id", "รหัสเด็ก"),
            )
            return "ลงทะเบียนแล้ว"
        if action == "attendance":
            day = _number(data, "day", "วันที่ของค่าย")
            present = {int(v) for v in lists.get("present", []) if v.isdigit()}
            n = camps.record_attendance(
                engine, user_id=uid, cohort_id=cohort_id, day=day, present_ids=present
            )
            return f"บันทึกการเข้าร่วมวันที่ {day} แล้ว มา {n} คน"
        if action == "problems":
            camps.record_problems(
                engine,
                user_id=uid,
                enrolment_id=_number(data, "enrolment_id", "ผู้เข้าค่าย"),
                problems=lists.get("problems", []),
                note=data.get("note", ""),
            )
            return "บันทึกปัญหาที่พบแล้ว"
        if action == "refer":
            reasons = {
                k.removeprefix("reason:"): v for k, v in data.items() if k.startswith("reason:")
            }
            sent = camps.refer_from_camp(
                engine,
                user_id=uid,
                enrolment_id=_number(data, "enrolment_id", "ผู้เข้าค่าย"),
                agencies=lists.get("agencies", []),
                reasons=reasons,
                on=date.today(),
            )
            return f"ส่งต่อแล้ว {len(sent)} หน่วยงาน"
        raise InvalidInput("ไม่รู้จักคำสั่งนี้")

    return await posted_form(
        request, user, session, settings, run=run, back=f"/pages/children/camps/{cohort_id}"
    )
