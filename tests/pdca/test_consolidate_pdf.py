"""The consolidated report as PDF: nothing before the mayor approves it; afterwards, without
signing in, the same A4 document as the public page (Sarabun embedded), its figures equal to
the report's (the disbursed share, the projects, the mayor's approval)."""

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from models.people import User
from tests.helpers import screenshot_path
from tests.pdca.consolidate_script import half_up, plan_rows, script_2569
from tests.pdca.test_consolidate_publish import decide, round_2569, submit  # noqa: F401
from tests.pdf_helpers import assert_a4_with_sarabun, download_names, read_pdf, save_first_page_png


def test_the_published_report_as_pdf(
    engine: Engine,
    org: dict[str, User],
    round_2569: int,  # noqa: F811
    client: TestClient,
) -> None:
    url = f"/pdca/rounds/{round_2569}/report.pdf"
    early = client.get(url)
    assert early.status_code == 404 and not early.content.startswith(b"%PDF")

    submit(engine, org, round_2569)
    for who in ("malee", "kanya", "mayor"):
        decide(engine, org[who], round_2569, outcome="approve", comment="เห็นชอบ")
    page = client.get(f"/pdca/rounds/{round_2569}/report")
    assert f'href="{url}"' in page.text and "ดาวน์โหลด PDF" in page.text

    client.cookies.clear()
    r = client.get(url)  # public: no sign-in
    assert r.status_code == 200, r.text[:500]
    assert r.headers["content-type"] == "application/pdf"
    assert "no-store" not in r.headers.get("cache-control", "")
    ascii_name, thai_name = download_names(r.headers["content-disposition"])
    assert ascii_name == f"pdca-report-round-{round_2569}.pdf"
    assert thai_name.startswith("รายงานผลการดำเนินงาน-") and "2569" in thai_name
    pdf = read_pdf(r.content)
    assert_a4_with_sarabun(pdf)
    assert pdf.pages > 1 and "รายงานผลการดำเนินงาน" in pdf.title

    planned = plan_rows(2569)
    budget = sum(p.budget for p in planned.values())
    paid = sum(script_2569(p)[1] for p in planned.values())
    flat = " ".join(pdf.text.split())
    assert f"ร้อยละ {half_up(paid, budget):.2f}" in flat  # the disbursed share
    assert f"{budget // 100:,}" in flat  # the plan's budget in baht
    assert "นายกเทศมนตรีนครขอนแก่น" in flat  # the approval closes the document
    assert "ดาวน์โหลด" not in flat and "พิมพ์ (A4)" not in flat  # the screen's buttons
    assert "หน้า 1 /" in flat  # pages numbered
    save_first_page_png(r.content, screenshot_path("pdf-pdca-report.png"))
