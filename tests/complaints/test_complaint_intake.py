"""Intake in two stages: the complaint is stored and answered (number, PIN) in one short
transaction; completing it (duplicates, the centre's check, the receipt mail) follows once, by
the complaint's flow or by the reconcile sweep, never twice and never for a withdrawn case."""

import threading
from datetime import datetime, timedelta

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.db import begin_writing, make_engine, utcnow
from core.settings import PROJECT_ROOT
from domain.complaints import WORKFLOW
from domain.complaints.actions import withdraw
from domain.complaints.intake import Registered, complete_intake, receive_complaint, waiting_intakes
from domain.complaints.service import complete_intake_of
from domain.complaints.states import CASE_TYPE
from domain.engine import audit
from models.complaint import Channel, Complaint
from models.outbox import OutboxEmail
from models.steps import CaseRun, HumanStep, StepStatus
from tests.complaints.test_complaints import form


def receive(engine: Engine, now: datetime | None = None) -> Registered:
    with Session(engine, expire_on_commit=False) as session:
        registered = receive_complaint(session, data=form(photos=[]), channel=Channel.web, now=now)
        session.commit()
    return registered


def screening_steps(session: Session, complaint_id: int) -> list[HumanStep]:
    return list(
        session.exec(
            select(HumanStep).where(
                HumanStep.case_type == CASE_TYPE,
                HumanStep.case_id == complaint_id,
                HumanStep.kind == "screen",
            )
        )
    )


def receipts(session: Session, complaint_id: int) -> list[OutboxEmail]:
    """Mail to the complainant (the form's address) about the complaint."""
    return list(
        session.exec(
            select(OutboxEmail).where(
                OutboxEmail.case_type == CASE_TYPE,
                OutboxEmail.case_id == complaint_id,
                OutboxEmail.to_address == "sommai@example.com",
            )
        )
    )


def test_stored_and_answered_first_then_completed_exactly_once(engine, seeded):
    registered = receive(engine)
    cid = registered.complaint.id
    assert registered.complaint.number and len(registered.pin) == 6
    assert registered.duplicates is None  # not searched yet
    with Session(engine) as session:
        stored = session.get(Complaint, cid)
        assert stored is not None and stored.intake_completed_at is None
        assert screening_steps(session, cid) == [] and receipts(session, cid) == []
        assert session.exec(select(CaseRun).where(CaseRun.case_id == cid)).one()
        # The flow is not done with a complaint whose intake is still to complete.
        assert not WORKFLOW.is_finished(session, cid)

    with Session(engine, expire_on_commit=False) as session:
        complaint = session.get(Complaint, cid)
        assert complete_intake(session, complaint) == []
        session.commit()
    with Session(engine, expire_on_commit=False) as session:
        complaint = session.get(Complaint, cid)
        assert complete_intake(session, complaint) is None  # already done
        session.commit()

    with Session(engine) as session:
        complaint = session.get(Complaint, cid)
        assert complaint.intake_completed_at is not None
        (step,) = screening_steps(session, cid)
        assert step.status == StepStatus.open
        # The centre's day to check counts from when the complaint arrived.
        assert step.opened_at == complaint.registered_at
        assert len(receipts(session, cid)) == 1
        entries = audit.timeline(session, case_type=CASE_TYPE, case_id=cid)
        assert entries[0].action == "complaint_registered"
        assert audit.verify(entries).valid


def test_a_duplicate_is_found_when_the_intake_completes(engine, seeded):
    first = receive(engine)
    second = receive(engine)
    with Session(engine, expire_on_commit=False) as session:
        for registered in (first, second):
            complaint = session.get(Complaint, registered.complaint.id)
            found = complete_intake(session, complaint)
        session.commit()
    assert [d.complaint.number for d in found] == [first.complaint.number]
    with Session(engine) as session:
        (step,) = screening_steps(session, second.complaint.id)
        assert first.complaint.number in step.title


