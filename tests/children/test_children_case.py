"""A pupil screened at risk gets a child-care case, owned by the school's core person, and
goes through the Application Care path: medical assessment in school (health staff), home
visit, case conference, care plan with named actions, follow-ups every N working days, and
closing; each step is the engine's (the decision audited with who and in what role), and the
parents are told by e-mail or LINE."""

from datetime import timedelta

import pytest
from sqlmodel import Session, col, select

from adapters.mail import deliver_outbox
from core.db import utcnow
from core.settings import Settings
from domain.children import service
from domain.children.config import care_config
from domain.children.path import open_steps_by_kind
from domain.children.states import CASE_TYPE, FOLLOW_UP_STEP, HOME_VISIT_STEP, MEDICAL_STEP
from domain.engine.deadlines import working_calendar
from domain.errors import Conflict, InvalidInput, NotEntitled
from models.audit import AuditEntry
from models.children import CaseEntry, CaseStatus, ChildCase
from models.line_push import LinePush
from models.outbox import OutboxEmail
from models.steps import Decision, HumanStep, StepStatus
from ops.demo_children import seed_demo_children
from ops.smtp_capture import SmtpCapture
from tests.children.children_fixtures import children_roster, children_staff, screen

__all__ = ["children_roster", "children_staff"]


def _case(engine, case_id: int) -> ChildCase:
    with Session(engine, expire_on_commit=False) as session:
        found = session.get(ChildCase, case_id)
        assert found is not None
        return found


def _open(engine, case_id: int) -> dict[str, HumanStep]:
    with Session(engine, expire_on_commit=False) as session:
        return open_steps_by_kind(session, case_id)


def test_a_normal_pupil_does_not_move_on(engine, children_roster):
    screened = screen(engine, children_roster["kru_somsri"], "ภูมิ", 11)
    assert screened.result.band == "normal"
    assert screened.case is None


def test_the_whole_path_from_screening_to_closed(engine, children_roster):
    users = children_roster
    screened = screen(engine, users["kru_somsri"], "ก้องภพ", 12)  # teacher form: 12 = at risk
    assert screened.result.band == "at_risk" and screened.result.total == 12
    case = screened.case
    assert case is not None and case.core_person_id == users["preecha"].id
    assert case.status == CaseStatus.medical_assessment
    medical = _open(engine, case.id)[MEDICAL_STEP]
    assert "ก้องภพ" not in medical.title  # steps name the case by number only
    with Session(engine) as session:
        mail = session.exec(
            select(OutboxEmail).where(OutboxEmail.to_address == "parent3@example.com")
        ).one()
        assert "ก้องภพ" in mail.body_text and "เสี่ยง" not in mail.body_text
        assert session.exec(select(HumanStep).where(HumanStep.case_id == case.id)).one()

    # A second screening while the case is open does not open another.
    again = screen(engine, users["kru_somsri"], "ก้องภพ", 16)
    assert again.case is not None and again.case.id == case.id

    # The medical assessment is the health staff's: the core person cannot record it.
    with pytest.raises(NotEntitled):
        service.record_medical_assessment(
            engine, case_id=case.id, user_id=users["preecha"].id, findings="x"
        )
    with pytest.raises(InvalidInput):
        service.record_medical_assessment(
            engine, case_id=case.id, user_id=users["jintana"].id, findings="  "
        )
    service.record_medical_assessment(
        engine, case_id=case.id, user_id=users["jintana"].id, findings="สายตาสั้น ส่งตรวจต่อ"
    )
    assert _case(engine, case.id).status == CaseStatus.home_visit
    with Session(engine) as session:
        decision = session.exec(select(Decision).where(Decision.step_id == medical.id)).one()
        assert decision.user_id == users["jintana"].id and decision.position == "officer"
        assert decision.comment == ""  # the findings are a protected entry, not the audit

    # Home visit: skipping the conference needs a reason.
    visit = service.HomeVisit(
        findings="อยู่กับยาย",
        lives_with="ยาย",
        conference_needed=False,
        address="ชุมชน 1",
        members_count=2,
    )
    with pytest.raises(InvalidInput):
        service.record_home_visit(engine, case_id=case.id, user_id=users["preecha"].id, visit=visit)
    assert HOME_VISIT_STEP in _open(engine, case.id)  # nothing half-stored
    needed = service.HomeVisit(
        findings="อยู่กับยาย รายได้น้อย",
        lives_with="ยาย",
        conference_needed=True,
        address="ชุมชนหนองวัด 1",
        members_count=2,
    )
    service.record_home_visit(engine, case_id=case.id, user_id=users["preecha"].id, visit=needed)
    assert _case(engine, case.id).status == CaseStatus.case_conference
    with pytest.raises(Conflict):
        service.approve_plan(engine, case_id=case.id, user_id=users["preecha"].id)
    service.record_conference(
        engine, case_id=case.id, user_id=users["preecha"].id, summary="ตกลงแผน", attendees="ครู ยาย"
    )
    assert _case(engine, case.id).status == CaseStatus.care_plan

    # The plan needs a named action with an owner and a due date.
    with pytest.raises(InvalidInput):
        service.approve_plan(engine, case_id=case.id, user_id=users["preecha"].id)
    with pytest.raises(NotEntitled):
        service.add_plan_action(
            engine,
            case_id=case.id,
            user_id=users["kru_somsri"].id,
            title="x",
            due_on=utcnow().date(),
            owner_name="ครู",
        )
    service.add_plan_action(
        engine,
        case_id=case.id,
        user_id=users["preecha"].id,
        title="ติดตามการมาเรียน",
        due_on=utcnow().date() + timedelta(days=14),
        owner_user_id=users["kru_somsri"].id,
    )
    service.approve_plan(engine, case_id=case.id, user_id=users["preecha"].id)
    assert _case(engine, case.id).status == CaseStatus.follow_up

    # Follow-ups every N working days until closed.
    every = care_config().follow_up_every_days
    first = _open(engine, case.id)[FOLLOW_UP_STEP]
    with Session(engine) as session:
        expected = working_calendar(session).add_working_days(first.opened_at, every)
    assert first.due_at == expected
    service.record_follow_up(engine, case_id=case.id, user_id=users["preecha"].id, findings="ดีขึ้น")
    second = _open(engine, case.id)[FOLLOW_UP_STEP]
    assert second.id != first.id and "ครั้งที่ 2" in second.title
    service.record_follow_up(
        engine, case_id=case.id, user_id=users["preecha"].id, findings="มาเรียนครบ", close=True
    )
    closed = _case(engine, case.id)
    assert closed.status == CaseStatus.closed and closed.closed_at is not None
    assert closed.follow_ups_done == 2
    assert _open(engine, case.id) == {}

    with Session(engine) as session:
        kinds = [
            e.kind for e in session.exec(select(CaseEntry).where(CaseEntry.case_id == case.id))
        ]
        assert kinds == ["medical", "home_visit", "conference", "follow_up", "follow_up"]
        actions = [
            a.action
            for a in session.exec(
                select(AuditEntry)
                .where(AuditEntry.case_type == CASE_TYPE, AuditEntry.case_id == case.id)
                .order_by(col(AuditEntry.seq))
            )
        ]
        assert actions[0] == "child_case_opened" and "child_case_closed" in actions
        assert actions.count("decision") == 6
        notices = session.exec(
            select(OutboxEmail.subject).where(OutboxEmail.to_address == "parent3@example.com")
        ).all()
        assert len(notices) == 4  # opened, home visit, plan, closed
        steps = session.exec(select(HumanStep).where(HumanStep.case_id == case.id)).all()
        assert all(s.status == StepStatus.decided for s in steps)


