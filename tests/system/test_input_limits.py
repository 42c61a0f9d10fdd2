"""Input the database cannot hold, and bodies too large, are refused with a 4xx and a Thai
message on every route, on SQLite and PostgreSQL, with nothing stored: NUL and lone surrogates
in JSON, forms, multipart fields, the query and the path (api.middleware.RequestGuard); ids and
limits out of range (api.deps.PathId, Limit); bodies over the limit refused as they arrive, by
their Content-Length at once or by counting a stream, so that a 50 MB body is never read whole
(through the ASGI app, and through a real uvicorn server over a socket); values that still
reach the database and are refused there answer 422, not 500 (api.errors)."""

import asyncio
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, func
from sqlmodel import select as sql_select

from api import errors
from api.complaints.line import get_line_replier
from api.main import app
from api.middleware import UPLOAD_ROUTES
from core.settings import get_settings
from models.complaint import Complaint
from models.memo import Memo
from models.people import ActingAssignment
from ops.smtp_capture import free_port
from tests.complaints.test_complaints import PNG, form
from tests.helpers import login

THAI = re.compile(r"[\u0E00-\u0E7F]")
MB = 1024 * 1024
SMALL = get_settings().max_body_bytes
LARGE = get_settings().max_upload_body_bytes


def count(engine: Engine, table: Any) -> int:
    with Session(engine) as s:
        return s.exec(sql_select(func.count()).select_from(table)).one()


def refused(r: Any, status: int = 422) -> str:
    """The answer is ``status`` with a Thai message; returns the message."""
    assert r.status_code == status, (r.status_code, r.text[:500])
    if r.headers["content-type"].startswith("text/html"):
        assert THAI.search(r.text), r.text
        return r.text
    body = r.json()
    detail = body[0]["description"] if isinstance(body, list) else body["detail"]
    assert isinstance(detail, str) and THAI.search(detail), body
    return detail


def raw(obj: Any) -> bytes:
    """JSON as a client writes it with escapes (``\\u0000``, ``\\ud800``)."""
    return json.dumps(obj).encode()


JSON = {"Content-Type": "application/json"}


# --------------------------------------------------------------------------- text


@pytest.mark.parametrize(
    "bad",
    [
        "ไฟดับ\x00หน้าบ้าน",  # NUL: PostgreSQL refuses it in text
        "ไฟดับ\ud800หน้าบ้าน",  # a lone high surrogate
        "ไฟดับ\udfff",  # a lone low surrogate
        "\ud83d",  # a high surrogate at the very end of the string
    ],
)
def test_json_text_a_database_cannot_hold_is_refused(
    client: TestClient, engine: Engine, bad: str
) -> None:
    before = count(engine, Complaint)
    r = client.post("/api/complaints/public", content=raw(form(description=bad)), headers=JSON)
    refused(r)
    name = {**form()["complainant"], "name": bad}
    r = client.post("/api/complaints/public", content=raw(form(complainant=name)), headers=JSON)
    refused(r)
    r = client.post("/api/complaints/public", content=raw({bad: 1, **form()}), headers=JSON)
    refused(r)
    r = client.post(
        "/api/complaints/public/track", content=raw({"number": bad, "pin": "1234"}), headers=JSON
    )
    refused(r)
    headers = {**login(client, "somchai"), **JSON}
    r = client.post("/api/memos", content=raw({"subject": bad, "chain": "memo"}), headers=headers)
    refused(r)
    assert count(engine, Complaint) == before
    assert count(engine, Memo) == 0


def test_a_surrogate_pair_is_text_and_is_kept(client: TestClient, engine: Engine) -> None:
    """An emoji written as two escapes (``\\ud83d\\ude00``, as json.dumps writes it) is one
    character: accepted and stored whole."""
    body = raw(form(description="ไฟดับ 😀 มาสามคืนแล้ว", photos=[]))
    assert b"\\ud83d\\ude00" in body
    r = client.post("/api/complaints/public", content=body, headers=JSON)
    assert r.status_code == 201, r.text
    with Session(engine) as s:
        stored = s.exec(sql_select(Complaint).where(Complaint.number == r.json()["number"])).one()
    assert "😀" in stored.description


