"""A reporting round in a real browser (Debian's Chromium) on the running API: the coordinator
opens the 12-month round of fiscal 2568 on the page; eight divisions report through the API; the
internal audit unit's officer fills each of its projects on the division's page (status, amount,
indicator values, the data's date), attaches evidence and submits; its head approves on the
step's page, where the report is shown; the coordinator sees the round complete."""

import re

import httpx
import pytest

from ops.demo_pdca_rounds import DIRECTORS, REPORTERS
from ops.seed import DEMO_PASSWORD
from tests.browser import chromium, running_api, sign_in_page

pytestmark = pytest.mark.slow
BROWSER_DIVISION = "ตส."
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(scope="module")
def live_api(tmp_path_factory):
    """The API on its own database with the demo data (the approved plan, its rounds), Prefect
    off: cases move in the database."""
    with running_api(tmp_path_factory.mktemp("pdca-rounds-browser")) as system:
        yield system


def token(base: str, username: str) -> dict[str, str]:
    r = httpx.post(f"{base}/api/auth/token", data={"username": username, "password": DEMO_PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def report_by_api(base: str, report_id: int, code: str) -> None:
    """Every project of the division completed, indicators at target; submitted, approved."""
    officer = token(base, REPORTERS[code])
    report = httpx.get(f"{base}/api/pdca/reports/{report_id}", headers=officer).json()
    entry = {
        "data_as_of": "2025-09-30",
        "results": [
            {
                "project_no": r["project_no"],
                "status": "completed",
                "disbursed_satang": r["budget_satang"],
                "indicators": [
                    {"indicator_id": i["indicator_id"], "value": i["target"]}
                    for i in r["indicators"]
                ],
            }
            for r in report["results"]
        ],
    }
    sent = httpx.post(
        f"{base}/api/pdca/reports/{report_id}/submit", json={"entry": entry}, headers=officer
    )
    assert sent.status_code == 200, sent.text
    director = token(base, DIRECTORS[code])
    inbox = httpx.get(f"{base}/api/inbox", headers=director).json()
    step = next(
        i["step"]
        for i in inbox
        if i["step"]["case_type"] == "pdca-round" and i["step"]["case_id"] == report["round"]["id"]
    )
    r = httpx.post(
        f"{base}/api/steps/{step['id']}/decision",
        json={"outcome": "approve", "comment": "เห็นชอบ"},
        headers=director,
    )
    assert r.status_code == 201, r.text


def test_browser_a_division_reports_its_projects_and_the_round_completes(live_api, tmp_path):
    from playwright.sync_api import expect

    base = live_api.api_url
    evidence = tmp_path / "หลักฐานการอบรม.pdf"
    evidence.write_bytes(PDF)
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="th-TH")
        page.set_default_timeout(15_000)

        def login(username: str) -> None:
            page.context.clear_cookies()
            sign_in_page(page, base, username)

        # ---- the coordinator opens the round
        login("somchai")
        page.goto(f"{base}/pages/pdca/rounds")
        page.select_option("select[name=fiscal_year]", "2568")
        page.select_option("select[name=kind]", "12-month")
        page.click("form[action='/pages/pdca/rounds'] button[type=submit]")
        page.wait_for_url(re.compile(r".*/pages/pdca/rounds/\d+\?flash=.*"))
        expect(page.locator(".alert.success")).to_contain_text("เปิดรอบการรายงานแล้ว")
        round_id = int(re.search(r"/rounds/(\d+)", page.url).group(1))  # type: ignore[union-attr]
        expect(page.locator("#divisions tbody tr")).to_have_count(9)

        progress = httpx.get(
            f"{base}/api/pdca/rounds/{round_id}", headers=token(base, "somchai")
        ).json()
        reports = {d["division_code"]: d["report_id"] for d in progress["divisions"]}
        for code, report_id in reports.items():
            if code != BROWSER_DIVISION:
                report_by_api(base, report_id, code)

        # ---- the internal audit unit's officer: from the inbox to the division's page
        login(REPORTERS[BROWSER_DIVISION])
        page.locator("a", has_text="ปีงบประมาณ พ.ศ. 2568").first.click()
        page.locator("a.button", has_text="หน้ารายงานของกอง").click()
        page.wait_for_selector("#report-form")
        projects = page.locator("fieldset.project")
        count = projects.count()
        assert count == 3
        for i in range(count):
            fieldset = projects.nth(i)
            fieldset.locator("select").select_option("completed")
            fieldset.locator("input[name^=disbursed-]").fill("1,500")
            fieldset.locator("input[name^=data-as-of-]").fill("2025-09-30")
            for box in fieldset.locator("input[name^=ind-]").all():
                box.fill("100")
            fieldset.locator("textarea[name^=note-]").fill("ดำเนินการครบตามแผน")
        page.click("button[value=save]")
        page.wait_for_url(re.compile(r".*/pages/pdca/reports/\d+\?flash=.*"))
        expect(page.locator(".alert.success")).to_contain_text("บันทึกแล้ว")
        page.set_input_files("input[type=file][name=file]", str(evidence))
        page.click("form[action$='/evidence'] button[type=submit]")
        expect(page.locator(".alert.success")).to_contain_text("แนบไฟล์หลักฐานแล้ว")
        expect(page.locator("#report-form")).to_contain_text("หลักฐานการอบรม.pdf")
        page.click("#submit-report")
        page.wait_for_url(re.compile(r".*/pages/pdca/reports/\d+\?flash=.*"))
        expect(page.locator("#report-status")).to_have_text("ส่งแล้ว รอผู้อำนวยการกองเห็นชอบ")
        page.screenshot(path=str(tmp_path / "01-submitted.png"), full_page=True)

        # ---- its head approves on the step's page
        login(DIRECTORS[BROWSER_DIVISION])
        page.locator("a", has_text="ปีงบประมาณ พ.ศ. 2568").first.click()
        page.wait_for_selector("#decision-form")
        panel = page.locator(".case-panel")
        expect(panel).to_contain_text("หน่วยตรวจสอบภายใน")
        expect(panel).to_contain_text("1,500")
        expect(panel).to_contain_text("หลักฐานการอบรม.pdf")
        page.check("input[name=outcome][value=approve]")
        page.fill("textarea[name=comment]", "เห็นชอบรายงานผล")
        page.click("#decision-form button[type=submit]")
        page.wait_for_url(re.compile(r".*/pages/inbox\?flash=.*"))

        # ---- the coordinator sees the round complete
        login("somchai")
        page.goto(f"{base}/pages/pdca/rounds/{round_id}")
        expect(page.locator("#round-complete")).to_be_visible()
        expect(page.locator("#count-approved")).to_have_text("9/9")
        expect(page.locator("#count-late")).to_have_text("0")
        page.screenshot(path=str(tmp_path / "02-complete.png"), full_page=True)
