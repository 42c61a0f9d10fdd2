"""The executives' figures page (/pages/children/figures): counts only, small numbers shown as
"<5", an A4-printable table with the date of the data in the Buddhist Era."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import SessionDep, SettingsDep
from api.pages.common import PageUser, error_page, render
from core.db import utcnow
from domain.children.figures import figures
from domain.children.referral_policy import referral_policy
from domain.engine.calendar import fiscal_year
from domain.errors import DomainError

pages = APIRouter(prefix="/pages/children/figures", tags=["pages"], include_in_schema=False)


@pages.get("", response_class=HTMLResponse)
def figures_page(
    request: Request, user: PageUser, session: SessionDep, settings: SettingsDep, year: int = 0
) -> HTMLResponse:
    try:
        found = figures(session, user=user, year=year or fiscal_year(utcnow()))
    except DomainError as exc:
        return error_page(request, exc, user=user, session=session, settings=settings)
    context = {"f": found, "floor": referral_policy().figures.suppress_below}
    return render(
        request,
        "children/pages/figures.html",
        context,
        user=user,
        session=session,
        settings=settings,
    )
