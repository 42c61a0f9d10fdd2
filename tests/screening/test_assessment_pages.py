"""The assessors' pages (phone-sized form, photos, round 2 seeing round 1), the coordinator's
progress page, the joint survey's page and the committee's certification page."""

from sqlmodel import Session, select

from domain.screening import assessment_service
from domain.screening.assessment import stage_step
from domain.screening.reconcile import open_joint_surveys, reconcile_round
from models.readlog import ReadLogEntry
from models.screening import Candidate, CandidateState
from models.screening_assessment import Assessment
from tests.helpers import csrf_of, sign_in
from tests.screening.assessment_fixtures import ANSWERS, assess, make_round

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def form_fields(eligible: str = "yes") -> dict[str, str]:
    fields = {
        f"q_{k}": ("yes" if v is True else "no" if v is False else str(v))
        for k, v in ANSWERS.items()
    }
    return fields | {
        "household_income_baht": "3200",
        "household_members": "5",
        "area_housing": "1",
        "note_housing": "ฝาบ้านผุ",
        "eligible": eligible,
        "complexity": "moderate",
        "summary": "ครอบครัวรายได้ต่ำ มีผู้สูงอายุติดเตียง",
    }


def test_assessor_fills_round_one_and_the_volunteer_sees_it_in_round_two(client, engine, seeded):
    r = make_round(engine, seeded, count=2)
    c = r.candidates[0]
    sign_in(client, "siriporn")
    listing = client.get(f"/pages/screening/rounds/{r.id}/assess")
    assert listing.status_code == 200 and "สมหญิง0 ทดสอบ" in listing.text
    page = client.get(f"/pages/screening/candidates/{c}/assess/1")
    assert page.status_code == 200
    assert 'capture="environment"' in page.text and "สถานะการอยู่อาศัย" in page.text
    bad = client.post(
        f"/pages/screening/candidates/{c}/assess/1",
        data={**form_fields(), "q_housing_tenure": "", "csrf": csrf_of(page.text)},
    )
    assert bad.status_code == 422 and "กรุณาตอบข้อ “สถานะการอยู่อาศัย”" in bad.text
    done = client.post(
        f"/pages/screening/candidates/{c}/assess/1",
        data={**form_fields(), "csrf": csrf_of(page.text)},
        files={"photos": ("home.png", PNG, "image/png")},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    with Session(engine) as session:
        saved = session.exec(select(Assessment)).one()
        assert saved.household_income_satang == 320000 and saved.problems == {"housing": "ฝาบ้านผุ"}
        assert session.get(Candidate, c).state == CandidateState.reassessing

    sign_in(client, "wilai")
    second = client.get(f"/pages/screening/candidates/{c}/assess/2")
    assert second.status_code == 200
    assert "ผลการประเมินครั้งที่ 1" in second.text and "มีผู้สูงอายุติดเตียง" in second.text
    photo = second.text.split('src="/pages/screening/assessment-photos/')[1].split('"')[0]
    image = client.get(f"/pages/screening/assessment-photos/{photo}")
    assert image.status_code == 200 and image.content == PNG
    assert client.get(f"/pages/screening/candidates/{c}/assess/1").status_code == 403
    with Session(engine) as session:
        reads = session.exec(
            select(ReadLogEntry).where(ReadLogEntry.user_id == r.users["wilai"].id)
        ).all()
        assert {e.scope for e in reads} >= {"record", "photo"} and all(e.allowed for e in reads)

    sign_in(client, "nipa")  # another division: no photo, and the refusal is logged
    assert client.get(f"/pages/screening/assessment-photos/{photo}").status_code == 403
    with Session(engine) as session:
        refused = session.exec(
            select(ReadLogEntry).where(ReadLogEntry.user_id == r.users["nipa"].id)
        ).one()
        assert not refused.allowed


def test_progress_joint_survey_and_certification_pages(client, engine, seeded):
    r = make_round(engine, seeded, count=2)
    agree, split = r.candidates
    assess(engine, r, agree, 1, True)
    assess(engine, r, agree, 2, True)
    assess(engine, r, split, 1, True)
    assess(engine, r, split, 2, False)
    sign_in(client, "sunee")
    page = client.get(f"/pages/screening/rounds/{r.id}/progress")
    assert page.status_code == 200
    assert 'data-key="reassessed"' in page.text
    closed = client.post(
        f"/pages/screening/rounds/{r.id}/stages/assessment-1/close",
        data={"csrf": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert closed.status_code == 303
    assessment_service.close_stage(
        engine, round_id=r.id, stage_key="assessment-2", user_id=r.users["wilai"].id
    )
    reconcile_round(engine, round_id=r.id)
    with Session(engine) as session:
        survey = open_joint_surveys(session, r.id)[0]
    survey_page = client.get(f"/pages/screening/joint-surveys/{survey.step_id}")
    assert survey_page.status_code == 200 and "ทีมอาสาสมัคร" in survey_page.text
    one_team = client.post(
        f"/pages/screening/joint-surveys/{survey.step_id}",
        data={
            "csrf": csrf_of(survey_page.text),
            "surveyed_on": "2026-12-01",
            "eligible": "yes",
            "complexity": "complex",
            "findings": "ผู้ป่วยติดเตียง ไม่มีผู้ดูแล",
            "members_present": [str(r.users["sunee"].id)],
        },
    )
    assert one_team.status_code == 422 and "ทีมอาสาสมัครส่งเสริมการมีส่วนร่วม" in one_team.text
    both = client.post(
        f"/pages/screening/joint-surveys/{survey.step_id}",
        data={
            "csrf": csrf_of(survey_page.text),
            "surveyed_on": "2026-12-01",
            "eligible": "yes",
            "complexity": "complex",
            "findings": "ผู้ป่วยติดเตียง ไม่มีผู้ดูแล",
            "members_present": [str(r.users["sunee"].id), str(r.users["wilai"].id)],
        },
        follow_redirects=False,
    )
    assert both.status_code == 303, both.text

    sign_in(client, "sompong")
    page = client.get(f"/pages/screening/rounds/{r.id}/progress")
    assert "ยืนยันรายชื่อ เสนอคณะผู้บริหารรับรอง" in page.text and "ปัญหาซับซ้อนมาก" in page.text
    confirmed = client.post(
        f"/pages/screening/rounds/{r.id}/confirm",
        data={"csrf": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert confirmed.status_code == 303
    with Session(engine) as session:
        step = stage_step(session, r.id, "certification")

    sign_in(client, "kanya")
    certify = client.get(f"/pages/screening/certifications/{step.id}")
    assert certify.status_code == 200 and "สมหญิง1 ทดสอบ" in certify.text
    present = [str(r.users[u].id) for u in ("mayor", "anan", "kanya")]
    recorded = client.post(
        f"/pages/screening/certifications/{step.id}/meeting",
        data={
            "csrf": csrf_of(certify.text),
            "meeting_date": "2026-12-16",
            "resolution_number": "13/2569",
            "members_present": present,
            f"exclude_{split}": "1",
            f"reason_{split}": "ย้ายออกนอกเขตเทศบาลแล้ว",
        },
        follow_redirects=False,
    )
    assert recorded.status_code == 303, recorded.text
    for who in ("mayor", "anan", "kanya"):
        sign_in(client, who)
        shown = client.get(f"/pages/screening/certifications/{step.id}")
        assert "ครบองค์ประชุม" in shown.text
        voted = client.post(
            f"/pages/screening/certifications/{step.id}/vote",
            data={"csrf": csrf_of(shown.text), "certify": "yes"},
            follow_redirects=False,
        )
        assert voted.status_code == 303
    with Session(engine) as session:
        assert session.get(Candidate, agree).state == CandidateState.certified
        assert session.get(Candidate, split).state == CandidateState.excluded


def test_a_stage_step_page_links_to_where_its_work_is_done(client, engine, seeded):
    r = make_round(engine, seeded, count=1)
    with Session(engine) as session:
        step = stage_step(session, r.id, "assessment-1")
    sign_in(client, "sunee")
    page = client.get(f"/pages/steps/{step.id}")
    assert page.status_code == 200
    assert f'href="/pages/screening/rounds/{r.id}/assess"' in page.text
    assert f'href="/pages/screening/rounds/{r.id}/progress"' in page.text
