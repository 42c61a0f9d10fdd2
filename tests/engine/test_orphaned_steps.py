"""Orphaned steps: a step nobody can decide (its only holder deactivated, nobody acting, a
committee short of its quorum) alerts the division's director and the workflow's contacts
once, from the deadline sweep or as it opens; an acting officer for the departed holder makes
it decidable again, and it is alerted again only if it is orphaned again."""

from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.db import utcnow
from domain.engine import audit
from domain.engine.authority import inbox
from domain.engine.deadlines import SweepPolicy, sweep_deadlines
from domain.engine.service import assign_acting, decide_step
from models.audit import AuditEntry
from models.outbox import OutboxEmail
from models.people import User
from models.steps import Decision, HumanStep, NoticeKind, StepNotice, StepStatus
from tests.complaints.test_complaints import complaint_row, decide, submit_web
from tests.helpers import act, open_step, submit_memo

POLICY = SweepPolicy(remind_before=timedelta(hours=12), escalate_after_working_days=2)
"""Reminders 12 hours ahead: a complaint's receipt step is due one working day after it opens,
24 hours on a weekday, so a 24-hour window would remind of it at once on weekdays only."""
NOBODY_IN_KY = "ไม่มีผู้ดำรงตำแหน่งหัวหน้าฝ่ายในกองยุทธศาสตร์และงบประมาณที่ใช้งานอยู่"


def deactivate(engine: Engine, *usernames: str) -> None:
    """What deactivating an account does to the people lookups: it is no longer active."""
    with Session(engine) as s:
        for user in s.exec(select(User).where(col(User.username).in_(usernames))):
            user.active = False
            s.add(user)
        s.commit()


def sweep(engine: Engine, now=None) -> dict[str, int]:
    with Session(engine) as s:
        counts = sweep_deadlines(s, now=now or utcnow(), policy=POLICY)
        s.commit()
    return counts


def orphan_mails(engine: Engine) -> list[OutboxEmail]:
    with Session(engine) as s:
        return list(
            s.exec(
                select(OutboxEmail)
                .where(col(OutboxEmail.dedupe_key).startswith("orphaned:"))
                .order_by(col(OutboxEmail.id))
            )
        )


def orphan_entries(engine: Engine, case_type: str, case_id: int) -> list[AuditEntry]:
    with Session(engine) as s:
        entries = audit.timeline(s, case_type=case_type, case_id=case_id)
        assert audit.verify(entries).valid
    return [e for e in entries if e.action == "step_orphaned"]


def test_sweep_alerts_director_and_permanent_secretary_once(engine, people):
    memo_id = submit_memo(engine, people["somchai"])
    step = open_step(engine, memo_id)  # the section head of กย.: wichai alone
    assert orphan_mails(engine) == []
    deactivate(engine, "wichai")

    assert sweep(engine) == {"orphaned": 1}
    mails = orphan_mails(engine)
    assert sorted(m.to_address for m in mails) == [
        "kanya@khonkaen.go.th",  # the permanent secretary
        "malee@khonkaen.go.th",  # the director of กย.
        "prasert@khonkaen.go.th",  # acts for the permanent secretary (seed)
    ]
    mail = mails[0]
    assert mail.case_type == "memo" and mail.case_id == memo_id
    assert "ไม่มีผู้มีอำนาจพิจารณา" in mail.subject
    for text in (mail.body_text, mail.body_html):
        assert NOBODY_IN_KY in text
        assert "นายวิชัย หัวหน้า" in text  # the departed holder, to act for
        assert f"for_user_id {people['wichai'].id}" in text
        assert "/api/acting-assignments" in text and "รักษาราชการแทน" in text
        assert f"/pages/steps/{step.id}" in text

    [entry] = orphan_entries(engine, "memo", memo_id)
    assert entry.detail["step_id"] == step.id and NOBODY_IN_KY in entry.detail["reason"]
    assert sorted(entry.detail["notified"]) == sorted(
        people[u].id for u in ("malee", "kanya", "prasert")
    )
    assert not entry.public

    assert sweep(engine, utcnow() + timedelta(minutes=15)) == {}
    assert len(orphan_mails(engine)) == 3
    assert len(orphan_entries(engine, "memo", memo_id)) == 1

    # Late with nobody to tell: the overdue notice is claimed without a digest, and the
    # orphan alert already covers the step; nothing is sent twice.
    assert sweep(engine, step.due_at + timedelta(minutes=1)) == {"overdue": 1}
    with Session(engine) as s:
        overdue = s.exec(
            select(OutboxEmail).where(col(OutboxEmail.dedupe_key).startswith("overdue:"))
        ).all()
        notices = s.exec(select(StepNotice.kind).where(StepNotice.step_id == step.id)).all()
    assert overdue == [] and sorted(notices) == [NoticeKind.orphaned, NoticeKind.overdue]
    assert len(orphan_mails(engine)) == 3


