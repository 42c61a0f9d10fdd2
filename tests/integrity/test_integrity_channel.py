"""The sealed channel end to end through the API: a report filed anonymously and one with an
identity, followed with receipt code and passphrase, the officers' question and the reporter's
answer, the two decisions; nobody but the named officers reads (each other role tried, every
try logged); the database holds no readable identity or text."""

import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from domain.integrity.rules import ASSESS_STEP, CASE_TYPE, open_received
from models.integrity import IntegrityReport
from models.outbox import OutboxEmail
from models.people import User
from models.readlog import ReadLogEntry
from models.steps import HumanStep
from tests.helpers import login

SECRET_TEXT = "ผู้อำนวยการกองพัสดุเรียกรับเงินสองหมื่นบาทจากผู้รับเหมาโครงการถนนซอย 7"
SECRET_NAME = "นางสาวพยาน ลับเฉพาะ"
SECRET_PHONE = "0899998877"


def file(client: TestClient, **over: object) -> dict:
    body = {"subject": "เรียกรับเงินจากผู้รับเหมา", "text": SECRET_TEXT, **over}
    r = client.post("/api/integrity/reports", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def follow(client: TestClient, code: str, passphrase: str) -> dict:
    r = client.post("/api/integrity/reports/follow", json={"code": code, "passphrase": passphrase})
    assert r.status_code == 200, r.text
    return r.json()


def start_handling(engine: Engine) -> int:
    with Session(engine) as session:
        opened = open_received(session)
        session.commit()
    return opened


def report_id(engine: Engine, code: str) -> int:
    with Session(engine) as session:
        row = session.exec(select(IntegrityReport).where(IntegrityReport.receipt_code == code))
        return row.one().id  # type: ignore[return-value]


def test_anonymous_and_named_reports_are_followed_with_their_receipts(
    client: TestClient, named: dict[str, User]
) -> None:
    anonymous = file(client)
    assert anonymous["code"].startswith("KKI-") and len(anonymous["passphrase"]) >= 20
    mine = file(
        client,
        identity={"name": SECRET_NAME, "phone": SECRET_PHONE, "staff": True},
        passphrase="ลับเฉพาะของฉันเอง 2569",
    )
    assert mine["passphrase"] is None  # chosen by the reporter: never echoed

    seen = follow(client, anonymous["code"], anonymous["passphrase"])
    assert seen["text"] == SECRET_TEXT and seen["anonymous"] is True
    assert seen["status"] == "received"
    # The code however typed: lower case, spaces, Thai digits are not in the alphabet.
    loose = anonymous["code"].lower().replace("-", " ")
    assert follow(client, loose, anonymous["passphrase"])["code"] == anonymous["code"]
    assert follow(client, mine["code"], "ลับเฉพาะของฉันเอง 2569")["anonymous"] is False

    wrong = client.post(
        "/api/integrity/reports/follow", json={"code": mine["code"], "passphrase": "x" * 12}
    )
    unknown = client.post(
        "/api/integrity/reports/follow",
        json={"code": "KKI-2222-3333-4444", "passphrase": "ลับเฉพาะของฉันเอง 2569"},
    )
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json()["detail"] == unknown.json()["detail"]


def test_bad_input_is_named_in_thai_and_nothing_is_stored(
    client: TestClient, engine: Engine, named: dict[str, User]
) -> None:
    r = client.post(
        "/api/integrity/reports", json={"subject": "ก", "text": "สั้น", "passphrase": "123"}
    )
    assert r.status_code == 422
    text = r.text
    assert "เรื่อง" in text and "รายละเอียด" in text and "รหัสผ่าน" in text
    with Session(engine) as session:
        assert session.exec(select(IntegrityReport)).first() is None


def test_wrong_passphrases_are_slowed_per_receipt_code(
    client: TestClient, named: dict[str, User]
) -> None:
    receipt = file(client)
    answers = [
        client.post(
            "/api/integrity/reports/follow",
            json={"code": receipt["code"], "passphrase": f"wrong-guess-{i}"},
        ).status_code
        for i in range(8)
    ]
    assert answers[:5] == [404] * 5 and 429 in answers[5:]


def test_only_the_named_officers_read_and_every_try_is_logged(
    client: TestClient, engine: Engine, named: dict[str, User]
) -> None:
    receipt = file(client, identity={"name": SECRET_NAME, "phone": SECRET_PHONE})
    assert start_handling(engine) == 1
    rid = report_id(engine, receipt["code"])

    for username in ("nipa", "sompong", "kanya", "anan", "mayor", "chatchai", "somchai"):
        headers = login(client, username)
        r = client.get(f"/api/integrity/reports/{rid}", params={"purpose": "ดู"}, headers=headers)
        assert r.status_code == 403, (username, r.text)
        assert SECRET_NAME not in r.text
        timeline = client.get(f"/api/cases/{CASE_TYPE}/{rid}/timeline", headers=headers)
        assert timeline.status_code == 403, (username, timeline.status_code)
        assert client.get("/api/integrity/reports", headers=headers).status_code == 403
        inbox = client.get("/api/inbox", headers=headers)
        assert inbox.status_code == 200
        assert all(item["step"]["case_type"] != CASE_TYPE for item in inbox.json())

    headers = login(client, "ratana")
    no_purpose = client.get(
        f"/api/integrity/reports/{rid}", params={"purpose": " "}, headers=headers
    )
    assert no_purpose.status_code == 403
    r = client.get(
        f"/api/integrity/reports/{rid}", params={"purpose": "พิจารณารับเรื่อง"}, headers=headers
    )
    assert r.status_code == 200
    assert r.json()["identity"]["name"] == SECRET_NAME and r.json()["text"] == SECRET_TEXT

    with Session(engine) as session:
        log = session.exec(
            select(ReadLogEntry).where(ReadLogEntry.record_type == "integrity-report")
        ).all()
    refused = {e.user_id for e in log if not e.allowed}
    allowed = [e for e in log if e.allowed]
    users = {u: named[u].id for u in ("nipa", "sompong", "kanya", "anan", "mayor", "ratana")}
    assert {users[u] for u in ("nipa", "sompong", "kanya", "anan", "mayor")} <= refused
    assert [(e.user_id, e.purpose) for e in allowed] == [(users["ratana"], "พิจารณารับเรื่อง")]


def test_question_answer_and_the_decisions_reach_the_reporter_not_the_identity_the_executives(
    client: TestClient, engine: Engine, named: dict[str, User]
) -> None:
    receipt = file(client, identity={"name": SECRET_NAME, "phone": SECRET_PHONE})
    start_handling(engine)
    rid = report_id(engine, receipt["code"])
    ratana, prapai = login(client, "ratana"), login(client, "prapai")

    # A comment on the engine's own decision form would be stored in clear: refused.
    with Session(engine) as session:
        step = session.exec(
            select(HumanStep).where(HumanStep.case_id == rid, HumanStep.kind == ASSESS_STEP)
        ).one()
        assert SECRET_TEXT not in step.title and receipt["code"] not in step.title
    direct = client.post(
        f"/api/steps/{step.id}/decision",
        json={"outcome": "receive", "comment": "ชื่อผู้ถูกร้อง..."},
        headers=ratana,
    )
    assert direct.status_code == 422 and "เข้ารหัส" in direct.text

    asked = client.post(
        f"/api/integrity/reports/{rid}/messages",
        json={"text": "กรุณาระบุวันที่เกิดเหตุ"},
        headers=prapai,
    )
    assert asked.status_code == 201
    client.post(
        f"/api/integrity/reports/{rid}/messages",
        json={"text": "บันทึกภายใน: ตรวจสอบสัญญาเลขที่ 12/2569", "internal": True},
        headers=prapai,
    )
    seen = follow(client, receipt["code"], receipt["passphrase"])
    assert [m["text"] for m in seen["messages"]] == ["กรุณาระบุวันที่เกิดเหตุ"]
    answer = client.post(
        "/api/integrity/reports/reply",
        json={"code": receipt["code"], "passphrase": receipt["passphrase"], "text": "วันที่ 3 พ.ย."},
    )
    assert answer.status_code == 200 and answer.json()["messages"][-1]["from"] == "reporter"

    accepted = client.post(
        f"/api/integrity/reports/{rid}/decision",
        json={"outcome": "receive", "to_reporter": "รับเรื่องไว้ตรวจสอบแล้ว"},
        headers=ratana,
    )
    assert accepted.status_code == 200, accepted.text
    no_stage = client.post(
        f"/api/integrity/reports/{rid}/decision",
        json={"outcome": "substantiated", "to_reporter": "มีมูล"},
        headers=ratana,
    )
    assert no_stage.status_code == 422 and "ขั้นตอนการดำเนินการ" in no_stage.text
    decided = client.post(
        f"/api/integrity/reports/{rid}/decision",
        json={
            "outcome": "substantiated",
            "action_stage": "disciplinary_inquiry",
            "to_reporter": "เรื่องมีมูล ได้ตั้งกรรมการสอบสวนทางวินัยแล้ว",
            "note": "พบหลักฐานการโอนเงิน",
        },
        headers=prapai,
    )
    assert decided.status_code == 200, decided.text
    seen = follow(client, receipt["code"], receipt["passphrase"])
    assert seen["status"] == "decided" and seen["outcome"] == "มีมูล"
    assert seen["action_stage"] == "ตั้งกรรมการสอบสวนทางวินัย"
    assert "พบหลักฐานการโอนเงิน" not in str(seen)

    with Session(engine) as session:
        mails = session.exec(select(OutboxEmail).where(OutboxEmail.case_type == CASE_TYPE)).all()
        mayor_mail = [m for m in mails if m.to_address == named["mayor"].email]
    assert len(mayor_mail) == 1 and "มีมูล" in mayor_mail[0].body_text
    for mail in mails:
        for secret in (SECRET_NAME, SECRET_PHONE, SECRET_TEXT, "เรียกรับเงิน", receipt["code"]):
            assert secret not in mail.subject + mail.body_text + mail.body_html


def test_the_database_holds_no_readable_identity_or_text(
    client: TestClient, engine: Engine, named: dict[str, User]
) -> None:
    receipt = file(client, identity={"name": SECRET_NAME, "phone": SECRET_PHONE})
    start_handling(engine)
    rid = report_id(engine, receipt["code"])
    client.post(
        "/api/integrity/reports/reply",
        json={"code": receipt["code"], "passphrase": receipt["passphrase"], "text": SECRET_PHONE},
    )
    client.post(
        f"/api/integrity/reports/{rid}/decision",
        json={"outcome": "decline", "to_reporter": f"ไม่รับ: {SECRET_TEXT}"},
        headers=login(client, "ratana"),
    )
    needles = [s.encode() for s in (SECRET_NAME, SECRET_PHONE, SECRET_TEXT, "เรียกรับ")]
    needles.append(receipt["passphrase"].encode())
    found = []
    with engine.connect() as conn:
        for table in sa.inspect(engine).get_table_names():
            for row in conn.execute(sa.text(f'SELECT * FROM "{table}"')):
                raw = b" ".join(
                    v if isinstance(v, bytes) else str(v).encode() for v in row if v is not None
                )
                found += [(table, n.decode()) for n in needles if n in raw]
    assert found == []
