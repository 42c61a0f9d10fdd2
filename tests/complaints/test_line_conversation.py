"""LINE conversations and pushes, against a local stand-in for LINE's Messaging API (a real
HTTP server on 127.0.0.1 that records what the line-bot-sdk client sends it, answers like
LINE, including 409 for a retry key it already accepted, and fails on request).

Conversations: a text in one webhook call and the location in a later one make one complaint,
with one prompt and one receipt (replies through the real reply sender, to the stand-in);
photos sent in between are included; a delivery overlapping an earlier one adds only its new
event; a conversation left too long expires and a new one starts; two deliveries at once
make one conversation.

Pushes: as the complaint goes screening → routed → scheduled → resolved through the API, the
LINE user gets one push per public step (the result with the rating link), none twice however
often delivery runs; an outage of LINE's API delays a push and loses none; a push LINE
already accepted is not sent again."""

import asyncio
import json
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

import flows.common
import flows.sweeps
from adapters.line_push import deliver_line_pushes
from api.deps import get_db_engine, get_orchestrator
from api.main import app
from core.db import utcnow
from core.settings import Settings, get_settings
from domain.complaints.line_intake import LineBatch, LineLocation, LineMessage, take_in_line
from models.audit import AuditEntry
from models.complaint import Channel, Complaint, LineConversation
from models.line_push import LinePush
from models.outbox import OutboxEmail, OutboxStatus
from models.people import User
from ops.seed_complaints import seed_complaints
from ops.smtp_capture import free_port
from tests.complaints.test_complaints import JPEG, decide
from tests.complaints.test_line import IMAGE, LOCATION, TEXT, USER, body, event, sign
from tests.helpers import login

TOKEN = "test-channel-access-token"


class LineApiStandIn:
    """LINE's Messaging API on 127.0.0.1: POST /v2/bot/message/push and /reply, recorded."""

    def __init__(self) -> None:
        self.pushes: list[dict[str, Any]] = []
        """Push requests LINE accepted (body, with the retry key), in order."""
        self.replies: list[dict[str, Any]] = []
        self.attempts = 0
        """Push requests received, whatever the answer."""
        self.fail_with: list[int] = []
        """Statuses to answer the next push requests with, in order (then normal service)."""
        self.accepted_keys: set[str] = set()
        self.lock = threading.Lock()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def answer(self, status: int, payload: dict[str, Any], **headers: str) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                size = int(self.headers.get("Content-Length") or 0)
                sent = json.loads(self.rfile.read(size) or b"{}")
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    self.answer(401, {"message": "Authentication failed"})
                    return
                with stand_in.lock:
                    if self.path == "/v2/bot/message/reply":
                        stand_in.replies.append(sent)
                        self.answer(200, {"sentMessages": [{"id": "r1"}]})
                        return
                    if self.path != "/v2/bot/message/push":
                        self.answer(404, {"message": "Not found"})
                        return
                    stand_in.attempts += 1
                    key = self.headers.get("X-Line-Retry-Key") or ""
                    if stand_in.fail_with:
                        status = stand_in.fail_with.pop(0)
                        self.answer(status, {"message": "stand-in failure"})
                        return
                    if key and key in stand_in.accepted_keys:
                        self.answer(
                            409,
                            {"message": "The retry key is already accepted"},
                            **{"x-line-accepted-request-id": "accepted-before"},
                        )
                        return
                    if key:
                        stand_in.accepted_keys.add(key)
                    stand_in.pushes.append({**sent, "retry_key": key})
                    self.answer(200, {"sentMessages": [{"id": str(len(stand_in.pushes))}]})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def texts_pushed(self) -> list[list[str]]:
        return [[m["text"] for m in p["messages"]] for p in self.pushes]


@pytest.fixture
def line_api() -> Iterator[LineApiStandIn]:
    stand_in = LineApiStandIn()
    stand_in.thread.start()
    try:
        yield stand_in
    finally:
        stand_in.server.shutdown()
        stand_in.server.server_close()


