"""The officers' pages: sign in, the inbox, a step with its decision form, and a real browser
deciding a demo memo on the running system."""

import re

import httpx
import pytest
from sqlmodel import Session, select

from api.main import app
from models.steps import Decision, StepStatus
from ops.seed import DEMO_PASSWORD
from tests.browser import chromium, running_api, sign_in_page
from tests.helpers import act, csrf_of, memo, open_step, screenshot_path, sign_in, submit_memo


def test_login_bad_and_good(client, people):
    r = client.get("/pages/inbox", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/pages/login")
    assert client.get("/", follow_redirects=False).headers["location"] == "/pages/inbox"

    r = client.post("/pages/login", data={"username": "wichai", "password": "nope"})
    assert r.status_code == 401
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in r.text and 'value="wichai"' in r.text
    assert "kkm_token" not in r.cookies

    r = client.post(
        "/pages/login",
        data={"username": "wichai", "password": DEMO_PASSWORD},
        follow_redirects=False,
    )
    assert r.status_code == 303
    cookie = r.headers["set-cookie"]
    assert "kkm_token=" in cookie and "httponly" in cookie.lower()
    page = client.get("/pages/inbox")
    assert page.status_code == 200
    assert "นายวิชัย หัวหน้า" in page.text and "หัวหน้าฝ่าย" in page.text
    assert "เทศบาลนครขอนแก่น · ระบบงานอนุมัติ" in page.text

    client.get("/pages/logout")
    assert client.get("/pages/inbox", follow_redirects=False).status_code == 303


def test_inbox_lists_the_step_with_thai_due_date_and_acting(client, engine, people):
    memo_id = submit_memo(engine, people["somchai"], chain="memo-delegated")
    step = open_step(engine, memo_id)
    sign_in(client, "wichai")
    page = client.get("/pages/inbox").text
    assert f'href="/pages/steps/{step.id}"' in page
    assert "ขออนุมัติจัดซื้อวัสดุสำนักงาน" in page
    assert re.search(r"25[6-9]\d", page), "due date in the Buddhist Era"

    act(engine, people["wichai"], memo_id, outcome="approve")
    act(engine, people["malee"], memo_id, outcome="approve")
    sign_in(client, "prasert")
    page = client.get("/pages/inbox").text
    assert "รักษาราชการแทน นางกัญญา ปลัดเทศบาล" in page


def test_step_page_shows_the_form_only_to_the_entitled(client, engine, people):
    memo_id = submit_memo(engine, people["somchai"])
    step = open_step(engine, memo_id)
    sign_in(client, "wichai")
    page = client.get(f"/pages/steps/{step.id}")
    assert page.status_code == 200
    assert 'id="decision-form"' in page.text
    for label in ("เห็นชอบ/อนุมัติ", "ไม่อนุมัติ", "ส่งกลับแก้ไข", "ผู้เสนอเรื่อง"):
        assert label in page.text
    assert "ตรวจสอบความถูกต้องแล้ว" in page.text  # the audit chain verifies

    sign_in(client, "malee")  # same division: may read, not decide this level
    page = client.get(f"/pages/steps/{step.id}")
    assert page.status_code == 200 and 'id="decision-form"' not in page.text

    sign_in(client, "chatchai")  # another division's section head: may not even read
    page = client.get(f"/pages/steps/{step.id}")
    assert page.status_code == 403 and "ท่านไม่มีสิทธิ์ดูเรื่องนี้" in page.text


def test_deciding_through_the_page_moves_the_memo(client, engine, people):
    memo_id = submit_memo(engine, people["somchai"])
    step = open_step(engine, memo_id)
    sign_in(client, "wichai")
    token = csrf_of(client.get(f"/pages/steps/{step.id}").text)
    r = client.post(
        f"/pages/steps/{step.id}",
        data={"csrf": token, "outcome": "approve", "comment": "เห็นควรอนุมัติ", "return_to": ""},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    assert r.headers["location"].startswith("/pages/inbox?flash=")
    assert "บันทึกผลการพิจารณา" in client.get(r.headers["location"]).text
    nxt = open_step(engine, memo_id)
    assert nxt.level == "director"
    with Session(engine) as s:
        decision = s.exec(select(Decision).where(Decision.step_id == step.id)).one()
        assert decision.user_id == people["wichai"].id and decision.comment == "เห็นควรอนุมัติ"

    # Sent back by the director to the originator, with the select of the page.
    sign_in(client, "malee")
    page = client.get(f"/pages/steps/{nxt.id}").text
    assert 'value="section-head"' in page and 'value="originator"' in page
    r = client.post(
        f"/pages/steps/{nxt.id}",
        data={"csrf": csrf_of(page), "outcome": "return", "return_to": "originator"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    assert memo(engine, memo_id).returns_count == 1
    assert open_step(engine, memo_id).level == "originator"


def test_invalid_post_rerenders_with_422_and_thai_error(client, engine, people):
    memo_id = submit_memo(engine, people["somchai"])
    step = open_step(engine, memo_id)
    sign_in(client, "wichai")
    token = csrf_of(client.get(f"/pages/steps/{step.id}").text)
    r = client.post(
        f"/pages/steps/{step.id}",
        data={"csrf": token, "outcome": "return", "comment": "แก้ไขงบประมาณ", "return_to": ""},
    )
    assert r.status_code == 422
    assert "ส่งกลับแก้ไขต้องระบุระดับที่จะส่งกลับ" in r.text
    assert 'id="decision-form"' in r.text and "แก้ไขงบประมาณ" in r.text  # input kept
    r = client.post(f"/pages/steps/{step.id}", data={"csrf": token})
    assert r.status_code == 422 and "กรุณาระบุผลการพิจารณา" in r.text
    assert open_step(engine, memo_id).id == step.id


def test_unentitled_post_is_403_page_and_changes_nothing(client, engine, people):
    memo_id = submit_memo(engine, people["somchai"])
    step = open_step(engine, memo_id)
    for intruder in ("malee", "chatchai"):
        sign_in(client, intruder)
        token = csrf_of(client.get("/pages/memos").text)
        r = client.post(f"/pages/steps/{step.id}", data={"csrf": token, "outcome": "approve"})
        assert r.status_code == 403, (intruder, r.text)
        assert "ท่านไม่มีอำนาจพิจารณาขั้นตอนนี้" in r.text
        assert "<html" in r.text
    # No csrf token: refused as well.
    r = client.post(f"/pages/steps/{step.id}", data={"outcome": "approve"})
    assert r.status_code == 403
    with Session(engine) as s:
        assert s.exec(select(Decision)).first() is None
    assert open_step(engine, memo_id).status == StepStatus.open


def test_decided_step_conflict_is_409(client, engine, people):
    memo_id = submit_memo(engine, people["somchai"])
    step = open_step(engine, memo_id)
    sign_in(client, "wichai")
    token = csrf_of(client.get(f"/pages/steps/{step.id}").text)
    act(engine, people["wichai"], memo_id, outcome="approve")
    r = client.post(f"/pages/steps/{step.id}", data={"csrf": token, "outcome": "reject"})
    assert r.status_code == 409 and "ความเห็นอื่น" in r.text


def test_memo_form_creates_a_memo(client, engine, people):
    sign_in(client, "somchai")
    token = csrf_of(client.get("/pages/memos").text)
    r = client.post("/pages/memos", data={"csrf": token, "subject": "ab", "chain": "memo"})
    assert r.status_code == 422 and "เรื่อง: สั้นเกินไป" in r.text
    r = client.post(
        "/pages/memos",
        data={
            "csrf": token,
            "subject": "ขออนุมัติซ่อมแซมถนนชุมชน",
            "body": "ตามคำร้อง",
            "chain": "memo-delegated",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    assert "ขออนุมัติซ่อมแซมถนนชุมชน" in client.get(r.headers["location"]).text
    sign_in(client, "wichai")
    assert "ขออนุมัติซ่อมแซมถนนชุมชน" in client.get("/pages/inbox").text


def test_mail_page(client, people, tmp_path):
    from core.settings import get_settings

    sign_in(client, "wichai")
    app.dependency_overrides[get_settings] = lambda: get_settings().model_copy(
        update={"mail_capture_dir": None}
    )
    assert "ไม่ได้ตั้งค่าที่เก็บจดหมาย" in client.get("/pages/mail").text
    (tmp_path / "20250101T000000000000Z-0001.eml").write_bytes(
        b"X-Capture-Mail-From: a@b\r\nX-Capture-Rcpt-To: wichai@khonkaen.go.th\r\n"
        b"X-Capture-Received-At: 2025-01-01T03:00:00+00:00\r\n"
        b"Subject: =?utf-8?b?4LiX4LiU4Liq4Lit4Lia?=\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b"\r\nhello\r\n"
    )
    app.dependency_overrides[get_settings] = lambda: get_settings().model_copy(
        update={"mail_capture_dir": tmp_path}
    )
    page = client.get("/pages/mail").text
    assert "wichai@khonkaen.go.th" in page and "ทดสอบ" in page and "2568" in page


def test_static_font_is_served(client):
    r = client.get("/static/style.css")
    assert r.status_code == 200 and "Sarabun" in r.text
    assert client.get("/static/fonts/sarabun-thai-400-normal.woff2").status_code == 200


# --------------------------------------------------------------------------- a real browser


@pytest.fixture(scope="module")
def live_system(tmp_path_factory):
    with running_api(tmp_path_factory.mktemp("pages-system")) as system:
        yield system


@pytest.mark.slow
def test_browser_decides_the_demo_memo(live_system):

    subject = "ขออนุมัติจัดซื้อหลอดไฟถนนทดแทน 120 ดวง"  # the demo memo waiting for wichai
    base = live_system.api_url
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1200, "height": 900}, locale="th-TH")

        def login(username: str) -> None:
            page.context.clear_cookies()
            sign_in_page(page, base, username)

        login("wichai")
        row = page.locator("table.inbox tr", has_text=subject)
        assert row.count() == 1
        page.evaluate("document.fonts.ready")
        assert page.evaluate("document.fonts.check('16px Sarabun', 'ทดสอบ')")
        page.screenshot(path=screenshot_path("inbox.png"), full_page=True)

        row.locator("a", has_text=subject).click()
        page.wait_for_selector("#decision-form")
        assert page.locator("#return_to").is_disabled()
        page.get_by_label("เห็นชอบ/อนุมัติ").check()
        page.fill("textarea[name=comment]", "เห็นควรอนุมัติ (ทดสอบผ่านเบราว์เซอร์)")
        page.screenshot(path=screenshot_path("step.png"), full_page=True)
        page.click("#decision-form button[type=submit]")
        page.wait_for_url(re.compile(r".*/pages/inbox\?flash=.*"))
        assert "บันทึกผลการพิจารณา" in page.locator(".alert.success").inner_text()
        assert page.locator("table.inbox tr", has_text=subject).count() == 0

        login("malee")
        assert page.locator("table.inbox tr", has_text=subject).count() == 1
        page.screenshot(path=screenshot_path("inbox-malee.png"), full_page=True)
    # The font files the page asked for were served by the API itself.
    assert httpx.get(f"{base}/static/fonts/sarabun-thai-700-normal.woff2").status_code == 200
