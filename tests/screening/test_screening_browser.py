"""In Chromium on the running API with the demo data: an assessor (welfare division) fills an
assessment on a phone-sized page (390 px wide, a photo from the camera input) and the
coordinator, in another window, sees the round's funnel move."""

import re

import pytest
import sqlalchemy as sa

from tests.browser import chromium, running_api, sign_in_page
from tests.complaints.test_complaint_browser import lit_street, png
from tests.helpers import SCREENSHOTS as SHOTS

WIDER_THAN_SCREEN = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > 390)
  .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + e.getBoundingClientRect().right)"""


@pytest.fixture(scope="module")
def live_api(tmp_path_factory):
    with running_api(tmp_path_factory.mktemp("screening-pages-system")) as system:
        yield system


def assessing_round(system) -> tuple[int, int]:
    """The demo round still assessing and one of its candidates not yet visited."""
    engine = sa.create_engine(f"sqlite:///{system.var_dir / 'app.db'}")
    with engine.connect() as conn:
        round_id = conn.execute(
            sa.text("SELECT id FROM screening_round WHERE status = 'assessing' ORDER BY id")
        ).scalar_one()
        candidate_id = conn.execute(
            sa.text(
                "SELECT id FROM screening_candidate WHERE round_id = :r AND state = 'assessing'"
                " ORDER BY id"
            ),
            {"r": round_id},
        ).first()[0]
    engine.dispose()
    return round_id, candidate_id


@pytest.mark.slow
def test_assessor_fills_an_assessment_on_a_phone_and_the_funnel_moves(live_api, tmp_path):
    from playwright.sync_api import expect

    base = live_api.api_url
    round_id, candidate_id = assessing_round(live_api)
    photo = tmp_path / "home-visit.png"
    photo.write_bytes(png(240, 200, lit_street))
    SHOTS.mkdir(parents=True, exist_ok=True)

    with chromium() as browser:

        def signed_in(username: str, **context):
            page = browser.new_context(locale="th-TH", **context).new_page()
            page.set_default_timeout(15_000)
            sign_in_page(page, base, username)
            return page

        coordinator = signed_in("sunee", viewport={"width": 1280, "height": 900})
        coordinator.goto(f"{base}/pages/screening/rounds/{round_id}/progress")
        assessed = coordinator.locator("#assessed-1")
        before = int(assessed.inner_text())
        funnel = coordinator.locator("#funnel li[data-key=assessed] .n")
        funnel_before = int(funnel.inner_text().replace(",", ""))

        phone = signed_in(
            "siriporn",
            viewport={"width": 390, "height": 844},
            is_mobile=True,
            has_touch=True,
            device_scale_factor=3,
        )
        phone.goto(f"{base}/pages/screening/rounds/{round_id}/assess?round_no=1")
        phone.locator(f"a[href$='/candidates/{candidate_id}/assess/1']").click()
        phone.wait_for_selector("#assessment-form")
        # Phone-sized: nothing wider than the screen, touch targets at least 44 px high.
        wide = phone.evaluate(WIDER_THAN_SCREEN)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, wide
        choice = phone.locator(".choice").first.bounding_box()
        assert choice and choice["height"] >= 44
        expect(phone.locator("input[type=file][capture=environment]")).to_have_count(1)

        phone.get_by_label("เช่า").check()
        phone.get_by_label("ชำรุด ต้องซ่อมแซม").check()
        phone.fill("input[name=q_dependants]", "2")
        phone.get_by_label("รับจ้างรายวัน").check()
        for name, answer in (
            ("q_debt", "yes"),
            ("q_chronic_illness_or_disability", "yes"),
            ("q_children_out_of_school", "no"),
            ("q_lacks_id_card", "no"),
        ):
            phone.locator(f"input[name={name}][value={answer}]").check()
        phone.fill("input[name=household_income_baht]", "3800")
        phone.fill("input[name=household_members]", "4")
        phone.locator("input[name=area_housing]").check()
        phone.fill("input[name=note_housing]", "หลังคารั่ว ฝาบ้านผุ")
        phone.set_input_files("input[name=photos]", str(photo))
        phone.locator("input[name=eligible][value=yes]").check()
        phone.locator("input[name=complexity][value=moderate]").check()
        phone.fill("textarea[name=summary]", "รายได้ไม่พอ มีผู้ป่วยเรื้อรังในบ้าน")
        phone.screenshot(path=str(tmp_path / "phone-form.png"), full_page=True)
        phone.click("#assessment-form button[type=submit]")
        phone.wait_for_url(re.compile(r".*/assess\?round_no=1&flash=.*"))
        expect(phone.locator(".flash")).to_contain_text("บันทึกผลการประเมินครั้งที่ 1")
        expect(phone.locator(f"a[href$='/candidates/{candidate_id}/assess/1']")).to_have_count(0)
        phone.screenshot(path=str(SHOTS / "screening-phone-list.png"), full_page=True)

        coordinator.reload()
        expect(coordinator.locator("#assessed-1")).to_have_text(str(before + 1))
        expect(coordinator.locator("#funnel li[data-key=assessed] .n")).to_have_text(
            f"{funnel_before + 1:,}"
        )
        expect(coordinator.locator("#states li[data-state=reassessing] .n")).not_to_have_text("0")
        coordinator.screenshot(path=str(SHOTS / "screening-funnel.png"), full_page=True)
