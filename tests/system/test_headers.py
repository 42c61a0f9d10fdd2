"""Security headers on every response (api.middleware): the Content-Security-Policy of the
site's own assets only, no framing, nosniff, no referrer; on pages, the API, static files,
redirects, errors and even a 500 from outside the app's handlers. The pages themselves hold
to the policy (no inline script, style or handler), in a real browser too; FastAPI's /docs
get their CDN and their inline scripts by hash; printable receipts may style inline but run
no script; a stored photo, even a JPEG followed by HTML, is only ever an image."""

import base64
import hashlib
import re
import threading
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api import middleware
from api.middleware import CSP, DOCUMENT_CSP
from models.people import User
from ops.smtp_capture import free_port
from tests.browser import chromium
from tests.complaints.test_complaints import JPEG, form
from tests.helpers import login, submit_memo

SECURITY = {
    "content-security-policy": CSP,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}
PROJECT = Path(__file__).resolve().parents[2]


def assert_secure(r: Any, csp: str = CSP) -> None:
    for name, value in {**SECURITY, "content-security-policy": csp}.items():
        assert r.headers.get(name) == value, (r.url, name, r.headers.get(name))


def test_the_policy_allows_only_the_sites_own_assets() -> None:
    assert "'unsafe-inline'" not in CSP and "'unsafe-eval'" not in CSP
    for directive in (
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ):
        assert directive in CSP


def test_every_kind_of_response_carries_the_headers(client: TestClient) -> None:
    headers = login(client, "nipa")
    answers = [
        client.get("/healthz"),
        client.get("/api/complaints/public/categories"),
        client.get("/api/inbox", headers=headers),
        client.get("/api/inbox"),  # 401
        client.get("/api/complaints?limit=0", headers=headers),  # 422
        client.get("/no/such/page"),  # 404
        client.get("/", follow_redirects=False),  # a redirect
        client.get("/pages/login"),
        client.get("/pages/inbox", follow_redirects=False),  # to sign in
        client.get("/complaints/new"),
        client.get("/complaints/track"),
        client.get("/static/style.css"),
        client.get("/static/step.js"),
        client.get("/open311/v2/services.json"),
        client.post("/api/complaints/public/track", content=b"{" + b" " * 2**21 + b"}"),  # 413
    ]
    assert [a.status_code for a in answers] == [
        200, 200, 200, 401, 422, 404, 307, 200, 303, 200, 200, 200, 200, 200, 413,
    ]  # fmt: skip
    for answer in answers:
        assert_secure(answer)
    assert answers[12].headers["content-type"].startswith("text/javascript")


def test_a_500_from_outside_the_apps_handlers_carries_them_too() -> None:
    app = FastAPI()

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("a bug")

    middleware.install(app)
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/boom")
    assert r.status_code == 500
    assert_secure(r)


# --------------------------------------------------------------------------- pages


