"""The complaint's routes and pages: the public and the officers' JSON (/api/complaints), the
monthly report, Open311 GeoReport v2, the LINE webhook, the citizens' pages (/complaints) and
the officers' pages (/pages/complaints, and the complaint on its steps' pages)."""

from fastapi import FastAPI

from api.complaints import (
    citizen_pages,
    line,
    monthly_report_pdf,
    open311,
    pages,
    panel,
    public_routes,
    receipt_pdf,
    report,
    routes,
)
from api.workflows import NavLink, WorkflowPages


def install(app: FastAPI) -> None:
    app.include_router(report.router)  # before routes: /api/complaints/reports is no id
    app.include_router(monthly_report_pdf.router)
    app.include_router(receipt_pdf.router)  # the receipts as PDF (api/pdf_documents.py)
    app.include_router(public_routes.router)
    app.include_router(routes.router)
    app.include_router(open311.router)
    app.include_router(line.router)
    app.include_router(citizen_pages.router)
    app.include_router(pages.router)


PAGES = WorkflowPages(
    install=install,
    case_panel=panel.case_panel,
    field_choices=panel.field_choices,
    nav=(NavLink("/pages/complaints", "เรื่องร้องเรียน"),),  # any officer may be assigned one
)
