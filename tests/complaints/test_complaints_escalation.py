"""The centre's chase with a controlled clock: a receipt not confirmed in time, then follow-up,
first and second notice, the mayor and the meeting agenda; each notice once however often the
sweep runs; an obstacle pauses the chase and an extension restarts it. And complaint numbers
under concurrent registration."""

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from core.db import in_transaction
from domain.complaints.escalation import complaint_ladder, sweep_escalations
from domain.complaints.intake import register_complaint
from domain.complaints.policy import ComplaintPolicy
from models.chase import AgendaItem, ChaseNotice
from models.complaint import Channel, Complaint, NoticeStage
from models.outbox import OutboxEmail
from models.steps import HumanStep, StepStatus
from tests.complaints.test_complaints import complaint_row, decide, submit_web
from tests.helpers import login


def sweep(engine: Engine, now: datetime) -> dict[str, int]:
    with Session(engine, expire_on_commit=False) as s:
        counts = sweep_escalations(s, now=now)
        s.commit()
    return counts


def notices(engine: Engine, complaint_id: int) -> list[tuple[int, str]]:
    with Session(engine) as s:
        return [
            (n.cycle, n.stage)
            for n in s.exec(
                select(ChaseNotice)
                .where(ChaseNotice.case_type == "complaint", ChaseNotice.case_id == complaint_id)
                .order_by(col(ChaseNotice.id))
            )
        ]


def open_step_of(engine: Engine, complaint_id: int, kind: str) -> HumanStep:
    with Session(engine) as s:
        return s.exec(
            select(HumanStep).where(
                HumanStep.case_type == "complaint",
                HumanStep.case_id == complaint_id,
                HumanStep.kind == kind,
                HumanStep.status == StepStatus.open,
            )
        ).one()


def test_ladder_down_to_the_mayor_and_the_agenda(client, engine, seeded):
    receipt = submit_web(client)
    cid = complaint_row(engine, receipt["number"]).id
    decide(client, "nipa", cid, "screen", action="route")

    # The division does not confirm receipt within a working day: the centre is told, once.
    late = open_step_of(engine, cid, "receipt").due_at + timedelta(minutes=1)
    assert sweep(engine, late - timedelta(minutes=2)) == {}
    assert sweep(engine, late) == {"receipt_late": 1}
    assert sweep(engine, late) == {}
    with Session(engine) as s:
        to_centre = s.exec(
            select(OutboxEmail.to_address).where(
                OutboxEmail.case_id == cid, col(OutboxEmail.subject).contains("ยังไม่ยืนยัน")
            )
        ).all()
    assert set(to_centre) == {"nipa@khonkaen.go.th", "complaints@khonkaen.go.th"}

    decide(client, "chatchai", cid, "receipt", outcome="receive")
    decide(client, "chatchai", cid, "schedule", planned_date="2026-01-05")
    expected = complaint_row(engine, receipt["number"]).expected_at

    times = []
    t = expected + timedelta(hours=1)
    assert sweep(engine, expected - timedelta(minutes=1)) == {}
    for stage, wait in [
        ("follow_up", 10),
        ("first_notice", 7),
        ("second_notice", 5),
        ("mayor", None),
    ]:
        assert sweep(engine, t) == {stage: 1}, stage
        assert sweep(engine, t) == {}
        times.append(t)
        if wait is not None:
            assert sweep(engine, t + timedelta(days=wait) - timedelta(minutes=5)) == {}
            t = t + timedelta(days=wait, minutes=1)
    assert sweep(engine, t + timedelta(days=60)) == {}
    # Run the whole history again: nothing is sent twice.
    for again in [late, *times, t + timedelta(days=90)]:
        assert sweep(engine, again) == {}
    assert notices(engine, cid) == [
        (-1, NoticeStage.receipt_late),
        (1, NoticeStage.follow_up),
        (1, NoticeStage.first_notice),
        (1, NoticeStage.second_notice),
        (1, NoticeStage.mayor),
    ]
    with Session(engine) as s:
        to_mayor = s.exec(
            select(func.count())
            .select_from(OutboxEmail)
            .where(OutboxEmail.case_id == cid, OutboxEmail.to_address == "mayor@khonkaen.go.th")
        ).one()
        item = s.exec(select(AgendaItem)).one()
    assert to_mayor == 1
    assert item.meeting_date > times[-1].date() and item.meeting_date.weekday() == 0

    headers = login(client, "mayor")
    agenda = client.get(f"/api/complaints/agenda?meeting_date={item.meeting_date}", headers=headers)
    assert agenda.status_code == 200, agenda.text
    assert [i["number"] for i in agenda.json()["items"]] == [receipt["number"]]
    assert agenda.json()["items"][0]["explanation"] is None
    r = client.post(
        f"/api/complaints/{cid}/agenda-explanation",
        json={"explanation": "รอผู้รับจ้างส่งหลอดไฟ LED ตามสัญญา"},
        headers=login(client, "pornthip"),
    )
    assert r.status_code == 200, r.text
    agenda = client.get(f"/api/complaints/agenda?meeting_date={item.meeting_date}", headers=headers)
    assert agenda.json()["items"][0]["explanation"].startswith("รอผู้รับจ้าง")
    outsider = client.post(
        f"/api/complaints/{cid}/agenda-explanation",
        json={"explanation": "x"},
        headers=login(client, "somchai"),
    )
    assert outsider.status_code == 403


