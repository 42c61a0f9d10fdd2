"""The public disclosure pages (ITA/OIT), no login, in Thai, each dated and each with its open
data at a stable URL: the index (/ita), the complaint statistics of a fiscal year (/ita/complaints
with /api/ita/complaints and .csv); the plan, the round reports and the corruption-report
statistics are published by their own workflows and linked from the index."""

import csv
import io
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from sqlmodel import Session

from api.deps import SessionDep
from api.pdca.common import export_response
from core.settings import PROJECT_ROOT
from domain.complaints.report import SATISFIED_TARGET, SOLVED_TARGET
from domain.engine.calendar import fiscal_year, thai_date_text
from domain.errors import InvalidInput, NotFound
from domain.integrity.disclosure import ComplaintYear, complaint_year, percent, published_reports
from domain.integrity.rules import today
from domain.pdca.rules import current_plan
from domain.pdca.summary import plan_view

pages = APIRouter(prefix="/ita", tags=["disclosure pages"], include_in_schema=False)
api = APIRouter(prefix="/api/ita", tags=["disclosure (open data)"])
templates = Jinja2Templates(
    directory=[PROJECT_ROOT / "templates" / "integrity" / "public", PROJECT_ROOT / "templates"]
)
templates.env.filters["thaiday"] = lambda d: thai_date_text(d, with_time=False)
templates.env.filters["thaitime"] = lambda d: thai_date_text(d, with_time=True)
CSV_RESPONSE = {
    200: {
        "description": "CSV (UTF-8 with BOM)",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    }
}


def _fiscal_year(fy: int | None) -> int:
    if fy is None:
        return fiscal_year(today())
    if not 2500 <= fy <= 2700:
        raise InvalidInput("ปีงบประมาณต้องเป็นปีพุทธศักราช เช่น 2569", field="fy")
    return fy


def _complaints_json(year: ComplaintYear) -> dict[str, Any]:
    solved, satisfied = year.solved, year.satisfied
    return {
        "fiscal_year": year.fiscal_year,
        "as_of": year.as_of.isoformat(),
        "targets_percent": {"solved": SOLVED_TARGET * 100, "satisfied": SATISFIED_TARGET * 100},
        "total": year.total,
        "solved_percent": percent(*solved),
        "satisfied_percent": percent(*satisfied),
        "ratings": year.ratings(),
        "by_category": [{"category": title, "count": n} for title, n in year.by_category()],
        "months": [
            {
                "month": m.key,
                "title": m.month_title,
                "total": m.total,
                "solved": m.solved.numerator,
                "within_powers": m.solved.denominator,
                "solved_percent": m.solved.percent,
                "rated": m.satisfied.denominator,
                "satisfied": m.satisfied.numerator,
                "satisfied_percent": m.satisfied.percent,
                "by_category": {row.title: row.count for row in m.by_category},
            }
            for m in year.months
        ],
    }


@api.get("/complaints")
def complaints_json(session: SessionDep, fy: int | None = None) -> dict[str, Any]:
    """Complaints of a fiscal year by month and type, the solved and satisfied shares against
    the 90 % and 85 % targets, the ratings: the monthly reports' own figures."""
    return _complaints_json(complaint_year(session, _fiscal_year(fy)))


@api.get("/complaints.csv", response_class=Response, responses=CSV_RESPONSE)
def complaints_csv(session: SessionDep, fy: int | None = None) -> Response:
    year = complaint_year(session, _fiscal_year(fy))
    name = f"complaints-{year.fiscal_year}.csv"
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["เดือน", "เรื่องทั้งหมด", "แก้ไขแล้ว", "อยู่ในอำนาจหน้าที่", "ร้อยละแก้ไขแล้ว",
         "ผู้ประเมิน", "พึงพอใจ (4–5)", "ร้อยละความพึงพอใจ"]
    )  # fmt: skip
    for m in year.months:
        writer.writerow(
            [m.month_title, m.total, m.solved.numerator, m.solved.denominator,
             m.solved.percent if m.solved.percent is not None else "",
             m.satisfied.denominator, m.satisfied.numerator,
             m.satisfied.percent if m.satisfied.percent is not None else ""]
        )  # fmt: skip
    return Response(
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@api.get("/plan.{ext}", response_class=Response, responses=CSV_RESPONSE)
def plan_open_data(ext: str, session: SessionDep) -> Response:
    """The plan in force as open data: the same file as for E-PlanNACC (CSV or JSON)."""
    if ext not in ("csv", "json"):
        raise InvalidInput("ไฟล์ได้เฉพาะ csv หรือ json", field="ext")
    plan = current_plan(session)
    if plan is None:
        raise NotFound("ยังไม่มีแผนที่ประกาศใช้")
    return export_response(plan_view(session, plan), ext)


def _page(request: Request, name: str, context: dict[str, Any]) -> HTMLResponse:
    return templates.TemplateResponse(request, name, {"today": today(), **context})


@pages.get("", response_class=HTMLResponse)
def index(request: Request, session: SessionDep) -> HTMLResponse:
    return _page(request, "ita.html", _index_context(session))


def _index_context(session: Session) -> dict[str, Any]:
    return {
        "plan": current_plan(session),
        "reports": published_reports(session),
        "fy": fiscal_year(today()),
    }


@pages.get("/complaints", response_class=HTMLResponse)
def complaints_page(request: Request, session: SessionDep, fy: int | None = None) -> HTMLResponse:
    year = complaint_year(session, _fiscal_year(fy))
    context = {
        "year": year,
        "solved": percent(*year.solved),
        "satisfied": percent(*year.satisfied),
        "solved_target": SOLVED_TARGET * 100,
        "satisfied_target": SATISFIED_TARGET * 100,
    }
    return _page(request, "ita_complaints.html", context)