def test_withdrawn_before_completion_opens_no_check(engine, seeded):
    registered = receive(engine)
    with Session(engine, expire_on_commit=False) as session:
        withdraw(session, complaint_id=registered.complaint.id, reason="ซ่อมแล้ว")
        session.commit()
    with Session(engine, expire_on_commit=False) as session:
        complaint = session.get(Complaint, registered.complaint.id)
        assert complete_intake(session, complaint) == []
        session.commit()
    with Session(engine) as session:
        assert screening_steps(session, registered.complaint.id) == []


def test_the_sweep_completes_only_intakes_left_waiting(engine, seeded):
    old = receive(engine, now=utcnow() - timedelta(minutes=5))
    new = receive(engine)
    with Session(engine) as session:
        waiting = waiting_intakes(session)
    assert waiting == [old.complaint.id]
    assert [complete_intake_of(engine, i) for i in waiting] == [True]
    with Session(engine) as session:
        assert len(screening_steps(session, old.complaint.id)) == 1
        assert screening_steps(session, new.complaint.id) == []
        # Again: nothing left that is old enough.
        assert waiting_intakes(session) == []


def test_the_flow_and_the_sweep_racing_complete_it_once(engine, seeded):
    registered = receive(engine)
    results: list[object] = []
    errors: list[BaseException] = []
    gate = threading.Barrier(2)

    def complete() -> None:
        try:
            with Session(engine, expire_on_commit=False) as session:
                gate.wait()
                begin_writing(session)
                complaint = session.get(Complaint, registered.complaint.id)
                results.append(complete_intake(session, complaint))
                session.commit()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=complete) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(r is None for r in results) == [False, True]
    with Session(engine) as session:
        assert len(screening_steps(session, registered.complaint.id)) == 1
        assert len(receipts(session, registered.complaint.id)) == 1


def test_migration_marks_earlier_complaints_as_completed(tmp_path):
    url = f"sqlite:///{tmp_path / 'app.db'}"
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["database_url"] = url
    command.upgrade(config, "0002")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO complaintcategory (code, name, days, division_code, active) "
                "VALUES ('road', 'ถนนชำรุด', 7, 'ENG', 1)"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO complaint (number, pin_hash, category_code, description, channel, "
                "complainant_name, withhold_identity, status, registered_at, expected_at, "
                "routing_round, work_round, review_round, ladder_cycle, obstacle_round) VALUES "
                "('KKC-2569-000001', 'x', 'road', 'หลุมบนถนน', 'web', 'นายก', 0, 'screening', "
                "'2026-11-02 03:00:00', '2026-11-11 03:00:00', 0, 0, 0, 1, 0)"
            )
        )
    command.upgrade(config, "head")
    with Session(engine) as session:
        (complaint,) = session.exec(select(Complaint)).all()
        assert complaint.intake_completed_at == complaint.registered_at
        waiting = select(Complaint).where(col(Complaint.intake_completed_at).is_(None))
        assert session.exec(waiting).all() == []
    engine.dispose()


def test_finished_among_agrees_with_is_finished(engine, seeded):
    """The reconcile sweep's batch answer is the same as asking case by case: intake still to
    complete, waiting on the centre's check, withdrawn, and no such complaint."""
    waiting_intake = receive(engine).complaint.id
    checking = receive(engine).complaint.id
    complete_intake_of(engine, checking)
    withdrawn = receive(engine).complaint.id
    with Session(engine, expire_on_commit=False) as session:
        withdraw(session, complaint_id=withdrawn, reason="ผู้ร้องขอถอนเรื่อง")
        session.commit()
    complete_intake_of(engine, withdrawn)
    ids = [waiting_intake, checking, withdrawn, 999_999]
    with Session(engine) as session:
        one_by_one = {i for i in ids if WORKFLOW.is_finished(session, i)}
        assert WORKFLOW.finished_among is not None
        assert WORKFLOW.finished_among(session, ids) == one_by_one
    assert 999_999 in one_by_one and waiting_intake not in one_by_one and checking not in one_by_one
