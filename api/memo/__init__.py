"""The memo's JSON routes (/api/memos) and pages (/pages/memos, the memo on its steps)."""

from fastapi import FastAPI

from api.memo import pages, routes
from api.workflows import NavLink, WorkflowPages


def install(app: FastAPI) -> None:
    app.include_router(routes.router)
    app.include_router(pages.router)


PAGES = WorkflowPages(
    install=install,
    case_panel=pages.case_panel,
    nav=(NavLink("/pages/memos", "บันทึกข้อความ"),),  # any officer writes one
)
