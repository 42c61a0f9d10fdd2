"""The sealed channel in a real browser (Debian's Chromium) on the running API, on a phone-sized
screen: a citizen reads the manual, files a report anonymously with a passphrase of their own,
keeps the receipt code, follows the report; a named officer opens it (stating the purpose) and
asks a question; the citizen reads it and answers. Screenshots in the test's folder and
/tmp/shots/integrity-*.png."""

import shutil
import sys
from pathlib import Path

import pytest

from tests.browser import chromium, running_api, sign_in_page
from tests.helpers import SCREENSHOTS as SHOTS

PASSPHRASE = "ข้าวเหนียวส้มตำ-2569"
START_HANDLING = (
    "from core.db import get_engine, in_transaction;"
    "from domain.integrity.rules import open_received;"
    "print(in_transaction(get_engine(), open_received))"
)


@pytest.fixture(scope="module")
def live_api(tmp_path_factory):
    with running_api(tmp_path_factory.mktemp("integrity-pages-system"), demo=False) as system:
        yield system


@pytest.mark.slow
def test_browser_a_citizen_reports_and_follows_and_an_officer_asks(live_api, tmp_path):
    from playwright.sync_api import expect

    base = live_api.api_url
    shots: list[Path] = []

    def shot(page, name: str) -> None:
        path = tmp_path / f"integrity-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        shots.append(path)

    with chromium() as browser:
        phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="th-TH")
        citizen = phone.new_page()
        errors: list[str] = []
        citizen.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        citizen.goto(f"{base}/integrity")
        expect(citizen.get_by_role("heading", level=1)).to_contain_text("คู่มือ")
        shot(citizen, "manual")
        citizen.get_by_role("link", name="แจ้งเรื่องร้องเรียนการทุจริต").first.click()
        citizen.fill("input[name=subject]", "เรียกรับเงินค่าต่อใบอนุญาตแผงลอย")
        citizen.fill(
            "textarea[name=text]",
            "เจ้าหน้าที่เรียกเก็บเงินเพิ่มรายละ 500 บาทเพื่อต่อใบอนุญาตแผงลอยหน้าตลาดเทศบาล 1",
        )
        citizen.fill("input[name=passphrase]", PASSPHRASE)
        shot(citizen, "report-form")
        citizen.get_by_role("button", name="ส่งเรื่อง").click()
        code = citizen.get_by_test_id("receipt-code").inner_text()
        assert code.startswith("KKI-")
        shot(citizen, "receipt")

        live_api.run([sys.executable, "-c", START_HANDLING])

        officer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        sign_in_page(officer, base, "prapai")
        officer.goto(f"{base}/pages/integrity")
        expect(officer.locator("table.list")).not_to_contain_text("แผงลอย")  # no content listed
        officer.locator("table.list a").first.click()
        officer.fill("input[name=purpose]", "พิจารณารับเรื่อง")
        officer.get_by_role("button", name="เปิดอ่าน").click()
        expect(officer.get_by_test_id("text")).to_contain_text("แผงลอย")
        officer.locator("textarea[name=text]").fill("กรุณาระบุชื่อหรือลักษณะของเจ้าหน้าที่ผู้เรียกเก็บ")
        officer.get_by_role("button", name="บันทึก", exact=True).click()
        expect(officer.locator("body")).to_contain_text("กรุณาระบุชื่อหรือลักษณะ")
        shot(officer, "officer")

        citizen.goto(f"{base}/integrity/follow")
        citizen.fill("input[name=code]", code.lower().replace("-", " "))
        citizen.fill("input[name=passphrase]", PASSPHRASE)
        citizen.get_by_role("button", name="ดูเรื่อง").click()
        expect(citizen.get_by_test_id("status")).to_contain_text("รอการพิจารณา")
        expect(citizen.locator("body")).to_contain_text("กรุณาระบุชื่อหรือลักษณะ")
        citizen.fill("textarea[name=text]", "ชายสวมเสื้อกั๊กสีส้ม มาเก็บเงินทุกวันจันทร์ช่วงเช้า")
        citizen.get_by_role("button", name="ส่งข้อความ").click()
        expect(citizen.locator("body")).to_contain_text("ส่งข้อความถึงเจ้าหน้าที่แล้ว")
        shot(citizen, "followed")
        assert errors == []
        browser.close()

    SHOTS.mkdir(parents=True, exist_ok=True)
    for path in shots:
        shutil.copy(path, SHOTS / path.name)
