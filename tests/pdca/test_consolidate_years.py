"""Year on year: the 12-month rounds of 2568 and 2569 of the 2566–2570 plan and the 2565 report
kept as history (a round of its own history plan) side by side, and the history round
consolidated on its own. Expectations from the plan's CSV file and the scripts."""

from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from domain.pdca.consolidate import consolidate
from domain.pdca.consolidate_service import public_round, report_view
from domain.pdca.round_import_service import import_history
from domain.pdca.rounds_entry import meets
from models.pdca_round import ProjectStatus, ReportingRound
from models.people import User
from tests.pdca.consolidate_script import (
    Script,
    half_up,
    indicator_rows,
    indicator_value,
    plan_rows,
    play_round,
    script_2568,
    script_2569,
)
from tests.pdca.helpers import approved_plan
from tests.pdca.round_import_files import Line, csv_report, plan_projects

HISTORY = [  # the first five projects of the plan as the 2565 report listed them
    ("completed", "120,000.50", "100,000.25"),
    ("in_progress", "250,000", "125,000"),
    ("not_done", "150,000", "0"),
    ("completed", "-", "-"),
    ("completed", "-", "-"),
]


def history_lines() -> list[Line]:
    projects = plan_projects()
    return [
        Line(
            no=str(i + 1),
            name=projects[i]["name"],
            dimension="1",
            budget=budget,
            disbursed=paid,
            status=status,
            note="ยกเลิกเพราะสถานการณ์โรคระบาด" if status == "not_done" else "",
            division=projects[i]["unit"],
        )
        for i, (status, budget, paid) in enumerate(HISTORY)
    ]


def satang(text: str) -> int:
    return 0 if text == "-" else int(Decimal(text.replace(",", "")) * 100)


@pytest.fixture
def years(engine: Engine, org: dict[str, User]) -> dict[int, int]:
    """Fiscal year → round id: 2565 (history), 2568 and 2569 (reported in the system)."""
    plan = approved_plan(engine, org)
    found = {}
    found[2565] = import_history(
        engine,
        user_id=org["somchai"].id,  # type: ignore[arg-type]
        fiscal_year=2565,
        data=csv_report(history_lines(), with_division=True),
        filename="รายงานผล 12 เดือน 2565.csv",
    ).round_id
    for year, script in ((2568, script_2568), (2569, script_2569)):
        found[year] = play_round(
            engine,
            org,
            plan.id,  # type: ignore[arg-type]
            fiscal_year=year,
            script=script,
            opened=f"{year - 543}-10-01T02:00:00",
            submitted=f"{year - 543}-10-20T03:00:00",
            approved=f"{year - 543}-10-27T04:00:00",
        )
    return found


def test_a_history_round_consolidates_and_is_public(engine: Engine, years: dict[int, int]) -> None:
    with Session(engine) as session:
        rnd = session.get(ReportingRound, years[2565])
        assert rnd is not None
        c = consolidate(session, rnd, today=date(2026, 11, 10))
        assert public_round(session, years[2565]).id == years[2565]  # published before
    budget = sum(satang(b) for _, b, _ in HISTORY)
    paid = sum(satang(p) for _, _, p in HISTORY)
    assert (c.overall.projects, c.overall.budget_satang, c.overall.disbursed_satang) == (
        5,
        budget,
        paid,
    )
    assert c.overall.disbursed_share == half_up(paid, budget)
    assert c.overall.by_status[ProjectStatus.completed] == 3
    assert c.overall.practice_share == half_up(4, 5)
    assert c.anomalies == []  # a history round has no deadlines to check
    assert c.reasons[0].reason.startswith("ยกเลิก") or "ยกเลิก" in c.reasons[0].note


def test_year_on_year_compares_the_plan_and_each_indicator(
    engine: Engine, years: dict[int, int]
) -> None:
    with Session(engine) as session:
        rnd = session.get(ReportingRound, years[2569])
        assert rnd is not None
        yoy = report_view(session, rnd, today=date(2026, 11, 10)).yoy
    assert yoy.fiscal_years == [2565, 2568, 2569]
    assert [y.history for y in yoy.years] == [True, False, False]

    scripts: dict[int, Script] = {2568: script_2568, 2569: script_2569}
    for figures in yoy.years[1:]:
        planned = plan_rows(figures.fiscal_year)
        outcome = {no: scripts[figures.fiscal_year](p) for no, p in planned.items()}
        statuses = Counter(s for s, _ in outcome.values())
        paid = sum(a for _, a in outcome.values())
        budget = sum(p.budget for p in planned.values())
        assert (figures.projects, figures.budget_satang, figures.disbursed_satang) == (
            56,
            budget,
            paid,
        )
        assert figures.completed == statuses[ProjectStatus.completed]
        assert figures.practice_share == half_up(
            statuses[ProjectStatus.completed] + statuses[ProjectStatus.in_progress], 56
        )
        assert figures.disbursed_share == half_up(paid, budget)

    # The first five projects: three years each (2565 from the history report, by name).
    by_no = {p.no: p for p in yoy.projects}
    assert by_no[1].years[2565] == (ProjectStatus.completed, 10_000_025)
    assert by_no[3].years[2565] == (ProjectStatus.not_done, 0)
    assert set(by_no[2].years) == {2565, 2568, 2569}

    # Each indicator: a value in the years its project was completed, met as its target says.
    targets = indicator_rows()
    planned = {y: plan_rows(y) for y in scripts}
    assert yoy.indicators
    for line in yoy.indicators:
        done = {
            y
            for y, script in scripts.items()
            if script(planned[y][line.project_no])[0] is ProjectStatus.completed
        }
        assert set(line.years) == done
        _, op, target, _ = next(t for t in targets[line.project_no] if t[3] == line.text.strip())
        for y in done:
            value = indicator_value(line.project_no, op, target)
            assert line.years[y] == (value, meets(op, value, target))
