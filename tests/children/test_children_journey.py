"""A child from screening to an outcome: a teacher screens the pupil at risk (h1's screening
opens the case), the core person confirms the referrals the rules suggest, the agency does not
acknowledge in time and is chased by the deadline sweep's ladder (the notice delivered through
real SMTP, naming no child), then acknowledges, records its outcome, the child's outcome is
recorded, and the executives' figures count it (as "<5")."""

from datetime import timedelta

from sqlmodel import Session, col, select

from adapters.mail import deliver_outbox
from core.db import in_transaction, utcnow
from core.settings import Settings
from domain.children import outcomes
from domain.children.figures import figures
from domain.children.referral_chase import sweep_referral_chase
from domain.children.referrals import confirm, record_outcome
from domain.engine.calendar import BANGKOK, fiscal_year
from domain.engine.service import decide_step
from models.chase import ChaseNotice
from models.children_referrals import OutcomeKind, ReferralStatus, SchoolLevel
from models.outbox import OutboxEmail
from models.steps import HumanStep, StepStatus
from ops.smtp_capture import SmtpCapture
from tests.children.referral_fixtures import children_roster, children_staff, programme, screen

__all__ = ["children_roster", "children_staff", "programme"]


def _sweep(engine, now):
    return in_transaction(engine, lambda session: sweep_referral_chase(session, now=now))


def _respond_by(engine, referral_id: int, stage: str):
    with Session(engine) as session:
        return session.exec(
            select(ChaseNotice.respond_by).where(
                ChaseNotice.case_type == "child-referral",
                ChaseNotice.case_id == referral_id,
                ChaseNotice.stage == stage,
            )
        ).one()


async def test_a_child_from_screening_to_an_outcome(engine, programme, tmp_path):
    users = programme
    today = utcnow().astimezone(BANGKOK).date()
    year = fiscal_year(today)
    screened = screen(engine, users["kru_somsri"], "ก้องภพ", 13)
    case = screened.case
    assert screened.result.band == "at_risk" and case is not None
    with Session(engine) as session:
        before = figures(session, user=users["mayor"], year=year)
    assert before.referrals.rows == []
    assert dict(before.outcomes.shown.column_totals) == {"count": "0"}

    baan_rao, shelter = confirm(
        engine,
        user_id=users["preecha"].id,
        person_id=case.person_id,
        on=today,
        problems=["psychological"],
        agencies=["baan-rao", "child-family-shelter"],
        case_id=case.id,
    )
    with Session(engine) as session:
        due = session.get(HumanStep, baan_rao.step_id).due_at

    # nobody acknowledges: the sweep's ladder chases both agencies, each stage once
    assert _sweep(engine, due - timedelta(minutes=1)) == {}
    later = due + timedelta(hours=1)
    assert _sweep(engine, later) == {"referral_follow_up": 2}
    assert _sweep(engine, later) == {}
    with SmtpCapture(port=0, directory=tmp_path / "mail") as smtp:
        settings = Settings(smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_timeout_seconds=5)
        await deliver_outbox(engine, settings, limit=500)
        chased = [m for m in smtp.messages if "ติดตามการตอบรับการส่งต่อ" in m.subject]
    assert sorted(r for m in chased for r in m.rcpt_tos) == sorted(
        [users["pee_piak"].email, users["family_shelter"].email]
    )
    assert all("ก้องภพ" not in m.text and "ก้องภพ" not in m.subject for m in chased)
    assert any(f"สต. {baan_rao.id}" in m.subject for m in chased)

    # still nothing: a notice, then the director of social welfare is told
    notice_at = _respond_by(engine, baan_rao.id, "follow_up") + timedelta(minutes=1)
    assert _sweep(engine, notice_at) == {"referral_notice": 2}
    top_at = _respond_by(engine, baan_rao.id, "notice") + timedelta(minutes=1)
    assert _sweep(engine, top_at) == {"referral_escalated": 2}
    with Session(engine) as session:
        told = session.exec(
            select(OutboxEmail.to_address).where(
                col(OutboxEmail.dedupe_key).startswith(
                    f"referral-chase:{baan_rao.step_id}:escalated"
                )
            )
        ).all()
    assert sorted(told) == sorted([users["pee_piak"].email, users["sompong"].email])

    # the agency acknowledges; the chase stops
    decide_step(
        engine,
        step_id=baan_rao.step_id,
        user_id=users["pee_piak"].id,
        data={"outcome": "receive", "comment": "รับเข้าศูนย์"},
    )
    with Session(engine) as session:
        step = session.get(HumanStep, baan_rao.step_id)
        assert step.status == StepStatus.decided
    placed = record_outcome(
        engine,
        user_id=users["pee_piak"].id,
        referral_id=baan_rao.id,
        status=ReferralStatus.placed,
        note="เข้าพักที่บ้านเรา มีพี่เลี้ยงดูแล",
    )
    assert placed.status == ReferralStatus.placed
    outcomes.record_outcome(
        engine,
        user_id=users["preecha"].id,
        person_id=case.person_id,
        kind=OutcomeKind.school,
        level=SchoolLevel.m3,
        achieved_on=today,
    )

    with Session(engine) as session:
        after = figures(session, user=users["mayor"], year=year)
    agencies = dict(after.referrals.rows)
    assert sorted(agencies.values()) == [
        "ศูนย์บ้านพักเด็กและครอบครัว",
        "ศูนย์สร้างโอกาสเด็กและเยาวชน (บ้านเรา) เทศบาลนครขอนแก่น",
    ]
    cells = after.referrals.shown.cells
    assert cells[baan_rao.agency_id]["in_care"] == "<5"
    assert cells[shelter.agency_id]["waiting"] == "<5"
    assert after.outcomes.shown.cells["school:m3"]["count"] == "<5"
    assert after.outcomes.shown.cells["job"]["count"] == "0"
    assert after.schools.shown.cells[case.school_id]["referred"] == "<5"
    assert after.screened.shown.cells[case.school_id]["at_risk"] == "<5"
    assert after.schools.shown.cells[case.school_id]["at_risk"] == "<5"
