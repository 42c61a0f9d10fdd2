"""Youth camps: a cohort of 3 days 2 nights with its capacity from the configuration (50), the
51st enrolment refused in Thai, attendance each day, problems screened at the camp, and a
referral from the camp through the same rules."""

from datetime import date

import pytest
from sqlmodel import Session, select

from domain.children import camps
from domain.errors import Conflict, InvalidInput, NotEntitled
from models.children_referrals import CampAttendance, CampEnrolment, Referral, ReferralStatus
from models.screening import Person, Sex
from tests.children.referral_fixtures import children_roster, children_staff, programme, youth
from tests.helpers import csrf_of, sign_in

__all__ = ["children_roster", "children_staff", "programme"]


def _youths(engine, n: int) -> list[int]:
    with Session(engine) as session:
        people = [
            Person(
                first_name=f"เยาวชน{i}", last_name="ค่าย", sex=Sex.male, birth_date=date(2010, 1, 1)
            )
            for i in range(n)
        ]
        session.add_all(people)
        session.commit()
        return [p.id for p in people]


def test_the_51st_enrolment_is_refused(engine, programme):
    coordinator = programme["siriporn"].id
    cohort = camps.open_cohort(engine, user_id=coordinator, starts_on=date(2026, 3, 10))
    assert (cohort.capacity, cohort.number, cohort.year) == (50, 1, 2569)
    assert cohort.ends_on == date(2026, 3, 12)  # 3 days, 2 nights
    children = _youths(engine, 51)
    for person_id in children[:50]:
        camps.enrol(engine, user_id=coordinator, cohort_id=cohort.id, person_id=person_id)
    again = camps.enrol(engine, user_id=coordinator, cohort_id=cohort.id, person_id=children[0])
    assert again.person_id == children[0]  # enrolling twice returns the first enrolment
    with pytest.raises(Conflict, match="รับได้ 50 คน และมีผู้ลงทะเบียนครบแล้ว"):
        camps.enrol(engine, user_id=coordinator, cohort_id=cohort.id, person_id=children[50])
    with pytest.raises(NotEntitled):
        camps.enrol(
            engine, user_id=programme["kru_somsri"].id, cohort_id=cohort.id, person_id=children[50]
        )


def test_three_cohorts_a_fiscal_year(engine, programme):
    coordinator = programme["siriporn"].id
    for day in (date(2025, 10, 20), date(2026, 3, 1), date(2026, 6, 1)):
        camps.open_cohort(engine, user_id=coordinator, starts_on=day)
    with pytest.raises(Conflict, match="ปีงบประมาณ 2569 มีค่ายครบ 3 รุ่น"):
        camps.open_cohort(engine, user_id=coordinator, starts_on=date(2026, 9, 1))
    fourth = camps.open_cohort(engine, user_id=coordinator, starts_on=date(2026, 10, 5))
    assert (fourth.year, fourth.number) == (2570, 1)


def test_attendance_problems_and_a_referral_from_the_camp(engine, programme):
    users = programme
    coordinator = users["siriporn"]
    cohort = camps.open_cohort(engine, user_id=coordinator.id, starts_on=date(2026, 3, 10))
    girl = youth(engine, "ฝน", Sex.female, date(2009, 8, 19))
    boy = youth(engine, "ต้น", Sex.male, date(2006, 1, 5))
    first = camps.enrol(engine, user_id=coordinator.id, cohort_id=cohort.id, person_id=girl)
    second = camps.enrol(engine, user_id=coordinator.id, cohort_id=cohort.id, person_id=boy)
    assert (
        camps.record_attendance(
            engine,
            user_id=coordinator.id,
            cohort_id=cohort.id,
            day=1,
            present_ids={first.id, second.id},
        )
        == 2
    )
    camps.record_attendance(
        engine, user_id=coordinator.id, cohort_id=cohort.id, day=2, present_ids={first.id}
    )
    camps.record_attendance(
        engine,
        user_id=coordinator.id,
        cohort_id=cohort.id,
        day=2,
        present_ids={first.id, second.id},
    )  # a later roll call replaces it
    with pytest.raises(InvalidInput, match="ระหว่าง 1 ถึง 3"):
        camps.record_attendance(
            engine, user_id=coordinator.id, cohort_id=cohort.id, day=4, present_ids=set()
        )
    with Session(engine) as session:
        assert len(session.exec(select(CampAttendance)).all()) == 4
    with pytest.raises(InvalidInput, match="ไม่รู้จักปัญหา"):
        camps.record_problems(
            engine, user_id=coordinator.id, enrolment_id=first.id, problems=["flying"]
        )
    camps.record_problems(
        engine, user_id=coordinator.id, enrolment_id=first.id, problems=["no_home", "psychological"]
    )
    camps.record_problems(
        engine, user_id=coordinator.id, enrolment_id=second.id, problems=["needs_job"]
    )

    # the girl (16, no home, psychological care): both agencies the rules name
    sent = camps.refer_from_camp(
        engine,
        user_id=coordinator.id,
        enrolment_id=first.id,
        agencies=["baan-luk-rak", "child-family-shelter"],
        on=date(2026, 3, 12),
    )
    assert [r.rule_key for r in sent] == ["girls-homeless-baan-luk-rak", "psychological-care"]
    assert all(r.camp_enrolment_id == first.id and r.age_at_referral == 16 for r in sent)
    # the young man (20): the shelter for the destitute and job training
    sent = camps.refer_from_camp(
        engine,
        user_id=coordinator.id,
        enrolment_id=second.id,
        agencies=["destitute-shelter", "skill-development"],
        on=date(2026, 3, 12),
    )
    assert [r.status for r in sent] == [ReferralStatus.waiting] * 2

    with Session(engine) as session:
        view = camps.cohort_view(session, user=coordinator, cohort_id=cohort.id)
        assert view.present_by_day == {1: 2, 2: 2, 3: 0}
        assert view.problem_counts == {"no_home": 1, "psychological": 1, "needs_job": 1}
        assert [c.referrals for c in view.campers] == [2, 2]
        assert len(session.exec(select(Referral)).all()) == 4


def test_the_cohort_page(engine, programme, client):
    coordinator = programme["siriporn"]
    cohort = camps.open_cohort(engine, user_id=coordinator.id, starts_on=date(2026, 3, 10))
    boy = youth(engine, "ภู", Sex.male, date(2010, 1, 1))
    sign_in(client, "siriporn")
    page = client.get(f"/pages/children/camps/{cohort.id}")
    assert page.status_code == 200 and "รุ่นที่ 1/2569" in page.text
    client.post(
        f"/pages/children/camps/{cohort.id}/enrol",
        data={"csrf": csrf_of(page.text), "person_id": str(boy)},
    )
    page = client.get(f"/pages/children/camps/{cohort.id}")
    assert "ภู ทดสอบ" in page.text and "1/50" in page.text
    with Session(engine) as session:
        [enrolment] = session.exec(select(CampEnrolment)).all()
    client.post(
        f"/pages/children/camps/{cohort.id}/attendance",
        data={"csrf": csrf_of(page.text), "day": "1", "present": str(enrolment.id)},
    )
    client.post(
        f"/pages/children/camps/{cohort.id}/problems",
        data={"csrf": csrf_of(page.text), "enrolment_id": str(enrolment.id), "problems": "drugs"},
    )
    page = client.get(f"/pages/children/camps/{cohort.id}")
    assert "มา" in page.text and "ใช้สารเสพติด" in page.text
    sign_in(client, "kru_somsri")
    assert client.get(f"/pages/children/camps/{cohort.id}").status_code == 403
