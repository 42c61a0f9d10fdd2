"""Welfare screening's JSON routes (/api/screening) and officers' pages (/pages/screening):
rounds, nominations, imports, duplicates, a person's record (every read logged) and the data
protection officer's read log. Later stages add their own routers to ``install``."""

from fastapi import FastAPI

from api.screening import (
    assessment_pages,
    assessment_progress,
    assessment_routes,
    certify_pages,
    pages,
    record_pages,
    routes,
)
from api.workflows import NavLink, WorkflowPages
from domain.screening.menu_access import has_business, reads_the_log


def install(app: FastAPI) -> None:
    app.include_router(routes.router)
    app.include_router(pages.router)
    app.include_router(record_pages.router)
    app.include_router(assessment_routes.router)
    app.include_router(assessment_pages.router)
    app.include_router(assessment_progress.router)
    app.include_router(certify_pages.router)
    from api.screening import (  # letters, benefits, follow-up, fairness (helper 8)
        benefit_pages,
        benefit_routes,
        fairness_pages,
        followup_pages,
        letters_pages,
        letters_pdf,
    )

    app.include_router(letters_pdf.router)  # before letters_pages: …/batches/{id}.pdf
    for module in (benefit_routes, letters_pages, benefit_pages, followup_pages, fairness_pages):
        app.include_router(module.router)
    from api.screening import renewal_pages  # scholarship mentors and renewal (helper 9)

    app.include_router(renewal_pages.router)
    app.include_router(renewal_pages.pages)


PAGES = WorkflowPages(
    install=install,
    case_panel=assessment_progress.case_panel,
    nav=(
        NavLink("/pages/screening", "คัดกรองผู้รับโอกาส", shown_to=has_business),
        NavLink("/pages/screening/read-log", "บันทึกการเข้าถึงข้อมูล", shown_to=reads_the_log),
    ),
)
