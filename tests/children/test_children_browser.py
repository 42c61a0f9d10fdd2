"""In Chromium on the running API with the demo data: a teacher screens a pupil of her class
on the class page (pupil rows × item numbers), sees the scores and the band, and the case
appears for the school's core person, who opens it with a purpose."""

import re

import pytest

from ops.demo_children import answers_for_total
from tests.browser import chromium, running_api, sign_in_page
from tests.helpers import screenshot_path


@pytest.fixture(scope="module")
def live_api(tmp_path_factory):
    with running_api(tmp_path_factory.mktemp("children-pages-system")) as system:
        yield system


@pytest.mark.slow
def test_a_teacher_screens_a_pupil_and_the_case_appears_for_the_core_person(live_api):
    from playwright.sync_api import expect

    base = live_api.api_url
    with chromium() as browser:

        def signed_in(username: str):
            context = browser.new_context(locale="th-TH", viewport={"width": 1400, "height": 900})
            page = context.new_page()
            page.set_default_timeout(15_000)
            sign_in_page(page, base, username)
            return page

        teacher = signed_in("kru_somsri")
        teacher.goto(f"{base}/pages/children")
        teacher.get_by_test_id("class-link").first.click()
        expect(teacher.locator("h1")).to_contain_text("ป.5/1")
        # ภูมิ was screened normal in the demo: this time the answers show a problem.
        row = teacher.locator("table.screen-grid tbody tr", has_text="ภูมิ")
        selects = row.locator("select")
        expect(selects).to_have_count(25)
        for index, answer in enumerate(answers_for_total(19)):
            selects.nth(index).select_option(str(answer))
        teacher.screenshot(path=str(screenshot_path("children-class-form.png")), full_page=True)
        teacher.get_by_test_id("save-screening").click()
        teacher.wait_for_url(re.compile(r".*/pages/children/class\?.*flash=.*"))
        expect(teacher.get_by_test_id("flash")).to_contain_text("ส่งต่อการดูแล 1 คน")
        result = teacher.locator("table[data-testid=results] tr", has_text="ภูมิ")
        expect(result.get_by_test_id("total")).to_have_text("19")
        expect(result.get_by_test_id("band")).to_have_text("มีปัญหา")
        case_link = result.locator("a", has_text="กรณีเลขที่")
        case_id = re.search(r"กรณีเลขที่ (\d+)", case_link.inner_text()).group(1)  # type: ignore[union-attr]
        teacher.screenshot(path=str(screenshot_path("children-class-results.png")), full_page=True)

        core = signed_in("preecha")
        core.goto(f"{base}/pages/children")
        listed = core.get_by_test_id("case-row").filter(has_text=f"เลขที่ {case_id}")
        expect(listed).to_contain_text("ตรวจประเมินทางการแพทย์ในโรงเรียน")
        listed.locator("a").click()
        core.fill("input[name=purpose]", "ติดตามดูแลตามแผน (ผู้รับผิดชอบหลัก)")
        core.click("form[action^='/pages/children/cases'] button[type=submit]")
        expect(core.get_by_test_id("child-name")).to_contain_text("ภูมิ")
        expect(core.get_by_test_id("core-person")).to_contain_text("ปรีชา")
        expect(core.get_by_test_id("status")).to_have_text("ตรวจประเมินทางการแพทย์ในโรงเรียน")
        core.screenshot(path=str(screenshot_path("children-core-person-case.png")), full_page=True)

        # A teacher of another school does not see it.
        other = signed_in("kru_wilawan")
        other.goto(f"{base}/pages/children")
        expect(other.get_by_test_id("case-row").filter(has_text=f"เลขที่ {case_id}")).to_have_count(0)
        response = other.goto(f"{base}/pages/children/cases/{case_id}?purpose=x")
        assert response is not None and response.status == 403


@pytest.mark.slow
def test_the_register_page_links_a_teacher_imports_a_class_and_keeps_who_did_it(live_api, tmp_path):
    """The coordinator links a teacher to a class; the school's core person uploads that
    class's list as a spreadsheet; the register's history names each of them."""
    from openpyxl import Workbook
    from playwright.sync_api import expect

    base = live_api.api_url
    class_list = tmp_path / "ป.4-2.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.append(["ชื่อ", "นามสกุล", "ชั้น", "ห้อง", "วันเกิด"])
    sheet.append(["กานต์", "ศรีสุข", "ป.4", "ป.4/2", "12/02/2560"])
    sheet.append(["ข้าวหอม", "ศรีสุข", "ป.4", "ป.4/2", "03/09/2560"])
    book.save(class_list)

    with chromium() as browser:
        page = browser.new_context(
            locale="th-TH", viewport={"width": 1400, "height": 900}
        ).new_page()
        page.set_default_timeout(15_000)
        sign_in_page(page, base, "siriporn")
        page.goto(f"{base}/pages/children/admin")
        teachers = page.get_by_test_id("teacher-form")
        teachers.locator("input[name=teacher_username]").fill("kru_somsri")
        teachers.locator("input[name=class_name]").fill("ป.4/2")
        teachers.locator("button[type=submit]").click()
        expect(page.get_by_test_id("flash")).to_contain_text("(ห้อง ป.4/2) แล้ว")
        history = page.get_by_test_id("register-history")
        linked = history.locator("tr", has_text="เชื่อมครูกับโรงเรียน")
        expect(linked).to_contain_text("ศิริพร")
        expect(linked).to_contain_text("(kru_somsri) · ห้อง ป.4/2")

        page.context.clear_cookies()
        sign_in_page(page, base, "preecha")
        page.goto(f"{base}/pages/children/admin")
        roster = page.get_by_test_id("roster-form")
        roster.locator("input[type=file]").set_input_files(str(class_list))
        roster.locator("button[type=submit]").click()
        expect(page.get_by_test_id("flash")).to_contain_text("นำเข้ารายชื่อนักเรียน 2 คนแล้ว")
        imported = page.get_by_test_id("register-history").locator("tr").nth(1)
        expect(imported).to_contain_text("นำเข้ารายชื่อนักเรียน")
        expect(imported).to_contain_text("ปรีชา")
        expect(imported).to_contain_text("2 คน จากไฟล์ ป.4-2.xlsx (ป.4/2)")
        expect(imported.locator("td").first).to_contain_text(re.compile(r"25\d\d"))  # พ.ศ.
        page.screenshot(path=str(screenshot_path("children-register-history.png")), full_page=True)
