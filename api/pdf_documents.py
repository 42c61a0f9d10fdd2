"""What every PDF route shares: the printable page's HTML rendered to PDF (adapters/pdf.py),
answered as a download named in ASCII and in Thai, or 503 with a Thai message when this machine
cannot render PDF (the HTML page stays the way to print)."""

from typing import Any
from urllib.parse import quote

from fastapi.responses import HTMLResponse, Response

from adapters.pdf import PdfDocument, PdfUnavailable, html_to_pdf
from api.middleware import error_page

PDF_ANSWER: dict[int | str, dict[str, Any]] = {
    200: {"description": "PDF (A4)", "content": {"application/pdf": {}}}
}
"""The JSON API's PDF routes document their answer as a PDF (OpenAPI)."""
PDF_UNAVAILABLE = (
    "ขณะนี้ระบบสร้างไฟล์ PDF ไม่ได้ (เครื่องแม่ข่ายยังไม่ได้ติดตั้งโปรแกรมจัดหน้าเอกสาร pango) "
    "กรุณาใช้หน้าเอกสาร HTML แล้วสั่งพิมพ์จากเบราว์เซอร์แทน"
)


def content_disposition(ascii_name: str, thai_name: str) -> str:
    """``attachment`` with an ASCII ``filename`` for old clients and the Thai name as
    ``filename*`` (RFC 6266 / RFC 5987, UTF-8)."""
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "-" for c in ascii_name)
    return f"attachment; filename=\"{safe}\"; filename*=UTF-8''{quote(thai_name, safe='')}"


def pdf_response(
    document: PdfDocument,
    *,
    ascii_name: str,
    thai_name: str,
    back: str = "/",
    private: bool = True,
) -> Response:
    """The document as a PDF download. ``private``: a document with protected data (a letter,
    a receipt with its PIN) is never kept by a cache. Call from a sync route: FastAPI runs it
    in its thread pool, off the event loop."""
    try:
        data = html_to_pdf(document)
    except PdfUnavailable:
        return HTMLResponse(error_page(back, PDF_UNAVAILABLE), status_code=503)
    headers = {"Content-Disposition": content_disposition(ascii_name, thai_name)}
    if private:
        headers["Cache-Control"] = "no-store"
    return Response(data, media_type="application/pdf", headers=headers)
