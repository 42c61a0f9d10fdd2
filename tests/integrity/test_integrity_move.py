"""A corruption complaint filed through the general channel, moved by the centre into the
sealed track: gone from the centre's lists, Open311 and the general statistics; followed by
the complainant with the receipt the centre hands over."""

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.db import utcnow
from domain.engine.calendar import BANGKOK
from domain.integrity.rules import open_received
from models.audit import AuditEntry
from models.complaint import Complaint
from models.integrity import IntegrityReport, SealedMove
from models.outbox import OutboxEmail
from models.people import User
from models.steps import HumanStep
from tests.helpers import csrf_of, login, sign_in

TEXT = "เจ้าหน้าที่เทศกิจเรียกเก็บเงินค่าคุ้มครองแผงลอยหน้าตลาดบางลำภู คนละ 300 บาททุกสัปดาห์"
FORM = {
    "category": "other",
    "description": TEXT,
    "address": "ตลาดบางลำภู ถนนกลางเมือง",
    "complainant": {"name": "นายแม่ค้า ขายดี", "phone": "0811112222"},
}


def filed(client: TestClient) -> str:
    r = client.post("/api/complaints/public", json=FORM)
    assert r.status_code == 201, r.text
    return r.json()["number"]


def test_the_centre_moves_a_complaint_into_the_sealed_track(
    client: TestClient, engine: Engine, named: dict[str, User]
) -> None:
    number = filed(client)
    other = client.post("/api/complaints/public", json=FORM | {"description": "ไฟดับซอย 9 สามคืนแล้ว"})
    nipa = login(client, "nipa")
    listed = client.get("/api/complaints", headers=nipa).json()
    moved_id = next(c["id"] for c in listed if c["number"] == number)
    with Session(engine) as session:  # the centre's screening step is open
        assert session.exec(select(HumanStep).where(HumanStep.case_id == moved_id)).first()
    now = utcnow().astimezone(BANGKOK)
    year_be = now.year + 543
    before = client.get(
        "/api/complaints/reports/monthly",
        params={"year": year_be, "month": now.month},
        headers=nipa,
    ).json()

    # Only the complaint centre moves; a division's handler cannot.
    refused = client.post(
        "/api/integrity/moves", json={"number": number}, headers=login(client, "chatchai")
    )
    assert refused.status_code == 403
    r = client.post("/api/integrity/moves", json={"number": number}, headers=nipa)
    assert r.status_code == 201, r.text
    receipt = r.json()

    listed = client.get("/api/complaints", headers=nipa).json()
    assert number not in {c["number"] for c in listed}
    assert other.json()["number"] in {c["number"] for c in listed}
    open311 = client.get("/open311/v2/requests.json").json()
    assert all(TEXT[:20] not in str(item) for item in open311)
    assert number not in str(open311)
    after = client.get(
        "/api/complaints/reports/monthly",
        params={"year": year_be, "month": now.month},
        headers=nipa,
    ).json()
    assert after["total"] == before["total"] - 1

    with Session(engine) as session:
        assert session.exec(select(Complaint).where(Complaint.number == number)).first() is None
        move = session.exec(select(SealedMove)).one()
        assert move.complaint_number == number and move.moved_by_id == named["nipa"].id
        for mail in session.exec(select(OutboxEmail)):
            assert TEXT not in mail.body_text
        for entry in session.exec(select(AuditEntry)):
            assert TEXT not in str(entry.detail)
        report = session.exec(select(IntegrityReport)).one()
        assert report.origin == "moved" and report.anonymous is False
        report_id = report.id
        left = session.exec(
            select(HumanStep).where(
                HumanStep.case_type == "complaint", HumanStep.case_id == moved_id
            )
        ).all()
        assert left == []
        assert open_received(session) == 1
        session.commit()

    seen = client.post(
        "/api/integrity/reports/follow",
        json={"code": receipt["code"], "passphrase": receipt["passphrase"]},
    ).json()
    assert TEXT in seen["text"] and number in seen["text"]
    # The centre reads nothing of it any more.
    assert (
        client.get(
            f"/api/integrity/reports/{report_id}", params={"purpose": "ดู"}, headers=nipa
        ).status_code
        == 403
    )


def test_the_move_from_the_centres_page_shows_the_receipt_once(
    client: TestClient, engine: Engine, named: dict[str, User]
) -> None:
    number = filed(client)
    with Session(engine) as session:
        complaint_id = session.exec(select(Complaint.id).where(Complaint.number == number)).one()
    sign_in(client, "nipa")
    page = client.get(f"/pages/complaints/{complaint_id}")
    assert page.status_code == 200 and 'action="/pages/integrity/move"' in page.text
    r = client.post("/pages/integrity/move", data={"csrf": csrf_of(page.text), "number": number})
    assert r.status_code == 200 and "KKI-" in r.text and number in r.text
    again = client.post(
        "/pages/integrity/move", data={"csrf": csrf_of(page.text), "number": number}
    )
    assert again.status_code == 404 and "ไม่พบเรื่องร้องเรียน" in again.text