@pytest.fixture
def settings(line_api: LineApiStandIn) -> Settings:
    return get_settings().model_copy(
        update={
            "line_channel_secret": "test-channel-secret",
            "line_channel_access_token": TOKEN,
            "line_api_host": line_api.url,
        }
    )


@pytest.fixture
def client(engine: Engine, people: dict[str, User], settings: Settings) -> Iterator[TestClient]:
    """The API with LINE switched on and pointed at the stand-in; replies go through the real
    reply sender."""
    with Session(engine) as s:
        seed_complaints(s)
        s.commit()
    app.dependency_overrides[get_db_engine] = lambda: engine
    app.dependency_overrides[get_orchestrator] = lambda: None
    app.dependency_overrides[get_settings] = lambda: settings
    try:
        with TestClient(app) as c:
            yield c
    finally:
        app.dependency_overrides.clear()


def post(client: TestClient, *events: dict[str, Any]) -> dict[str, Any]:
    data = body(*events)
    r = client.post("/line/webhook", content=data, headers={"X-Line-Signature": sign(data)})
    assert r.status_code == 200, r.text
    return r.json()


def complaints(engine: Engine) -> list[Complaint]:
    with Session(engine) as s:
        return list(s.exec(select(Complaint).order_by(col(Complaint.id))))


def conversations(engine: Engine) -> list[LineConversation]:
    with Session(engine) as s:
        return list(s.exec(select(LineConversation).order_by(col(LineConversation.id))))


def reply_texts(line_api: LineApiStandIn) -> list[str]:
    return [m["text"] for r in line_api.replies for m in r["messages"]]


TEXT_ONLY = {"type": "text", "id": "2001", "text": "ไฟฟ้าดับทั้งซอย มืดมาก อันตราย"}


# --------------------------------------------------------------------------- conversations


def test_text_then_location_in_a_later_call_make_one_complaint(
    client: TestClient, engine: Engine, line_api: LineApiStandIn
) -> None:
    assert post(client, event(TEXT, 1))["registered"] == 0
    assert complaints(engine) == []
    [asked] = reply_texts(line_api)
    assert "ตำแหน่งที่ตั้ง" in asked and "ได้รับรายละเอียดแล้ว" in asked
    assert line_api.replies[0]["replyToken"] == f"reply-token-{USER}-1"
    [collecting] = conversations(engine)
    assert collecting.status == "collecting" and collecting.texts == [TEXT["text"]]

    assert post(client, event(LOCATION, 2))["registered"] == 1
    [row] = complaints(engine)
    assert row.channel == Channel.line and row.line_user_id == USER
    assert (row.latitude, row.longitude) == (16.4419, 102.836)
    assert row.address == "ซอยมิตรภาพ 5 ถนนมิตรภาพ อ.เมืองขอนแก่น"
    assert row.category_code == "street-light"
    assert row.complainant_phone == "0812345678" and "081" not in row.description
    assert row.description.startswith("ไฟฟ้าดับทั้งซอย")
    asked_again, receipt = reply_texts(line_api)
    assert asked_again == asked  # one prompt, then the receipt
    assert row.number in receipt and "PIN" in receipt
    assert line_api.replies[1]["replyToken"] == f"reply-token-{USER}-2"
    [done] = conversations(engine)
    assert (done.status, done.complaint_id) == ("registered", row.id)
    with Session(engine) as s:  # told on LINE: not on the centre's list to telephone
        calls = s.exec(
            select(AuditEntry).where(AuditEntry.action == "complainant_to_telephone")
        ).all()
    assert calls == []


def test_photos_in_a_third_call_before_the_location_are_included(
    client: TestClient, engine: Engine, line_api: LineApiStandIn
) -> None:
    post(client, event(TEXT_ONLY, 1))
    post(client, event(IMAGE, 2), event({**IMAGE, "id": "1004"}, 3))
    assert complaints(engine) == [] and len(line_api.replies) == 1  # nothing new to ask
    post(client, event(LOCATION, 4))
    [row] = complaints(engine)
    assert "1003" in row.description and "1004" in row.description
    assert row.complainant_phone is None and row.complainant_address == f"LINE: {USER}"
    assert len(line_api.replies) == 2 and row.number in reply_texts(line_api)[1]


