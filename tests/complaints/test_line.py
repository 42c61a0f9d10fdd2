"""The LINE webhook: a signed batch of text + location makes one complaint with coordinates and
the reply carries its number; each sender has a conversation of their own; a bad signature is
refused with nothing stored; without credentials the webhook does not exist. Here the reply
sender (``get_line_replier``) is replaced by a recorder; conversations over several calls and
the pushes, against a local stand-in for LINE's API, are in
tests/complaints/test_line_conversation.py."""

import base64
import hashlib
import hmac
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from api.complaints.line import get_line_replier
from api.deps import get_db_engine, get_orchestrator
from api.main import app
from core.settings import get_settings
from domain.complaints.category_guess import guess_category
from models.complaint import Channel, Complaint, LineConversation, LineWebhookEvent
from models.people import User
from ops.seed_complaints import seed_complaints
from tests.complaints.test_complaints import work_to_resolved

SECRET = "test-channel-secret"
USER = "U4af4980629aaaaaaaaaaaaaaaaaaaaaa"


class Recorder:
    def __init__(self) -> None:
        self.replies: list[tuple[str, list[str]]] = []

    def __call__(self, token: str, texts: list[str]) -> None:
        self.replies.append((token, texts))


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


def _client(engine: Engine, recorder: Recorder, **settings: Any) -> TestClient:
    configured = get_settings().model_copy(update=settings)
    app.dependency_overrides[get_db_engine] = lambda: engine
    app.dependency_overrides[get_orchestrator] = lambda: None
    app.dependency_overrides[get_settings] = lambda: configured
    app.dependency_overrides[get_line_replier] = lambda: recorder
    return TestClient(app)


@pytest.fixture
def client(engine: Engine, people: dict[str, User], recorder: Recorder) -> Iterator[TestClient]:
    with Session(engine) as s:
        seed_complaints(s)
        s.commit()
    try:
        with _client(
            engine,
            recorder,
            line_channel_secret=SECRET,
            line_channel_access_token="token",
        ) as c:
            yield c
    finally:
        app.dependency_overrides.clear()


def event(message: dict[str, Any], n: int, user: str = USER) -> dict[str, Any]:
    return {
        "type": "message",
        "mode": "active",
        "timestamp": 1700000000000 + n,
        "source": {"type": "user", "userId": user},
        "webhookEventId": f"01HXXXXXXXXXXXXXXXXXXXXXX{n}",
        "deliveryContext": {"isRedelivery": False},
        "replyToken": f"reply-token-{user}-{n}",
        "message": {"quoteToken": f"q{n}", **message},
    }


def body(*events: dict[str, Any]) -> bytes:
    return json.dumps(
        {"destination": "Uxxxxxxxx", "events": list(events)}, ensure_ascii=False
    ).encode()


def sign(data: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), data, hashlib.sha256).digest()).decode()


def count(engine: Engine) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(Complaint)).one()


TEXT = {"type": "text", "id": "1001", "text": "ไฟฟ้าดับทั้งซอย มืดมาก โทร 081-234-5678"}
LOCATION = {
    "type": "location",
    "id": "1002",
    "title": "ซอยมิตรภาพ 5",
    "address": "ถนนมิตรภาพ อ.เมืองขอนแก่น",
    "latitude": 16.4419,
    "longitude": 102.836,
}
IMAGE = {"type": "image", "id": "1003", "contentProvider": {"type": "line"}}


def test_text_location_image_make_one_complaint(
    client: TestClient, engine: Engine, recorder: Recorder
) -> None:
    data = body(event(TEXT, 1), event(LOCATION, 2), event(IMAGE, 3))
    r = client.post("/line/webhook", content=data, headers={"X-Line-Signature": sign(data)})
    assert r.status_code == 200, r.text
    with Session(engine) as s:
        [row] = s.exec(select(Complaint)).all()
    assert row.channel == Channel.line
    assert (row.latitude, row.longitude) == (16.4419, 102.836)
    assert row.address == "ซอยมิตรภาพ 5 ถนนมิตรภาพ อ.เมืองขอนแก่น"
    assert row.category_code == "street-light"
    assert row.complainant_phone == "0812345678"
    assert "081" not in row.description  # the phone is contact, not public description
    assert "1003" in row.description  # the image, noted by its message id
    [(token, texts)] = recorder.replies
    assert token == f"reply-token-{USER}-1"
    assert row.number in texts[0] and "PIN" in texts[0]


