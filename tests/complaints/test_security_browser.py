"""In a real browser (Debian's Chromium) on the running API: the citizen prints the receipt from
the "received" page without the PIN ever being in an address, and an officer's logout button
ends the login, so that the old cookie no longer opens a page."""

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from ops.run import LocalSystem, Ports
from ops.seed import DEMO_PASSWORD
from ops.smtp_capture import free_port

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def live_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalSystem]:
    """The API alone on its own database with the demo organisation (Prefect off)."""
    system = LocalSystem(
        var_dir=tmp_path_factory.mktemp("security-browser"),
        ports=Ports(api=free_port(), prefect=free_port(), smtp=free_port()),
        extra_env={"KKM_PREFECT_ENABLED": "false"},
    )
    try:
        system.prepare_database(demo=False)  # the organisation and the complaint categories
        system.start_api()
        yield system
    finally:
        system.stop()


@pytest.fixture
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("KKM_REQUIRE_BROWSER") == "1":
            pytest.fail(f"KKM_REQUIRE_BROWSER=1 but {CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} not installed (bash ops/install_browser.sh)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            yield chromium
        finally:
            chromium.close()


def test_the_receipt_is_printed_without_the_pin_in_any_address(live_api, browser) -> None:
    base = live_api.api_url
    page = browser.new_page(locale="th-TH")  # type: ignore[attr-defined]
    addresses: list[str] = []
    page.on("request", lambda req: addresses.append(req.url))
    page.goto(f"{base}/complaints/new")
    page.select_option("select[name=category]", "street-light")
    page.fill("textarea[name=description]", "ไฟฟ้าส่องสว่างหน้าบ้านเลขที่ 12 ดับมา 3 คืนแล้ว")
    page.fill("textarea[name=address]", "ซอยมิตรภาพ 5 ถนนมิตรภาพ อ.เมืองขอนแก่น")
    page.fill("input[name=name]", "นายสมหมาย ใจงาม")
    page.fill("input[name=phone]", "0812345678")
    page.click("button[type=submit]")
    boxes = page.locator(".pin-box strong")
    number, pin = boxes.nth(0).inner_text().strip(), boxes.nth(1).inner_text().strip()
    assert re.fullmatch(r"KKC-25\d\d-\d{6}", number) and re.fullmatch(r"\d{6}", pin)

    with page.expect_popup() as popup:
        page.get_by_role("button", name="พิมพ์ใบรับเรื่อง").click()
    receipt = popup.value
    receipt.wait_for_load_state()
    assert receipt.url == f"{base}/api/complaints/public/receipt"
    text = receipt.content()
    assert pin in text and number in text and "ฉบับผู้ร้อง" in text
    assert not [a for a in addresses if pin in a]


def test_the_logout_button_ends_the_login(live_api, browser) -> None:
    base = live_api.api_url
    page = browser.new_page(locale="th-TH")  # type: ignore[attr-defined]
    page.goto(f"{base}/pages/login")
    page.fill("input[name=username]", "wichai")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/pages/inbox")
    old = [c for c in page.context.cookies() if c["name"] == "kkm_token"]
    assert len(old) == 1

    page.get_by_role("button", name="ออกจากระบบ").click()
    page.wait_for_url(f"{base}/pages/login")
    page.context.add_cookies(old)  # the cookie, kept by someone
    page.goto(f"{base}/pages/inbox")
    assert page.url.startswith(f"{base}/pages/login")