def test_overdue_step_with_nobody_is_alerted_by_the_same_sweep(engine, people):
    memo_id = submit_memo(engine, people["somchai"])
    step = open_step(engine, memo_id)
    deactivate(engine, "wichai")
    counts = sweep(engine, step.due_at + timedelta(minutes=1))
    assert counts == {"orphaned": 1, "overdue": 1}
    assert len(orphan_mails(engine)) == 3


def test_complaint_receipt_with_no_active_handler_or_director_alerts_the_centre(
    client, engine, seeded
):
    receipt = submit_web(client)
    cid = complaint_row(engine, receipt["number"]).id
    decide(client, "nipa", cid, "screen", action="route")  # to สำนักช่าง: chatchai
    assert orphan_mails(engine) == []
    deactivate(engine, "chatchai", "pornthip")  # its section head and its director

    assert sweep(engine) == {"orphaned": 1}
    [mail] = orphan_mails(engine)
    assert mail.to_address == "nipa@khonkaen.go.th"  # the centre's officer; no director left
    assert mail.case_type == "complaint" and mail.case_id == cid
    assert "ไม่มีผู้ดำรงตำแหน่งหัวหน้าฝ่ายในสำนักช่างที่ใช้งานอยู่" in mail.body_text
    assert receipt["number"] in mail.body_text
    [entry] = orphan_entries(engine, "complaint", cid)
    assert entry.detail["notified"] == [seeded["nipa"].id]
    assert sweep(engine) == {}
    assert len(orphan_mails(engine)) == 1


def test_routing_to_a_division_with_nobody_alerts_as_the_step_opens(client, engine, seeded):
    deactivate(engine, "chatchai", "pornthip")
    receipt = submit_web(client)
    cid = complaint_row(engine, receipt["number"]).id
    decide(client, "nipa", cid, "screen", action="route")
    with Session(engine) as s:
        step = s.exec(
            select(HumanStep).where(
                HumanStep.case_id == cid,
                HumanStep.kind == "receipt",
                HumanStep.status == StepStatus.open,
            )
        ).one()
    assert step.assignee_position == "division_director"  # no section head: the director
    [mail] = orphan_mails(engine)
    assert mail.to_address == "nipa@khonkaen.go.th"
    assert "ไม่มีผู้ดำรงตำแหน่งผู้อำนวยการกอง/สำนักในสำนักช่างที่ใช้งานอยู่" in mail.body_text
    assert len(orphan_entries(engine, "complaint", cid)) == 1
    assert sweep(engine) == {}


def test_opening_a_step_with_no_holder_alerts_at_once(engine, people):
    deactivate(engine, "wichai")
    memo_id = submit_memo(engine, people["somchai"])  # create_memo opens the first level
    step = open_step(engine, memo_id)
    mails = orphan_mails(engine)
    assert sorted(m.to_address for m in mails) == [
        "kanya@khonkaen.go.th",
        "malee@khonkaen.go.th",
        "prasert@khonkaen.go.th",
    ]
    assert all(NOBODY_IN_KY in m.body_text for m in mails)
    with Session(engine) as s:
        opened = s.exec(
            select(OutboxEmail).where(col(OutboxEmail.dedupe_key).startswith("step-opened:"))
        ).all()
    assert opened == []  # nobody to tell that it waits on them
    [entry] = orphan_entries(engine, "memo", memo_id)
    assert entry.detail["step_id"] == step.id
    assert sweep(engine) == {}
    assert len(orphan_mails(engine)) == 3


def test_acting_officer_for_the_departed_holder_decides_without_a_new_alert(client, engine, people):
    deactivate(engine, "wichai")
    memo_id = submit_memo(engine, people["somchai"])
    step = open_step(engine, memo_id)
    assert len(orphan_mails(engine)) == 3

    token = client.post("/api/auth/token", data={"username": "kanya", "password": "demo1234"})
    now = utcnow()
    order = {
        "acting_user_id": people["suda"].id,
        "for_user_id": people["wichai"].id,
        "starts_at": (now - timedelta(hours=1)).isoformat(),
        "ends_at": (now + timedelta(days=30)).isoformat(),
        "order_ref": "คำสั่งที่ 7/2570",
    }
    r = client.post(
        "/api/acting-assignments",
        json=order,
        headers={"Authorization": f"Bearer {token.json()['access_token']}"},
    )
    assert r.status_code == 201, r.text

    assert sweep(engine) == {}  # decidable again: no new alert, the alert is forgotten
    assert len(orphan_mails(engine)) == 3
    with Session(engine) as s:
        assert s.exec(select(StepNotice).where(StepNotice.step_id == step.id)).all() == []
        suda = s.get(User, people["suda"].id)
        [item] = [i for i in inbox(s, user=suda) if i.step.id == step.id]
        assert item.acting_for is not None and item.acting_for.id == people["wichai"].id

    # The reminder goes to whoever may decide now: the acting officer.
    assert sweep(engine, step.due_at - timedelta(hours=2)) == {"reminder": 1}
    with Session(engine) as s:
        reminders = s.exec(
            select(OutboxEmail.to_address).where(
                col(OutboxEmail.dedupe_key).startswith("reminder:")
            )
        ).all()
    assert reminders == ["suda@khonkaen.go.th"]

    result = decide_step(
        engine, step_id=step.id, user_id=people["suda"].id, data={"outcome": "approve"}
    )
    assert result.closed_now
    with Session(engine) as s:
        decision = s.exec(select(Decision).where(Decision.step_id == step.id)).one()
    assert decision.user_id == people["suda"].id
    assert decision.acting_for_user_id == people["wichai"].id
    assert open_step(engine, memo_id).level == "director"
    assert sweep(engine) == {}
    assert len(orphan_mails(engine)) == 3
    assert len(orphan_entries(engine, "memo", memo_id)) == 1


