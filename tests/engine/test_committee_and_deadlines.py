"""A committee decides by quorum with every vote recorded; the deadline sweep notifies once."""

from datetime import timedelta

from sqlmodel import Session, select

from domain.engine.deadlines import SweepPolicy, sweep_deadlines
from models.memo import MemoStatus
from models.outbox import OutboxEmail
from models.people import Committee
from models.steps import Decision, HumanStep, NoticeKind, StepNotice, StepStatus
from tests.helpers import act, memo, open_step, submit_memo


def to_committee(engine, people) -> int:
    memo_id = submit_memo(engine, people["somchai"], chain="memo-executive")
    act(engine, people["malee"], memo_id, outcome="approve")
    act(engine, people["kanya"], memo_id, outcome="approve")
    assert open_step(engine, memo_id).assignee_kind == "committee"
    return memo_id


def test_committee_below_quorum_stays_open_then_decides_at_quorum(engine, people):
    memo_id = to_committee(engine, people)  # quorum 3 of 5 (seed)
    step = act(engine, people["anan"], memo_id, outcome="approve", comment="เห็นชอบ")
    act(engine, people["ratana"], memo_id, outcome="reject", comment="ควรทบทวนงบ")
    still = open_step(engine, memo_id)
    assert still.id == step.id and still.status == StepStatus.open
    act(engine, people["prasert"], memo_id, outcome="approve")
    assert memo(engine, memo_id).status == MemoStatus.approved
    with Session(engine) as s:
        votes = s.exec(select(Decision).where(Decision.step_id == step.id)).all()
    assert {(v.user_id, v.outcome, v.committee_role) for v in votes} == {
        (people["anan"].id, "approve", "member"),
        (people["ratana"].id, "reject", "member"),
        (people["prasert"].id, "approve", "member"),
    }


def test_committee_majority_rejects(engine, people):
    memo_id = to_committee(engine, people)
    act(engine, people["anan"], memo_id, outcome="approve")
    act(engine, people["ratana"], memo_id, outcome="reject")
    act(engine, people["prasert"], memo_id, outcome="reject")  # quorum, 1:2 → rejected
    assert memo(engine, memo_id).status == MemoStatus.rejected


def test_committee_even_split_waits_for_the_chair(engine, people):
    with Session(engine) as s:
        committee = s.exec(select(Committee)).one()
        committee.quorum = 4
        s.add(committee)
        s.commit()
    memo_id = to_committee(engine, people)
    act(engine, people["anan"], memo_id, outcome="approve")
    act(engine, people["ratana"], memo_id, outcome="reject")
    act(engine, people["prasert"], memo_id, outcome="reject")
    act(engine, people["kanya"], memo_id, outcome="approve")  # 2:2, chair not yet voted
    assert open_step(engine, memo_id).status == StepStatus.open
    act(engine, people["mayor"], memo_id, outcome="approve")  # 3:2 with the chair
    assert memo(engine, memo_id).status == MemoStatus.approved


def test_deadline_sweep_twice_sends_one_reminder(engine, people):
    memo_id = submit_memo(engine, people["somchai"])
    step = open_step(engine, memo_id)
    policy = SweepPolicy(remind_before=timedelta(hours=24), escalate_after_working_days=2)
    just_before_due = step.due_at - timedelta(hours=2)
    with Session(engine) as s:
        first = sweep_deadlines(s, now=just_before_due, policy=policy)
        s.commit()
    with Session(engine) as s:
        second = sweep_deadlines(s, now=just_before_due + timedelta(minutes=30), policy=policy)
        s.commit()
    assert first == {"reminder": 1} and second == {}
    with Session(engine) as s:
        reminders = s.exec(
            select(OutboxEmail).where(OutboxEmail.dedupe_key.startswith("reminder:"))
        ).all()
        assert [m.to_address for m in reminders] == ["wichai@khonkaen.go.th"]


