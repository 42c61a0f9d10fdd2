"""The coordinator's pages: opening a round, nominating, a file refused row by row, then
imported, the duplicates it planted merged; the JSON API's round with live figures."""

from datetime import timedelta

from sqlmodel import Session, select

from api.screening.pages import CANDIDATE_LIST_PURPOSE
from domain.screening.config import screening_config
from domain.screening.rounds import today
from models.readlog import ReadLogEntry
from models.screening import Candidate, CandidateState, Nomination, ScreeningRound
from tests.helpers import csrf_of, login, sign_in
from tests.screening.conftest import community_names, csv_bytes, nomination_row, thai_id


def test_the_coordinator_runs_nominations_on_the_pages(screening_client, engine):
    client = screening_client
    sign_in(client, "somchai")
    assert "เปิดรอบการคัดกรองใหม่" not in client.get("/pages/screening").text  # not สส.
    sign_in(client, "siriporn")
    page = client.get("/pages/screening")
    assert page.status_code == 200 and "เปิดรอบการคัดกรองใหม่" in page.text
    closes = today() + timedelta(days=20)
    form = {
        "csrf": csrf_of(page.text),
        "programme": "welfare",
        "title": "คัดกรองผู้รับโอกาส 2570",
        "fiscal_year": "2570",
        "nomination_opens_on": today().isoformat(),
        "nomination_closes_on": closes.isoformat(),
    }
    stages = screening_config().stages["welfare"]
    missing = client.post("/pages/screening/rounds", data=form)
    assert missing.status_code == 422 and "กรุณากำหนดวันสิ้นสุดขั้นตอน" in missing.text
    for i, stage in enumerate(stages):
        form[f"deadline_{stage}"] = (closes + timedelta(days=10 * (i + 1))).isoformat()
    opened = client.post("/pages/screening/rounds", data=form, follow_redirects=False)
    assert opened.status_code == 303
    with Session(engine) as session:
        round_id = session.exec(select(ScreeningRound.id)).one()
    page = client.get(f"/pages/screening/rounds/{round_id}")
    assert "เพิ่มรายชื่อ" in page.text
    csrf = csrf_of(page.text)
    wrong = client.post(
        f"/pages/screening/rounds/{round_id}/nominations",
        data={
            "csrf": csrf,
            "source": "own_petition",
            "nominator_name": "ตนเอง",
            "first_name": "มาลี",
            "last_name": "ศรีสุข",
            "thai_id": "1101700230705",
        },
    )
    assert wrong.status_code == 422 and "เลขตรวจสอบ" in wrong.text

    names = community_names(engine, round_id)
    broken = [nomination_row(1, names[0]), nomination_row(2, "ชุมชนที่ไม่มีจริง")]
    refused = client.post(
        f"/pages/screening/rounds/{round_id}/imports",
        data={"csrf": csrf},
        files={"file": ("names.csv", csv_bytes(broken), "text/csv")},
    )
    assert refused.status_code == 422
    assert 'id="import-problems"' in refused.text and "<td>3</td>" in refused.text
    assert "ไม่พบชุมชน “ชุมชนที่ไม่มีจริง”" in refused.text

    rows = [
        nomination_row(1, names[0], first_name="สมศรี", last_name="ใจดี", birth_date="15/03/2510"),
        nomination_row(
            2,
            names[0],
            thai_id="",
            first_name="สมสี",
            last_name="ใจดี",
            birth_date="15/03/2510",
            source="สท.",
            nominator_name="นายสมาชิก สภา",
        ),
    ]
    imported = client.post(
        f"/pages/screening/rounds/{round_id}/imports",
        data={"csrf": csrf},
        files={"file": ("names.csv", csv_bytes(rows), "text/csv")},
    )
    assert imported.status_code == 200 and "รายชื่อที่อาจซ้ำ 1 คู่" in imported.text
    assert "รวมเป็นคนเดียวกัน" in imported.text

    with Session(engine) as session:
        keep, drop = session.exec(select(Candidate.person_id).order_by(Candidate.id)).all()
        listed = session.exec(
            select(ReadLogEntry.record_id).where(ReadLogEntry.purpose == CANDIDATE_LIST_PURPOSE)
        ).all()
    assert {keep, drop} <= set(listed)  # the names the round page lists are logged as read
    two = client.post(
        f"/pages/screening/rounds/{round_id}/merge",
        data={"csrf": csrf, "keep_id": keep, "drop_id": drop, "decision": "distinct"},
    )
    assert two.status_code == 422 and "เหตุผลที่ยืนยันว่าเป็นคนละคน" in two.text
    merged = client.post(
        f"/pages/screening/rounds/{round_id}/merge",
        data={"csrf": csrf, "keep_id": keep, "drop_id": drop, "reason": "คนเดียวกัน"},
    )
    assert merged.status_code == 200 and "รวมรายชื่อแล้ว" in merged.text
    assert "ไม่พบรายชื่อที่อาจซ้ำ" in merged.text
    with Session(engine) as session:
        assert len(session.exec(select(Nomination).where(Nomination.person_id == keep)).all()) == 2
        states = session.exec(select(Candidate.state).order_by(Candidate.id)).all()
        assert states == [CandidateState.nominated, CandidateState.merged]

    detail = client.get(f"/api/screening/rounds/{round_id}", headers=login(client, "siriporn"))
    figures = detail.json()["figures"]
    assert (figures["nominations"], figures["candidates"]) == (2, 1)
    assert figures["by_source"] == {"community_president": 1, "council_member": 1}


