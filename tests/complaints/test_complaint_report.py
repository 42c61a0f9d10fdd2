"""The monthly complaint report: numbers on a seeded mix of complaints equal the hand count;
the solved share leaves out what is not the municipality's to solve (and says so); the CSV
opens with its Thai headers; only directors and above or the centre (สป.) see it; queued and
delivered twice, each executive gets it once."""

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

import domain.complaints.report as cr
from adapters.mail import deliver_outbox
from core.settings import Settings
from domain.engine.calendar import BANGKOK
from models.chase import AgendaItem, ChaseNotice
from models.complaint import (
    Complaint,
    ComplaintRating,
    ComplaintStatus,
    NoticeStage,
)
from models.outbox import OutboxEmail
from models.people import Division, User
from ops.seed_complaints import seed_complaints
from ops.smtp_capture import SmtpCapture
from tests.helpers import login

S = ComplaintStatus


def bkk(day: int, hour: int = 9, month: int = 11, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=BANGKOK).astimezone(UTC)


@pytest.fixture
def seeded(engine: Engine, people: dict[str, User]) -> dict[str, Any]:
    """November 2569 (2026): seven complaints in the month, one just before it.

    A resolved in 2 days, rated 5      street-light web        ช่าง
    B resolved in 4 days, rated 1 then 4 (the latest counts)   street-light line  ช่าง
    C resolved in 6 days, rated 2      garbage counter (00:30 on the 1st, Bangkok)   สธ.
    D closed_unresolved               garbage telephone       สธ.
    E forwarded_outside               road-repair web         (none)
    F duplicate                       street-light web        (none)
    G in_progress, overdue; 2 notices and escalated to the mayor   street-light web  ช่าง
    X resolved, registered 23:30 on 31 October (Bangkok): not in November
    """
    with Session(engine, expire_on_commit=False) as s:
        seed_complaints(s)
        div = {d.code: d.id for d in s.exec(select(Division))}
        made: dict[str, Complaint] = {}

        def add(name: str, status: S, cat: str, channel: str, code: str | None, reg, **kw):
            c = Complaint(
                number=f"KKC-2569-T{name}",
                pin_hash="x",
                category_code=cat,
                description="ทดสอบรายงาน",
                channel=channel,
                complainant_name="ผู้ร้องทดสอบ",
                status=status,
                division_id=div[code] if code else None,
                registered_at=reg,
                expected_at=reg + timedelta(days=8),
                **kw,
            )
            s.add(c)
            s.flush()
            made[name] = c
            return c

        add("A", S.resolved, "street-light", "web", "ช่าง", bkk(2), resolved_at=bkk(4))
        add("B", S.resolved, "street-light", "line", "ช่าง", bkk(3), resolved_at=bkk(7))
        add(
            "C",
            S.resolved,
            "garbage",
            "counter",
            "สธ.",
            bkk(1, 0) + timedelta(minutes=30),
            resolved_at=bkk(1, 0) + timedelta(days=6, minutes=30),
        )
        add("D", S.closed_unresolved, "garbage", "telephone", "สธ.", bkk(5))
        add("E", S.forwarded_outside, "road-repair", "web", None, bkk(6))
        add("F", S.duplicate, "street-light", "web", None, bkk(7))
        g = add("G", S.in_progress, "street-light", "web", "ช่าง", bkk(2))
        add(
            "X", S.resolved, "street-light", "web", "ช่าง", bkk(31, 23, month=10), resolved_at=bkk(2)
        )
        for name, rnd, score in (("A", 1, 5), ("B", 1, 1), ("B", 2, 4), ("C", 1, 2), ("X", 1, 1)):
            s.add(ComplaintRating(complaint_id=made[name].id, round=rnd, score=score, via="pin"))
        for stage in (NoticeStage.follow_up, NoticeStage.first_notice, NoticeStage.mayor):
            s.add(
                ChaseNotice(
                    case_type="complaint",
                    case_id=g.id,
                    cycle=1,
                    stage=stage.value,
                    division_id=div["ช่าง"],
                )
            )
        s.add(
            AgendaItem(
                case_type="complaint",
                case_id=g.id,
                cycle=1,
                division_id=div["ช่าง"],
                meeting_date=bkk(30).date(),
            )
        )
        s.commit()
        return {"div": div, "complaints": made}


AS_OF = bkk(30, 12)


