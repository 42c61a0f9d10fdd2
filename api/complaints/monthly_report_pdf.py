"""The monthly complaint report as PDF, to file: the same document the executives receive by
mail and open at /api/complaints/reports/monthly.html, for the same readers (division directors
and above, the complaint centre's division)."""

from fastapi import APIRouter, Response

import domain.complaints.report as report_domain
from adapters.pdf import PdfDocument
from api.complaints.report import Month, Year, readable_report
from api.deps import CurrentUser, SessionDep
from api.pdf_documents import MAIL_LAYOUT_CSS, PDF_ANSWER, pdf_response

router = APIRouter(prefix="/api/complaints/reports", tags=["complaints"])


@router.get(
    "/monthly.pdf",
    response_class=Response,
    responses=PDF_ANSWER,
)
def monthly_pdf(user: CurrentUser, session: SessionDep, year: Year, month: Month) -> Response:
    """The month's report as an A4 PDF (Sarabun), the month in Buddhist Era."""
    report = readable_report(session, user, year, month)
    document = PdfDocument(
        html=report_domain.render_report_html(report),
        title=f"รายงานเรื่องร้องเรียน/ร้องทุกข์ประจำเดือน {report.month_title}",
        print_css=MAIL_LAYOUT_CSS,
        keywords=[report.key],
    )
    return pdf_response(
        document,
        ascii_name=f"complaint-report-{report.key}.pdf",
        thai_name=f"รายงานเรื่องร้องเรียน-{report.month_title}.pdf",
        back="/pages/complaints",
    )