def test_a_parent_on_line_gets_a_push(engine, children_roster):
    screened = screen(engine, children_roster["kru_somsri"], "น้ำฝน", 20)  # guardian by LINE
    assert screened.result.band == "problem" and screened.case is not None
    with Session(engine) as session:
        push = session.exec(select(LinePush).where(LinePush.case_id == screened.case.id)).one()
        assert push.case_type == CASE_TYPE and "น้ำฝน" in push.messages[0]
        assert not session.exec(
            select(OutboxEmail).where(
                OutboxEmail.case_id == screened.case.id,
                OutboxEmail.case_type == CASE_TYPE,
                col(OutboxEmail.to_address).contains("example.com"),
            )
        ).first()


def test_the_demo_leaves_cases_at_every_stage(engine, children_staff):
    assert seed_demo_children(engine) == 5
    assert seed_demo_children(engine) == 0
    with Session(engine) as session:
        statuses = sorted(c.status for c in session.exec(select(ChildCase)))
    assert statuses == sorted(
        [
            CaseStatus.medical_assessment,
            CaseStatus.home_visit,
            CaseStatus.care_plan,
            CaseStatus.follow_up,
            CaseStatus.closed,
        ]
    )


@pytest.mark.slow
async def test_the_parent_gets_the_notice_through_smtp(engine, children_roster, tmp_path):
    with SmtpCapture(port=0, directory=tmp_path / "mail") as smtp:
        settings = Settings(smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_timeout_seconds=5)
        screened = screen(engine, children_roster["kru_somsri"], "ก้องภพ", 16)
        assert screened.case is not None
        await deliver_outbox(engine, settings, case=(CASE_TYPE, screened.case.id))
        to_parent = [m for m in smtp.messages if "parent3@example.com" in m.rcpt_tos]
    [mail] = to_parent
    assert "โรงเรียนขอเชิญผู้ปกครองร่วมดูแลบุตรหลาน" in mail.subject
    assert "ก้องภพ" in mail.text and "นายปรีชา" in mail.text
    assert "มีปัญหา" not in mail.text and "16" not in mail.text  # no label, no score
