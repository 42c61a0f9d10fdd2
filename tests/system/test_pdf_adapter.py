"""The PDF adapter fetches nothing but the project's static files: the stylesheets and the
Sarabun fonts load from disk; another host, a path outside static/ and a local file address
are refused, and the document is still rendered without them."""

from adapters.pdf import (
    BASE_URL,
    STATIC_DIR,
    PdfDocument,
    decompose_sara_am,
    html_to_pdf,
    static_file,
)
from tests.pdf_helpers import assert_a4_with_sarabun, read_pdf


def test_only_static_files_are_served():
    font = static_file(f"{BASE_URL}static/fonts/sarabun-thai-400-normal.woff2")
    assert font == (STATIC_DIR / "fonts" / "sarabun-thai-400-normal.woff2").resolve()
    assert static_file(f"{BASE_URL}static/fonts.css") is not None
    for refused in (
        "https://example.com/static/fonts.css",  # another host
        f"{BASE_URL}static/../core/settings.py",  # out of static/
        f"{BASE_URL}static/%2e%2e/core/settings.py",
        f"{BASE_URL}core/settings.py",
        f"{BASE_URL}static/no-such-file.css",
        "file:///etc/passwd",
    ):
        assert static_file(refused) is None, refused


def test_outside_addresses_are_left_out_and_the_document_still_renders():
    html = (
        '<!doctype html><html lang="th"><head><title>ทดสอบ</title>'
        '<link rel="stylesheet" href="https://example.com/remote.css">'
        '<link rel="stylesheet" href="/static/style.css"></head>'
        '<body><h1>เอกสารทดสอบ น้ำประปา</h1><img src="file:///etc/hostname" alt="">'
        '<img src="http://169.254.169.254/latest/meta-data" alt=""></body></html>'
    )
    pdf = read_pdf(html_to_pdf(PdfDocument(html=html, title="เอกสารทดสอบ")))
    assert_a4_with_sarabun(pdf)
    assert "เอกสารทดสอบ น้ำประปา" in pdf.text and pdf.title == "เอกสารทดสอบ"
    assert b"/Subtype /Image" not in pdf.data


def test_sara_am_is_written_as_its_two_marks_tone_between():
    assert decompose_sara_am("น้ำ ทำ") == "น\u0e4d\u0e49\u0e32 ท\u0e4d\u0e32"
