"""Protected records: a screened person's record is read only by the welfare division and the
round's teams, the HIV status only by the named officers; every read, allowed or refused, is
logged with who, when, which record and why; the data protection officer alone reads the log.
Through the domain, the JSON API and the pages."""

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from domain.engine.readlog import read_log
from domain.errors import NotEntitled
from domain.screening import service
from domain.screening.nominations import NominationInput
from domain.screening.people import PersonInput
from domain.screening.protection import RECORD_TYPE, read_person
from models.people import User
from models.readlog import ReadLogEntry
from models.screening import NominationSource, Person, School
from tests.helpers import login, sign_in
from tests.screening.conftest import open_round, thai_id

PURPOSE = "ตรวจสอบข้อมูลก่อนเยี่ยมบ้าน"


def hiv_positive_student(engine: Engine, people: dict[str, User]) -> int:
    officer = people["siriporn"]
    opened = open_round(engine, officer)
    with Session(engine) as session:
        school_id = session.exec(select(School.id)).first()
    nomination = service.nominate(
        engine,
        user_id=officer.id,  # type: ignore[arg-type]
        round_id=opened.id,  # type: ignore[arg-type]
        data=NominationInput(
            person=PersonInput(first_name="เด็กชายต้นกล้า", last_name="ใจสู้", thai_id=thai_id(77)),
            source=NominationSource.teacher,
            nominator_name="ครูวิไล",
            school_id=school_id,
        ),
    )
    with Session(engine) as session:
        student = session.get(Person, nomination.person_id)
        student.hiv_positive = True  # type: ignore[union-attr]
        session.add(student)
        session.commit()
    return nomination.person_id


def log_of(engine: Engine, person_id: int) -> list[tuple[int | None, str, bool]]:
    with Session(engine) as session:
        return [
            (e.user_id, e.scope, e.allowed)
            for e in session.exec(
                select(ReadLogEntry)
                .where(ReadLogEntry.record_type == RECORD_TYPE, ReadLogEntry.record_id == person_id)
                .order_by(col(ReadLogEntry.id))
            )
        ]


def test_hiv_status_refused_and_logged_for_an_officer_who_may_not(engine, screening_people):
    student = hiv_positive_student(engine, screening_people)
    siriporn, malai = screening_people["siriporn"], screening_people["malai"]
    record = read_person(
        engine,
        user_id=siriporn.id,
        person_id=student,
        purpose=PURPOSE,
        with_hiv_status=True,  # type: ignore[arg-type]
    )
    assert record.hiv_positive is None and record.hiv_refused
    assert record.person.first_name == "เด็กชายต้นกล้า"  # the rest of the record is hers to read
    shown = read_person(
        engine,
        user_id=malai.id,
        person_id=student,
        purpose=PURPOSE,
        with_hiv_status=True,  # type: ignore[arg-type]
    )
    assert shown.hiv_positive is True and not shown.hiv_refused
    plain = read_person(engine, user_id=malai.id, person_id=student, purpose=PURPOSE)  # type: ignore[arg-type]
    assert plain.hiv_positive is None and not plain.hiv_refused  # not asked: not shown
    assert log_of(engine, student) == [
        (siriporn.id, "record", True),
        (siriporn.id, "hiv-status", False),
        (malai.id, "record", True),
        (malai.id, "hiv-status", True),
        (malai.id, "record", True),
    ]


def test_an_officer_outside_welfare_is_refused_and_the_refusal_logged(engine, screening_people):
    student = hiv_positive_student(engine, screening_people)
    outsider = screening_people["somchai"]  # กย.
    with pytest.raises(NotEntitled, match="ไม่มีสิทธิ์"):
        read_person(engine, user_id=outsider.id, person_id=student, purpose="อยากรู้")  # type: ignore[arg-type]
    with pytest.raises(NotEntitled, match="วัตถุประสงค์"):
        read_person(engine, user_id=screening_people["malai"].id, person_id=student, purpose=" ")  # type: ignore[arg-type]
    assert log_of(engine, student) == [
        (outsider.id, "record", False),
        (screening_people["malai"].id, "record", False),
    ]
    with Session(engine) as session:
        purposes = session.exec(select(ReadLogEntry.purpose).order_by(col(ReadLogEntry.id))).all()
    assert purposes == ["อยากรู้", ""]