def test_an_escaped_backslash_is_not_an_escape(client: TestClient) -> None:
    """``\\\\u0000`` is a backslash and the text u0000, which a database holds."""
    r = client.post(
        "/api/complaints/public",
        content=raw(form(description="ไฟดับ รหัส \\u0000 บนเสา", photos=[])),
        headers=JSON,
    )
    assert r.status_code == 201, r.text


def test_json_that_is_not_utf8_is_refused(client: TestClient) -> None:
    r = client.post(
        "/api/complaints/public/track",
        content=b'{"number": "\xed\xa0\x80", "pin": "1"}',
        headers=JSON,
    )
    assert "UTF-8" in refused(r)


def test_nul_in_the_query_and_the_path_is_refused(client: TestClient) -> None:
    headers = login(client, "nipa")
    refused(client.get("/api/complaints?status=%00", headers=headers))
    refused(client.get("/api/complaints/public/categories?x=a%00b"))
    answer = client.get("/open311/v2/requests/%00.json")
    refused(answer)
    assert answer.json()[0]["code"] == 422  # Open311's own shape
    page = client.get("/complaints/track?number=%00")
    refused(page)
    assert page.headers["content-type"].startswith("text/html")


def test_nul_in_forms_is_refused(client: TestClient, engine: Engine) -> None:
    before = count(engine, Complaint)
    refused(client.post("/api/auth/token", data={"username": "nipa\x00", "password": "x"}))
    page = client.post("/pages/login", data={"username": "nipa\x00", "password": "x"})
    refused(page)
    assert page.headers["content-type"].startswith("text/html")
    answer = client.post(
        "/open311/v2/requests.json",
        data={
            "service_code": "street-light",
            "description": "ไฟดับ\x00",
            "lat": "16.44",
            "long": "102.83",
            "phone": "0812345678",
        },
    )
    refused(answer)
    assert answer.json()[0]["code"] == 422
    assert count(engine, Complaint) == before


def test_nul_in_a_multipart_text_field_is_refused_photos_are_not_looked_into(
    client: TestClient, engine: Engine
) -> None:
    before = count(engine, Complaint)
    fields = form(photos=[])
    for text in (raw(form(description="ไฟดับ\x00", photos=[])), b'{"category": "a\x00"}'):
        r = client.post(
            "/api/complaints/public/multipart",
            files=[("complaint", (None, text)), ("photos", ("lamp.png", PNG, "image/png"))],
        )
        refused(r)
    assert count(engine, Complaint) == before
    assert b"\x00" in PNG  # a real image has NUL bytes: a file part is not text
    r = client.post(
        "/api/complaints/public/multipart",
        files=[("complaint", (None, raw(fields))), ("photos", ("lamp.png", PNG, "image/png"))],
    )
    assert r.status_code == 201, r.text


def test_nul_in_the_citizens_web_form_is_refused(client: TestClient, engine: Engine) -> None:
    before = count(engine, Complaint)
    page = client.post(
        "/complaints/new",
        data={"category": "street-light", "description": "ไฟดับ\x00", "name": "สมหมาย"},
    )
    refused(page)
    assert page.headers["content-type"].startswith("text/html")
    assert count(engine, Complaint) == before


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize("bad", ["0", "-1", str(2**31), str(2**63), str(10**30), "1e3"])
def test_ids_out_of_range_in_the_path_are_refused(client: TestClient, bad: str) -> None:
    headers = login(client, "nipa")
    for path in (
        f"/api/complaints/{bad}",
        f"/api/complaints/{bad}/duplicates",
        f"/api/complaints/1/photos/{bad}",
        f"/api/steps/{bad}",
        f"/api/memos/{bad}",
        f"/api/cases/complaint/{bad}/timeline",
    ):
        refused(client.get(path, headers=headers))
    refused(client.post(f"/api/users/{bad}/deactivate", headers=login(client, "kanya")))


def test_the_largest_id_is_just_not_found(client: TestClient) -> None:
    headers = login(client, "nipa")
    r = client.get(f"/api/complaints/{2**31 - 1}", headers=headers)
    refused(r, 404)


@pytest.mark.parametrize("bad", [2**31, 2**63, 10**30, -5])
def test_ids_out_of_range_in_bodies_are_refused(
    client: TestClient, engine: Engine, bad: int
) -> None:
    headers = login(client, "kanya")
    before = count(engine, ActingAssignment)
    r = client.post(
        "/api/acting-assignments",
        json={
            "acting_user_id": bad,
            "for_user_id": 1,
            "starts_at": "2026-01-05T08:00:00+07:00",
            "ends_at": "2026-01-09T16:30:00+07:00",
        },
        headers=headers,
    )
    refused(r)
    assert count(engine, ActingAssignment) == before