def test_orphaned_again_when_the_acting_order_ends(engine, people):
    memo_id = submit_memo(engine, people["somchai"])
    step = open_step(engine, memo_id)
    deactivate(engine, "wichai")
    now = utcnow()
    assign_acting(
        engine,
        signer_id=people["kanya"].id,
        acting_user_id=people["suda"].id,
        for_user_id=people["wichai"].id,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=2),
    )
    assert sweep(engine, now) == {}
    assert orphan_mails(engine) == []
    later = now + timedelta(hours=3)
    assert sweep(engine, later).get("orphaned") == 1
    assert len(orphan_mails(engine)) == 3
    assert sweep(engine, later + timedelta(minutes=15)).get("orphaned") is None
    assert [e.detail["step_id"] for e in orphan_entries(engine, "memo", memo_id)] == [step.id]


def test_committee_short_of_its_quorum_is_orphaned(engine, people):
    memo_id = submit_memo(engine, people["somchai"], chain="memo-executive")
    act(engine, people["malee"], memo_id, outcome="approve")
    act(engine, people["kanya"], memo_id, outcome="approve")
    step = open_step(engine, memo_id)
    assert step.assignee_kind == "committee"  # five members, quorum three (seed)
    assert sweep(engine) == {}
    deactivate(engine, "mayor", "anan", "ratana")  # kanya and prasert can still vote
    assert sweep(engine) == {"orphaned": 1}
    mails = orphan_mails(engine)
    # No division: the permanent secretary, and prasert who acts for her.
    assert sorted(m.to_address for m in mails) == [
        "kanya@khonkaen.go.th",
        "prasert@khonkaen.go.th",
    ]
    assert "ไม่ครบองค์ประชุม 3 คน" in mails[0].body_text
    assert "นายกเทศมนตรีนครขอนแก่น (for_user_id" in mails[0].body_text
    assert sweep(engine) == {}


def test_deactivating_the_only_holder_alerts_at_once(client, engine, people):
    memo_id = submit_memo(engine, people["somchai"])
    step = open_step(engine, memo_id)
    token = client.post("/api/auth/token", data={"username": "kanya", "password": "demo1234"})
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    r = client.post(f"/api/users/{people['wichai'].id}/deactivate", headers=headers)
    assert r.status_code == 200, r.text
    mails = orphan_mails(engine)
    assert sorted(m.to_address for m in mails) == [
        "kanya@khonkaen.go.th",
        "malee@khonkaen.go.th",
        "prasert@khonkaen.go.th",
    ]
    [entry] = orphan_entries(engine, "memo", memo_id)
    assert entry.detail["step_id"] == step.id and NOBODY_IN_KY in entry.detail["reason"]
    assert sweep(engine) == {}  # already alerted
    assert len(orphan_mails(engine)) == 3


def test_with_nobody_at_the_top_the_alert_climbs_to_the_executives(engine, people):
    memo_id = submit_memo(engine, people["somchai"])
    for approver in ("wichai", "malee", "prasert"):
        act(engine, people[approver], memo_id, outcome="approve")
    assert open_step(engine, memo_id).level == "perm-sec"
    deactivate(engine, "kanya")
    assert sweep(engine) == {}  # prasert acts for the permanent secretary (seed)
    deactivate(engine, "prasert")
    assert sweep(engine) == {"orphaned": 1}
    [mail] = orphan_mails(engine)
    # No division, no permanent secretary nor anyone acting: the deputy mayor.
    assert mail.to_address == "anan@khonkaen.go.th"
    assert "ไม่มีผู้ดำรงตำแหน่งปลัดเทศบาลที่ใช้งานอยู่" in mail.body_text
    assert "นางกัญญา ปลัดเทศบาล" in mail.body_text