def test_overdue_then_escalation_to_the_superior_each_once(engine, people):
    memo_id = submit_memo(engine, people["somchai"])
    step = open_step(engine, memo_id)
    policy = SweepPolicy(remind_before=timedelta(hours=24), escalate_after_working_days=2)
    late = step.due_at + timedelta(hours=1)
    much_later = step.due_at + timedelta(days=7)  # beyond 2 working days whatever the weekday
    for now in (late, late, much_later, much_later):
        with Session(engine) as s:
            sweep_deadlines(s, now=now, policy=policy)
            s.commit()
    with Session(engine) as s:
        kinds = sorted(n.kind for n in s.exec(select(StepNotice)))
        assert kinds == [NoticeKind.escalation, NoticeKind.overdue]
        escalated = s.exec(
            select(OutboxEmail).where(OutboxEmail.dedupe_key.startswith("escalation:"))
        ).all()
        # The section head is late: the division director of กย. is told.
        assert [m.to_address for m in escalated] == ["malee@khonkaen.go.th"]


def test_one_digest_per_person_for_many_due_steps(engine, people):
    memo_ids = [submit_memo(engine, people["somchai"]) for _ in range(3)]
    due = max(open_step(engine, m).due_at for m in memo_ids)
    policy = SweepPolicy(remind_before=timedelta(hours=24), escalate_after_working_days=2)
    with Session(engine) as s:
        assert sweep_deadlines(s, now=due + timedelta(minutes=1), policy=policy) == {"overdue": 3}
        s.commit()
        [digest] = s.exec(
            select(OutboxEmail).where(OutboxEmail.dedupe_key.startswith("overdue:"))
        ).all()
    assert digest.to_address == "wichai@khonkaen.go.th"
    assert "3 เรื่อง" in digest.subject
    for memo_id in memo_ids:
        assert f"/pages/steps/{open_step(engine, memo_id).id}" in digest.body_text


def test_committee_tie_without_a_casting_vote_does_not_pass(engine, people):
    """Four members split 2:2 and the chair votes with neither side: once everyone has voted
    nobody can break the tie, so the motion does not pass rather than wait for ever."""
    with Session(engine) as s:
        committee = s.exec(select(Committee)).one()
        committee.quorum = 5
        s.add(committee)
        s.commit()
    memo_id = submit_memo(engine, people["somchai"], chain="memo-executive")
    act(engine, people["malee"], memo_id, outcome="approve")
    act(engine, people["kanya"], memo_id, outcome="approve")
    with Session(engine) as s:
        step = s.get(HumanStep, open_step(engine, memo_id).id)
        step.allowed_outcomes = ["approve", "reject", "acknowledge"]
        s.add(step)
        s.commit()
    act(engine, people["anan"], memo_id, outcome="approve")
    act(engine, people["ratana"], memo_id, outcome="reject")
    act(engine, people["prasert"], memo_id, outcome="approve")
    act(engine, people["kanya"], memo_id, outcome="reject")
    assert open_step(engine, memo_id).status == StepStatus.open  # 2:2, chair still to vote
    act(engine, people["mayor"], memo_id, outcome="acknowledge")  # the chair breaks no tie
    assert memo(engine, memo_id).status == MemoStatus.rejected  # nobody can vote again


def test_a_late_committee_step_escalates_to_its_chair_and_secretary(engine, people):
    memo_id = to_committee(engine, people)
    step = open_step(engine, memo_id)
    policy = SweepPolicy(remind_before=timedelta(hours=24), escalate_after_working_days=2)
    with Session(engine) as s:
        sweep_deadlines(s, now=step.due_at + timedelta(days=7), policy=policy)
        s.commit()
        escalated = s.exec(
            select(OutboxEmail).where(OutboxEmail.dedupe_key.startswith("escalation:"))
        ).all()
    assert sorted(m.to_address for m in escalated) == [
        "kanya@khonkaen.go.th",  # secretary
        "mayor@khonkaen.go.th",  # chair
        "prasert@khonkaen.go.th",  # acts for the secretary (seed)
    ]
