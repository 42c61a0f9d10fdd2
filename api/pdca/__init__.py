"""The plan's JSON routes (/api/pdca), officers' pages (/pages/pdca, the plan on its steps) and
the public page (/pdca/plan)."""

from fastapi import FastAPI

from api.pdca import pages, public, routes
from api.workflows import WorkflowPages


def install(app: FastAPI) -> None:
    app.include_router(routes.router)
    app.include_router(pages.router)
    app.include_router(public.router)


PAGES = WorkflowPages(
    install=install,
    case_panel=pages.case_panel,
    nav=(("/pages/pdca", "แผนป้องกันการทุจริต"),),
)
