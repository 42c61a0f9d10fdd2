"""The memo chain: approved to the top, returned for revision and approved, rejected."""

import pytest
from pydantic import ValidationError
from sqlmodel import Session, select

from domain.engine import audit
from domain.errors import InvalidInput
from models.audit import AuditEntry
from models.memo import MemoStatus
from models.outbox import OutboxEmail
from models.steps import Decision, StepStatus
from tests.helpers import act, memo, open_step, steps_of, submit_memo

CLIMB = ["wichai", "malee", "prasert", "kanya", "anan", "mayor"]
"""Section head, director, deputy permanent secretary, permanent secretary, deputy mayor, mayor."""


def test_chain_approved_to_the_top(engine, people):
    memo_id = submit_memo(engine, people["somchai"])
    levels = []
    for username in CLIMB:
        if username == "kanya":
            continue  # prasert acts for kanya today (seed); kanya decides herself here
        step = act(engine, people[username], memo_id, outcome="approve", comment="เห็นควรอนุมัติ")
        levels.append(step.level)
        if username == "prasert":
            step = act(engine, people["kanya"], memo_id, outcome="approve", comment="เห็นควรอนุมัติ")
            levels.append(step.level)
    assert levels == [
        "section-head",
        "director",
        "deputy-perm-sec",
        "perm-sec",
        "deputy-mayor",
        "mayor",
    ]
    done = memo(engine, memo_id)
    assert done.status == MemoStatus.approved and done.finished_at is not None
    assert all(s.status == StepStatus.decided for s in steps_of(engine, memo_id))
    with Session(engine) as s:
        entries = audit.timeline(s, case_type="memo", case_id=memo_id)
        assert audit.verify(entries).valid
        assert [e.action for e in entries][-1] == "memo_approved"
        finished_mail = s.exec(
            select(OutboxEmail).where(OutboxEmail.dedupe_key == f"memo-finished:{memo_id}")
        ).one()
        assert finished_mail.to_address == "somchai@khonkaen.go.th"


def test_returned_twice_then_approved(engine, people):
    memo_id = submit_memo(engine, people["somchai"], chain="memo-delegated")
    act(engine, people["wichai"], memo_id, outcome="approve")
    act(engine, people["malee"], memo_id, outcome="return", return_to="originator", comment="แก้งบ")
    revision = open_step(engine, memo_id)
    assert (revision.level, revision.round, revision.assignee_user_id) == (
        "originator",
        2,
        people["somchai"].id,
    )
    act(engine, people["somchai"], memo_id, outcome="approve", comment="แก้ไขแล้ว")
    act(engine, people["wichai"], memo_id, outcome="approve")
    act(engine, people["malee"], memo_id, outcome="approve")
    # The permanent secretary sends it back to the section head, not to the author.
    act(engine, people["kanya"], memo_id, outcome="return", return_to="section-head")
    again = open_step(engine, memo_id)
    assert (again.level, again.round, again.key) == (
        "section-head",
        3,
        f"memo-{memo_id}-section-head-r3",
    )
    act(engine, people["wichai"], memo_id, outcome="approve")
    act(engine, people["malee"], memo_id, outcome="approve")
    act(engine, people["kanya"], memo_id, outcome="approve", comment="อนุมัติ")
    done = memo(engine, memo_id)
    assert done.status == MemoStatus.approved
    assert done.returns_count == 2
    keys = [s.key for s in steps_of(engine, memo_id)]
    assert len(keys) == len(set(keys)) == 9


def test_rejected_ends_the_chain(engine, people):
    memo_id = submit_memo(engine, people["somchai"])
    act(engine, people["wichai"], memo_id, outcome="approve")
    act(engine, people["malee"], memo_id, outcome="reject", comment="ไม่อยู่ในแผนงบประมาณ")
    assert memo(engine, memo_id).status == MemoStatus.rejected
    assert [s.status for s in steps_of(engine, memo_id)] == [StepStatus.decided] * 2


def test_return_upward_is_refused_and_nothing_is_written(engine, people):
    memo_id = submit_memo(engine, people["somchai"])
    act(engine, people["wichai"], memo_id, outcome="approve")
    with pytest.raises(InvalidInput):
        act(engine, people["malee"], memo_id, outcome="return", return_to="mayor")
    step = open_step(engine, memo_id)
    assert step.level == "director" and step.status == StepStatus.open
    with Session(engine) as s:
        assert s.exec(select(Decision).where(Decision.step_id == step.id)).first() is None


def test_invalid_form_leaves_the_step_open(engine, people):
    memo_id = submit_memo(engine, people["somchai"])
    with pytest.raises(ValidationError):
        act(engine, people["wichai"], memo_id, outcome="return")  # no return_to
    with pytest.raises(ValidationError):
        act(engine, people["wichai"], memo_id, outcome="maybe")
    assert open_step(engine, memo_id).level == "section-head"


def test_tampering_breaks_the_audit_chain(engine, people):
    memo_id = submit_memo(engine, people["somchai"])
    act(engine, people["wichai"], memo_id, outcome="approve", comment="เห็นควรอนุมัติ")
    with Session(engine) as s:
        entries = audit.timeline(s, case_type="memo", case_id=memo_id)
        assert audit.verify(entries).valid
        decision_entry = next(e for e in entries if e.action == "decision")
        row = s.get(AuditEntry, decision_entry.id)
        row.detail = {**row.detail, "comment": "ไม่เห็นด้วย"}
        s.add(row)
        s.commit()
        check = audit.verify(audit.timeline(s, case_type="memo", case_id=memo_id))
    assert not check.valid and check.first_bad_seq == decision_entry.seq
