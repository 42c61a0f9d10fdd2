"""In a real browser (Debian's Chromium) on the running API: the citizen prints the receipt from
the "received" page without the PIN ever being in an address, and an officer's logout button
ends the login, so that the old cookie no longer opens a page."""

import re
from collections.abc import Iterator

import pytest

from ops.run import LocalSystem
from tests.browser import chromium, running_api, sign_in_page

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def live_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalSystem]:
    """The API alone on its own database with the organisation and the complaint categories."""
    with running_api(tmp_path_factory.mktemp("security-browser"), demo=False) as system:
        yield system


@pytest.fixture
def browser() -> Iterator[object]:
    with chromium() as launched:
        yield launched


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
    sign_in_page(page, base, "wichai")
    old = [c for c in page.context.cookies() if c["name"] == "kkm_token"]
    assert len(old) == 1

    page.get_by_role("button", name="ออกจากระบบ").click()
    page.wait_for_url(f"{base}/pages/login")
    page.context.add_cookies(old)  # the cookie, kept by someone
    page.goto(f"{base}/pages/inbox")
    assert page.url.startswith(f"{base}/pages/login")
