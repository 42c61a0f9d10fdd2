"""The monthly complaint report as a PDF: the document the executives file, downloaded from
/api/complaints/reports/monthly.pdf and attached to the report's mail. One place builds it
for both."""

import logging

import domain.complaints.report as report_domain
from adapters.pdf import MAIL_LAYOUT_CSS, PdfDocument, PdfUnavailable, html_to_pdf
from domain.complaints.report import MonthlyReport
from domain.engine.notify import PdfAttachment

log = logging.getLogger(__name__)


def monthly_report_document(report: MonthlyReport) -> PdfDocument:
    """The month's report on A4 (Sarabun), the month in Buddhist Era."""
    return PdfDocument(
        html=report_domain.render_report_html(report),
        title=f"รายงานเรื่องร้องเรียน/ร้องทุกข์ประจำเดือน {report.month_title}",
        print_css=MAIL_LAYOUT_CSS,
        keywords=[report.key],
    )


def thai_filename(report: MonthlyReport) -> str:
    return f"รายงานเรื่องร้องเรียน-{report.month_title}.pdf"


def monthly_report_attachment(report: MonthlyReport) -> PdfAttachment | None:
    """The PDF for the report's mail (rendered once for all its readers); None where PDFs
    cannot be rendered (no pango), and the mail links the download instead."""
    try:
        return PdfAttachment(thai_filename(report), html_to_pdf(monthly_report_document(report)))
    except PdfUnavailable:
        log.warning("monthly report %s: no PDF here; the mail links it", report.key)
        return None