def test_a_redelivered_event_makes_no_second_complaint(
    client: TestClient, engine: Engine, recorder: Recorder
) -> None:
    first = body(event(TEXT, 1), event(LOCATION, 2))
    r = client.post("/line/webhook", content=first, headers={"X-Line-Signature": sign(first)})
    assert r.status_code == 200 and r.json()["registered"] == 1, r.text
    # LINE thought the first delivery failed and sends the same events again.
    again = [
        dict(e, deliveryContext={"isRedelivery": True})
        for e in (event(TEXT, 1), event(LOCATION, 2))
    ]
    data = body(*again)
    r = client.post("/line/webhook", content=data, headers={"X-Line-Signature": sign(data)})
    assert r.status_code == 200 and r.json()["registered"] == 0, r.text
    assert count(engine) == 1
    assert len(recorder.replies) == 1  # the number and PIN, once
    with Session(engine) as s:
        [complaint] = s.exec(select(Complaint)).all()
        taken = s.exec(select(LineWebhookEvent)).all()
    assert {(t.event_id[-1], t.complaint_id) for t in taken} == {
        ("1", complaint.id),
        ("2", complaint.id),
    }
    # A new message from the same sender is a new complaint.
    later = body(event(TEXT, 3), event(LOCATION, 4))
    r = client.post("/line/webhook", content=later, headers={"X-Line-Signature": sign(later)})
    assert r.json()["registered"] == 1 and count(engine) == 2


def test_text_without_location_asks_for_it(
    client: TestClient, engine: Engine, recorder: Recorder
) -> None:
    text = {**TEXT, "text": "ขยะไม่ได้เก็บมาหนึ่งสัปดาห์"}
    data = body(event(text, 1), event(LOCATION, 2, user="Uother"))
    r = client.post("/line/webhook", content=data, headers={"X-Line-Signature": sign(data)})
    assert r.status_code == 200, r.text
    assert count(engine) == 0  # different senders are not combined
    asked = {token: texts for token, texts in recorder.replies}
    assert "แชร์ตำแหน่งที่ตั้ง" in asked[f"reply-token-{USER}-1"][0]
    assert "พิมพ์รายละเอียด" in asked["reply-token-Uother-2"][0]
    with Session(engine) as s:
        held = {(c.line_user_id, c.status) for c in s.exec(select(LineConversation))}
    assert held == {(USER, "collecting"), ("Uother", "collecting")}


def test_contact_is_the_line_user_without_a_phone(client: TestClient, engine: Engine) -> None:
    text = {**TEXT, "text": "ถังขยะสาธารณะล้น ส่งกลิ่น"}
    data = body(event(text, 1), event(LOCATION, 2))
    r = client.post("/line/webhook", content=data, headers={"X-Line-Signature": sign(data)})
    assert r.status_code == 200, r.text
    with Session(engine) as s:
        [row] = s.exec(select(Complaint)).all()
    assert row.category_code == "public-bins"
    assert row.complainant_phone is None and row.complainant_address == f"LINE: {USER}"


def test_invalid_signature_stores_nothing(
    client: TestClient, engine: Engine, recorder: Recorder
) -> None:
    data = body(event(TEXT, 1), event(LOCATION, 2))
    for headers in ({"X-Line-Signature": sign(data, "wrong")}, {}):
        r = client.post("/line/webhook", content=data, headers=headers)
        assert r.status_code == 400
        assert r.json()["detail"]
    assert count(engine) == 0 and recorder.replies == []


def test_disabled_without_credentials(
    engine: Engine, people: dict[str, User], recorder: Recorder
) -> None:
    data = body(event(TEXT, 1), event(LOCATION, 2))
    try:
        with _client(engine, recorder, line_channel_secret=None) as c:
            r = c.post("/line/webhook", content=data, headers={"X-Line-Signature": sign(data)})
    finally:
        app.dependency_overrides.clear()
    assert r.status_code == 404
    assert "LINE" in r.json()["detail"]
    assert count(engine) == 0


def test_category_guess_falls_back(engine: Engine, people: dict[str, User]) -> None:
    with Session(engine) as s:
        seed_complaints(s)
        s.commit()
        assert guess_category(s, "ถนนเป็นหลุมเป็นบ่อ") == "road-repair"
        assert guess_category(s, "สุนัขกัดคนแถวตลาด") == "stray-dogs"
        assert guess_category(s, "เสียงดังตอนกลางคืน") == "other"  # the centre sorts it out


def test_line_complaint_to_resolved_and_rated(
    client: TestClient, engine: Engine, recorder: Recorder
) -> None:
    data = body(event(TEXT, 1), event(LOCATION, 2))
    assert client.post(
        "/line/webhook", content=data, headers={"X-Line-Signature": sign(data)}
    ).is_success
    with Session(engine) as s:
        [row] = s.exec(select(Complaint)).all()
    [(_, texts)] = recorder.replies
    pin = texts[0].split("PIN")[1].split()[0].strip(":： ")
    assert pin.isdigit() and len(pin) == 6
    assert work_to_resolved(client, engine, row.number).status == "resolved"
    r = client.post(
        "/api/complaints/public/rating",
        json={"number": row.number, "pin": pin, "score": 5, "comment": "รวดเร็ว"},
    )
    assert r.status_code == 201, r.text
