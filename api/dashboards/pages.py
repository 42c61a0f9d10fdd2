"""/dashboards: the executives' page. Each chart is drawn in the browser by Apache ECharts
(static/vendor/echarts, SVG) from the figures embedded as JSON, with its data table beneath
(what prints and what a screen reader reads if a chart cannot be drawn)."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.dashboards.figures_json import dashboard_json
from api.deps import SessionDep, SettingsDep
from api.pages.common import PageUser, error_page, render
from domain.dashboards.service import dashboard
from domain.errors import DomainError

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get("/dashboards", response_class=HTMLResponse)
def dashboards_page(
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    fy: int | None = None,
    screening_round: int | None = None,
    pdca_round: int | None = None,
) -> HTMLResponse:
    try:
        d = dashboard(session, user, fy=fy, screening_round=screening_round, pdca_round=pdca_round)
    except DomainError as exc:
        return error_page(request, exc, user=user, session=session, settings=settings)
    return render(
        request,
        "dashboards/page.html",
        {"d": d, "figures": dashboard_json(d)},
        user=user,
        session=session,
        settings=settings,
    )
