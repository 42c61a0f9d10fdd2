"""The engine's chase ladder configured for a made-up second workflow (a report round that a
division has not sent), walked with a controlled clock down to the meeting agenda: nothing
before it is due, calendar and working days per stage (a weekend and holidays skipped), each
stage claimed once however often and concurrently it is advanced, the meeting moved off a
holiday, the explanation stored, and a new cycle starting again from the bottom.

Nothing here comes from the complaints package: the ladder must stand on the engine alone
(the last test checks this module's imports)."""

import ast
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.db import in_transaction
from domain.engine.calendar import BANGKOK
from domain.engine.chase import Claimed, Escalation, Ladder, Stage, advance, agenda, explain
from domain.engine.people import holders_of
from domain.errors import InvalidInput, NotFound
from models.calendar import DeclaredHoliday
from models.chase import AgendaItem, ChaseNotice
from models.people import Position, User

CASE_TYPE = "report-round"
CASE_ID = 7
LADDER = Ladder(
    stages=(
        Stage(key="reminder", title="ทวงถามรายงานรอบ 6 เดือน", days=5),
        Stage(key="first-notice", title="แจ้งเตือนครั้งที่ 1", days=3, working_days=True),
        Stage(key="second-notice", title="แจ้งเตือนครั้งที่ 2", days=2, working_days=True),
    ),
    escalation=Escalation(
        key="mayor",
        title="รายงานนายกเทศมนตรีและเข้าวาระการประชุม",
        authority=Position.mayor,
        meeting_weekday=2,  # Wednesdays
    ),
)


def bkk(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BANGKOK)


DUE = bkk(7, 17)  # Friday 17 July 2026, 10:00: the report should have arrived


def chase_round(engine: Engine, now: datetime, *, cycle: int = 1, due_at: datetime = DUE):
    """What the made-up workflow's sweep does for its one late case: advance the ladder and,
    for a stage it claimed, say whom it would mail (the authority at the top)."""

    def work(session: Session) -> tuple[Claimed | None, list[str]]:
        division_id = session.exec(select(User).where(User.username == "malee")).one().division_id
        claimed = advance(
            session,
            ladder=LADDER,
            case_type=CASE_TYPE,
            case_id=CASE_ID,
            cycle=cycle,
            due_at=due_at,
            now=now,
            division_id=division_id,
        )
        to = []
        if claimed is not None and claimed.final:
            assert isinstance(claimed.stage, Escalation)
            to = [u.username for u in holders_of(session, claimed.stage.authority)]
        return claimed, to

    return in_transaction(engine, work)


def claimed_stages(engine: Engine) -> list[tuple[int, str]]:
    with Session(engine) as s:
        return [
            (n.cycle, n.stage)
            for n in s.exec(
                select(ChaseNotice)
                .where(ChaseNotice.case_type == CASE_TYPE, ChaseNotice.case_id == CASE_ID)
                .order_by(col(ChaseNotice.id))
            )
        ]


