"""The monthly complaint report on demand: JSON, CSV download and HTML (the mailed page).
For division directors and above, and for the complaint centre's division (สป.)."""

from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi.responses import HTMLResponse
from sqlmodel import Session

import domain.complaints.report as report_domain
from api.deps import CurrentUser, SessionDep
from api.middleware import DOCUMENT_HEADERS
from domain.complaints.lookups import in_centre
from domain.engine.authority import outranks
from domain.errors import NotEntitled
from models.people import Position, User

router = APIRouter(prefix="/api/complaints/reports", tags=["complaints"])

Year = Annotated[int, Query(ge=2400, le=2800, description="ปีพุทธศักราช เช่น 2569")]
Month = Annotated[int, Query(ge=1, le=12, description="เดือน 1–12")]


def _check(session: Session, user: User) -> None:
    if outranks(user, Position.division_director):
        return
    if in_centre(session, user):
        return
    raise NotEntitled("รายงานเรื่องร้องเรียนประจำเดือนเปิดดูได้เฉพาะผู้อำนวยการกองขึ้นไปและสำนักปลัดเทศบาล")


def readable_report(
    session: Session, user: User, year: int, month: int
) -> report_domain.MonthlyReport:
    """The month's report, for the readers it is meant for (the JSON, page and PDF routes)."""
    _check(session, user)
    return report_domain.build_monthly_report(session, year_be=year, month=month)


@router.get("/monthly", response_model=report_domain.MonthlyReport)
def monthly(
    user: CurrentUser, session: SessionDep, year: Year, month: Month
) -> report_domain.MonthlyReport:
    """The month's report: complaints registered in it, by status, category, channel and
    division; solved and satisfied shares against their targets; median days to resolve."""
    return readable_report(session, user, year, month)


@router.get(
    "/monthly.csv",
    response_class=Response,
    responses={
        200: {
            "description": "CSV (UTF-8 with BOM)",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    },
)
def monthly_csv(user: CurrentUser, session: SessionDep, year: Year, month: Month) -> Response:
    """The report as a CSV file (UTF-8 with BOM, opens in Excel with the Thai intact)."""
    report = readable_report(session, user, year, month)
    return Response(
        content=report_domain.report_csv(report).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{report_domain.csv_filename(report)}"'
        },
    )


@router.get("/monthly.html", response_class=HTMLResponse)
def monthly_html(user: CurrentUser, session: SessionDep, year: Year, month: Month) -> HTMLResponse:
    """The report as the executives receive it by mail."""
    report = readable_report(session, user, year, month)
    return HTMLResponse(report_domain.render_report_html(report), headers=DOCUMENT_HEADERS)