def test_numbers_match_the_hand_count(engine, seeded):
    with Session(engine) as s:
        r = cr.build_monthly_report(s, year_be=2569, month=11, as_of=AS_OF)
    assert r.month_title == "พฤศจิกายน 2569"
    assert (r.total, r.within_powers) == (7, 5)  # E (outside) and F (duplicate) left out
    status = {row.code: row.count for row in r.by_status}
    assert status == {
        "screening": 0,
        "routed": 0,
        "in_progress": 1,
        "resolved": 3,
        "under_review": 0,
        "closed_unresolved": 1,
        "forwarded_outside": 1,
        "duplicate": 1,
        "withdrawn": 0,
    }
    assert {row.code: row.count for row in r.by_category} == {
        "street-light": 4,
        "garbage": 2,
        "road-repair": 1,
    }
    channels = {row.code: row.count for row in r.by_channel if row.count}
    assert channels == {"web": 4, "line": 1, "counter": 1, "telephone": 1}

    # Solved: A, B, C of the five within the municipality's powers = 60 % (target 90 %).
    assert (r.solved.numerator, r.solved.denominator, r.solved.percent) == (3, 5, 60.0)
    assert r.solved.target_percent == 90.0 and r.solved.met is False
    assert "ส่งต่อหน่วยงานภายนอก" in r.solved.note and "ถอนเรื่อง" in r.solved.note
    # Satisfied: latest scores 5 (A), 4 (B), 2 (C) -> 2 of 3 = 66.7 % (target 85 %).
    assert (r.satisfied.numerator, r.satisfied.denominator) == (2, 3)
    assert r.satisfied.percent == 66.7 and r.satisfied.met is False
    assert r.ratings == {5: 1, 4: 1, 3: 0, 2: 1, 1: 0}
    assert r.median_days_to_resolve == 4.0  # 2, 4, 6 days
    assert (r.overdue, r.notices, r.escalations) == (1, 2, 1)

    rows = {d.code: d for d in r.by_division}
    assert set(rows) == {"ช่าง", "สธ.", None}
    works = rows["ช่าง"]
    assert (works.registered, works.resolved, works.open, works.overdue) == (3, 2, 1, 1)
    assert (works.notices, works.escalations) == (2, 1)
    health = rows["สธ."]
    assert (health.registered, health.resolved, health.open, health.overdue) == (2, 1, 0, 0)
    assert (rows[None].registered, rows[None].resolved) == (2, 0)


def test_before_any_overdue_and_an_empty_month(engine, seeded):
    with Session(engine) as s:
        early = cr.build_monthly_report(s, year_be=2569, month=11, as_of=bkk(3))
        empty = cr.build_monthly_report(s, year_be=2569, month=9, as_of=AS_OF)
        october = cr.build_monthly_report(s, year_be=2569, month=10, as_of=AS_OF)
    assert early.overdue == 0
    assert (empty.total, empty.solved.percent, empty.solved.met) == (0, None, None)
    assert empty.median_days_to_resolve is None
    assert october.total == 1 and october.satisfied.numerator == 0


def test_previous_month_in_bangkok():
    assert cr.previous_month(datetime(2026, 11, 30, 17, 30, tzinfo=UTC)) == (2569, 11)  # 1 Dec
    assert cr.previous_month(datetime(2027, 1, 1, 3, 0, tzinfo=UTC)) == (2569, 12)
    assert cr.previous_month(datetime(2026, 11, 15, tzinfo=UTC)) == (2569, 10)


def test_csv_parses_with_thai_headers(engine, seeded):
    with Session(engine) as s:
        r = cr.build_monthly_report(s, year_be=2569, month=11, as_of=AS_OF)
    text = cr.report_csv(r)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert tuple(rows[0]) == ("หัวข้อ", "รายการ", "ตัวชี้วัด", "ค่า")
    assert all(len(row) == 4 for row in rows)
    values = {(a, b, c): d for a, b, c, d in rows[1:]}
    assert values[("ภาพรวม", "เรื่องร้องเรียนทั้งหมด", "จำนวนเรื่อง")] == "7"
    assert values[("ผลสัมฤทธิ์", "ร้อยละของเรื่องที่แก้ไขได้", "ร้อยละ")] == "60.0"
    assert values[("ผลสัมฤทธิ์", "ร้อยละของเรื่องที่แก้ไขได้", "ฐานที่ใช้คำนวณ")] == "5"
    assert values[("ผลสัมฤทธิ์", "ร้อยละของเรื่องที่แก้ไขได้", "ผลเทียบเป้าหมาย")] == "ไม่ผ่านเป้าหมาย"
    assert "ไม่นับเรื่องที่ส่งต่อหน่วยงานภายนอก" in values[("ผลสัมฤทธิ์", "ร้อยละของเรื่องที่แก้ไขได้", "หมายเหตุ")]
    assert values[("ระยะเวลา", "ค่ามัธยฐานของจำนวนวันที่ใช้แก้ไข", "วัน")] == "4.0"
    assert values[("หน่วยงาน", "สำนักช่าง", "ค้างเกินกำหนด")] == "1"
    assert values[("หน่วยงาน", "สำนักช่าง", "รายงานนายกเทศมนตรี")] == "1"


# --------------------------------------------------------------------------- the API


URL = "/api/complaints/reports/monthly"
Q = {"year": 2569, "month": 11}


