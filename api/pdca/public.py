"""The plan as the public reads it, without signing in (Thai, A4-printable): the plan in force
(/pdca/plan) and any version that was approved (/pdca/plans/{id}), with its dimensions,
projects, responsible divisions, budgets per fiscal year, announcement and published risks.
Drafts and plans under approval are not public."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.deps import SessionDep
from core.settings import PROJECT_ROOT
from domain.engine.calendar import thai_date_text
from domain.pdca import rules
from domain.pdca.money import baht_text
from domain.pdca.summary import plan_view
from models.pdca import Plan, PlanStatus, RiskLevel, TargetOperator

router = APIRouter(prefix="/pdca", tags=["public pages"], include_in_schema=False)
templates = Jinja2Templates(
    directory=[PROJECT_ROOT / "templates" / "pdca" / "public", PROJECT_ROOT / "templates"]
)
templates.env.filters["thaiday"] = lambda d: thai_date_text(d, with_time=False)
templates.env.globals.update(
    baht=baht_text,
    risk_thai=lambda v: RiskLevel(v).thai,
    operator_thai=lambda v: TargetOperator(v).thai,
    number=lambda d: f"{d.normalize():f}",
)

PUBLISHED = frozenset({PlanStatus.approved, PlanStatus.superseded})


def _page(request: Request, session: SessionDep, plan: Plan | None) -> HTMLResponse:
    if plan is None or plan.status not in PUBLISHED:
        return templates.TemplateResponse(
            request, "none.html", {"message": "ยังไม่มีแผนที่ประกาศใช้"}, status_code=404
        )
    current = rules.current_plan(session, plan.series)
    earlier = [
        v
        for v in rules.versions_of(session, plan.series)
        if v.approved_at is not None
        and plan.approved_at is not None
        and v.approved_at < plan.approved_at
    ]
    return templates.TemplateResponse(
        request,
        "plan.html",
        {"view": plan_view(session, plan), "current": current, "revision_no": len(earlier)},
    )


@router.get("/plan", response_class=HTMLResponse)
def current_plan_page(request: Request, session: SessionDep) -> HTMLResponse:
    """The plan in force."""
    return _page(request, session, rules.current_plan(session))


@router.get("/plans/{plan_id}", response_class=HTMLResponse)
def plan_version_page(plan_id: int, request: Request, session: SessionDep) -> HTMLResponse:
    """A version that was approved (in force, or replaced by a revision)."""
    return _page(request, session, session.get(Plan, plan_id))
