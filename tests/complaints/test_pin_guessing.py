"""Guessing a complaint's PIN: one check (``domain.complaints.pin.check_pin``) behind every
public route and page, the number normalised before it is counted, the counts shared through
the database by every API process, a growing delay per number and per client, and the
rightful citizen let in after seconds, not a quarter of an hour."""

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pythainlp.util import arabic_digit_to_thai_digit
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from api.deps import get_db_engine, get_orchestrator
from api.main import app, create_app
from core.db import make_engine, utcnow
from core.settings import get_settings
from domain.complaints.pin import REFUSED, canonical_number, check_pin
from domain.errors import NotFound, TooManyRequests
from models.throttle import Throttle

WAIT_TEXT = "ลองผิดหลายครั้ง กรุณารอ"
FORM = {
    "category": "street-light",
    "description": "ไฟฟ้าส่องสว่างหน้าบ้านเลขที่ 12 ดับมา 3 คืนแล้ว",
    "address": "ซอยมิตรภาพ 5 ถนนมิตรภาพ อ.เมืองขอนแก่น",
    "complainant": {"name": "นายสมหมาย ใจงาม", "phone": "0812345678"},
}


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


def submit(client: TestClient) -> tuple[str, str]:
    r = client.post("/api/complaints/public", json=FORM)
    assert r.status_code == 201, r.text
    return r.json()["number"], r.json()["pin"]


def wrong_pin(pin: str) -> str:
    return f"{(int(pin) + 1) % 10**6:06d}"


def as_client(host: str) -> TestClient:
    """Another caller of the same API (the test's database), from address ``host``."""
    return TestClient(app, client=(host, 40000))


def track(client: TestClient, number: str, pin: str) -> Any:
    return client.post("/api/complaints/public/track", json={"number": number, "pin": pin})


def assert_held(r: Any, *, at_most: int) -> int:
    assert r.status_code == 429, r.text
    wait = int(r.headers["Retry-After"])
    assert 1 <= wait <= at_most
    assert r.json()["detail"].startswith(f"{WAIT_TEXT} {wait} วินาที")
    return wait


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("KKC-2569-000123", "KKC-2569-000123"),
        ("kkc 2569 123", "KKC-2569-000123"),
        ("  kkc2569000123 ", "KKC-2569-000123"),
        ("KKC\u20112569\u2014000123", "KKC-2569-000123"),
        ("ＫＫＣ－๒๕๖๙－๐๐๐๑๒๓", "KKC-2569-000123"),
        ("KKC-2569-000123\u200b", "KKC-2569-000123"),
        ("KKC-25-69-123", None),
        ("KKC-2569-1234567", None),
        ("KKC-2569", None),
        ("ABC-2569-000123", None),
        ("KKC 2569 000 123", None),
        ("", None),
    ],
)
def test_one_canonical_number_for_every_way_of_writing_it(
    written: str, canonical: str | None
) -> None:
    assert canonical_number(written, prefix="KKC") == canonical


def test_the_limit_cannot_be_walked_around_by_writing_the_number_differently(
    client: TestClient, engine: Engine
) -> None:
    number, pin = submit(client)
    _, year, seq = number.split("-")
    variants = [
        number,
        f"kkc {year} {int(seq)}",
        f"KKC{year}{seq}",
        f"kkc–{arabic_digit_to_thai_digit(year)}–{arabic_digit_to_thai_digit(seq)}",
        f" KKC-{year}-{seq} ",
        f"KKC {year}-{seq}",
    ]
    # Five wrong tries are free, the sixth is counted and holds the number back: every way of
    # writing it is the same number, one counter.
    for written in variants:
        r = track(client, written, wrong_pin(pin))
        assert r.status_code == 404 and r.json()["detail"] == REFUSED
    with Session(engine) as s:
        rows = s.exec(select(Throttle).where(Throttle.scope == "pin-number")).all()
    assert [(r.key, r.count) for r in rows] == [(number, 6)]

    # Now the right PIN too waits, whichever route and however the number is written.
    assert_held(track(client, f"kkc {year} {int(seq)}", pin), at_most=2)
    r = client.post("/api/complaints/public/withdraw", json={"number": number.lower(), "pin": pin})
    assert_held(r, at_most=2)
    r = client.post("/api/complaints/public/receipt", data={"number": number, "pin": pin})
    assert_held(r, at_most=2)
    page = client.post("/complaints/track", data={"number": number, "pin": pin})
    assert page.status_code == 429 and WAIT_TEXT in page.text and page.headers["Retry-After"]


def test_unknown_and_malformed_numbers_get_the_same_answers(client: TestClient) -> None:
    number, pin = submit(client)
    wrong = wrong_pin(pin)
    answers = [
        track(client, number, wrong),
        track(client, "KKC-2569-999999", wrong),
        track(client, "KKC-2569-99999999", wrong),
        track(client, "not a number", wrong),
    ]
    assert {r.status_code for r in answers} == {404}
    assert len({r.text for r in answers}) == 1
    # An unknown number is held back like a real one: a 429 tells nothing either.
    for _ in range(6):
        assert track(client, "KKC-2569-999998", wrong).status_code == 404
    assert_held(track(client, "KKC-2569-999998", wrong), at_most=2)
    # The right PIN, written the citizen's way, gets in.
    r = track(client, " ".join(number.lower().split("-")), arabic_digit_to_thai_digit(pin))
    assert r.status_code == 200 and r.json()["complaint"]["number"] == number


