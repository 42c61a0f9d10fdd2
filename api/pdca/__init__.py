"""PDCA's JSON routes (/api/pdca), officers' pages (/pages/pdca) and public pages (/pdca/…):
the plan (``pdca-plan``) and its reporting rounds (``pdca-round``: the divisions' reports, the
consolidated report, the carry-over), each case type with the panel its steps' pages show."""

from fastapi import FastAPI
from markupsafe import Markup
from sqlmodel import Session

from api.pdca import act as act_pages
from api.pdca import (
    model_subdistrict,
    pages,
    public,
    report_pages,
    report_pdf,
    report_public,
    report_routes,
    round_import,
    rounds_pages,
    routes,
)
from api.pdca import orders as order_pages
from api.pdca import rounds as round_routes
from api.pdca.act_panels import case_panel as act_panel
from api.workflows import NavLink, WorkflowPages
from domain.pdca.act_kinds import ACT_STEP_KINDS
from domain.pdca.consolidate_rules import REPORT_KINDS
from domain.pdca.rounds import is_division_step
from models.people import User
from models.steps import HumanStep


def install(app: FastAPI) -> None:
    app.include_router(routes.router)
    app.include_router(pages.router)
    app.include_router(public.router)
    app.include_router(report_routes.router)
    app.include_router(report_pages.router)
    app.include_router(report_pdf.router)  # before report_public: its report.{ext}
    app.include_router(report_public.router)
    round_import.install(app)
    app.include_router(order_pages.router)
    app.include_router(act_pages.router)


def install_rounds(app: FastAPI) -> None:
    app.include_router(round_routes.router)
    app.include_router(rounds_pages.router)


def round_case_panel(session: Session, user: User, step: HumanStep) -> Markup:
    """A round's step shows what it is about: a division's report (Do), the carry-over (Act)."""
    if is_division_step(step):
        return rounds_pages.case_panel(session, user, step)
    if step.kind in ACT_STEP_KINDS:
        return act_panel(session, user, step)
    if step.kind in REPORT_KINDS:
        return report_pages.case_panel(session, user, step)
    return Markup("")


PAGES = {
    "pdca-plan": WorkflowPages(
        install=install,
        case_panel=pages.case_panel,
        nav=(NavLink("/pages/pdca", "แผนป้องกันการทุจริต"),),  # published: every officer
    ),
    "pdca-round": WorkflowPages(
        install=install_rounds,
        case_panel=round_case_panel,
        nav=(NavLink("/pages/pdca/rounds", "รายงานผลรอบ 6/12 เดือน"),),  # every division reports
    ),
    "pdca-model-subdistrict": model_subdistrict.PAGES,
}
