"""The scholarship's mentors and renewal (domain/screening/renewal.py): who may assign and
report, what a report and a decision need, quorum and presence at the renewal meeting, the
next round's checks; the JSON routes and the page."""

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from domain.errors import Conflict, InvalidInput, NotEntitled
from domain.screening import renewal
from domain.screening.protection import may_read_record
from models.people import User
from models.screening import Candidate, Programme
from models.screening_renewal import MentorReport
from tests.helpers import csrf_of, login, sign_in
from tests.screening.conftest import open_round
from tests.screening.test_programmes_end_to_end import _users, scholarship_round

GOOD = renewal.ReportInput(date(2027, 3, 1), 95, "ตั้งใจเรียนดี ครอบครัวยังลำบาก", True, 3.1)


@pytest.fixture
def awarded(engine: Engine, screening_people) -> tuple[int, list[int], dict[str, User]]:
    users = _users(engine)
    round_id, cids = scholarship_round(engine, users)
    return round_id, cids[:2], users


def test_mentor_and_report_rules(engine: Engine, awarded) -> None:
    round_id, (a, b), users = awarded
    sunee, malai, somchai = (users[n].id for n in ("sunee", "malai", "wilai"))
    with pytest.raises(NotEntitled):
        renewal.assign_mentor_uc(engine, candidate_id=a, user_id=somchai, mentor_name="ใครก็ได้")
    with pytest.raises(InvalidInput, match="ชื่อพี่เลี้ยง"):
        renewal.assign_mentor_uc(engine, candidate_id=a, user_id=sunee)
    with pytest.raises(Conflict, match="ยังไม่ได้กำหนดพี่เลี้ยง"):
        renewal.record_report_uc(engine, candidate_id=a, user_id=sunee, report=GOOD)
    renewal.assign_mentor_uc(engine, candidate_id=a, user_id=sunee, mentor_user_id=malai)
    with pytest.raises(NotEntitled):  # a volunteer who is not this recipient's mentor
        renewal.record_report_uc(engine, candidate_id=a, user_id=somchai, report=GOOD)
    bad = renewal.ReportInput(date(2027, 3, 1), 120, "ตั้งใจเรียนดี", True)
    with pytest.raises(InvalidInput, match="ร้อยละการมาเรียน"):
        renewal.record_report_uc(engine, candidate_id=a, user_id=malai, report=bad)
    found = renewal.record_report_uc(engine, candidate_id=a, user_id=malai, report=GOOD)
    assert found.grade_average_hundredths == 310
    with Session(engine) as session:
        assert len(session.exec(select(MentorReport)).all()) == 1  # the refused stored nothing
    # the not-eligible candidate of the round is no recipient
    with Session(engine) as session:
        others = session.exec(
            select(Candidate.id).where(
                Candidate.round_id == round_id,
                Candidate.id.not_in([a, b]),  # type: ignore[union-attr]
            )
        ).all()
    with pytest.raises(Conflict, match="ไม่ได้เป็นผู้รับทุน"):
        renewal.assign_mentor_uc(
            engine, candidate_id=others[0], user_id=sunee, mentor_name="ครูสมศรี"
        )


def test_renewal_meeting_rules(engine: Engine, awarded) -> None:
    round_id, (a, b), users = awarded
    u = {n: users[n].id for n in ("sunee", "malai", "boonmee", "sompong", "wilai", "somnuek")}
    renewal.assign_mentor_uc(engine, candidate_id=a, user_id=u["sunee"], mentor_user_id=u["malai"])
    renewal.assign_mentor_uc(
        engine, candidate_id=b, user_id=u["sunee"], mentor_name="นางพี่เลี้ยง ชุมชน"
    )
    renewal.record_report_uc(engine, candidate_id=a, user_id=u["malai"], report=GOOD)
    wrong_year = open_round(
        engine, users["sunee"], programme=Programme.scholarship, title="ทุน ปีเดิม"
    )
    with pytest.raises(Conflict, match="ยังไม่มีรายงาน"):
        renewal.start_renewal_uc(
            engine,
            round_id=round_id,
            next_round_id=wrong_year.id,
            user_id=u["sunee"],  # type: ignore[arg-type]
        )
    renewal.record_report_uc(engine, candidate_id=b, user_id=u["sunee"], report=GOOD)
    with pytest.raises(InvalidInput, match="2571"):
        renewal.start_renewal_uc(
            engine,
            round_id=round_id,
            next_round_id=wrong_year.id,
            user_id=u["sunee"],  # type: ignore[arg-type]
        )
    nxt = open_round(
        engine, users["sunee"], programme=Programme.scholarship, fiscal_year=2571, title="ทุน 2571"
    )
    meeting = renewal.start_renewal_uc(
        engine,
        round_id=round_id,
        next_round_id=nxt.id,
        user_id=u["sunee"],  # type: ignore[arg-type]
    )
    step = meeting.step_id

    def record(present, decisions, who="boonmee"):
        return renewal.record_renewal_meeting_uc(
            engine,
            step_id=step,
            user_id=u[who],
            record=renewal.RenewalRecord(date(2027, 11, 1), "มติที่ 2/2571", present, decisions),
        )

    with pytest.raises(NotEntitled):
        record([u["boonmee"]], {a: (True, ""), b: (True, "")}, who="sunee")
    with pytest.raises(InvalidInput, match="ครบทุกคน"):
        record([u["boonmee"]], {a: (True, "")})
    with pytest.raises(InvalidInput, match="เหตุผลที่ไม่ต่อทุน"):
        record([u["boonmee"]], {a: (True, ""), b: (False, "")})
    record([u["boonmee"], u["sompong"]], {a: (True, ""), b: (False, "ผลการเรียนต่ำกว่าเกณฑ์")})
    with pytest.raises(Conflict, match="ไม่ครบองค์ประชุม"):
        renewal.cast_renewal_vote_uc(engine, step_id=step, user_id=u["boonmee"])
    present = [u["boonmee"], u["sompong"], u["wilai"]]
    record(present, {a: (True, ""), b: (False, "ผลการเรียนต่ำกว่าเกณฑ์")})
    with pytest.raises(NotEntitled):
        renewal.cast_renewal_vote_uc(engine, step_id=step, user_id=u["somnuek"])
    assert not renewal.cast_renewal_vote_uc(engine, step_id=step, user_id=u["boonmee"])
    with pytest.raises(Conflict, match="เปิดการพิจารณาต่อทุน"):
        renewal.start_renewal_uc(
            engine,
            round_id=round_id,
            next_round_id=nxt.id,
            user_id=u["sunee"],  # type: ignore[arg-type]
        )


