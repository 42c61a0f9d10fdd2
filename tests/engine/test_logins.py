"""Officers' logins: wrong passwords slowed down per username and per client (429 with
Retry-After, then the right password gets in), an unknown username costing the same time as
a known one, and tokens ended by logout (API and pages) and by deactivation."""

import re
import statistics
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from api.main import app
from api.security import SALT
from core.settings import get_settings
from models.audit import AuditEntry
from models.people import User
from ops.seed import DEMO_PASSWORD

WAIT_TEXT = "ลองผิดหลายครั้ง กรุณารอ"
REFUSED = "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"


@pytest.fixture
def settings_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """Set KKM_* settings for this test (e.g. small limits); the cached settings are rebuilt
    now and again after the test."""

    def apply(**values: Any) -> None:
        for name, value in values.items():
            monkeypatch.setenv(f"KKM_{name.upper()}", str(value))
        get_settings.cache_clear()

    yield apply
    monkeypatch.undo()
    get_settings.cache_clear()


def token_for(client: TestClient, username: str, password: str = DEMO_PASSWORD) -> Any:
    return client.post("/api/auth/token", data={"username": username, "password": password})


def bearer(client: TestClient, username: str) -> dict[str, str]:
    r = token_for(client, username)
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def as_client(host: str) -> TestClient:
    """Another caller of the same API (the test's database), from address ``host``."""
    return TestClient(app, client=(host, 40000))


def user_row(engine: Engine, username: str) -> User:
    with Session(engine) as s:
        return s.exec(select(User).where(User.username == username)).one()


def test_an_unknown_username_costs_the_same_time_as_a_wrong_password(
    client: TestClient, settings_env: Callable[..., None]
) -> None:
    settings_env(login_free_tries_per_user=1000, login_free_tries_per_client=1000)

    def timed(username: str) -> float:
        started = time.perf_counter()
        r = token_for(client, username, "not-the-password")
        elapsed = time.perf_counter() - started
        assert r.status_code == 403 and r.json()["detail"] == REFUSED
        return elapsed

    timed("wichai"), timed("nobody-here")  # warm up both paths
    known, unknown = [], []
    for _ in range(10):  # interleaved: drift of the machine hits both alike
        known.append(timed("wichai"))
        unknown.append(timed("nobody-here"))
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 0.5 <= ratio <= 2.0, (known, unknown)
    # Both paths ran scrypt (tens of milliseconds), not a short cut.
    assert statistics.median(unknown) > 0.01


def test_wrong_passwords_are_held_back_then_the_right_one_gets_in(
    client: TestClient, engine: Engine, settings_env: Callable[..., None]
) -> None:
    settings_env(login_free_tries_per_user=2, guess_base_delay_seconds=1)
    # The username however written is one counter.
    for name in ("wichai", "WICHAI", " Wichai "):
        r = token_for(client, name, "nope")
        assert r.status_code == 403 and r.json()["detail"] == REFUSED
    r = token_for(client, "wichai")
    assert r.status_code == 429, r.text
    wait = int(r.headers["Retry-After"])
    assert wait == 1 and r.json()["detail"] == f"{WAIT_TEXT} 1 วินาที"
    assert r.json()["retry_after"] == 1
    # The pages say the same, in Thai, with the same status.
    page = client.post("/pages/login", data={"username": "wichai", "password": DEMO_PASSWORD})
    assert page.status_code == 429 and WAIT_TEXT in page.text
    assert page.headers["Retry-After"] == "1"
    time.sleep(wait)
    assert token_for(client, "wichai").status_code == 200
    # The right password forgot the username's count.
    assert token_for(client, "wichai", "nope").status_code == 403
    assert token_for(client, "wichai").status_code == 200


def test_an_unknown_username_is_held_back_like_a_known_one(
    client: TestClient, settings_env: Callable[..., None]
) -> None:
    settings_env(login_free_tries_per_user=2, guess_base_delay_seconds=30)
    answers = {}
    for name in ("wichai", "nobody-here"):
        codes = [token_for(client, name, "nope").status_code for _ in range(4)]
        answers[name] = codes
    assert answers["wichai"] == answers["nobody-here"] == [403, 403, 403, 429]


def test_the_per_client_limit_holds_one_client_and_not_another(
    client: TestClient, settings_env: Callable[..., None]
) -> None:
    settings_env(login_free_tries_per_client=3)
    sprayer, colleague = as_client("203.0.113.20"), as_client("198.51.100.20")
    for name in ("wichai", "malee", "somchai", "suda"):  # one wrong password each
        assert token_for(sprayer, name, "nope").status_code == 403
    r = token_for(sprayer, "kanya")
    assert r.status_code == 429 and WAIT_TEXT in r.json()["detail"]
    assert token_for(colleague, "kanya").status_code == 200
    assert token_for(colleague, "wichai").status_code == 200


