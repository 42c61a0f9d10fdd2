"""The monthly complaint report as PDF, to file: the same document the executives receive by
mail and open at /api/complaints/reports/monthly.html, for the same readers (division directors
and above, the complaint centre's division)."""

from fastapi import APIRouter, Response

from adapters.complaint_report_pdf import monthly_report_document, thai_filename
from api.complaints.report import Month, Year, readable_report
from api.deps import CurrentUser, SessionDep
from api.pdf_documents import PDF_ANSWER, pdf_response

router = APIRouter(prefix="/api/complaints/reports", tags=["complaints"])


@router.get(
    "/monthly.pdf",
    response_class=Response,
    responses=PDF_ANSWER,
)
def monthly_pdf(user: CurrentUser, session: SessionDep, year: Year, month: Month) -> Response:
    """The month's report as an A4 PDF (Sarabun), the month in Buddhist Era."""
    report = readable_report(session, user, year, month)
    return pdf_response(
        monthly_report_document(report),
        ascii_name=f"complaint-report-{report.key}.pdf",
        thai_name=thai_filename(report),
        back="/pages/complaints",
    )