@pytest.mark.parametrize("username", ["chatchai", "somchai", "somsak"])
def test_unauthorised_officer_is_refused(client, username):
    headers = login(client, username)
    for suffix in ("", ".csv", ".html"):
        r = client.get(URL + suffix, params=Q, headers=headers)
        assert r.status_code == 403, r.text
        assert "ผู้อำนวยการ" in r.json()["detail"]
    assert client.get(URL, params=Q).status_code == 401


@pytest.mark.parametrize("username", ["nipa", "pornthip", "mayor", "kanya"])
def test_directors_executives_and_the_centre_see_it(client, username):
    headers = login(client, username)
    r = client.get(URL, params=Q, headers=headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["total"], body["within_powers"]) == (7, 5)
    assert body["solved"]["percent"] == 60.0 and body["satisfied"]["percent"] == 66.7


def test_csv_download_and_html(client):
    headers = login(client, "nipa")
    r = client.get(URL + ".csv", params=Q, headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    assert 'filename="complaint-report-2569-11.csv"' in r.headers["content-disposition"]
    assert r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0] == ["หัวข้อ", "รายการ", "ตัวชี้วัด", "ค่า"]
    page = client.get(URL + ".html", params=Q, headers=headers)
    assert page.status_code == 200 and "พฤศจิกายน 2569" in page.text
    assert "ไม่นับเรื่องที่ส่งต่อหน่วยงานภายนอก" in page.text
    bad = client.get(URL, params={"year": 2026, "month": 13}, headers=headers)
    assert bad.status_code == 422


# --------------------------------------------------------------------------- the mail


def test_queued_twice_one_mail_per_executive(engine, seeded):
    with Session(engine) as s:
        report = cr.build_monthly_report(s, year_be=2569, month=11, as_of=AS_OF)
        people = cr.executives(s)
        assert {p.username for p in people} == {"mayor", "anan", "kanya"}
        assert cr.queue_monthly_report(s, report=report, recipients=people) == 3
        s.commit()
    with Session(engine) as s:
        assert cr.queue_monthly_report(s, report=report, recipients=cr.executives(s)) == 0
        s.commit()
        rows = list(
            s.exec(
                select(OutboxEmail)
                .where(OutboxEmail.case_type == cr.REPORT_CASE_TYPE)
                .order_by(col(OutboxEmail.id))
            )
        )
    assert sorted(m.to_address for m in rows) == [
        "anan@khonkaen.go.th",
        "kanya@khonkaen.go.th",
        "mayor@khonkaen.go.th",
    ]
    mail = rows[0]
    assert "พฤศจิกายน 2569" in mail.subject and "60.0%" in mail.subject
    assert "ไม่นับเรื่องที่ส่งต่อหน่วยงานภายนอก" in mail.body_html
    assert "เรียน" in mail.body_text and "66.7%" in mail.body_text


async def test_delivered_twice_arrives_once_per_executive(engine, seeded, tmp_path):
    with Session(engine) as s:
        report = cr.build_monthly_report(s, year_be=2569, month=11, as_of=AS_OF)
        cr.queue_monthly_report(s, report=report, recipients=cr.executives(s))
        cr.queue_monthly_report(s, report=report, recipients=cr.executives(s))
        s.commit()
    case = (cr.REPORT_CASE_TYPE, cr.report_case_id(report))
    with SmtpCapture(port=0, directory=tmp_path / "mail") as smtp:
        settings = Settings(smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_timeout_seconds=5)
        first = await deliver_outbox(engine, settings, case=case)
        second = await deliver_outbox(engine, settings, case=case)
        got = sorted(r for m in smtp.messages for r in m.rcpt_tos)
    assert (first.sent, second.sent) == (3, 0)
    assert got == ["anan@khonkaen.go.th", "kanya@khonkaen.go.th", "mayor@khonkaen.go.th"]


async def test_the_report_mail_carries_its_pdf(engine, seeded, tmp_path):
    """The monthly flow's path: the report built, its PDF rendered once and attached to every
    executive's mail; the mail says it is attached rather than linking the download."""
    from adapters.complaint_report_pdf import monthly_report_attachment
    from domain.complaints import service

    counts = service.queue_monthly_report(
        engine, year_be=2569, month=11, attach=monthly_report_attachment
    )
    assert counts["queued"] == 3 and counts["pdf"] == 1
    case = (cr.REPORT_CASE_TYPE, 2569 * 100 + 11)
    with SmtpCapture(port=0, directory=tmp_path / "mail") as smtp:
        settings = Settings(smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_timeout_seconds=5)
        assert (await deliver_outbox(engine, settings, case=case)).sent == 3
        mails = smtp.messages
    for mail in mails:
        [(filename, content)] = mail.attachments
        assert filename == "รายงานเรื่องร้องเรียน-พฤศจิกายน 2569.pdf"
        assert content.startswith(b"%PDF-")
        assert "แนบมากับจดหมายนี้" in mail.text and "แนบมากับจดหมายนี้" in mail.html
        assert "พฤศจิกายน 2569" in mail.subject
