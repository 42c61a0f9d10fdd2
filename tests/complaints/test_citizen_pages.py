"""The citizen pages: file a complaint through the HTML form, track it with number and PIN,
rate the result from the mail's link; bad input keeps nothing and answers in Thai."""

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from domain.complaints.lookups import by_number
from domain.complaints.notices import rating_token
from domain.complaints.pin import check_pin
from models.complaint import Complaint, ComplaintPhoto, ComplaintRating, ComplaintStatus
from tests.complaints.test_complaints import JPEG, PNG, complaint_row, work_to_resolved

NUMBER = re.compile(r"KKC-25\d\d-\d{6}")
NOT_FOUND = "ไม่พบเรื่องหรือรหัส PIN ไม่ถูกต้อง"


def fields(**over: Any) -> dict[str, str]:
    data = {
        "category": "street-light",
        "description": "ไฟฟ้าส่องสว่างหน้าบ้านเลขที่ 12 ดับมา 3 คืนแล้ว",
        "address": "ซอยมิตรภาพ 5 ถนนมิตรภาพ อ.เมืองขอนแก่น",
        "latitude": "16.4419",
        "longitude": "102.8360",
        "name": "นายสมหมาย ใจงาม",
        "phone": "081-234-5678",
        "email": "sommai@example.com",
    }
    data.update(over)
    return data


def file_complaint(client: TestClient, **over: Any) -> tuple[str, str, str]:
    """Post the form with a photo and an empty file input; the number, PIN and page."""
    r = client.post(
        "/complaints/new",
        data=fields(**over),
        files=[
            ("photos", ("lamp.png", PNG, "image/png")),
            ("photos", ("", b"", "application/octet-stream")),
        ],
    )
    assert r.status_code == 201, r.text
    number = NUMBER.search(r.text).group(0)
    pin = re.search(r"รหัส PIN</span><strong>(\d{6})</strong>", r.text).group(1)
    return number, pin, r.text


def count(engine: Engine, model: Any) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(model)).one()


def test_form_renders_in_thai_with_categories(client):
    r = client.get("/complaints/new")
    assert r.status_code == 200
    assert "แจ้งเรื่องร้องเรียน" in r.text and 'value="street-light"' in r.text
    assert 'enctype="multipart/form-data"' in r.text and "/static/style.css" in r.text
    assert "ออกจากระบบ" not in r.text  # not the officer layout


def test_file_through_the_form(client, engine):
    number, pin, page = file_complaint(client, withhold_identity="1")
    assert "โปรดจดหรือบันทึกรหัส PIN" in page
    # The receipt is a form posting number and PIN: the PIN is in no link.
    assert 'action="/api/complaints/public/receipt"' in page
    assert f'name="pin" value="{pin}"' in page and f"pin={pin}" not in page
    row = complaint_row(engine, number)
    assert row.channel == "web" and row.withhold_identity
    assert row.latitude == pytest.approx(16.4419)
    assert check_pin(engine, number=number, pin=pin, client="testclient").id == row.id
    assert count(engine, ComplaintPhoto) == 1
    receipt = client.post("/api/complaints/public/receipt", data={"number": number, "pin": pin})
    assert receipt.status_code == 200 and pin in receipt.text


@pytest.mark.parametrize(
    ("over", "files", "status", "message"),
    [
        ({"description": "", "name": ""}, [], 422, "สั้นเกินไป"),
        ({"address": "", "latitude": "", "longitude": ""}, [], 422, "สถานที่เกิดเหตุ"),
        ({"latitude": "abc"}, [], 422, "ละติจูด"),
        ({"category": "no-such"}, [], 422, "ไม่รู้จักประเภทเรื่อง"),
        ({}, [("photos", ("a.png", b"not an image", "image/png"))], 422, "รูปภาพที่ 1"),
        ({}, [("photos", ("big.jpg", JPEG + b"\x00" * 5_242_880, "image/jpeg"))], 413, "MB"),
    ],
)
def test_bad_input_keeps_entries_and_nothing_stored(client, engine, over, files, status, message):
    r = client.post("/complaints/new", data=fields(**over), files=files or None)
    assert r.status_code == status, r.text
    main = r.text[r.text.find("<main") :]
    assert 'class="alert error"' in main and message in main, main[:1500]
    assert "ซอยมิตรภาพ 5" in r.text or "address" in over  # the user's entries kept
    assert "นายสมหมาย ใจงาม" in r.text or over.get("name") == ""
    assert count(engine, Complaint) == 0 and count(engine, ComplaintPhoto) == 0


def test_track_with_right_and_wrong_pin(client, engine):
    number, pin, _ = file_complaint(client)
    form = client.get(f"/complaints/track?number={number}")
    assert form.status_code == 200 and f'value="{number}"' in form.text

    r = client.post("/complaints/track", data={"number": number, "pin": pin})
    assert r.status_code == 200, r.text
    assert ComplaintStatus.screening.thai in r.text
    assert "รับเรื่องร้องเรียนแล้ว" in r.text  # the public timeline
    assert re.search(r"25\d\d", r.text)  # Buddhist-Era dates
    assert "sommai" not in r.text and "081" not in r.text  # no contact details shown

    wrong = "000000" if pin != "000000" else "111111"
    for data in ({"number": number, "pin": wrong}, {"number": "KKC-2569-999999", "pin": wrong}, {}):
        bad = client.post("/complaints/track", data=data)
        assert bad.status_code == 404 and NOT_FOUND in bad.text


def test_rating_refused_while_not_rateable(client, engine):
    number, pin, _ = file_complaint(client)
    with Session(engine) as s:
        token = rating_token(by_number(s, number))
    r = client.post("/complaints/rate", data={"token": token, "score": "5"})
    assert r.status_code == 409 and "ยังไม่อยู่ในขั้นตอนประเมินความพึงพอใจ" in r.text
    r = client.post("/complaints/rate", data={"number": number, "pin": "x", "score": "5"})
    assert r.status_code == 404 and NOT_FOUND in r.text
    r = client.post("/complaints/rate", data={"score": "5"})
    assert r.status_code == 422
    assert count(engine, ComplaintRating) == 0


def test_rating_link_records_a_rating_once(client, engine):
    number, pin, _ = file_complaint(client)
    done = work_to_resolved(client, engine, number)
    token = rating_token(done)

    tracked = client.post("/complaints/track", data={"number": number, "pin": pin})
    assert "ประเมินความพึงพอใจ" in tracked.text and 'name="score"' in tracked.text
    assert "เปลี่ยนหลอดไฟใหม่แล้ว" in tracked.text

    page = client.get(f"/complaints/rate?token={token}")
    assert page.status_code == 200
    assert page.text.count('type="radio" name="score"') == 5 and token in page.text

    bad = client.post("/complaints/rate", data={"token": token, "score": "9"})
    assert bad.status_code == 422 and "1 ถึง 5" in bad.text

    r = client.post("/complaints/rate", data={"token": token, "score": "5", "comment": "ดีมาก"})
    assert r.status_code == 201, r.text
    assert "ขอบคุณ" in r.text and number in r.text
    with Session(engine) as s:
        rating = s.exec(select(ComplaintRating)).one()
        assert (rating.score, rating.comment, rating.via) == (5, "ดีมาก", "token")

    again = client.post("/complaints/rate", data={"number": number, "pin": pin, "score": "4"})
    assert again.status_code == 409 and "ท่านได้ประเมินความพึงพอใจเรื่องนี้แล้ว" in again.text
    assert count(engine, ComplaintRating) == 1