class Inline(HTMLParser):
    """What a policy without 'unsafe-inline' would block: inline scripts and styles, style
    attributes, event handler attributes, javascript: links."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {k for k, _ in attrs}
        if tag == "script" and "src" not in names:
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        if "style" in names:
            self.found.append(f"<{tag} style=…>")
        self.found.extend(f"<{tag} {k}=…>" for k in names if k.startswith("on"))
        self.found.extend(
            f"<{tag} {k}=javascript:…>"
            for k, v in attrs
            if (v or "").strip().lower().startswith("javascript:")
        )


def inline_in(html: str) -> list[str]:
    parser = Inline()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize(
    "folder", ["templates/pages", "templates/complaints/citizen"], ids=lambda f: f
)
def test_page_templates_have_nothing_inline(folder: str) -> None:
    for path in sorted((PROJECT / folder).glob("*.html")):
        assert inline_in(path.read_text()) == [], path


def test_rendered_pages_have_nothing_inline(
    client: TestClient, engine: Engine, seeded: dict[str, User]
) -> None:
    submit_memo(engine, seeded["somchai"])
    pages = {
        "login": client.get("/pages/login"),
        "new": client.get("/complaints/new"),
        "track": client.get("/complaints/track"),
        "rate": client.get("/complaints/rate"),
    }
    received = client.post(
        "/complaints/new",
        data={
            "category": "street-light",
            "description": "ไฟฟ้าส่องสว่างหน้าบ้านเลขที่ 12 ดับมา 3 คืนแล้ว",
            "address": "ซอยมิตรภาพ 5 ถนนมิตรภาพ อ.เมืองขอนแก่น",
            "name": "นายสมหมาย ใจงาม",
            "phone": "0812345678",
        },
    )
    assert received.status_code == 201, received.text[:500]
    pages["received"] = received
    client.post("/pages/login", data={"username": "wichai", "password": "demo1234"})
    pages["inbox"] = client.get("/pages/inbox")
    step = re.search(r'href="(/pages/steps/\d+)"', pages["inbox"].text)
    assert step, pages["inbox"].text[:2000]
    pages["step"] = client.get(step.group(1))
    assert 'src="/static/step.js"' in pages["step"].text  # the step has return targets
    for name, page in pages.items():
        assert page.status_code in (200, 201), (name, page.text[:300])
        assert_secure(page)
        assert inline_in(page.text) == [], name


# --------------------------------------------------------------------------- special pages


def _script_hashes(html: str) -> set[str]:
    return {
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in re.findall(r"<script>(.*?)</script>", html, re.S)
    }


@pytest.mark.parametrize("path", ["/docs", "/docs/oauth2-redirect", "/redoc"])
def test_the_docs_get_their_cdn_and_their_inline_scripts_by_hash(
    client: TestClient, path: str
) -> None:
    r = client.get(path)
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    hashes = _script_hashes(r.text)
    assert all(h in script_src for h in hashes), (hashes, script_src)
    assert hashes or path == "/redoc"  # ReDoc has no inline script
    if path != "/docs/oauth2-redirect":
        assert "https://cdn.jsdelivr.net" in script_src
    assert "frame-ancestors 'none'" in csp
    assert r.headers["x-frame-options"] == "DENY"


def test_receipts_and_the_report_style_inline_and_run_no_script(client: TestClient) -> None:
    receipt = client.post("/api/complaints/public", json=form()).json()
    citizen = client.post(
        "/api/complaints/public/receipt", data={"number": receipt["number"], "pin": receipt["pin"]}
    )
    headers = login(client, "nipa")
    complaint_id = client.get("/api/complaints", headers=headers).json()[0]["id"]
    centre = client.get(f"/api/complaints/{complaint_id}/receipt", headers=headers)
    report = client.get(
        "/api/complaints/reports/monthly.html?year=2569&month=1", headers=login(client, "kanya")
    )
    for page in (citizen, centre, report):
        assert page.status_code == 200, page.text[:300]
        assert_secure(page, DOCUMENT_CSP)
        assert "<script" not in page.text
    assert "script-src" not in DOCUMENT_CSP and "default-src 'none'" in DOCUMENT_CSP


def test_a_jpeg_followed_by_html_is_only_ever_an_image(client: TestClient) -> None:
    """Uploads are checked by their bytes (``sniff_image``): HTML alone is refused; a JPEG
    with HTML after its header is stored, and served only as image/jpeg, nosniff, inline with
    a harmless name, sandboxed."""
    html = b"<html><body><script>alert(document.cookie)</script></body></html>"
    bare = [{"filename": "x.jpg", "content_base64": base64.b64encode(html).decode()}]
    assert client.post("/api/complaints/public", json=form(photos=bare)).status_code == 422
    sly = JPEG + html
    photos = [{"filename": "evil.html", "content_base64": base64.b64encode(sly).decode()}]
    assert client.post("/api/complaints/public", json=form(photos=photos)).status_code == 201
    headers = login(client, "nipa")
    complaint_id = client.get("/api/complaints", headers=headers).json()[0]["id"]
    detail = client.get(f"/api/complaints/{complaint_id}", headers=headers).json()
    photo_id = detail["photos"][0]["id"]
    r = client.get(f"/api/complaints/{complaint_id}/photos/{photo_id}", headers=headers)
    assert r.status_code == 200 and r.content == sly
    assert r.headers["content-type"] == "image/jpeg"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["content-disposition"] == f'inline; filename="photo-{photo_id}.jpg"'
    assert "sandbox" in r.headers["content-security-policy"]
    assert "default-src 'none'" in r.headers["content-security-policy"]


def test_a_stored_photo_of_an_unknown_type_is_a_download() -> None:
    media_type, headers = middleware.photo_headers(7, "text/html")
    assert media_type == "application/octet-stream"
    assert headers["Content-Disposition"] == 'attachment; filename="photo-7.bin"'


# --------------------------------------------------------------------------- a real browser


@pytest.fixture
def server(client: TestClient) -> Iterator[str]:
    port = free_port()
    config = uvicorn.Config(
        middleware_app(), host="127.0.0.1", port=port, lifespan="off", log_level="error"
    )
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=10)


def middleware_app() -> FastAPI:
    from api.main import app

    return app


@pytest.mark.slow
def test_no_page_breaks_the_policy_in_a_browser(
    server: str, engine: Engine, seeded: dict[str, User]
) -> None:
    """Chromium reports every blocked script, style or handler (``securitypolicyviolation``):
    none on the sign-in page, the inbox, a step whose form enables "return to" by script
    (static/step.js, which must run), and the citizens' pages."""

    submit_memo(engine, seeded["somchai"])
    with chromium() as browser:
        page = browser.new_page()
        page.add_init_script(
            "window.__violations = [];"
            "document.addEventListener('securitypolicyviolation', e =>"
            " window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"
        )
        seen: dict[str, list[str]] = {}

        def visit(url: str) -> None:
            page.goto(url)
            page.wait_for_load_state("load")
            seen[url] = page.evaluate("window.__violations")

        for path in ("/pages/login", "/complaints/new", "/complaints/track"):
            visit(server + path)
        page.goto(server + "/pages/login")
        page.fill("input[name=username]", "wichai")
        page.fill("input[name=password]", "demo1234")
        page.click("button[type=submit]")
        page.wait_for_url(f"{server}/pages/inbox")
        seen["inbox"] = page.evaluate("window.__violations")
        page.locator("table.inbox a").first.click()
        page.wait_for_selector("#decision-form")
        seen["step"] = page.evaluate("window.__violations")
        assert page.locator("#return_to").is_disabled()  # static/step.js ran
        page.locator("input[name=outcome][value=return]").check()
        assert page.locator("#return_to").is_enabled()
    assert all(v == [] for v in seen.values()), seen