def test_what_is_missing_is_asked_once(
    client: TestClient, engine: Engine, line_api: LineApiStandIn
) -> None:
    post(client, event(IMAGE, 1))  # a photo alone: neither description nor location
    [asked] = reply_texts(line_api)
    assert "รายละเอียด" in asked and "ตำแหน่งที่ตั้ง" in asked
    post(client, event({**TEXT_ONLY, "text": "ไฟ"}, 2))  # too short to be a description
    post(client, event(LOCATION, 3))
    assert complaints(engine) == [] and len(line_api.replies) == 1  # asked already
    post(client, event({**TEXT_ONLY, "text": "ดับทั้งซอยสามคืนแล้ว"}, 4))
    [row] = complaints(engine)
    assert row.description.startswith("ไฟ\nดับทั้งซอยสามคืนแล้ว")
    assert len(line_api.replies) == 2 and row.number in reply_texts(line_api)[1]


def test_a_delivery_overlapping_an_earlier_one_adds_only_its_new_event(
    client: TestClient, engine: Engine, line_api: LineApiStandIn
) -> None:
    post(client, event(TEXT_ONLY, 1))
    # LINE sends event 1 again together with the new location (event 2).
    assert post(client, event(TEXT_ONLY, 1), event(LOCATION, 2))["registered"] == 1
    [row] = complaints(engine)
    assert row.description.count("ไฟฟ้าดับทั้งซอย") == 1
    [done] = conversations(engine)
    assert done.texts == [TEXT_ONLY["text"]]
    # The receipt answers the new event's token (event 1's was used by the prompt).
    assert [r["replyToken"] for r in line_api.replies] == [
        f"reply-token-{USER}-1",
        f"reply-token-{USER}-2",
    ]
    # Everything seen already: nothing stored, nothing answered.
    assert post(client, event(TEXT_ONLY, 1), event(LOCATION, 2))["registered"] == 0
    assert len(complaints(engine)) == 1 and len(line_api.replies) == 2
    assert len(conversations(engine)) == 1


def test_an_expired_conversation_is_closed_and_a_new_one_starts(
    client: TestClient, engine: Engine, line_api: LineApiStandIn
) -> None:
    post(client, event({**TEXT_ONLY, "text": "ขยะไม่ได้เก็บมาหนึ่งสัปดาห์"}, 1))
    with Session(engine) as s:  # the user went quiet for longer than [line] allows (30 min)
        s.execute(sa.update(LineConversation).values(updated_at=utcnow() - timedelta(minutes=31)))
        s.commit()
    post(client, event(LOCATION, 2))
    old, new = conversations(engine)
    assert old.status == "expired" and new.status == "collecting"
    assert new.texts == [] and new.latitude == 16.4419
    assert complaints(engine) == []
    asked = reply_texts(line_api)[1]
    assert "เริ่มเรื่องใหม่" in asked and "รายละเอียด" in asked
    post(client, event(TEXT_ONLY, 3))
    [row] = complaints(engine)
    assert "ขยะ" not in row.description and row.category_code == "street-light"
    assert [c.status for c in conversations(engine)] == ["expired", "registered"]