def test_the_dpo_reads_the_log_others_may_not(engine, screening_people):
    student = hiv_positive_student(engine, screening_people)
    read_person(engine, user_id=screening_people["malai"].id, person_id=student, purpose=PURPOSE)  # type: ignore[arg-type]
    with pytest.raises(NotEntitled, match="คุ้มครองข้อมูลส่วนบุคคล"):
        read_log(engine, user_id=screening_people["sompong"].id, purpose="ตรวจสอบ")  # type: ignore[arg-type]
    entries = read_log(engine, user_id=screening_people["thanaphon"].id, purpose="ตรวจประจำเดือน")  # type: ignore[arg-type]
    assert [(e.record_type, e.allowed, e.user_id) for e in entries] == [
        ("read-log", True, screening_people["thanaphon"].id),  # this read, newest first
        ("read-log", False, screening_people["sompong"].id),
        (RECORD_TYPE, True, screening_people["malai"].id),
    ]
    assert entries[-1].purpose == PURPOSE


def test_reads_through_the_api_and_the_pages_are_logged(screening_client, engine, screening_people):
    client = screening_client
    student = hiv_positive_student(engine, screening_people)
    url = f"/api/screening/persons/{student}"
    outsider = client.get(url, params={"purpose": "ดู"}, headers=login(client, "somchai"))
    assert outsider.status_code == 403 and "ไม่มีสิทธิ์" in outsider.json()["detail"]
    no_purpose = client.get(url, headers=login(client, "malai"))
    assert no_purpose.status_code == 422
    shown = client.get(
        url, params={"purpose": PURPOSE, "hiv_status": "true"}, headers=login(client, "malai")
    )
    assert shown.status_code == 200
    body = shown.json()
    assert body["hiv_positive"] is True and body["nominations"][0]["source"] == "teacher"
    hidden = client.get(
        url, params={"purpose": PURPOSE, "hiv_status": "true"}, headers=login(client, "siriporn")
    )
    assert hidden.json()["hiv_positive"] is None and hidden.json()["hiv_refused"] is True

    sign_in(client, "siriporn")
    asked = client.get(f"/pages/screening/persons/{student}")
    assert asked.status_code == 200 and "วัตถุประสงค์" in asked.text and "ใจสู้" not in asked.text
    page = client.get(
        f"/pages/screening/persons/{student}", params={"purpose": PURPOSE, "hiv_status": "true"}
    )
    assert "เด็กชายต้นกล้า" in page.text and "ไม่มีสิทธิ์ดู" in page.text
    sign_in(client, "somchai")
    assert (
        client.get(f"/pages/screening/persons/{student}", params={"purpose": "ดู"}).status_code
        == 403
    )

    assert [(s, a) for _, s, a in log_of(engine, student)] == [
        ("record", False),
        ("record", True),
        ("hiv-status", True),
        ("record", True),
        ("hiv-status", False),
        ("record", True),
        ("hiv-status", False),
        ("record", False),
    ]
    with Session(engine) as session:
        channels = session.exec(select(ReadLogEntry.channel).order_by(col(ReadLogEntry.id))).all()
    assert channels[:5] == ["api"] * 5 and channels[5:] == ["page"] * 3

    denied = client.get(
        "/api/screening/read-log", params={"purpose": "ดู"}, headers=login(client, "malai")
    )
    assert denied.status_code == 403
    log = client.get(
        "/api/screening/read-log", params={"purpose": "ตรวจสอบ"}, headers=login(client, "thanaphon")
    )
    assert log.status_code == 200 and len(log.json()) == 10  # 8 reads, the refusal, this one
    sign_in(client, "thanaphon")
    page = client.get("/pages/screening/read-log", params={"purpose": "ตรวจสอบ"})
    assert page.status_code == 200 and "ปฏิเสธ" in page.text and "นางมาลัย" in page.text
    assert "บุคคลในการคัดกรองผู้รับโอกาส #" in page.text and "screening-person" not in page.text