def test_renewal_routes_and_page(client: TestClient, engine: Engine, awarded) -> None:
    round_id, (a, b), users = awarded
    sunee = login(client, "sunee")
    r = client.post(
        f"/api/screening/candidates/{a}/mentor",
        json={"mentor_user_id": users["malai"].id},
        headers=sunee,
    )
    assert r.status_code == 200, r.text
    r = client.post(
        f"/api/screening/candidates/{b}/mentor",
        json={"mentor_name": "นายพี่เลี้ยง ภายนอก"},
        headers=sunee,
    )
    assert r.status_code == 200
    r = client.post(
        f"/api/screening/candidates/{a}/mentor-reports",
        json={
            "reported_on": "2027-03-01",
            "attendance_percent": 90,
            "situation": "มาเรียนสม่ำเสมอ",
            "recommend_continue": True,
        },
        headers=login(client, "chatchai"),
    )
    assert r.status_code == 403
    sign_in(client, "malai")
    page = client.get(f"/pages/screening/rounds/{round_id}/renewal")
    assert page.status_code == 200 and "นายพี่เลี้ยง ภายนอก" in page.text
    posted = client.post(
        f"/pages/screening/candidates/{a}/mentor-report",
        data={
            "csrf": csrf_of(page.text),
            "reported_on": "2027-03-01",
            "attendance_percent": "92",
            "grade_average": "3.25",
            "situation": "ตั้งใจเรียน ช่วยงานบ้าน",
            "recommend_continue": "yes",
        },
        follow_redirects=False,
    )
    assert posted.status_code == 303
    shown = client.get(posted.headers["location"]).text
    assert "บันทึกรายงานของพี่เลี้ยงแล้ว" in shown and "เกรดเฉลี่ย 3.25" in shown
    assert "2570" in shown  # 1 March 2027 shown in Buddhist Era
    data = client.get(f"/api/screening/rounds/{round_id}/renewal", headers=sunee).json()
    assert [(x["candidate_id"], x["report"] is not None) for x in data["recipients"]] == [
        (a, True),
        (b, False),
    ]
    r = client.post(
        f"/api/screening/rounds/{round_id}/renewal", json={"next_round_id": round_id}, headers=sunee
    )
    assert r.status_code == 409 and "ยังไม่มีรายงาน" in r.text


def test_a_mentor_reads_only_their_own_recipients_record(engine: Engine, awarded) -> None:
    _, (a, b), users = awarded
    mentor = users["somchai"]  # the strategy division: no reader of welfare records otherwise
    with Session(engine) as session:
        person_a, person_b = (session.get(Candidate, c).person_id for c in (a, b))  # type: ignore[union-attr]
        assert not may_read_record(session, mentor, person_a)
    renewal.assign_mentor_uc(
        engine, candidate_id=a, user_id=users["sunee"].id, mentor_user_id=mentor.id
    )
    with Session(engine) as session:
        assert may_read_record(session, mentor, person_a)
        assert not may_read_record(session, mentor, person_b)


