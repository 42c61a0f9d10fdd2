"""The 5C model's "Continue" and "Complete": each child's development log (daily, weekly,
monthly; who recorded, when) and typed outcomes (back in school at a level, a job, an ID card,
returned to family; several per child, each dated), written by the core person or a
coordinator and read by those who care for the child, every read logged."""

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from core.db import utcnow
from domain.children import devlog, outcomes
from domain.errors import InvalidInput, NotEntitled
from models.children_referrals import Cadence, OutcomeKind, SchoolLevel
from models.readlog import ReadLogEntry
from tests.children.referral_fixtures import children_roster, children_staff, programme, screen

__all__ = ["children_roster", "children_staff", "programme"]


def test_log_and_outcomes_of_a_child(engine, programme):
    users = programme
    case = screen(engine, users["kru_somsri"], "ก้องภพ", 13).case
    core, child = users["preecha"].id, case.person_id
    today = utcnow().date() - timedelta(days=1)
    for cadence, days in ((Cadence.monthly, 20), (Cadence.weekly, 6), (Cadence.daily, 1)):
        devlog.log_activity(
            engine,
            user_id=core,
            person_id=child,
            cadence=cadence,
            activity_on=today - timedelta(days=days),
            activity=f"กิจกรรม{cadence.thai}",
        )
    with pytest.raises(InvalidInput, match="อนาคต"):
        devlog.log_activity(
            engine,
            user_id=core,
            person_id=child,
            cadence=Cadence.daily,
            activity_on=today + timedelta(days=5),
            activity="ยังไม่เกิด",
        )
    with pytest.raises(NotEntitled):  # a teacher reads the child but does not write the log
        devlog.log_activity(
            engine,
            user_id=users["kru_somsri"].id,
            person_id=child,
            cadence=Cadence.daily,
            activity_on=today,
            activity="x",
        )

    with pytest.raises(InvalidInput, match="ระดับการศึกษา"):
        outcomes.record_outcome(
            engine, user_id=core, person_id=child, kind=OutcomeKind.school, achieved_on=today
        )
    with pytest.raises(InvalidInput, match="เฉพาะผลลัพธ์กลับเข้าสู่ระบบการศึกษา"):
        outcomes.record_outcome(
            engine,
            user_id=core,
            person_id=child,
            kind=OutcomeKind.job,
            level=SchoolLevel.m3,
            achieved_on=today,
        )
    first = outcomes.record_outcome(
        engine,
        user_id=core,
        person_id=child,
        kind=OutcomeKind.school,
        level=SchoolLevel.m3,
        achieved_on=date(2026, 5, 16),
    )
    again = outcomes.record_outcome(
        engine,
        user_id=core,
        person_id=child,
        kind=OutcomeKind.school,
        level=SchoolLevel.m3,
        achieved_on=date(2026, 5, 16),
    )
    assert again.id == first.id
    outcomes.record_outcome(
        engine,
        user_id=users["siriporn"].id,
        person_id=child,
        kind=OutcomeKind.family,
        achieved_on=today,
    )
    assert outcomes.outcome_title(first) == "กลับเข้าสู่ระบบการศึกษา (ม.3)"

    progress = devlog.read_progress(
        engine, user_id=users["kru_somsri"].id, person_id=child, purpose="ติดตามนักเรียน"
    )
    assert [e.cadence for e in progress.entries] == ["daily", "weekly", "monthly"]
    assert all(e.recorded_by_id == core and e.case_id == case.id for e in progress.entries)
    assert [(o.kind, o.level) for o in progress.outcomes] == [("school", "m3"), ("family", "")]
    with pytest.raises(NotEntitled):
        devlog.read_progress(
            engine, user_id=users["thanyarak"].id, person_id=child, purpose="อยากรู้"
        )
    with Session(engine) as session:
        log = session.exec(
            select(ReadLogEntry.user_id, ReadLogEntry.allowed).where(
                ReadLogEntry.record_type == "child-progress"
            )
        ).all()
    assert sorted(log) == sorted([(users["kru_somsri"].id, True), (users["thanyarak"].id, False)])
