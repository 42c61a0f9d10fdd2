"""The complaint documents as PDF: the receipt (the citizen's copy by number and PIN posted as
a form, never with a wrong PIN; the centre's copy for the centre only) and the monthly report
(A4, Sarabun embedded, the month in Buddhist Era, the same readers as its HTML)."""

import pytest

import adapters.pdf
from adapters.pdf import PdfUnavailable
from tests.complaints.test_citizen_pages import file_complaint
from tests.complaints.test_complaint_report import seeded  # noqa: F401  (November 2569's mix)
from tests.helpers import login, screenshot_path
from tests.pdf_helpers import assert_a4_with_sarabun, download_names, read_pdf, save_first_page_png

RECEIPT_PDF = "/api/complaints/public/receipt.pdf"
MONTHLY_PDF = "/api/complaints/reports/monthly.pdf"
NOVEMBER = {"year": 2569, "month": 11}


def test_citizen_receipt_pdf_from_number_and_pin(client):
    number, pin, page = file_complaint(client)
    # The receipt page offers the PDF through a form: the PIN is in its body, in no link.
    assert f'action="{RECEIPT_PDF}"' in page and "ดาวน์โหลด PDF" in page
    assert f"pin={pin}" not in page

    r = client.post(RECEIPT_PDF, data={"number": number, "pin": pin})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["cache-control"] == "no-store"
    assert download_names(r.headers["content-disposition"]) == (
        f"complaint-receipt-{number}.pdf",
        f"ใบรับเรื่อง-{number}.pdf",
    )
    pdf = read_pdf(r.content)
    assert_a4_with_sarabun(pdf)
    assert pdf.pages == 1
    assert number in pdf.text
    assert f"รหัส PIN {' '.join(pin)}" in pdf.text  # printed spaced out, easy to copy by hand
    assert "ใบรับเรื่องร้องเรียน" in pdf.text and "ฉบับผู้ร้อง" in pdf.text
    assert "อีเมลฉบับนี้ส่งจากระบบ" not in pdf.text  # the mail's footer is not on paper
    assert "นายสมหมาย" not in pdf.text  # the citizen's copy carries nothing the sender typed
    assert number in pdf.title
    save_first_page_png(r.content, screenshot_path("pdf-complaint-receipt.png"))


def test_receipt_pdf_is_not_given_for_a_wrong_pin(client):
    number, pin, _ = file_complaint(client)
    wrong = f"{(int(pin) + 1) % 1_000_000:06d}"
    r = client.post(RECEIPT_PDF, data={"number": number, "pin": wrong})
    assert r.status_code == 404
    assert not r.content.startswith(b"%PDF")
    assert client.post(RECEIPT_PDF, data={"number": number}).status_code in (404, 422)
    # The PIN never goes in an address: the citizen's copy is not served to a GET.
    got = client.get(RECEIPT_PDF, params={"number": number, "pin": pin})
    assert got.status_code in (401, 404, 405) and not got.content.startswith(b"%PDF")


def test_centre_copy_pdf_for_the_centre_only(client, engine):
    number, _, _ = file_complaint(client)
    from sqlmodel import Session

    from domain.complaints.lookups import by_number

    with Session(engine) as session:
        complaint_id = by_number(session, number).id
    centre = client.get(
        f"/api/complaints/{complaint_id}/receipt.pdf", headers=login(client, "kanya")
    )
    assert centre.status_code == 200, centre.text
    pdf = read_pdf(centre.content)
    assert_a4_with_sarabun(pdf)
    assert number in pdf.text and "นายสมหมาย" in pdf.text and "ฉบับศูนย์รับเรื่อง" in pdf.text
    outsider = client.get(
        f"/api/complaints/{complaint_id}/receipt.pdf", headers=login(client, "chatchai")
    )
    assert outsider.status_code in (403, 404)
    assert client.get(f"/api/complaints/{complaint_id}/receipt.pdf").status_code == 401


def test_monthly_report_pdf_with_the_month_in_buddhist_era(client):
    headers = login(client, "nipa")
    r = client.get(MONTHLY_PDF, params=NOVEMBER, headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    ascii_name, thai_name = download_names(r.headers["content-disposition"])
    assert ascii_name == "complaint-report-2569-11.pdf"
    assert thai_name == "รายงานเรื่องร้องเรียน-พฤศจิกายน 2569.pdf"
    pdf = read_pdf(r.content)
    assert_a4_with_sarabun(pdf)
    assert "พฤศจิกายน 2569" in pdf.text and "พฤศจิกายน 2569" in pdf.title
    flat = " ".join(pdf.text.split())
    assert "ทั้งหมด 7 เรื่อง" in flat  # the month's total, as the JSON report counts it
    assert "60.0%" in flat and "66.7%" in flat  # solved and satisfied shares
    assert "ดาวน์โหลด PDF" not in pdf.text  # the link is for the screen and the mail only
    page = client.get("/api/complaints/reports/monthly.html", params=NOVEMBER, headers=headers)
    assert "/api/complaints/reports/monthly.pdf?year=2569&amp;month=11" in page.text
    save_first_page_png(r.content, screenshot_path("pdf-complaint-monthly-report.png"))


@pytest.mark.parametrize("username", ["chatchai", "somchai"])
def test_monthly_report_pdf_refuses_who_may_not_read_the_report(client, username):
    r = client.get(MONTHLY_PDF, params=NOVEMBER, headers=login(client, username))
    assert r.status_code == 403 and "ผู้อำนวยการ" in r.json()["detail"]
    assert client.get(MONTHLY_PDF, params=NOVEMBER).status_code == 401


def test_without_pango_the_pdf_answers_503_in_thai(client, monkeypatch):
    """Where WeasyPrint cannot load pango, the PDF route says so in Thai; the HTML stays."""

    def no_pango() -> None:
        raise PdfUnavailable("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(adapters.pdf, "_weasyprint", no_pango)
    headers = login(client, "nipa")
    r = client.get(MONTHLY_PDF, params=NOVEMBER, headers=headers)
    assert r.status_code == 503 and "PDF" in r.text and "pango" in r.text
    assert r.headers["content-type"].startswith("text/html")
    html = client.get("/api/complaints/reports/monthly.html", params=NOVEMBER, headers=headers)
    assert html.status_code == 200
