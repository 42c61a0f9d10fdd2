"""The demo of the youth programme (ops/demo_children_referrals.py, run by `make run` after the
children's demo): referrals in several states (waiting, acknowledged, late and chased, with an
outcome), one camp cohort with attendance, outcomes of several types; a second run adds
nothing."""

from sqlmodel import Session, select

from models.chase import ChaseNotice
from models.children_referrals import (
    AgencyAgreement,
    CampAttendance,
    CampCohort,
    ChildOutcome,
    DevelopmentEntry,
    Referral,
)
from ops.demo_children import seed_demo_children
from ops.demo_children_referrals import seed_demo_children_referrals
from ops.seed import DEMO_PASSWORD
from tests.children.referral_fixtures import children_staff

__all__ = ["children_staff"]


def test_the_demo_referrals_camp_and_outcomes(engine, children_staff):
    seed_demo_children(engine)
    sent = seed_demo_children_referrals(engine, DEMO_PASSWORD)
    assert sent >= 6
    assert seed_demo_children_referrals(engine, DEMO_PASSWORD) == 0
    with Session(engine) as session:
        statuses = {r.status for r in session.exec(select(Referral))}
        assert {"waiting", "acknowledged", "placed"} <= statuses
        chased = session.exec(
            select(ChaseNotice).where(ChaseNotice.case_type == "child-referral")
        ).all()
        assert [n.stage for n in chased] == ["follow_up"]
        assert len(session.exec(select(CampCohort)).all()) == 1
        assert len(session.exec(select(CampAttendance)).all()) == 12
        camp_referrals = session.exec(
            select(Referral).where(Referral.camp_enrolment_id != None)  # noqa: E711
        ).all()
        assert len(camp_referrals) == 2
        kinds = {o.kind for o in session.exec(select(ChildOutcome))}
        assert kinds == {"school", "family", "id_card", "job"}
        assert len(session.exec(select(AgencyAgreement)).all()) == 6
        assert session.exec(select(DevelopmentEntry)).first() is not None