def test_two_api_processes_count_together(client: TestClient, engine: Engine) -> None:
    number, pin = submit(client)
    # A second application with its own engine (its own connection pool) on the same
    # database: what a second uvicorn process is.
    other_engine = make_engine(engine.url.render_as_string(hide_password=False))
    other_app = create_app()
    other_app.dependency_overrides[get_db_engine] = lambda: other_engine
    other_app.dependency_overrides[get_orchestrator] = lambda: None
    other = TestClient(other_app)
    try:
        for caller in (client, other, client, other, client, other):
            assert track(caller, number, wrong_pin(pin)).status_code == 404
        assert_held(track(client, number, pin), at_most=2)
        assert_held(track(other, number, pin), at_most=2)
    finally:
        other_engine.dispose()


def test_the_citizen_gets_in_seconds_after_an_attack(client: TestClient, engine: Engine) -> None:
    number, pin = submit(client)
    attacker, citizen = as_client("203.0.113.9"), as_client("198.51.100.7")
    answers = [track(attacker, number, f"{n:06d}") for n in range(16) if f"{n:06d}" != pin]
    codes = [r.status_code for r in answers]
    assert codes[:6] == [404] * 6 and set(codes[6:]) == {429}
    # The attacker's refused tries did not lengthen the number's delay: seconds, not minutes.
    r = track(citizen, number, pin)
    wait = assert_held(r, at_most=2)
    started = time.monotonic()
    time.sleep(wait)
    r = track(citizen, number, pin)
    assert r.status_code == 200, r.text
    assert r.json()["complaint"]["number"] == number
    assert time.monotonic() - started < 5
    # The right PIN forgot the number's count: the citizen's next visit is not held back.
    with Session(engine) as s:
        assert s.exec(select(Throttle).where(Throttle.scope == "pin-number")).first() is None
    assert track(citizen, number, pin).status_code == 200
    # The attacker's own count is kept, its held-back tries counted too.
    with Session(engine) as s:
        row = s.exec(
            select(Throttle).where(Throttle.scope == "pin-client", Throttle.key == "203.0.113.9")
        ).one()
    assert row.count == len(answers)


def test_the_per_client_limit_holds_one_client_and_not_another(
    client: TestClient, settings_env: Callable[..., None]
) -> None:
    settings_env(pin_free_tries_per_client=3)
    number, pin = submit(client)
    sprayer, citizen = as_client("203.0.113.10"), as_client("198.51.100.8")
    _, year, _ = number.split("-")
    # One wrong PIN on each of four numbers: no number is held back, the client is.
    for seq in range(11, 15):
        assert track(sprayer, f"KKC-{year}-{seq:06d}", pin).status_code == 404
    assert_held(track(sprayer, number, pin), at_most=2)
    assert track(citizen, number, pin).status_code == 200


def test_check_pin_in_the_domain_waits_then_lets_in(
    client: TestClient, engine: Engine, settings_env: Callable[..., None]
) -> None:
    settings_env(pin_free_tries_per_number=2, guess_base_delay_seconds=60)
    number, pin = submit(client)
    for _ in range(3):
        with pytest.raises(NotFound):
            check_pin(engine, number=number, pin=wrong_pin(pin), client="a")
    with pytest.raises(TooManyRequests) as held:
        check_pin(engine, number=number, pin=pin, client="b")
    assert held.value.retry_after == 60 and held.value.message == f"{WAIT_TEXT} 60 วินาที"
    # A minute later (the clock is a parameter) the right PIN is in.
    with Session(engine) as s:
        row = s.exec(select(Throttle).where(Throttle.scope == "pin-number")).one()
    assert row.blocked_until is not None
    found = check_pin(engine, number=number, pin=pin, client="b", now=row.blocked_until)
    assert found.number == number


def test_concurrent_wrong_tries_cannot_slip_in_together(client: TestClient, engine: Engine) -> None:
    """Each try is admitted and counted in one locked transaction: of a burst of parallel
    guesses only the free ones and the one that starts the delay are compared. The burst
    shares one clock reading: on a slow machine the last threads would otherwise start after
    the first delay (2 s) has run out, and be admitted as the schedule allows."""
    number, pin = submit(client)
    now = utcnow()

    def guess(n: int) -> str:
        try:
            check_pin(engine, number=number, pin=f"{n:06d}", client=f"10.0.0.{n}", now=now)
        except NotFound:
            return "compared"
        except TooManyRequests:
            return "held"
        return "in"

    guesses = [n for n in range(17) if f"{n:06d}" != pin][:16]
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(guess, guesses))
    assert answers.count("compared") == 6 and answers.count("held") == 10


def test_the_receipt_link_carries_no_pin(client: TestClient) -> None:
    r = client.post("/api/complaints/public", json=FORM)
    receipt = r.json()
    assert receipt["pin"] not in receipt["receipt_url"]
    assert receipt["receipt_url"].endswith("/api/complaints/public/receipt")
    number, pin = receipt["number"], receipt["pin"]
    assert client.get(f"/api/complaints/public/{number}/receipt?pin={pin}").status_code in {
        404,
        405,
    }
    page = client.post("/api/complaints/public/receipt", data={"number": number, "pin": pin})
    assert page.status_code == 200 and pin in page.text and number in page.text