def test_the_api_opens_a_round_and_takes_a_nomination(screening_client, engine):
    client = screening_client
    headers = login(client, "sunee")
    closes = today() + timedelta(days=5)
    stages = screening_config().stages["scholarship"]
    body = {
        "programme": "scholarship",
        "fiscal_year": 2570,
        "title": "ทุนการศึกษา 2570",
        "nomination_opens_on": today().isoformat(),
        "nomination_closes_on": closes.isoformat(),
        "stage_deadlines": {
            s: (closes + timedelta(days=i + 1)).isoformat() for i, s in enumerate(stages)
        },
    }
    opened = client.post("/api/screening/rounds", json=body, headers=headers)
    assert opened.status_code == 201, opened.text
    round_id = opened.json()["id"]
    assert (
        client.post(
            "/api/screening/rounds", json=body, headers=login(client, "somchai")
        ).status_code
        == 403
    )
    schools = client.get("/api/screening/schools", headers=headers).json()
    assert len(schools) == 11
    nomination = {
        "person": {"first_name": "ด.ญ.ใบเตย", "last_name": "ขยันเรียน", "thai_id": thai_id(5)},
        "source": "teacher",
        "nominator_name": "ครูสมพร",
        "school_id": schools[0]["id"],
    }
    first = client.post(
        f"/api/screening/rounds/{round_id}/nominations", json=nomination, headers=headers
    )
    assert first.status_code == 201, first.text
    again = client.post(
        f"/api/screening/rounds/{round_id}/nominations",
        json={**nomination, "source": "other_group", "school_id": None, "nominator_name": "มูลนิธิ"},
        headers=headers,
    )
    assert again.json()["person_id"] == first.json()["person_id"]
    no_school = client.post(
        f"/api/screening/rounds/{round_id}/nominations",
        json={**nomination, "school_id": None},
        headers=headers,
    )
    assert no_school.status_code == 422 and "โรงเรียน" in no_school.json()["detail"]
    unknown = client.post(
        f"/api/screening/rounds/{round_id}/nominations",
        json={**nomination, "person": {**nomination["person"], "community_id": 999999}},
        headers=headers,
    )
    assert unknown.status_code == 422 and "ไม่พบชุมชน" in unknown.json()["detail"]
    refused = client.post(
        f"/api/screening/rounds/{round_id}/imports",
        files={"file": ("x.csv", csv_bytes([nomination_row(1, "ไม่มีชุมชนนี้")]), "text/csv")},
        headers=headers,
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["row"] == 2 and "ไม่พบชุมชน" in refused.json()["detail"]
    figures = client.get(f"/api/screening/rounds/{round_id}", headers=headers).json()["figures"]
    assert (figures["nominations"], figures["candidates"]) == (2, 1)
