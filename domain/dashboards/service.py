"""The dashboards as one read for one officer: who may open them, then each chart's figures
with the date of the data. Pages and the JSON API call this alone."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from core.db import utcnow
from domain.dashboards.access import check_may_open
from domain.dashboards.complaints import ComplaintFigures, complaint_figures
from domain.dashboards.overdue import OverdueFigures, overdue_by_division
from domain.dashboards.pdca import PdcaFigures, pdca_figures
from domain.dashboards.screening import ScreeningFigures, screening_figures
from domain.engine.calendar import BANGKOK, fiscal_year, format_thai_date
from domain.errors import InvalidInput
from models.people import User

YEARS_SHOWN = 5
"""Fiscal years offered in the selector: this one and the four before."""


@dataclass(frozen=True)
class Dashboard:
    """What the page and /api/dashboards show, all read at ``as_of``."""

    as_of: datetime
    as_of_text: str
    fiscal_years: list[int]
    complaints: ComplaintFigures
    screening: ScreeningFigures
    pdca: PdcaFigures
    overdue: OverdueFigures


def check_fiscal_year(fy: int | None, *, current: int) -> int:
    """The fiscal year asked for (Buddhist Era), this one (``current``) by default; a year to
    come or not in Buddhist Era is refused in Thai."""
    if fy is None:
        return current
    if not 2500 <= fy <= current:
        raise InvalidInput(f"ปีงบประมาณต้องเป็นปีพุทธศักราชไม่เกินปีงบประมาณปัจจุบัน ({current})", field="fy")
    return fy


def dashboard(
    session: Session,
    user: User,
    *,
    fy: int | None = None,
    screening_round: int | None = None,
    pdca_round: int | None = None,
    now: datetime | None = None,
) -> Dashboard:
    """Every chart's figures for ``user`` (refused unless ``access`` lets them open the
    dashboards): complaints of fiscal year ``fy``, the screening and PDCA rounds chosen (the
    newest by default), overdue steps at ``now``."""
    check_may_open(session, user)
    now = now or utcnow()
    current = fiscal_year(now.astimezone(BANGKOK).date())
    year = check_fiscal_year(fy, current=current)
    return Dashboard(
        as_of=now,
        as_of_text=format_thai_date(now, style="long", with_time=True),
        fiscal_years=list(range(current, current - YEARS_SHOWN, -1)),
        complaints=complaint_figures(session, year, now=now),
        screening=screening_figures(session, screening_round),
        pdca=pdca_figures(session, pdca_round, today=now.astimezone(BANGKOK).date()),
        overdue=overdue_by_division(session, now=now),
    )
