"""The channel's pages: the manual with the configured time frames, filing with a file and
following it, the named officer's list and report (the purpose asked first), a decision."""

import re

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from domain.integrity.policy import integrity_policy
from domain.integrity.rules import open_received
from models.people import User
from tests.helpers import csrf_of, sign_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_manual_publishes_the_steps_the_officers_and_the_time_frames(client: TestClient) -> None:
    page = client.get("/integrity/manual")
    assert page.status_code == 200
    policy = integrity_policy()
    assert f"{policy.assess_working_days} วันทำการ" in page.text
    assert f"{policy.investigate_working_days} วันทำการ" in page.text
    assert policy.committee in page.text and "หน่วยตรวจสอบภายใน" in page.text


def test_file_on_the_page_follow_and_answer(
    client: TestClient, engine: Engine, named: dict[str, User]
) -> None:
    r = client.post(
        "/integrity/report",
        data={"subject": "ฮั้วประมูล", "text": "การประมูลจัดซื้อครุภัณฑ์มีการตกลงราคากันล่วงหน้า"},
        files=[("files", ("สัญญา.pdf", PDF, "application/pdf"))],
    )
    assert r.status_code == 201, r.text
    code = re.search(r'data-testid="receipt-code">([^<]+)<', r.text).group(1)  # type: ignore[union-attr]
    passphrase = re.search(r'data-testid="passphrase">([^<]+)<', r.text).group(1)  # type: ignore[union-attr]

    bad = client.post(
        "/integrity/report",
        data={"subject": "ภาพ", "text": "แนบไฟล์ที่ไม่ใช่รูปหรือ PDF ตามที่กำหนด"},
        files=[("files", ("x.html", b"<html>hi</html>", "text/html"))],
    )
    assert bad.status_code == 422 and "ไม่ใช่ไฟล์ที่รับได้" in bad.text

    seen = client.post("/integrity/follow", data={"code": code, "passphrase": passphrase})
    assert seen.status_code == 200 and "ฮั้วประมูล" in seen.text and "สัญญา.pdf" in seen.text
    wrong = client.post("/integrity/follow", data={"code": code, "passphrase": "nope-nope-nope"})
    assert wrong.status_code == 404 and "ไม่พบเรื่อง" in wrong.text
    answered = client.post(
        "/integrity/follow/reply",
        data={"code": code, "passphrase": passphrase, "text": "มีพยานสองคน"},
    )
    assert answered.status_code == 200 and "มีพยานสองคน" in answered.text

    with Session(engine) as session:
        open_received(session)
        session.commit()
    sign_in(client, "prapai")
    listing = client.get("/pages/integrity")
    assert listing.status_code == 200 and "ฮั้วประมูล" not in listing.text  # no content listed
    link = re.search(r'href="/pages/integrity/(\d+)"', listing.text)
    assert link
    rid = link.group(1)
    ask = client.get(f"/pages/integrity/{rid}")
    assert "วัตถุประสงค์" in ask.text and "ฮั้วประมูล" not in ask.text
    view = client.get(f"/pages/integrity/{rid}", params={"purpose": "พิจารณารับเรื่อง"})
    assert view.status_code == 200 and "ฮั้วประมูล" in view.text and "มีพยานสองคน" in view.text
    file_link = re.search(r'href="(/pages/integrity/\d+/files/\d+\?purpose=[^"]+)"', view.text)
    assert file_link
    download = client.get(file_link.group(1).replace("&amp;", "&"))
    assert download.status_code == 200 and download.content == PDF
    decided = client.post(
        f"/pages/integrity/{rid}/decide",
        data={
            "csrf": csrf_of(view.text),
            "purpose": "พิจารณารับเรื่อง",
            "outcome": "receive",
            "to_reporter": "รับเรื่องไว้ตรวจสอบแล้ว",
        },
        follow_redirects=True,
    )
    assert decided.status_code == 200 and "รับเรื่องไว้ตรวจสอบข้อเท็จจริง" in decided.text

    sign_in(client, "mayor")
    assert client.get(f"/pages/integrity/{rid}", params={"purpose": "ดู"}).status_code == 403
    assert client.get("/pages/integrity").status_code == 403
