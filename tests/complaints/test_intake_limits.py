"""Public intake is rate-limited per client, per contact and overall, with a Thai 429 that says
when to try again (Retry-After); officers' entry is not. Mail to the address a sender gives
carries nothing the sender typed (captured by a real SMTP server)."""

import json
import os
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from adapters.mail import deliver_outbox
from api.main import app
from core.settings import Settings, get_settings
from domain.complaints import service
from domain.complaints.policy import complaint_policy, with_intake_limits
from domain.errors import TooManyRequests
from models.complaint import Channel, Complaint
from models.outbox import OutboxEmail
from ops.smtp_capture import SmtpCapture
from tests.complaints.test_complaints import complaint_row, decide, form
from tests.helpers import login

TRY_AGAIN = "กรุณาลองใหม่อีกครั้งในอีก"


def count(engine: Engine, model: Any = Complaint) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(model)).one()


def at(address: str) -> TestClient:
    """The API as seen from another client address (the ``client`` fixture's overrides hold)."""
    return TestClient(app, client=(address, 50000))


def person(i: int) -> dict[str, Any]:
    """A different complainant each time (so only the per-client limit is met)."""
    return {"name": f"นายทดสอบ คนที่ {i}", "phone": f"08{i:08d}", "email": f"p{i}@example.com"}


def post(c: TestClient, **over: Any) -> Any:
    return c.post("/api/complaints/public", json=form(photos=[], **over))


def assert_refused(r: Any, *, window_seconds: int) -> int:
    assert r.status_code == 429, r.text
    wait = int(r.headers["Retry-After"])
    assert 0 < wait <= window_seconds
    body = r.json()
    assert TRY_AGAIN in body["detail"] and "น." in body["detail"]
    assert body["retry_after"] == wait
    return wait


@pytest.fixture
def intake_limits(tmp_path: Path) -> Iterator[Any]:
    """Run the test with other ``[intake]`` limits (a copy of the policy file, as the
    benchmarks do through KKM_COMPLAINTS_FILE)."""
    before = os.environ.get("KKM_COMPLAINTS_FILE")

    def use(**limits: float) -> None:
        path = with_intake_limits(
            get_settings().complaints_file, tmp_path / "complaints.toml", **limits
        )
        os.environ["KKM_COMPLAINTS_FILE"] = str(path)
        get_settings.cache_clear()

    try:
        yield use
    finally:
        if before is None:
            os.environ.pop("KKM_COMPLAINTS_FILE", None)
        else:
            os.environ["KKM_COMPLAINTS_FILE"] = before
        get_settings.cache_clear()


def test_the_configured_limits_are_the_documented_ones() -> None:
    limits = complaint_policy().intake_limits
    assert (limits.per_client, limits.per_client_minutes) == (10, 10)
    assert (limits.per_contact, limits.per_contact_minutes) == (5, 60)
    assert (limits.overall, limits.overall_minutes) == (300, 1)
    assert complaint_policy().agencies  # the agencies list beside them is kept


# --------------------------------------------------------------------------- per client


def test_eleventh_from_one_client_is_refused_and_nothing_stored(client, engine):
    for i in range(9):
        assert post(client, complainant=person(i)).status_code == 201
    multipart = client.post(
        "/api/complaints/public/multipart",
        data={"complaint": json.dumps(form(photos=[], complainant=person(9)))},
    )
    assert multipart.status_code == 201, multipart.text  # both routes count alike
    assert count(engine) == 10

    refused = post(client, complainant=person(10))
    assert_refused(refused, window_seconds=600)
    assert refused.json()["limit"] == "client"
    assert "เครื่องนี้" in refused.json()["detail"]
    assert count(engine) == 10
    with Session(engine) as s:
        assert (
            s.exec(select(Complaint).where(Complaint.complainant_phone == "0800000010")).first()
            is None
        )

    # another client is not held back by this one
    assert post(at("203.0.113.7"), complainant=person(11)).status_code == 201
    assert count(engine) == 11


def test_the_window_ends_and_ipv6_counts_by_network(engine, seeded):
    t0 = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)
    for i in range(10):
        service.admit_public_intake(engine, client=f"2001:db8:1:2::{i + 1}", now=t0)
    with pytest.raises(TooManyRequests) as refused:  # the same /64, another address
        service.admit_public_intake(engine, client="2001:db8:1:2::ff", now=t0)
    assert refused.value.retry_after == 600
    assert "หลังเวลา 10:10 น." in refused.value.message  # Bangkok time
    service.admit_public_intake(engine, client="2001:db8:1:3::1", now=t0)  # another network
    service.admit_public_intake(engine, client="2001:db8:1:2::ff", now=t0 + timedelta(minutes=10))


def test_concurrent_senders_from_one_client_get_exactly_the_limit(engine, seeded):
    """Fifteen at once from one address: the counter's row lock lets exactly ten in."""

    def one(i: int) -> str:
        data = form(photos=[], complainant=person(i))
        try:
            service.submit(engine, data=data, channel=Channel.web, client="192.0.2.200")
        except TooManyRequests:
            return "refused"
        return "stored"

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(one, range(15)))
    assert answers.count("stored") == 10 and answers.count("refused") == 5
    assert count(engine) == 10


def test_citizen_page_shows_the_limit_in_the_form(client, engine):
    from tests.complaints.test_citizen_pages import fields

    for i in range(10):
        p = person(i)
        r = client.post(
            "/complaints/new", data=fields(name=p["name"], phone=p["phone"], email=p["email"])
        )
        assert r.status_code == 201, r.text
    r = client.post("/complaints/new", data=fields(phone="0899999999", email="late@example.com"))
    assert r.status_code == 429
    assert 0 < int(r.headers["Retry-After"]) <= 600
    assert TRY_AGAIN in r.text and 'name="description"' in r.text  # the form, kept filled in
    assert "0899999999" in r.text
    assert count(engine) == 10