def test_obstacle_pauses_the_chase_and_an_extension_restarts_it(client, engine, seeded):
    receipt = submit_web(client)
    cid = complaint_row(engine, receipt["number"]).id
    decide(client, "nipa", cid, "screen", action="route")
    decide(client, "chatchai", cid, "receipt", outcome="receive")
    decide(client, "chatchai", cid, "schedule", planned_date="2026-01-05")
    decide(client, "chatchai", cid, "result", action="obstacle", obstacle="รองบประมาณ")
    first_expected = complaint_row(engine, receipt["number"]).expected_at
    assert sweep(engine, first_expected + timedelta(days=3)) == {}  # obstacle awaits the centre
    decide(client, "nipa", cid, "obstacle", action="grant", extra_working_days=10)
    row = complaint_row(engine, receipt["number"])
    assert row.ladder_cycle == 2 and row.expected_at > first_expected
    assert sweep(engine, row.expected_at - timedelta(hours=1)) == {}
    assert sweep(engine, row.expected_at + timedelta(hours=1)) == {"follow_up": 1}
    assert notices(engine, cid) == [(2, NoticeStage.follow_up)]


def test_refused_obstacle_keeps_the_clock(client, engine, seeded):
    receipt = submit_web(client)
    cid = complaint_row(engine, receipt["number"]).id
    decide(client, "nipa", cid, "screen", action="route")
    decide(client, "chatchai", cid, "receipt", outcome="receive")
    decide(client, "chatchai", cid, "schedule", planned_date="2026-01-05")
    decide(client, "chatchai", cid, "result", action="obstacle", obstacle="ไม่มีรถกระเช้า")
    decide(client, "nipa", cid, "obstacle", action="refuse", comment="ยืมรถจากกองอื่นได้")
    row = complaint_row(engine, receipt["number"])
    assert row.ladder_cycle == 1
    assert sweep(engine, row.expected_at + timedelta(hours=1)) == {"follow_up": 1}


def test_numbers_are_unique_and_sequential_under_concurrency(engine, seeded):
    nipa = seeded["nipa"]

    def register(i: int) -> str:
        def work(session: Session) -> str:
            return register_complaint(
                session,
                data={
                    "category": "garbage",
                    "description": f"ขยะไม่ได้เก็บ จุดที่ {i}",
                    "address": f"ถนนศรีจันทร์ ซอย {i}",
                    "complainant": {"name": "ผู้ร้องทดสอบ", "phone": "0811111111"},
                },
                channel=Channel.counter,
                officer=session.get(type(nipa), nipa.id),
            ).complaint.number

        return in_transaction(engine, work, attempts=8)

    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(register, range(16)))
    sequences = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert sequences == list(range(1, 17))
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(Complaint)).one() == 16


def test_each_stage_counts_its_own_days_and_the_old_key_still_works(tmp_path):
    config = tmp_path / "complaints.toml"
    config.write_text(
        "[escalation]\nfollow_up_days = 10\nworking_days = true\n"
        "second_notice_in_working_days = false\nmeeting_weekday = 4\n",
        encoding="utf-8",
    )
    ladder = complaint_ladder(ComplaintPolicy.from_file(config))
    assert [(s.key, s.days, s.working_days) for s in ladder.stages] == [
        ("follow_up", 10, True),
        ("first_notice", 7, True),
        ("second_notice", 5, False),
    ]
    assert (ladder.escalation.key, ladder.escalation.meeting_weekday) == ("mayor", 4)
    assert [s.working_days for s in complaint_ladder(ComplaintPolicy()).stages] == [False] * 3