def test_logout_ends_every_token_of_the_user(client: TestClient, engine: Engine) -> None:
    first, second = bearer(client, "wichai"), bearer(client, "wichai")
    others = bearer(client, "malee")
    assert client.get("/api/me", headers=first).status_code == 200
    assert client.post("/api/auth/logout", headers=first).status_code == 204
    assert client.get("/api/me", headers=first).status_code == 401
    assert client.get("/api/me", headers=second).status_code == 401  # the other device too
    assert client.get("/api/me", headers=others).status_code == 200  # nobody else's
    assert client.post("/api/auth/logout", headers=first).status_code == 401
    assert user_row(engine, "wichai").token_version == 1
    fresh = bearer(client, "wichai")  # signing in again works
    assert client.get("/api/me", headers=fresh).json()["username"] == "wichai"


def test_page_logout_ends_the_cookie_and_the_bearer(client: TestClient, engine: Engine) -> None:
    r = client.post(
        "/pages/login",
        data={"username": "wichai", "password": DEMO_PASSWORD},
        follow_redirects=False,
    )
    assert r.status_code == 303
    cookie = client.cookies["kkm_token"]
    api_token = bearer(client, "wichai")
    inbox = client.get("/pages/inbox")
    assert inbox.status_code == 200 and 'action="/pages/logout"' in inbox.text
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', inbox.text)
    assert csrf is not None

    r = client.post("/pages/logout", data={"csrf": csrf.group(1)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/pages/login"
    client.cookies.set("kkm_token", cookie)  # the old cookie, kept by someone
    assert client.get("/pages/inbox", follow_redirects=False).status_code == 303
    assert client.get("/api/me", headers=api_token).status_code == 401
    assert user_row(engine, "wichai").token_version == 1


def test_a_link_to_logout_ends_nothing_but_this_browser(client: TestClient) -> None:
    headers = bearer(client, "wichai")
    client.post("/pages/login", data={"username": "wichai", "password": DEMO_PASSWORD})
    r = client.get("/pages/logout", follow_redirects=False)  # e.g. an <img> on another site
    assert r.status_code == 303
    assert client.get("/api/me", headers=headers).status_code == 200
    # Without the page's CSRF token a POST ends nothing either.
    client.post("/pages/login", data={"username": "wichai", "password": DEMO_PASSWORD})
    client.post("/pages/logout", data={"csrf": "0" * 40})
    assert client.get("/api/me", headers=headers).status_code == 200


def test_a_token_without_a_version_is_refused(client: TestClient, people: dict) -> None:
    old = URLSafeTimedSerializer(get_settings().secret_key, salt=SALT).dumps(
        {"uid": people["wichai"].id}
    )
    r = client.get("/api/me", headers={"Authorization": f"Bearer {old}"})
    assert r.status_code == 401


def test_deactivation_ends_the_tokens_and_the_sign_in(client: TestClient, engine: Engine) -> None:
    victim = bearer(client, "somchai")
    somchai = user_row(engine, "somchai")
    url = f"/api/users/{somchai.id}/deactivate"

    # A section head may not; nobody may close their own account.
    r = client.post(url, headers=bearer(client, "wichai"))
    assert r.status_code == 403 and "ปลัดเทศบาล" in r.json()["detail"]
    assert client.get("/api/me", headers=victim).status_code == 200
    kanya = bearer(client, "kanya")
    me = client.get("/api/me", headers=kanya).json()
    assert client.post(f"/api/users/{me['id']}/deactivate", headers=kanya).status_code == 409

    r = client.post(url, headers=kanya)
    assert r.status_code == 200 and r.json()["username"] == "somchai"
    assert client.get("/api/me", headers=victim).status_code == 401
    r = token_for(client, "somchai")
    assert r.status_code == 403 and r.json()["detail"] == REFUSED
    row = user_row(engine, "somchai")
    assert not row.active and row.token_version == somchai.token_version + 1
    with Session(engine) as s:
        entry = s.exec(
            select(AuditEntry).where(
                AuditEntry.case_type == "user", AuditEntry.case_id == somchai.id
            )
        ).one()
    assert entry.action == "user_deactivated" and entry.actor_user_id == me["id"]
    # Again: nothing more happens.
    assert client.post(url, headers=kanya).status_code == 200
    assert user_row(engine, "somchai").token_version == row.token_version