def test_a_mentor_outside_the_round_follows_their_own_recipient(
    client: TestClient, engine: Engine, awarded
) -> None:
    """A mentor who is no reader of the round (here the strategy division's somchai) opens its
    renewal page to report, and sees their own recipient there, not the others."""
    round_id, (a, b), users = awarded
    url = f"/pages/screening/rounds/{round_id}/renewal"
    sign_in(client, "somchai")
    assert client.get(url).status_code == 403  # not yet a mentor: no business there
    renewal.assign_mentor_uc(
        engine, candidate_id=a, user_id=users["sunee"].id, mentor_user_id=users["somchai"].id
    )
    page = client.get(url)
    assert page.status_code == 200
    assert f"ผู้รับทุน #{a}" in page.text and f"ผู้รับทุน #{b}" not in page.text
    assert f"/candidates/{a}/mentor-report" in page.text  # the report form is there
    shown = _post_form(
        client,
        url,
        f"/pages/screening/candidates/{a}/mentor-report",
        {
            "reported_on": "2027-03-01",
            "attendance_percent": "88",
            "situation": "มาเรียนสม่ำเสมอ",
            "recommend_continue": "yes",
        },
    )
    assert "บันทึกรายงานของพี่เลี้ยงแล้ว" in shown
    data = client.get(
        f"/api/screening/rounds/{round_id}/renewal", headers=login(client, "somchai")
    ).json()
    assert [r["candidate_id"] for r in data["recipients"]] == [a]


def _post_form(client: TestClient, page_url: str, action: str, data: dict[str, str]) -> str:
    """Post a page's form as a browser would; the Thai message of the page it comes back to."""
    page = client.get(page_url)
    assert page.status_code == 200, page.text
    posted = client.post(action, data={"csrf": csrf_of(page.text), **data}, follow_redirects=False)
    assert posted.status_code == 303, posted.text
    return client.get(posted.headers["location"]).text


def test_renewal_through_the_pages(client: TestClient, engine: Engine, awarded) -> None:
    round_id, (a, b), users = awarded
    u = {n: users[n].id for n in ("malai", "boonmee", "sompong", "wilai")}
    url = f"/pages/screening/rounds/{round_id}/renewal"
    sign_in(client, "sunee")
    shown = _post_form(
        client, url, f"/pages/screening/candidates/{a}/mentor", {"mentor_user_id": str(u["malai"])}
    )
    assert "กำหนดพี่เลี้ยงแล้ว" in shown
    _post_form(
        client,
        url,
        f"/pages/screening/candidates/{b}/mentor",
        {"mentor_user_id": "", "mentor_name": "นางพี่เลี้ยง ชุมชน", "mentor_contact": "081-000-0000"},
    )
    renewal.record_report_uc(engine, candidate_id=a, user_id=u["malai"], report=GOOD)
    renewal.record_report_uc(engine, candidate_id=b, user_id=users["sunee"].id, report=GOOD)
    nxt = open_round(
        engine, users["sunee"], programme=Programme.scholarship, fiscal_year=2571, title="ทุน 2571"
    )
    shown = _post_form(
        client,
        url,
        f"/pages/screening/rounds/{round_id}/renewal/start",
        {"next_round_id": str(nxt.id)},
    )
    assert "เปิดการพิจารณาต่อทุนแล้ว" in shown and 'id="renewal-meeting"' not in shown  # not a member
    with Session(engine) as session:
        meeting = renewal.renewal_meeting(session, round_id)
        assert meeting is not None
        step = meeting.step_id
    sign_in(client, "boonmee")
    meeting_form = {
        "meeting_date": "2027-11-01",
        "resolution_number": "มติที่ 2/2571",
        **{f"present_{u[n]}": "on" for n in ("boonmee", "sompong", "wilai")},
        f"renew_{a}": "yes",
        f"renew_{b}": "no",
        f"reason_{b}": "",
    }
    refused = client.post(
        f"/pages/screening/renewals/{step}/meeting",
        data={"csrf": csrf_of(client.get(url).text), **meeting_form},
    )
    assert refused.status_code == 422 and "เหตุผลที่ไม่ต่อทุน" in refused.text
    meeting_form[f"reason_{b}"] = "ผลการเรียนต่ำกว่าเกณฑ์"
    shown = _post_form(client, url, f"/pages/screening/renewals/{step}/meeting", meeting_form)
    assert "บันทึกการประชุมแล้ว" in shown and "ครบองค์ประชุม" in shown
    messages = []
    for who in ("boonmee", "sompong", "wilai"):
        sign_in(client, who)
        shown = _post_form(client, url, f"/pages/screening/renewals/{step}/vote", {"comment": ""})
        messages.append("มีมติรับรองผลการพิจารณาต่อทุนแล้ว" in shown)
    assert messages[-1] and not messages[0]
    assert "ไม่ต่อทุน: ผลการเรียนต่ำกว่าเกณฑ์" in shown and "ผู้สมัครรอบถัดไป #" in shown


def test_a_welfare_round_has_no_renewal_page(client: TestClient, engine: Engine, awarded) -> None:
    round_id, _, users = awarded
    welfare = open_round(engine, users["sunee"], title="คัดกรองผู้รับโอกาส")
    sign_in(client, "sunee")
    assert "พี่เลี้ยงและการต่อทุน</a>" in client.get(f"/pages/screening/rounds/{round_id}").text
    assert "พี่เลี้ยงและการต่อทุน</a>" not in client.get(f"/pages/screening/rounds/{welfare.id}").text
    page = client.get(f"/pages/screening/rounds/{welfare.id}/renewal")
    assert page.status_code == 409 and "ใช้กับโครงการทุนการศึกษาเท่านั้น" in page.text