@pytest.mark.parametrize("bad", ["-1", "0", "501", str(10**30), "abc"])
def test_limits_out_of_range_are_refused(client: TestClient, bad: str) -> None:
    headers = login(client, "nipa")
    refused(client.get(f"/api/complaints?limit={bad}", headers=headers))
    refused(client.get(f"/api/memos?limit={bad}", headers=headers))


def test_limits_in_range_are_honoured(client: TestClient) -> None:
    headers = login(client, "nipa")
    for _ in range(3):
        assert client.post("/api/complaints/public", json=form(photos=[])).status_code == 201
    assert len(client.get("/api/complaints?limit=2", headers=headers).json()) == 2
    assert len(client.get("/api/complaints?limit=500", headers=headers).json()) == 3


def test_a_date_in_the_query_is_a_date(client: TestClient) -> None:
    headers = login(client, "nipa")
    refused(client.get("/api/complaints/agenda?meeting_date=0", headers=headers))
    ok = client.get("/api/complaints/agenda?meeting_date=2026-02-02", headers=headers)
    assert ok.status_code == 200, ok.text


def test_what_the_database_itself_refuses_is_a_422(engine: Engine) -> None:
    """The safety net behind the request checks: the real database refusing a value (NUL in
    text on PostgreSQL; an integer beyond 64 bits on SQLite, which Python's driver refuses)
    answers 422 in Thai, not 500."""
    small = FastAPI()
    errors.install(small)

    @small.get("/nul")
    def nul() -> dict[str, Any]:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT CAST(:v AS TEXT)"), {"v": "a\x00b"}).all()
        return {"stored": True}

    @small.get("/huge")
    def huge() -> dict[str, Any]:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT CAST(:v AS INTEGER)"), {"v": 2**70}).all()
        return {"stored": True}

    with TestClient(small) as c:
        answers = [c.get("/nul"), c.get("/huge")]
    if engine.dialect.name == "postgresql":
        refused(answers[0])
    else:  # SQLite holds NUL in text
        assert answers[0].status_code == 200
    refused(answers[1])


# --------------------------------------------------------------------------- body size


@pytest.fixture
def line_on(client: TestClient) -> Iterator[TestClient]:
    """The client, with the LINE webhook switched on (it reads its body)."""
    configured = get_settings().model_copy(
        update={"line_channel_secret": "secret", "line_channel_access_token": "token"}
    )
    app.dependency_overrides[get_settings] = lambda: configured
    app.dependency_overrides[get_line_replier] = lambda: lambda token, texts: None
    yield client


def test_limits_are_as_documented() -> None:
    assert SMALL == 1 * MB
    assert LARGE == 40 * MB
    assert LARGE > 5 * ((5 * MB + 2) // 3 * 4)  # five 5 MB photos in base64 fit


def test_a_body_over_the_limit_is_refused_with_413(line_on: TestClient, engine: Engine) -> None:
    c = line_on
    over = b"{" + b" " * SMALL + b"}"
    for path in ("/api/complaints/public/track", "/line/webhook", "/api/auth/token"):
        r = c.post(path, content=over, headers=JSON)
        assert "1 MB" in refused(r, 413), path
    r = c.post("/open311/v2/requests.json", content=b"a=" + b"b" * SMALL)
    refused(r, 413)
    assert r.json()[0]["code"] == 413
    page = c.post("/pages/login", content=b"a=" + b"b" * SMALL)
    refused(page, 413)
    assert page.headers["content-type"].startswith("text/html")
    # the routes that take photos allow five photos (one of 5 MB here is fine)
    big = form(photos=[{"filename": "a.png", "content_base64": "A" * (5 * MB)}])
    r = c.post("/api/complaints/public", json=big)
    assert r.status_code == 422 and r.status_code != 413, r.text[:300]
    assert count(engine, Complaint) == 0


class Stream:
    """An ASGI ``receive`` that streams ``total`` bytes in chunks, counting what is taken."""

    def __init__(self, total: int, chunk: int = 64 * 1024, head: bytes = b"") -> None:
        self.total, self.chunk, self.taken, self.head = total, chunk, 0, head

    async def __call__(self) -> dict[str, Any]:
        if self.taken >= self.total:
            await asyncio.sleep(3600)  # a client that waits
        piece = b" " * min(self.chunk, self.total - self.taken)
        if self.taken == 0:
            piece = self.head + piece[len(self.head) :]
        self.taken += len(piece)
        return {"type": "http.request", "body": piece, "more_body": self.taken < self.total}


async def call(path: str, receive: Any, headers: list[tuple[bytes, bytes]]) -> tuple[int, bytes]:
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
        "state": {},
    }
    await asyncio.wait_for(app(scope, receive, send), timeout=60)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], body


