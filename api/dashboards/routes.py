"""/api/dashboards: the dashboards' figures as JSON, for the executives (``domain.dashboards``
says who)."""

from typing import Any

from fastapi import APIRouter

from api.dashboards.figures_json import dashboard_json
from api.deps import CurrentUser, SessionDep
from domain.dashboards.service import dashboard

router = APIRouter(prefix="/api/dashboards", tags=["dashboards"])


@router.get("")
def dashboards(
    user: CurrentUser,
    session: SessionDep,
    fy: int | None = None,
    screening_round: int | None = None,
    pdca_round: int | None = None,
) -> dict[str, Any]:
    """Complaints against the 90 % / 85 % targets by month and division (fiscal year ``fy``),
    a screening round's funnel, a PDCA round's progress by division and dimension, and overdue
    open steps by division; the newest round and this fiscal year by default."""
    return dashboard_json(
        dashboard(session, user, fy=fy, screening_round=screening_round, pdca_round=pdca_round)
    )
