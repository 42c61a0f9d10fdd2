"""What is public: Open311 and tracking show the complaint's public description (the
complainant's text with telephone numbers, ID numbers, e-mail addresses, LINE ids and links
masked, then the centre's summary once released), never the complainant's own words, which
officers still read in full."""

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from domain.complaints import service
from domain.complaints.privacy import (
    EMAIL_MASK,
    ID_MASK,
    LINE_MASK,
    LINK_MASK,
    PHONE_MASK,
    mask_personal_data,
    public_text,
)
from domain.engine import audit
from domain.errors import NotEntitled
from models.complaint import Complaint
from tests.complaints.test_complaints import complaint_row, form, submit_web
from tests.helpers import login

THAI_TEXT = (
    "นายสมชาย ใจดี เบอร์ 081-234-5678 บ้านเลขที่ 12 เลขบัตร 1-1002-00123-45-6 อีเมล somchai@example.com"
)
SECRETS = ("081-234-5678", "0812345678", "1-1002-00123-45-6", "1100200123456", "somchai@")


def test_the_realistic_thai_text_is_masked() -> None:
    masked = mask_personal_data(THAI_TEXT)
    assert masked == (
        f"นายสมชาย ใจดี เบอร์ {PHONE_MASK} บ้านเลขที่ 12 เลขบัตร {ID_MASK} อีเมล {EMAIL_MASK}"
    )
    # a name is ordinary words: not masked (README; the centre's summary covers it)
    assert "นายสมชาย ใจดี" in masked


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("โทร0812345678ได้ตลอด", f"โทร{PHONE_MASK}ได้ตลอด"),
        ("ติดต่อ 08x-xxx-xx78 ครับ", f"ติดต่อ {PHONE_MASK} ครับ"),
        ("+66 81 234 5678 หรือ +66812345678", f"{PHONE_MASK} หรือ {PHONE_MASK}"),
        ("บ้าน 043 221 456 / 0-4322-1456", f"บ้าน {PHONE_MASK} / {PHONE_MASK}"),
        ("มือถือ ๐๘๑-๒๓๔-๕๖๗๘", f"มือถือ {PHONE_MASK}"),
        ("บัตร 1100200123456 และ 1 1002 00123 45 6", f"บัตร {ID_MASK} และ {ID_MASK}"),
        ("ไลน์ somchai99 หรือ LINE ID: @kk_somchai", f"ไลน์ {LINE_MASK} หรือ LINE ID: {LINE_MASK}"),
        ("ไอดีไลน์ som.chai", f"ไอดีไลน์ {LINE_MASK}"),
        ("ดูที่ https://evil.example/x?a=1 หรือ www.spam.example", f"ดูที่ {LINK_MASK} หรือ {LINK_MASK}"),
        ("Somchai.K+kk@mail.example.co.th", EMAIL_MASK),
    ],
)
def test_each_kind_is_masked(text: str, expected: str) -> None:
    assert mask_personal_data(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "ไฟดับตั้งแต่ 01.02.2567 เวลา 18.30-06.00 น. รวม 3 คืน",
        "พิกัด 16.4419, 102.8360 ซอยมิตรภาพ 5 หมู่ 12 บ้านเลขที่ 123/45",
        "ค่าเสียหาย 1,500 บาท รหัสไปรษณีย์ 40000 ทะเบียนรถ กข 1234 ขอนแก่น",
        "ร้องเรียนผ่าน LINE แล้ว ทางออนไลน์ (online) ก่อน deadline",
        "เรื่องเลขที่ KKC-2569-000123",
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert mask_personal_data(text) == text


# --------------------------------------------------------------------------- through the API

DESCRIPTION = (
    "ไฟดับหน้าบ้านนายสมชาย ใจดี โทร 081-234-5678 เลขบัตร 1-1002-00123-45-6 "
    "อีเมล somchai@example.com ไลน์ somchai99"
)


def open311(client: TestClient, number: str) -> dict[str, Any]:
    r = client.get("/open311/v2/requests.json", params={"service_request_id": number})
    assert r.status_code == 200, r.text
    [found] = r.json()
    return found


def tracked(client: TestClient, number: str, pin: str) -> tuple[dict[str, Any], str]:
    r = client.post("/api/complaints/public/track", json={"number": number, "pin": pin})
    assert r.status_code == 200, r.text
    page = client.post("/complaints/track", data={"number": number, "pin": pin})
    assert page.status_code == 200, page.text
    return r.json(), page.text


def assert_no_secrets(*texts: str) -> None:
    for text in texts:
        for secret in (*SECRETS, "somchai99"):
            assert secret not in text


def test_open311_and_tracking_show_the_masked_text_then_the_summary(client, engine):
    receipt = submit_web(
        client,
        description=DESCRIPTION,
        address="หน้าบ้านเลขที่ 12 (โทร 0812345678)",
    )
    number, pin = receipt["number"], receipt["pin"]
    row = complaint_row(engine, number)
    assert row.description == DESCRIPTION  # the complainant's words, kept
    assert row.public_description == mask_personal_data(DESCRIPTION)  # set at intake
    assert row.public_released_at is None

    listed = open311(client, number)
    whole_listing = client.get("/open311/v2/requests.json").text
    tracking, page = tracked(client, number, pin)
    assert listed["description"] == row.public_description
    assert tracking["complaint"]["description"] == row.public_description
    assert PHONE_MASK in tracking["complaint"]["description"]
    assert PHONE_MASK in tracking["complaint"]["address"]
    assert_no_secrets(str(listed), whole_listing, str(tracking), page)
    assert "[เบอร์โทรศัพท์]" in page

    # an officer still reads the complainant's words in full
    nipa = login(client, "nipa")
    detail = client.get(f"/api/complaints/{row.id}", headers=nipa)
    assert detail.status_code == 200
    assert detail.json()["complaint"]["description"] == DESCRIPTION

    # the centre writes and releases a public summary
    summary = "ไฟฟ้าส่องสว่างดับหน้าบ้านเลขที่ 12 ซอยมิตรภาพ 5 (ศูนย์ฯ สรุป)"
    r = client.post(
        f"/api/complaints/{row.id}/public-summary", json={"text": summary}, headers=nipa
    )
    assert r.status_code == 200, r.text
    assert r.json()["public_description"] == summary and r.json()["public_released_at"]

    assert open311(client, number)["description"] == summary
    tracking, page = tracked(client, number, pin)
    assert tracking["complaint"]["description"] == summary
    assert summary in page
    assert_no_secrets(str(tracking), page, client.get("/open311/v2/requests.json").text)
    again = client.get(f"/api/complaints/{row.id}", headers=nipa).json()
    assert again["complaint"]["description"] == DESCRIPTION

    with Session(engine) as s:
        entries = audit.timeline(s, case_type="complaint", case_id=row.id)
        released = [e for e in entries if e.action == "complaint_public_summary"]
        assert len(released) == 1 and released[0].detail["summary"] == summary
        assert not released[0].public
        assert audit.verify(entries).valid


def test_only_the_centre_releases_a_summary(client, engine, seeded):
    receipt = submit_web(client, description=DESCRIPTION)
    row = complaint_row(engine, receipt["number"])
    division = login(client, "chatchai")
    r = client.post(
        f"/api/complaints/{row.id}/public-summary",
        json={"text": "สรุปโดยหน่วยงานที่ไม่ใช่ศูนย์ฯ"},
        headers=division,
    )
    assert r.status_code == 403
    nipa = login(client, "nipa")
    short = client.post(
        f"/api/complaints/{row.id}/public-summary", json={"text": "ab"}, headers=nipa
    )
    assert short.status_code == 422
    missing = client.post(
        "/api/complaints/999999/public-summary", json={"text": "สรุปเรื่องที่ไม่มีอยู่"}, headers=nipa
    )
    assert missing.status_code == 404
    with pytest.raises(NotEntitled):
        service.release_public_summary(engine, row.id, seeded["chatchai"].id, "สรุปเรื่องโดยกองช่าง")
    with Session(engine) as s:
        kept = s.get(Complaint, row.id)
        assert kept is not None and kept.public_released_at is None
        assert public_text(kept) == mask_personal_data(DESCRIPTION)


def test_open311_request_shows_no_contact_in_its_description(client, engine):
    from tests.complaints.test_open311 import report

    r = client.post(
        "/open311/v2/requests.json",
        data=report(description=f"{DESCRIPTION} ติดต่อกลับ 1 1002 00123 45 6"),
    )
    assert r.status_code == 201, r.text
    number = r.json()[0]["service_request_id"]
    shown = open311(client, number)["description"]
    assert PHONE_MASK in shown and ID_MASK in shown and EMAIL_MASK in shown
    assert_no_secrets(shown)
    assert "1 1002 00123 45 6" not in shown


def test_an_older_complaint_without_a_public_description_is_masked_on_reading(client, engine):
    receipt = submit_web(client, description=DESCRIPTION)
    with Session(engine) as s:  # as a complaint stored before the column existed
        row = s.get(Complaint, complaint_row(engine, receipt["number"]).id)
        assert row is not None
        row.public_description = None
        s.add(row)
        s.commit()
    shown = open311(client, receipt["number"])["description"]
    assert shown == mask_personal_data(DESCRIPTION)
    assert re.search(r"\d{3}-\d{3}-\d{4}", shown) is None


def test_officers_entry_is_masked_for_the_public_too(client, engine):
    data = form(photos=[], channel="counter", description=DESCRIPTION)
    r = client.post("/api/complaints", json=data, headers=login(client, "nipa"))
    assert r.status_code == 201, r.text
    assert_no_secrets(open311(client, r.json()["number"])["description"])