def test_open311_is_limited_per_client(client, engine):
    from tests.complaints.test_open311 import report

    for i in range(10):
        p = person(i)
        r = client.post(
            "/open311/v2/requests.json", data=report(phone=p["phone"], email=p["email"])
        )
        assert r.status_code == 201, r.text
    r = client.post("/open311/v2/requests.json", data=report(phone="0899999999", email=None))
    assert r.status_code == 429
    assert 0 < int(r.headers["Retry-After"]) <= 600
    [error] = r.json()
    assert error["code"] == 429 and TRY_AGAIN in error["description"]
    assert count(engine) == 10


# --------------------------------------------------------------------------- per contact


def test_one_contact_is_limited_across_clients_however_written(client, engine):
    spellings = ["081-234-5678", "0812345678", "+66 81 234 5678", "081 234 5678", "+66812345678"]
    for i, phone in enumerate(spellings):
        contact = {"name": "นายสมหมาย ใจงาม", "phone": phone, "email": f"x{i}@example.com"}
        assert post(at(f"198.51.100.{i + 1}"), complainant=contact).status_code == 201
    again = {"name": "นายสมหมาย ใจงาม", "phone": "+66-81-234-5678", "email": "new@example.com"}
    refused = post(at("198.51.100.99"), complainant=again)
    assert_refused(refused, window_seconds=3600)
    assert refused.json()["limit"] == "contact"
    assert count(engine) == 5

    # the e-mail address counts on its own, in any case
    for i in range(5):
        contact = {"name": "นางสาวอีเมล", "phone": f"09{i:08d}", "email": "Victim@Example.com"}
        assert post(at(f"192.0.2.{i + 1}"), complainant=contact).status_code == 201
    contact = {"name": "นางสาวอีเมล", "email": " victim@example.COM "}
    assert_refused(post(at("192.0.2.99"), complainant=contact), window_seconds=3600)
    assert count(engine) == 10


# --------------------------------------------------------------------------- overall


def test_overall_limit_holds_every_client(client, engine, intake_limits):
    intake_limits(limit_overall=4, limit_overall_minutes=2)
    for i in range(4):
        assert post(at(f"10.0.0.{i + 1}"), complainant=person(i)).status_code == 201
    refused = post(at("10.0.0.50"), complainant=person(50))
    assert_refused(refused, window_seconds=120)
    assert refused.json()["limit"] == "all"
    assert "จำนวนมาก" in refused.json()["detail"]
    assert count(engine) == 4

    # officers' entry is never limited: not by the overall count, nor per contact or client
    headers = login(client, "nipa")
    for _ in range(12):
        data = form(photos=[], channel="telephone")
        r = client.post("/api/complaints", json=data, headers=headers)
        assert r.status_code == 201, r.text
    assert count(engine) == 16


def test_a_limit_of_zero_is_off(client, engine, intake_limits):
    intake_limits(limit_per_client=0, limit_per_contact=0)
    for _ in range(12):
        assert post(client).status_code == 201
    assert count(engine) == 12


# --------------------------------------------------------------------------- mail abuse

MARKER = "ATTACKER-TEXT-123"
LINK = "https://evil.example/win-a-prize"


@pytest.mark.slow
async def test_mail_to_the_given_address_carries_nothing_the_sender_typed(client, engine, tmp_path):
    victim = "stranger@example.org"
    data = form(
        photos=[],
        description=f"{MARKER} คลิกรับรางวัล {LINK} ด่วน",
        address=f"{MARKER} {LINK}",
        complainant={
            "name": f"{MARKER} {LINK}",
            "phone": "0812345678",
            "email": victim,
            "address": f"{MARKER} ที่อยู่",
        },
    )
    r = client.post("/api/complaints/public", json=data)
    assert r.status_code == 201, r.text
    receipt = r.json()
    cid = complaint_row(engine, receipt["number"]).id
    decide(client, "nipa", cid, "screen", action="route")  # a second mail: "routed"

    with SmtpCapture(port=0, directory=tmp_path / "mail") as smtp:
        settings = Settings(smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_timeout_seconds=5)
        report = await deliver_outbox(engine, settings)
        assert report.failed == 0 and report.dead == 0
        mails = [m for m in smtp.messages if victim in m.rcpt_tos]

    assert len(mails) >= 2  # received, routed
    for mail in mails:
        assert receipt["number"] in mail.subject and receipt["number"] in mail.text
        assert "เรียน ผู้ร้องเรียน" in mail.text and "เรียน ผู้ร้องเรียน" in mail.html
        raw = mail.raw.decode("utf-8", "replace")
        for text in (mail.subject, mail.text, mail.html, raw):
            assert MARKER not in text
            assert "evil.example" not in text
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(OutboxEmail)).one() >= 2

    # the citizen's printable receipt carries none of it either; the centre's copy has it all
    citizen = client.post(
        "/api/complaints/public/receipt", data={"number": receipt["number"], "pin": receipt["pin"]}
    )
    assert citizen.status_code == 200 and receipt["pin"] in citizen.text
    assert MARKER not in citizen.text and "evil.example" not in citizen.text
    centre = client.get(f"/api/complaints/{cid}/receipt", headers=login(client, "nipa"))
    assert centre.status_code == 200
    assert len(re.findall(MARKER, centre.text)) >= 3  # description, place, name
