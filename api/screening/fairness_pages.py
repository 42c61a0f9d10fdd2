"""The round's fairness page: the funnel as a chart (inline SVG: the pages' CSP allows no
outside or inline script), who got what by community and benefit, and for the welfare
division's coordinators the repeated requests (names read through the read log)."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import EngineDep, SessionDep, SettingsDep
from api.pages.common import PageUser, error_page, render
from api.screening.benefit_access import readable_round
from api.screening.benefit_page_common import helpers
from domain.errors import DomainError
from domain.screening import fairness
from domain.screening.rounds import is_coordinator

router = APIRouter(prefix="/pages/screening", tags=["pages"], include_in_schema=False)

BAR_HEIGHT = 26
CHART_WIDTH = 640
LABEL_WIDTH = 240


def funnel_bars(
    stages: list[fairness.FunnelStage], *, label_width: int = LABEL_WIDTH
) -> dict[str, Any]:
    """Bars in SVG units: each stage's width in proportion to the largest figure; the labels
    (Thai, about 8 units a character at 14 px) right-aligned in ``label_width``."""
    top = max((s.count for s in stages), default=0) or 1
    span = CHART_WIDTH - label_width - 60
    bars = [
        {
            "y": i * (BAR_HEIGHT + 8),
            "width": round(span * s.count / top),
            "title": s.title,
            "count": s.count,
            "key": s.key,
        }
        for i, s in enumerate(stages)
    ]
    return {
        "bars": bars,
        "height": len(bars) * (BAR_HEIGHT + 8),
        "width": CHART_WIDTH,
        "label_width": label_width,
        "bar_height": BAR_HEIGHT,
    }


@router.get("/rounds/{round_id}/fairness", response_class=HTMLResponse)
def fairness_page(
    round_id: int,
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
) -> Response:
    try:
        screening_round = readable_round(session, user, round_id)
        coordinator = is_coordinator(session, user)
        flags = (
            fairness.read_repeat_flags(engine, round_id, reader_id=user.id or 0)
            if coordinator
            else []
        )
    except DomainError as exc:
        return error_page(request, exc, user=user, session=session, settings=settings)
    found = fairness.funnel(session, round_id)
    return render(
        request,
        "screening/fairness/fairness.html",
        {
            "round": screening_round,
            "funnel": found,
            "stages_chart": funnel_bars(found.stages),
            "benefits_chart": funnel_bars(
                found.benefits,
                label_width=min(
                    CHART_WIDTH - 160, 8 * max((len(b.title) for b in found.benefits), default=0)
                ),
            ),
            "who": fairness.who_got_what(session, round_id),
            "flags": flags,
            "is_coordinator": coordinator,
            **helpers(),
        },
        user=user,
        session=session,
        settings=settings,
    )