def test_ladder_walks_down_to_the_meeting_agenda(engine, people):
    with Session(engine) as s:
        # The municipality declares Wednesday 5 August a day off: that week's meeting moves.
        s.add(DeclaredHoliday(day=date(2026, 8, 5), name="วันหยุดที่เทศบาลประกาศ (ทดสอบ)"))
        s.commit()

    assert chase_round(engine, bkk(7, 17, 9, 59)) == (None, [])  # not due yet

    # Stage 1 on the due time; 5 calendar days to respond.
    first, _ = chase_round(engine, DUE)
    assert first is not None and first.stage.key == "reminder" and not first.final
    assert first.respond_by == bkk(7, 22)
    assert chase_round(engine, DUE) == (None, [])  # advanced again at the same time

    # Stage 2 falls due when stage 1's days are up; 3 *working* days: Thu 23, Fri 24, then
    # the weekend is skipped to Monday 27 (calendar days would have given Saturday 25).
    assert chase_round(engine, bkk(7, 22, 9, 59)) == (None, [])
    second, _ = chase_round(engine, bkk(7, 22))
    assert second is not None and second.stage.key == "first-notice"
    assert second.respond_by == bkk(7, 27)

    # Stage 3: 2 working days from Monday 27 skips 28–30 July (the King's birthday,
    # Asanha Bucha, Buddhist Lent) and the weekend: Friday 31, Monday 3 August.
    assert chase_round(engine, bkk(7, 27, 9, 59)) == (None, [])
    third, _ = chase_round(engine, bkk(7, 27))
    assert third is not None and third.stage.key == "second-notice"
    assert third.respond_by == bkk(8, 3)

    # The top: the mayor is told, and the case goes on the next Wednesday meeting's agenda,
    # moved to Thursday 6 August by the declared holiday.
    assert chase_round(engine, bkk(8, 3, 9, 59)) == (None, [])
    top, told = chase_round(engine, bkk(8, 3))
    assert top is not None and top.final and top.stage.key == "mayor"
    assert top.respond_by is None and top.meeting_date == date(2026, 8, 6)
    assert told == ["mayor"]

    # Nothing more, ever, in this cycle; the whole history again sends nothing twice.
    for again in [DUE, bkk(7, 22), bkk(7, 27), bkk(8, 3), bkk(12, 31)]:
        assert chase_round(engine, again) == (None, [])
    assert claimed_stages(engine) == [
        (1, "reminder"),
        (1, "first-notice"),
        (1, "second-notice"),
        (1, "mayor"),
    ]

    with Session(engine) as s:
        day, items = agenda(s, case_type=CASE_TYPE, now=bkk(8, 4))
        assert day == date(2026, 8, 6)
        assert [(i.case_type, i.case_id, i.cycle) for i in items] == [(CASE_TYPE, CASE_ID, 1)]
        assert items[0].division_id == people["malee"].division_id
        assert agenda(s, meeting_date=date(2026, 8, 5))[1] == []
        assert agenda(s, meeting_date=date(2026, 8, 6), case_type="other-workflow")[1] == []
        assert [i.case_id for i in agenda(s, meeting_date=date(2026, 8, 6))[1]] == [CASE_ID]

    # The division explains itself before the meeting.
    with Session(engine) as s:
        malee = s.get(User, people["malee"].id)
        assert malee is not None
        with pytest.raises(InvalidInput):
            explain(s, case_type=CASE_TYPE, case_id=CASE_ID, user=malee, explanation="   ")
        with pytest.raises(NotFound):
            explain(s, case_type=CASE_TYPE, case_id=999, user=malee, explanation="ชี้แจง")
        explain(
            s,
            case_type=CASE_TYPE,
            case_id=CASE_ID,
            user=malee,
            explanation="  รอข้อมูลตัวชี้วัดจากฝ่ายแผนงาน  ",
            now=bkk(8, 5),
        )
        s.commit()
    with Session(engine) as s:
        item = s.exec(select(AgendaItem)).one()
    assert item.explanation == "รอข้อมูลตัวชี้วัดจากฝ่ายแผนงาน"
    assert item.explained_at == bkk(8, 5)
    assert item.explained_by_user_id == people["malee"].id

    # More time granted: a new cycle climbs the ladder again from the bottom.
    later = bkk(9, 1)
    assert chase_round(engine, bkk(8, 31), cycle=2, due_at=later) == (None, [])
    again, _ = chase_round(engine, later, cycle=2, due_at=later)
    assert again is not None and again.stage.key == "reminder" and again.cycle == 2
    assert claimed_stages(engine)[-1] == (2, "reminder")


def test_a_stage_is_claimed_once_when_advanced_concurrently(engine, people):
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda _: chase_round(engine, DUE)[0], range(6)))
    claimed = [r for r in results if r is not None]
    assert [c.stage.key for c in claimed] == ["reminder"]
    assert claimed_stages(engine) == [(1, "reminder")]


def test_a_ladder_refuses_repeated_keys_and_bad_weekdays():
    with pytest.raises(ValueError):
        Ladder(stages=(Stage("a", "ก", 1), Stage("a", "ข", 2)), escalation=Escalation("top", "ค"))
    with pytest.raises(ValueError):
        Ladder(stages=(), escalation=Escalation("top", "ค", meeting_weekday=7))


def test_this_module_needs_nothing_from_the_complaints_package():
    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    imported: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            imported += [node.module or ""]
    assert "domain.engine.chase" in imported
    assert [m for m in imported if "complaint" in m] == []
