"""The consolidated report of a 12-month round (Check): the 56-project plan, all nine divisions
reporting through the rounds' use cases, one approved after the due date, one project over its
budget, one not done with money disbursed, one reported by another division. Every figure is
compared with what the plan's CSV file and the script give, computed here, to the satang."""

from collections import Counter
from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from domain.pdca.consolidate import consolidate, share
from domain.pdca.consolidate_anomalies import AnomalyKind
from models.pdca import PlanProject
from models.pdca_report import ConsolidatedReport, ConsolidatedStatus
from models.pdca_round import ProjectResult, ProjectStatus, ReportingRound
from models.people import Division, User
from tests.pdca.consolidate_script import (
    half_up,
    indicator_rows,
    plan_rows,
    played_2569,
    script_2569,
)

AFTER_DUE = date(2026, 11, 10)


@pytest.fixture
def round_2569(engine: Engine, org: dict[str, User]) -> tuple[int, int]:
    return played_2569(engine, org)


def _round(session: Session, round_id: int) -> ReportingRound:
    found = session.get(ReportingRound, round_id)
    assert found is not None
    return found


def test_share_rounds_half_up_exactly() -> None:
    assert str(share(12345, 100000)) == "12.35"  # 12.345 → 12.35
    assert str(share(1, 8)) == "12.50"
    assert str(share(1, 3)) == "33.33"
    assert str(share(2, 3)) == "66.67"
    assert str(share(1, 800)) == "0.13"  # 0.125 → 0.13 (half up, not to even)
    assert str(share(3, 800)) == "0.38"  # 0.375
    assert share(5, 0) is None


def test_the_figures_match_the_plan_and_the_script_to_the_satang(
    engine: Engine, round_2569: tuple[int, int]
) -> None:
    _, round_id = round_2569
    planned = plan_rows(2569)
    outcome = {no: script_2569(p) for no, p in planned.items()}
    with Session(engine) as session:
        c = consolidate(session, _round(session, round_id), today=AFTER_DUE)

    budget = sum(p.budget for p in planned.values())
    paid = sum(amount for _, amount in outcome.values())
    assert budget == 2_462_394_800  # 24,623,948 baht a year (the plan's stated total)
    assert (c.overall.budget_satang, c.overall.disbursed_satang) == (budget, paid)
    assert c.overall.disbursed_share == half_up(paid, budget)
    statuses = Counter(status for status, _ in outcome.values())
    assert c.overall.by_status == {s: statuses.get(s, 0) for s in ProjectStatus}
    assert c.overall.projects == 56
    practice = statuses[ProjectStatus.completed] + statuses[ProjectStatus.in_progress]
    assert c.overall.practice_share == half_up(practice, 56)

    for dim in c.dimensions:
        mine = [p for p in planned.values() if p.dimension == int(dim.key)]
        assert dim.projects == len(mine)
        assert dim.budget_satang == sum(p.budget for p in mine)
        assert dim.disbursed_satang == sum(outcome[p.no][1] for p in mine)
        assert dim.by_status == {
            s: sum(1 for p in mine if outcome[p.no][0] is s) for s in ProjectStatus
        }
    assert [d.projects for d in c.dimensions] == [11, 24, 14, 7]
    by_division = {d.key: d for d in c.divisions}
    assert set(by_division) == {p.division for p in planned.values()}
    for code, group in by_division.items():
        mine = [p for p in planned.values() if p.division == code]
        assert group.disbursed_satang == sum(outcome[p.no][1] for p in mine)

    # The table in the municipality's order, each line as the division reported it.
    assert [line.no for line in c.lines] == list(range(1, 57))
    line40 = c.lines[39]
    assert (line40.budget_satang, line40.disbursed_satang) == (750_000_000, 751_234_567)

    # Indicators: every indicator of the plan; values only for completed projects.
    targets = indicator_rows()
    total = sum(len(v) for v in targets.values())
    done = [no for no in targets if outcome[no][0] is ProjectStatus.completed]
    met = sum(len(targets[no]) for no in done if no % 3 != 0)
    assert (c.indicators_total, c.indicators_reported, c.indicators_met) == (
        total,
        sum(len(targets[no]) for no in done),
        met,
    )


def test_anomalies_are_flagged(engine: Engine, round_2569: tuple[int, int]) -> None:
    plan_id, round_id = round_2569
    with Session(engine) as session:
        # Project 9 moved from Education to Social Welfare after the plan: it reports there.
        welfare = session.exec(select(Division).where(Division.code == "สส.")).one()
        project = session.exec(
            select(PlanProject).where(PlanProject.plan_id == plan_id, PlanProject.no == 9)
        ).one()
        result = session.exec(
            select(ProjectResult).where(
                ProjectResult.round_id == round_id, ProjectResult.project_id == project.id
            )
        ).one()
        result.division_id = welfare.id  # type: ignore[assignment]
        session.add(result)
        session.commit()
        c = consolidate(session, _round(session, round_id), today=AFTER_DUE)
    found = {(a.kind, a.project_no or a.division) for a in c.anomalies}
    assert found == {
        (AnomalyKind.over_budget, 40),
        (AnomalyKind.disbursed_not_done, 7),
        (AnomalyKind.division_changed, 9),
        (AnomalyKind.late_report, "กองการเจ้าหน้าที่"),
    }
    late = next(a for a in c.anomalies if a.kind is AnomalyKind.late_report)
    assert "ช้า 4 วัน" in late.detail
    over = next(a for a in c.anomalies if a.kind is AnomalyKind.over_budget)
    assert "เกิน 12,345.67 บาท" in over.detail
    moved = next(a for a in c.anomalies if a.kind is AnomalyKind.division_changed)
    assert moved.division == "สำนักสวัสดิการสังคม"


def test_completing_the_round_starts_the_report_for_strategy_and_budget(
    engine: Engine, round_2569: tuple[int, int]
) -> None:
    _, round_id = round_2569
    with Session(engine) as session:
        report = session.exec(
            select(ConsolidatedReport).where(ConsolidatedReport.round_id == round_id)
        ).one()
    assert report.status == ConsolidatedStatus.draft