def test_two_deliveries_at_once_make_one_conversation(engine: Engine, seeded: Any) -> None:
    def batch(message: LineMessage) -> LineBatch:
        return LineBatch(user_id="Uconcurrent", messages=[message])

    text = LineMessage("ev-text", "tok-1", text="ถนนเป็นหลุมลึก รถจักรยานยนต์ล้ม")
    where = LineMessage("ev-where", "tok-2", location=LineLocation(16.43, 102.83, "ถนนกลางเมือง"))
    answers: list[Any] = []
    start = threading.Barrier(2)

    def run(b: LineBatch) -> None:
        start.wait()
        answers.append(take_in_line(engine, b))

    threads = [threading.Thread(target=run, args=(batch(m),)) for m in (text, where)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    [row] = complaints(engine)
    assert row.category_code == "road-repair" and row.line_user_id == "Uconcurrent"
    assert [c.status for c in conversations(engine)] == ["registered"]
    assert sorted(a.complaint_id is not None for a in answers) == [False, True]


# --------------------------------------------------------------------------- pushes


def register_by_line(client: TestClient, engine: Engine) -> Complaint:
    post(client, event(TEXT, 1))
    post(client, event(LOCATION, 2))
    [row] = complaints(engine)
    return row


def deliver(engine: Engine, settings: Settings, **kw: Any) -> Any:
    return asyncio.run(deliver_line_pushes(engine, settings, **kw))


def test_one_push_per_public_step_and_none_twice(
    client: TestClient, engine: Engine, settings: Settings, line_api: LineApiStandIn
) -> None:
    row = register_by_line(client, engine)
    cid = row.id
    assert deliver(engine, settings).sent == 0  # the receipt was the reply
    decide(client, "nipa", cid, "screen", action="route")
    assert deliver(engine, settings).sent == 1
    decide(client, "chatchai", cid, "receipt", outcome="receive")  # internal: no push
    planned = date.today() + timedelta(days=3)
    decide(client, "chatchai", cid, "schedule", planned_date=planned.isoformat(), comment="")
    r = client.post(
        f"/api/complaints/{cid}/evidence",
        files=[("photos", ("after.jpg", JPEG, "image/jpeg"))],
        headers=login(client, "chatchai"),
    )
    assert r.status_code == 201, r.text
    decide(client, "chatchai", cid, "result", action="resolved", result="เปลี่ยนหลอดไฟใหม่แล้ว")
    assert deliver(engine, settings).sent == 2
    for _ in range(2):  # delivery again, and the flows' own delivery: nothing twice
        assert deliver(engine, settings).sent == 0
    assert len(line_api.pushes) == line_api.attempts == 3

    assert {p["to"] for p in line_api.pushes} == {USER}
    routed, scheduled, resolved = line_api.texts_pushed()
    assert len(routed) == 1 and "ให้หน่วยงานที่รับผิดชอบแล้ว" in routed[0]
    assert row.number in routed[0] and "สำนักช่าง" in routed[0]
    assert len(scheduled) == 1 and "กำหนดวันดำเนินการ" in scheduled[0]
    assert str(planned.day) in scheduled[0]
    result, rating = resolved
    assert "เปลี่ยนหลอดไฟใหม่แล้ว" in result and "ประเมินความพึงพอใจ" in rating
    link = urlsplit(rating.split()[-1])
    assert link.path == "/complaints/rate"
    [token] = parse_qs(link.query)["token"]
    r = client.post("/api/complaints/public/rating", json={"token": token, "score": 5})
    assert r.status_code == 201 and r.json()["number"] == row.number, r.text
    with Session(engine) as s:
        rows = s.exec(select(LinePush).order_by(col(LinePush.id))).all()
        citizen_mail = s.exec(
            select(OutboxEmail).where(col(OutboxEmail.dedupe_key).contains(":citizen:"))
        ).all()
    assert [p.status for p in rows] == [OutboxStatus.sent] * 3
    assert len({p.dedupe_key for p in rows}) == 3
    assert citizen_mail == []  # no e-mail address: LINE is how they hear


def test_forwarded_outside_is_pushed(
    client: TestClient, engine: Engine, settings: Settings, line_api: LineApiStandIn
) -> None:
    row = register_by_line(client, engine)
    agency = "การไฟฟ้าส่วนภูมิภาคจังหวัดขอนแก่น"
    decide(client, "nipa", row.id, "screen", action="forward", agency=agency)
    assert deliver(engine, settings).sent == 1
    [[text]] = line_api.texts_pushed()
    assert "ส่งต่อหน่วยงานภายนอก" in text and agency in text


def test_an_outage_of_line_delays_a_push_and_loses_none(
    client: TestClient, engine: Engine, settings: Settings, line_api: LineApiStandIn
) -> None:
    row = register_by_line(client, engine)
    decide(client, "nipa", row.id, "screen", action="route")
    line_api.fail_with = [500]
    report = deliver(engine, settings)
    assert (report.sent, report.failed) == (0, 1) and line_api.pushes == []
    with Session(engine) as s:
        [pending] = s.exec(select(LinePush)).all()
    assert pending.status == OutboxStatus.pending and pending.attempts == 1
    assert "500" in (pending.last_error or "")
    assert deliver(engine, settings).sent == 0  # not due yet: backoff
    later = utcnow() + timedelta(minutes=2)
    assert deliver(engine, settings, now=later).sent == 1
    assert deliver(engine, settings, now=later + timedelta(hours=1)).sent == 0
    assert len(line_api.pushes) == 1 and line_api.attempts == 2


def test_a_push_accepted_but_not_marked_sent_is_not_sent_again(
    client: TestClient, engine: Engine, settings: Settings, line_api: LineApiStandIn
) -> None:
    row = register_by_line(client, engine)
    decide(client, "nipa", row.id, "screen", action="route")
    assert deliver(engine, settings).sent == 1
    with Session(engine) as s:  # as if the deliverer died between LINE's 200 and the mark
        s.execute(sa.update(LinePush).values(status=OutboxStatus.pending, sent_at=None))
        s.commit()
    assert deliver(engine, settings).sent == 1  # LINE answers 409: accepted before
    assert len(line_api.pushes) == 1 and line_api.attempts == 2
    with Session(engine) as s:
        [done] = s.exec(select(LinePush)).all()
    assert done.status == OutboxStatus.sent


def test_a_push_refused_for_good_is_given_up_at_once(
    client: TestClient, engine: Engine, settings: Settings, line_api: LineApiStandIn
) -> None:
    row = register_by_line(client, engine)
    decide(client, "nipa", row.id, "screen", action="route")
    line_api.fail_with = [400]  # e.g. a user id LINE does not know
    report = deliver(engine, settings)
    assert (report.sent, report.dead) == (0, 1)
    with Session(engine) as s:
        [dead] = s.exec(select(LinePush)).all()
    assert dead.status == OutboxStatus.dead and dead.attempts == 1


def test_concurrent_deliverers_push_each_once(
    client: TestClient, engine: Engine, settings: Settings, line_api: LineApiStandIn
) -> None:
    for n in range(3):
        post(client, event({**TEXT_ONLY, "id": f"t{n}"}, 10 * n + 1, user=f"U{n}"))
        post(client, event(LOCATION, 10 * n + 2, user=f"U{n}"))
    for row in complaints(engine):
        decide(client, "nipa", row.id, "screen", action="route")

    async def both() -> list[Any]:
        return list(
            await asyncio.gather(*(deliver_line_pushes(engine, settings) for _ in range(4)))
        )

    reports = asyncio.run(both())
    assert sum(r.sent for r in reports) == 3
    assert sorted(p["to"] for p in line_api.pushes) == ["U0", "U1", "U2"]


def test_the_flows_deliver_pushes(
    client: TestClient,
    engine: Engine,
    settings: Settings,
    line_api: LineApiStandIn,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The case flow's delivery task and the deliver-mail sweep send pushes too (their
    functions run here on the test's database, without Prefect; no SMTP server listens, so
    the mail waits)."""
    here = settings.model_copy(update={"env": "development", "smtp_port": free_port()})
    for module in (flows.common, flows.sweeps):
        monkeypatch.setattr(module, "get_engine", lambda: engine)
        monkeypatch.setattr(module, "get_settings", lambda: here)
    row = register_by_line(client, engine)
    decide(client, "nipa", row.id, "screen", action="route")
    assert asyncio.run(flows.common.deliver_case_mail("complaint", row.id)) == 1
    assert len(line_api.pushes) == 1
    decide(client, "chatchai", row.id, "receipt", outcome="receive")
    decide(
        client,
        "chatchai",
        row.id,
        "schedule",
        planned_date=(date.today() + timedelta(days=2)).isoformat(),
        comment="",
    )
    asyncio.run(flows.sweeps.deliver_mail.fn())
    asyncio.run(flows.sweeps.deliver_mail.fn())
    assert len(line_api.pushes) == 2
