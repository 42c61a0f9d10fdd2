"""A complaint handled in a real browser (Debian's Chromium) on the running API, as the officers
would: the centre opens it from its inbox, reads it (description, photo, the point on the map)
and sends it to the division chosen in the select; the division confirms receipt, announces a
date, uploads an evidence photo and reports the result; the complainant's tracking page then
shows each public step. Screenshots go to the test's folder and a few to /tmp/shots/."""

import base64
import re
import shutil
import struct
import zlib
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from core.db import utcnow
from domain.engine.calendar import format_thai_date
from tests.browser import chromium, running_api, sign_in_page
from tests.helpers import SCREENSHOTS as SHOTS


def png(width: int, height: int, pixel) -> bytes:
    """A real PNG (RGB, no filter) drawn by ``pixel(x, y) -> (r, g, b)``."""
    rows = b"".join(
        b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def night_street(x: int, y: int) -> tuple[int, int, int]:
    """A dark street with an unlit lamp post."""
    if 150 <= x <= 156 and y >= 40:
        return (90, 90, 100)
    if 120 <= x <= 160 and 34 <= y <= 42:
        return (110, 110, 120)
    if y > 170:
        return (45, 45, 50)
    return (15, 20 + y // 12, 45 + y // 6)


def lit_street(x: int, y: int) -> tuple[int, int, int]:
    """The same street with the lamp lit."""
    if (x - 125) ** 2 + (y - 50) ** 2 < 400:
        return (255, 236, 150)
    dx, dy = x - 125, y - 50
    glow = max(0, 200 - int((dx * dx + dy * dy) ** 0.5))
    base = night_street(x, y)
    return tuple(min(255, c + glow // 2) for c in base)  # type: ignore[return-value]


@pytest.fixture(scope="module")
def live_api(tmp_path_factory):
    """The API on its own database with the demo organisation (Prefect off: cases move in
    the database, as the pages' tests in test_pages.py)."""
    with running_api(tmp_path_factory.mktemp("complaint-pages-system")) as system:
        yield system


@pytest.mark.slow
def test_browser_officers_handle_a_complaint_to_resolved(live_api, tmp_path):
    from playwright.sync_api import expect

    base = live_api.api_url
    description = "ไฟฟ้าส่องสว่างหน้าตลาดต้นตาลดับทั้งแนว 5 ต้น มืดมาก อันตรายต่อผู้สัญจร"
    r = httpx.post(
        f"{base}/api/complaints/public",
        json={
            "category": "street-light",
            "description": description,
            "address": "ถนนมิตรภาพ หน้าตลาดต้นตาล ต.ในเมือง อ.เมืองขอนแก่น",
            "latitude": 16.4322,
            "longitude": 102.8236,
            "complainant": {"name": "นางสาวพิมพ์ใจ แสงดี", "phone": "0861234567"},
            "photos": [
                {
                    "filename": "dark-street.png",
                    "content_base64": base64.b64encode(png(240, 200, night_street)).decode(),
                }
            ],
        },
        timeout=30,
    )
    assert r.status_code == 201, r.text
    number, pin = r.json()["number"], r.json()["pin"]
    # The same lamps reported again from across the road, about 40 m away: a duplicate.
    again = httpx.post(
        f"{base}/api/complaints/public",
        json={
            "category": "street-light",
            "description": "ไฟถนนหน้าตลาดต้นตาลไม่ติดหลายต้น",
            "latitude": 16.43255,
            "longitude": 102.82365,
            "complainant": {"name": "นายสมพงษ์ ทองดี", "phone": "0897654321"},
        },
        timeout=30,
    )
    assert again.status_code == 201, again.text
    duplicate = again.json()["number"]
    evidence = tmp_path / "lamp-fixed.png"
    evidence.write_bytes(png(240, 200, lit_street))
    planned = utcnow().date() + timedelta(days=3)

    SHOTS.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []

    def shot(name: str, element: str | None = None) -> None:
        path = tmp_path / f"{len(shots) + 1:02d}-{name}.png"
        if element:
            page.locator(element).first.screenshot(path=str(path))
        else:
            page.screenshot(path=str(path), full_page=True)
        shots.append(path)

    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="th-TH")
        page.set_default_timeout(15_000)
        outside: list[str] = []  # nothing may load from another host (no CDN, no tiles)
        page.on(
            "request",
            lambda req: None if req.url.startswith(base) else outside.append(req.url),
        )

        def login(username: str) -> None:
            page.context.clear_cookies()
            sign_in_page(page, base, username)

        def open_from_inbox(title: str, which: str = number) -> None:
            row = page.locator("table.inbox tr", has_text=f"เรื่องร้องเรียนเลขที่ {which}")
            expect(row).to_have_count(1)
            expect(row).to_contain_text(title)
            row.locator("a", has_text=which).first.click()
            page.wait_for_selector("#decision-form")
            expect(page.locator(".complaint-panel .number")).to_have_text(which)

        def image_loaded(img) -> None:
            """The thumbnail shows the photo (served by the API, 240 px wide)."""
            img.scroll_into_view_if_needed()
            page.wait_for_function(
                "img => img.complete && img.naturalWidth === 240", arg=img.element_handle()
            )

        def submit_decision() -> None:
            page.click("#decision-form button[type=submit]")
            page.wait_for_url(re.compile(r".*/pages/inbox\?flash=.*"))
            expect(page.locator(".alert.success")).to_contain_text("บันทึกผลการพิจารณา")

        # ---- the complaint centre: read it, then route it to ช่าง
        login("nipa")
        open_from_inbox("ตรวจสอบอำนาจหน้าที่")
        expect(page.locator(".duplicates")).to_contain_text(duplicate)  # filed after it
        panel = page.locator(".complaint-panel")
        expect(panel.locator(".description")).to_have_text(description)
        expect(panel).to_contain_text("ไฟฟ้าสาธารณะชำรุด/ดับ")
        expect(panel).to_contain_text(" 256")  # dates in พ.ศ.
        image_loaded(page.locator("ul.thumbs img").first)
        expect(page.locator(".complaint-map.ready")).to_have_count(1)
        expect(page.locator(".complaint-map path.here")).to_have_count(1)  # the point
        expect(page.locator(".leaflet-control-scale-line")).to_be_visible()
        expect(page.locator(".map-box .coords")).to_have_text("16.43220, 102.82360")
        expect(page.get_by_text("นางสาวพิมพ์ใจ แสงดี")).to_be_visible()
        page.evaluate("document.fonts.ready")
        assert page.evaluate("document.fonts.check('16px Sarabun', 'ทดสอบ')")

        # Another agency is typed, not chosen; back to none.
        page.select_option("select[data-field=agency]", "other")
        expect(page.locator("#agency-other")).to_be_visible()
        expect(page.locator("#agency-other")).to_have_attribute("name", "agency")
        page.select_option("select[data-field=agency]", "")
        expect(page.locator("#agency-other")).to_be_hidden()
        expect(page.locator("select[name=agency]")).to_have_count(1)

        divisions = page.locator("select[name=division_code] option")
        expect(divisions.nth(1)).to_contain_text("ค่าเริ่มต้นตามประเภทเรื่อง")
        page.select_option("select[name=division_code]", "ช่าง")
        page.get_by_role("radio", name="ส่งหน่วยงานภายในดำเนินการ").check()
        page.fill("textarea[name=comment]", "อยู่ในอำนาจหน้าที่ ส่งสำนักช่างดำเนินการ")
        page.locator(".complaint-panel").scroll_into_view_if_needed()
        shot("centre-screening")
        submit_decision()
        mine = page.locator("table.inbox tr", has_text=f"เรื่องร้องเรียนเลขที่ {number}")
        expect(mine).to_have_count(0)

        # The duplicate: the first complaint is on its map and offered to merge into.
        open_from_inbox("ตรวจสอบอำนาจหน้าที่", duplicate)
        expect(page.locator(".duplicates")).to_contain_text(number)
        # The point, the radius and the duplicate (the grid under them takes no clicks).
        expect(page.locator(".complaint-map path.leaflet-interactive")).to_have_count(3)
        merge = page.locator("select[name=merge_into] option", has_text=number)
        expect(merge).to_contain_text("ห่าง")
        shot("centre-duplicate-panel", ".complaint-panel")

        # ---- the division: receipt, date, evidence, result
        login("chatchai")
        open_from_inbox("ยืนยันการรับเรื่อง")
        expect(page.locator(".complaint-panel .description")).to_have_text(description)
        page.get_by_role("radio", name="ยืนยันการรับเรื่อง").check()
        submit_decision()

        open_from_inbox("แจ้งกำหนดวันดำเนินการ")
        page.get_by_role("radio", name="แจ้งกำหนดวันดำเนินการ").check()
        page.fill("input[name=planned_date]", format_thai_date(planned, style="short"))
        page.fill("textarea[name=comment]", "ตรวจพื้นที่แล้ว ต้องเปลี่ยนหลอดและสายไฟ")
        shot("division-schedule")
        submit_decision()

        open_from_inbox("รายงานผลการแก้ไข")
        expect(page.locator(".complaint-panel")).to_contain_text(format_thai_date(planned))
        page.set_input_files("#evidence-form input[type=file]", str(evidence))
        page.click("#evidence-form button[type=submit]")
        page.wait_for_url(re.compile(r".*/pages/steps/\d+#evidence$"))
        proof = page.locator("ul.thumbs.evidence img")
        expect(proof).to_have_count(1)
        image_loaded(proof)
        page.get_by_role("radio", name="ดำเนินการแล้วเสร็จ").check()
        page.fill("textarea[name=result]", "เปลี่ยนหลอดไฟ LED และสายไฟใหม่ 5 ต้น ใช้งานได้ปกติ")
        shot("division-result")
        shot("division-result-panel", ".complaint-panel")
        shot("division-result-photos", ".complaint-more")
        submit_decision()

        # ---- the centre's list: resolved
        login("nipa")
        page.goto(f"{base}/pages/complaints?q={number}")
        row = page.locator("table.complaints tr", has_text=number)
        expect(row).to_contain_text("ดำเนินการแก้ไขแล้ว")
        page.goto(f"{base}/pages/complaints")
        shot("centre-list")
        row.locator("a.number").click()
        page.wait_for_url(re.compile(r".*/pages/complaints/\d+$"))
        expect(page.locator(".complaint-events details")).to_have_attribute("open", "")
        expect(page.locator("table.steps tr")).to_have_count(5)  # a header and 4 steps
        shot("centre-complaint-page")

        page.goto(f"{base}/pages/complaints?status=open")
        expect(page.locator("table.complaints tr", has_text=number)).to_have_count(0)

        # ---- the complainant follows it with number and PIN
        page.context.clear_cookies()
        page.goto(f"{base}/complaints/track")
        page.fill("input[name=number]", number)
        page.fill("input[name=pin]", pin)
        page.click("button[type=submit]")
        timeline = page.locator("ol.timeline")
        for title in (
            "รับเรื่องร้องเรียนแล้ว",
            "ส่งเรื่องให้หน่วยงานที่รับผิดชอบ",
            "หน่วยงานรับเรื่องและกำลังดำเนินการ",
            "หน่วยงานแจ้งกำหนดวันดำเนินการ",
            "ดำเนินการแก้ไขแล้ว",
        ):
            expect(timeline).to_contain_text(title)
        tracked = page.content()
        for secret in ("นายฉัตรชัย", "นางนิภา", "ตรวจพื้นที่แล้ว", "ส่งสำนักช่าง"):
            assert secret not in tracked  # no officer names or internal comments
        shot("citizen-track")
        assert not outside, outside
    for old in SHOTS.glob("complaint-*.png"):
        old.unlink()  # an earlier run's
    for path in shots:
        shutil.copy(path, SHOTS / f"complaint-{path.name}")
