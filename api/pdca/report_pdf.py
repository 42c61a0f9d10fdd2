"""The published consolidated report as PDF, to file: the same A4 page the public reads at
/pdca/rounds/{id}/report (templates/pdca/report/public.html), public like it once the mayor has
approved the report (or for a history round)."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from adapters.pdf import PdfDocument
from api.deps import SessionDep
from api.pdca.report_public import (
    PUBLIC_REPORT,
    not_public_page,
    public_report_context,
    templates,
)
from api.pdf_documents import pdf_response
from domain.errors import DomainError

router = APIRouter(prefix="/pdca/rounds", tags=["public pages"], include_in_schema=False)

TABLES_CSS = """
table.list.report-table th, table.list.report-table td { font-size: 7.5pt !important;
  padding: 1.5pt 2.5pt !important; }
table.list.report-table th { white-space: normal !important; }
table.list.report-table .mark { width: auto !important; }
table.list.report-table small { font-size: 6.5pt !important; }
"""
"""The report's wide tables (eleven columns for the projects) on a portrait A4 page: smaller
type, and headings that wrap, so no column runs off the paper."""


@router.get("/{round_id}/report.pdf")
def public_report_pdf(round_id: int, request: Request, session: SessionDep) -> Response:
    try:
        context = public_report_context(session, round_id)
    except DomainError as exc:
        return not_public_page(request, exc.message)
    html = templates.get_template(PUBLIC_REPORT).render(context)
    view = context["v"]
    title = f"รายงานผลการดำเนินงานตาม{view.figures.plan.name} {view.title}"
    return pdf_response(
        PdfDocument(html=html, title=title, print_css=TABLES_CSS, keywords=[view.title]),
        ascii_name=f"pdca-report-round-{round_id}.pdf",
        thai_name=f"รายงานผลการดำเนินงาน-{view.title}.pdf",
        back=f"/pdca/rounds/{round_id}/report",
        private=False,
    )