@pytest.mark.parametrize(
    ("path", "content_type", "limit"),
    [
        ("/line/webhook", b"application/json", SMALL),
        ("/api/complaints/public/track", b"application/json", SMALL),
        ("/complaints/new", b"multipart/form-data; boundary=B", LARGE),
        ("/api/complaints/public", b"application/json", LARGE),
    ],
)
async def test_a_streamed_body_is_refused_as_it_arrives(
    line_on: TestClient, path: str, content_type: bytes, limit: int
) -> None:
    """50 MB without a Content-Length: the guard stops taking it just past the limit."""
    head = b""
    if content_type.startswith(b"multipart/"):  # a photo of 50 MB
        head = (
            b'--B\r\nContent-Disposition: form-data; name="photos"; filename="a.jpg"\r\n'
            b"Content-Type: image/jpeg\r\n\r\n\xff\xd8\xff"
        )
    stream = Stream(50 * MB, head=head)
    status, body = await call(path, stream, [(b"content-type", content_type)])
    assert status == 413, body[:300]
    assert THAI.search(body.decode())
    assert limit < stream.taken <= limit + stream.chunk


async def test_a_declared_length_over_the_limit_is_refused_unread(line_on: TestClient) -> None:
    for path, limit in (("/line/webhook", SMALL), ("/api/complaints/public", LARGE)):
        stream = Stream(200 * MB)
        status, _ = await call(
            path,
            stream,
            [(b"content-type", b"application/json"), (b"content-length", str(limit + 1).encode())],
        )
        assert status == 413
        assert stream.taken == 0


def test_every_route_that_takes_files_has_the_upload_limit() -> None:
    """A new upload route must be added to UPLOAD_ROUTES, or its photos get 1 MB."""
    doc = app.openapi()
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            content = op.get("requestBody", {}).get("content", {})
            if "multipart/form-data" in content:
                concrete = re.sub(r"\{[^}]+\}", "1", path)
                assert method == "post"
                assert any(p.fullmatch(concrete) for p in UPLOAD_ROUTES), path


# --------------------------------------------------------------------------- a real server


def _rss() -> int:
    return int(Path("/proc/self/statm").read_text().split()[1]) * 4096


@pytest.fixture
def server(client: TestClient) -> Iterator[int]:
    """uvicorn serving the app (with the test's database) in a thread, on a free port."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="error")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield port
    running.should_exit = True
    thread.join(timeout=10)


def test_a_real_server_stops_reading_a_50mb_stream(server: int) -> None:
    """Over a socket, chunked: the answer 413 comes while the client is still sending; the
    client got to send only a fraction (the rest sits in no buffer) and the process did not
    grow by anything near 50 MB."""
    before = _rss()
    sock = socket.create_connection(("127.0.0.1", server), timeout=30)
    sock.sendall(
        b"POST /api/complaints/public/track HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    chunk = 64 * 1024
    piece = b"%x\r\n" % chunk + b" " * chunk + b"\r\n"
    sent = 0

    def send_50mb() -> None:
        nonlocal sent
        try:
            while sent < 50 * MB:
                sock.sendall(piece)
                sent += chunk
            sock.sendall(b"0\r\n\r\n")
        except OSError:  # the server answered and closed: the rest is not taken
            pass

    sender = threading.Thread(target=send_50mb, daemon=True)
    sender.start()
    answer = b""
    while b"\r\n\r\n" not in answer:
        data = sock.recv(65536)
        if not data:
            break
        answer += data
    with suppress(OSError):  # already closed by the server
        sock.shutdown(socket.SHUT_RDWR)
    sender.join(timeout=30)
    sock.close()
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert sent < 25 * MB, sent
    assert _rss() - before < 20 * MB
