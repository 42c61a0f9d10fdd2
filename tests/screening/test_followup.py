"""Follow-up visits (จับเข่าคุย): every working day at 15:00 on the working calendar (weekends,
Thai holidays and the municipality's declared days skipped), so many a day, urgent households
first, earlier recipients of the past year included; visits recorded with a referral to a
partner agency; a yearly reassessment for each certified person; repeating books nothing."""

from collections import Counter
from datetime import date, time

import pytest
from sqlmodel import Session, col, select

from domain.engine.calendar import BANGKOK, WorkCalendar
from domain.errors import Conflict, InvalidInput, NotEntitled
from domain.screening.benefits import assign_round
from domain.screening.benefits_catalogue import catalogue
from domain.screening.followup import (
    VisitRecord,
    record_reassessment,
    record_visit,
    schedule_round,
)
from domain.screening.followup_partners import partner_agencies, seed_partner_agencies
from models.calendar import DeclaredHoliday
from models.screening_benefits import FollowUpVisit, Reassessment, VisitStatus
from tests.screening.benefits_fixtures import (
    COMPLEX,
    certified_round,
    earlier_award,
    fund_everything,
)

HOLIDAYS = {
    date(2026, 12, 7),
    date(2026, 12, 9),
    date(2026, 12, 10),
    date(2026, 12, 31),
    date(2027, 1, 1),
}


def test_visits_at_15_on_working_days_urgent_first_with_earlier_recipients(engine, people):
    big = certified_round(engine, people)
    fund_everything(engine, big)
    assign_round(engine, big.id)
    _, recent_home = earlier_award(engine, big, days_ago=100)
    _, old_home = earlier_award(engine, big, days_ago=500)

    with Session(engine) as session:  # a day the municipality declared a holiday
        session.add(DeclaredHoliday(day=date(2026, 12, 9), name="วันหยุดเทศบาล (ทดสอบ)"))
        session.commit()

    done = schedule_round(engine, big.id, start_on=date(2026, 12, 4))
    again = schedule_round(engine, big.id, start_on=date(2026, 12, 4))
    assert (again.visits_booked, again.reassessments_booked) == (0, 0)
    with Session(engine) as session:
        visits = list(
            session.exec(
                select(FollowUpVisit)
                .where(FollowUpVisit.round_id == big.id)
                .order_by(col(FollowUpVisit.scheduled_at), col(FollowUpVisit.id))
            )
        )
        reassessments = list(session.exec(select(Reassessment)))
    assert done.visits_booked == len(visits) == 22 + 1  # 22 households, 1 earlier recipient
    assert done.earlier_recipients == 1
    assert [v.household_id for v in visits if v.earlier_recipient] == [recent_home]
    assert old_home not in {v.household_id for v in visits}
    calendar = WorkCalendar()
    local = [v.scheduled_at.astimezone(BANGKOK) for v in visits]
    assert all(t.time() == time(15, 0) for t in local)
    assert all(calendar.is_working_day(t.date()) for t in local)
    assert not {t.date() for t in local} & HOLIDAYS
    per_day = Counter(t.date() for t in local)
    assert max(per_day.values()) <= catalogue().follow_up_visits_per_day
    assert local[0].date() == date(2026, 12, 4) and date(2026, 12, 8) in per_day  # Mon 7th off
    urgencies = [v.urgency for v in visits]
    assert urgencies == sorted(urgencies) and urgencies[0] == 1
    complex_ids = {big.candidates[n] for n in COMPLEX}
    assert {v.candidate_id for v in visits if v.urgency == 1} <= complex_ids
    assert len(reassessments) == 23
    assert {(r.due_on, r.fiscal_year) for r in reassessments} == {(date(2027, 12, 16), 2571)}


def test_a_visit_is_recorded_once_with_its_referral(engine, people):
    big = certified_round(engine, people)
    fund_everything(engine, big)
    assign_round(engine, big.id)
    schedule_round(engine, big.id, start_on=date(2026, 12, 4))
    sunee = big.users["sunee"].id
    with Session(engine) as session:
        assert seed_partner_agencies(session) == 58
        session.commit()
        agencies = partner_agencies(session)
        visit = session.exec(select(FollowUpVisit)).first()
    assert Counter(a.kind for a in agencies) == {"government": 22, "organisation": 36}
    hospital = next(a for a in agencies if a.name == "โรงพยาบาลศรีนครินทร์")
    with pytest.raises(InvalidInput, match="สิ่งที่พบ"):
        record_visit(engine, visit.id, actor_id=sunee, data=VisitRecord(VisitStatus.visited))
    with pytest.raises(InvalidInput, match="หน่วยงานภาคี"):
        record_visit(
            engine,
            visit.id,
            actor_id=sunee,
            data=VisitRecord(VisitStatus.visited, "พบ", referral_agency_id=999_999),
        )
    found = record_visit(
        engine,
        visit.id,
        actor_id=sunee,
        data=VisitRecord(
            VisitStatus.visited,
            findings="ผู้สูงอายุติดเตียง แผลกดทับ",
            needs="ที่นอนลม",
            referral_agency_id=hospital.id,
            referral_note="ส่งต่อคลินิกแผล",
        ),
    )
    assert found.status == VisitStatus.visited and found.referral_agency_id == hospital.id
    with pytest.raises(Conflict):
        record_visit(
            engine, visit.id, actor_id=sunee, data=VisitRecord(VisitStatus.not_met, "ไม่อยู่")
        )


def test_the_yearly_reassessment_is_recorded_once(engine, people):
    big = certified_round(engine, people)
    fund_everything(engine, big)
    assign_round(engine, big.id)
    schedule_round(engine, big.id, start_on=date(2026, 12, 4))
    with Session(engine) as session:
        due = session.exec(select(Reassessment)).first()
    sunee = big.users["sunee"].id
    done = record_reassessment(
        engine, due.id, actor_id=sunee, still_eligible=False, note="บุตรมีงานทำแล้ว"
    )
    assert done.still_eligible is False and done.done_by_id == sunee
    with pytest.raises(Conflict):
        record_reassessment(engine, due.id, actor_id=sunee, still_eligible=True, note="")
    with pytest.raises(NotEntitled):  # another division's officer
        record_reassessment(
            engine, due.id, actor_id=big.users["chatchai"].id, still_eligible=True, note=""
        )
