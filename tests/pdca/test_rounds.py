"""The Do: reporting rounds of the approved plan. Rounds open by themselves on the controlled
clock (6 months from 1 April, 12 months from 1 October; again: nothing new), every division
reports its projects and its director approves, a director sends a report back, bad values
are refused in Thai naming the project with nothing stored, and a wrong division is refused."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import yaml
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.settings import PROJECT_ROOT
from domain.engine.calendar import BANGKOK
from domain.engine.chains import LEVEL_STEP
from domain.engine.registry import installed
from domain.errors import Conflict, InvalidInput, NotEntitled
from domain.pdca import rounds_service
from domain.pdca.rounds import CASE_TYPE, REPORT_STEP
from domain.pdca.rounds_entry import IndicatorEntry, ReportEntry, ResultEntry, meets
from flows import pdca_flow
from models.audit import AuditEntry
from models.pdca import PlanProject, ProjectIndicator, TargetOperator
from models.pdca_round import (
    DivisionReport,
    IndicatorResult,
    ProjectResult,
    ProjectStatus,
    ReportingRound,
    ReportStatus,
    RoundKind,
    RoundStatus,
)
from models.people import User
from models.steps import CaseRun
from ops.demo_pdca_rounds import REPORTERS
from tests.pdca.helpers import approved_plan
from tests.pdca.rounds_helpers import (
    FY2566_12_OPEN,
    complete_entry,
    director_decides,
    open_12_month_2566,
    open_steps,
    reports,
)


@pytest.fixture
def plan_id(engine: Engine, org: dict[str, User]) -> int:
    return approved_plan(engine, org).id  # type: ignore[return-value]


def rounds_of(engine: Engine) -> list[ReportingRound]:
    with Session(engine) as session:
        return list(session.exec(select(ReportingRound).order_by(col(ReportingRound.id))))


def test_rounds_open_by_themselves_on_the_controlled_clock(engine: Engine, plan_id: int) -> None:
    assert rounds_service.open_due_rounds(engine, today=date(2023, 3, 31)) == []
    (six,) = rounds_service.open_due_rounds(engine, today=date(2023, 4, 1))
    assert (six.fiscal_year, six.kind, six.as_of, six.due_on) == (
        2566,
        RoundKind.six_month,
        date(2023, 3, 31),
        date(2023, 4, 30),
    )
    assert six.opened_by_id is None
    assert rounds_service.open_due_rounds(engine, today=date(2023, 4, 2)) == []
    assert rounds_service.open_due_rounds(engine, today=date(2023, 9, 30)) == []
    (twelve,) = rounds_service.open_due_rounds(engine, today=date(2023, 10, 1))
    assert (twelve.kind, twelve.as_of, twelve.due_on) == (
        RoundKind.twelve_month,
        date(2023, 9, 30),
        date(2023, 10, 31),
    )
    assert rounds_service.open_due_rounds(engine, today=date(2023, 10, 15)) == []
    assert len(rounds_of(engine)) == 2

    by_division = reports(engine, six.id)  # type: ignore[arg-type]
    assert set(by_division) == set(REPORTERS)
    steps = open_steps(engine, six.id)  # type: ignore[arg-type]
    assert len(steps) == 9 and {s.kind for s in steps} == {REPORT_STEP}
    due = steps[0].due_at.astimezone(BANGKOK)
    assert (due.date(), due.hour, due.minute) == (date(2023, 4, 30), 16, 30)
    with Session(engine) as session:
        results = session.exec(select(ProjectResult).where(ProjectResult.round_id == six.id)).all()
        project_1 = session.exec(
            select(ProjectResult)
            .join(PlanProject, col(PlanProject.id) == ProjectResult.project_id)
            .where(ProjectResult.round_id == six.id, PlanProject.no == 1)
        ).one()
        run = session.exec(
            select(CaseRun).where(CaseRun.case_type == CASE_TYPE, CaseRun.case_id == six.id)
        ).one()
    assert len(results) == 56 and {r.status for r in results} == {ProjectStatus.awaiting}
    assert project_1.budget_satang == 130_800_00
    assert run.parameters == {"round_id": six.id}


def test_only_strategy_opens_a_round_and_not_before_its_data_date(
    engine: Engine, org: dict[str, User], plan_id: int
) -> None:
    with pytest.raises(NotEntitled):
        open_12_month_2566(engine, org["kanokwan"], plan_id)
    with pytest.raises(Conflict, match="ยังเปิดรอบ 12 เดือน"):
        rounds_service.open_round(
            engine,
            user_id=org["somchai"].id,  # type: ignore[arg-type]
            plan_id=plan_id,
            fiscal_year=2566,
            kind=RoundKind.twelve_month,
            now=datetime(2023, 9, 29, 3, 0, tzinfo=UTC),
        )
    first = open_12_month_2566(engine, org["somchai"], plan_id)
    again = open_12_month_2566(engine, org["suda"], plan_id)
    assert first.id == again.id and first.opened_by_id == org["somchai"].id
    with pytest.raises(InvalidInput, match="2566–2570"):
        rounds_service.open_round(
            engine,
            user_id=org["somchai"].id,  # type: ignore[arg-type]
            plan_id=plan_id,
            fiscal_year=2571,
            kind=RoundKind.six_month,
        )


def test_a_full_12_month_round_every_division_reports_and_its_director_approves(
    engine: Engine, org: dict[str, User], plan_id: int
) -> None:
    rnd = open_12_month_2566(engine, org["somchai"], plan_id)
    for code, report in reports(engine, rnd.id).items():  # type: ignore[arg-type]
        result = rounds_service.submit_report(
            engine,
            user_id=org[REPORTERS[code]].id,  # type: ignore[arg-type]
            report_id=report.id,  # type: ignore[arg-type]
            entry=complete_entry(engine, plan_id, code, disbursed={1: 120_000_00}),
            now=FY2566_12_OPEN + timedelta(days=10),
        )
        assert result.closed_now
        assert rounds_of(engine)[0].status == RoundStatus.open
        director_decides(engine, org, report, code, outcome="approve", comment="เห็นชอบ")

    (done,) = rounds_of(engine)
    assert done.status == RoundStatus.closed and done.closed_at is not None
    # the divisions' steps are done (the Check's own steps may follow)
    division_steps = {REPORT_STEP, LEVEL_STEP}
    assert [s for s in open_steps(engine, rnd.id) if s.kind in division_steps] == []  # type: ignore[arg-type]
    final = reports(engine, rnd.id)  # type: ignore[arg-type]
    assert {r.status for r in final.values()} == {ReportStatus.approved}
    assert final["คลัง"].approved_by_id == org["thawee"].id
    assert final["คลัง"].submitted_by_id == org["kanokwan"].id
    with Session(engine) as session:
        results = session.exec(select(ProjectResult).where(ProjectResult.round_id == rnd.id)).all()
        indicators = session.exec(select(IndicatorResult)).all()
        actions = session.exec(
            select(AuditEntry.action).where(
                AuditEntry.case_type == CASE_TYPE, AuditEntry.case_id == rnd.id
            )
        ).all()
    assert {r.status for r in results} == {ProjectStatus.completed}
    assert sum(r.disbursed_satang for r in results) == 120_000_00
    assert indicators and all(i.met for i in indicators)
    assert actions.count("pdca_round_submitted") == 9
    assert actions.count("pdca_round_approved") == 9
    assert "pdca_round_complete" in actions


def test_the_director_sends_a_report_back_and_the_division_submits_again(
    engine: Engine, org: dict[str, User], plan_id: int
) -> None:
    rnd = open_12_month_2566(engine, org["somchai"], plan_id)
    report = reports(engine, rnd.id)["ตส."]  # type: ignore[arg-type]
    entry = complete_entry(engine, plan_id, "ตส.")
    rounds_service.submit_report(
        engine,
        user_id=org["prapai"].id,
        report_id=report.id,
        entry=entry,  # type: ignore[arg-type]
    )
    with pytest.raises(InvalidInput, match="เหตุผลที่ส่งกลับ"):
        director_decides(engine, org, report, "ตส.", outcome="return", return_to="originator")
    director_decides(
        engine,
        org,
        report,
        "ตส.",
        outcome="return",
        return_to="originator",
        comment="ขอให้แนบหลักฐานการเบิกจ่าย",
    )
    back = reports(engine, rnd.id)["ตส."]  # type: ignore[arg-type]
    assert (back.status, back.returns_count, back.returned_reason) == (
        ReportStatus.returned,
        1,
        "ขอให้แนบหลักฐานการเบิกจ่าย",
    )
    step = next(
        s for s in open_steps(engine, rnd.id) if s.assignee_division_id == report.division_id
    )  # type: ignore[arg-type]
    assert (step.kind, step.round) == (REPORT_STEP, 2) and step.title.startswith("แก้ไขและส่ง")
    with pytest.raises(NotEntitled):  # the director does not submit for the officers
        rounds_service.submit_report(engine, user_id=org["chaiwat"].id, report_id=report.id)  # type: ignore[arg-type]
    rounds_service.submit_report(engine, user_id=org["prapai"].id, report_id=report.id)  # type: ignore[arg-type]
    director_decides(engine, org, report, "ตส.", outcome="approve", comment="เห็นชอบ")
    assert reports(engine, rnd.id)["ตส."].status == ReportStatus.approved  # type: ignore[arg-type]


def test_another_division_may_not_touch_a_report(
    engine: Engine, org: dict[str, User], plan_id: int
) -> None:
    rnd = open_12_month_2566(engine, org["somchai"], plan_id)
    report = reports(engine, rnd.id)["กย."]  # type: ignore[arg-type]
    entry = complete_entry(engine, plan_id, "กย.")
    with pytest.raises(NotEntitled, match="กองยุทธศาสตร์และงบประมาณ"):
        rounds_service.save_report(
            engine,
            user_id=org["kanokwan"].id,
            report_id=report.id,
            entry=entry,  # type: ignore[arg-type]
        )
    with pytest.raises(NotEntitled):
        rounds_service.submit_report(
            engine,
            user_id=org["kanokwan"].id,
            report_id=report.id,
            entry=entry,  # type: ignore[arg-type]
        )


def test_bad_values_are_refused_in_thai_naming_the_project_and_nothing_is_stored(
    engine: Engine, org: dict[str, User], plan_id: int
) -> None:
    rnd = open_12_month_2566(engine, org["somchai"], plan_id)
    report = reports(engine, rnd.id)["คลัง"]  # type: ignore[arg-type]
    good = complete_entry(engine, plan_id, "คลัง")
    first, second, third = good.results[:3]
    with Session(engine) as session:
        foreign = session.exec(
            select(ProjectIndicator)
            .join(PlanProject, col(PlanProject.id) == ProjectIndicator.project_id)
            .where(PlanProject.plan_id == plan_id, PlanProject.division_code != "คลัง")
        ).first()
    assert foreign is not None
    broken = ReportEntry(
        results=[
            first,
            second.model_copy(update={"status": ProjectStatus.not_done, "reason": " "}),
            third.model_copy(update={"disbursed_satang": -100}),
            ResultEntry(project_no=1, status=ProjectStatus.completed),  # กจ.'s project
            first.model_copy(
                update={
                    "project_no": third.project_no,
                    "indicators": [IndicatorEntry(indicator_id=foreign.id, value=Decimal(1))],  # type: ignore[arg-type]
                }
            ),
        ]
    )
    with pytest.raises(InvalidInput) as refused:
        rounds_service.save_report(
            engine,
            user_id=org["kanokwan"].id,
            report_id=report.id,
            entry=broken,  # type: ignore[arg-type]
        )
    messages = [e["message"] for e in refused.value.detail["errors"]]  # type: ignore[union-attr]
    assert refused.value.message.startswith("บันทึกรายงานไม่ได้ ไม่มีการบันทึกข้อมูลใด ๆ")
    assert any(f"โครงการลำดับที่ {second.project_no}" in m and "ระบุเหตุผล" in m for m in messages)
    assert any(f"โครงการลำดับที่ {third.project_no}" in m and "ติดลบ" in m for m in messages)
    assert any("โครงการลำดับที่ 1:" in m and "ไม่อยู่ในรายงานของสำนักคลัง" in m for m in messages)
    assert any("กรอกซ้ำ" in m for m in messages)
    assert any("ไม่มีตัวชี้วัดเลขที่" in m for m in messages)
    with Session(engine) as session:
        stored = session.exec(
            select(ProjectResult).where(ProjectResult.division_report_id == report.id)
        ).all()
        assert {r.status for r in stored} == {ProjectStatus.awaiting}
        assert session.exec(select(IndicatorResult)).first() is None


def test_an_incomplete_report_cannot_be_submitted(
    engine: Engine, org: dict[str, User], plan_id: int
) -> None:
    rnd = open_12_month_2566(engine, org["somchai"], plan_id)
    report = reports(engine, rnd.id)["ศษ."]  # type: ignore[arg-type]
    entry = complete_entry(engine, plan_id, "ศษ.")
    partial = ReportEntry(results=entry.results[:1])
    with pytest.raises(InvalidInput, match="ยังไม่ได้ระบุสถานะ") as refused:
        rounds_service.submit_report(
            engine,
            user_id=org["orathai"].id,
            report_id=report.id,
            entry=partial,  # type: ignore[arg-type]
        )
    assert f"โครงการลำดับที่ {entry.results[1].project_no}" in refused.value.message
    with Session(engine) as session:
        assert session.get(DivisionReport, report.id).status == ReportStatus.requested  # type: ignore[union-attr]
        assert {
            r.status
            for r in session.exec(
                select(ProjectResult).where(ProjectResult.division_report_id == report.id)
            )
        } == {ProjectStatus.awaiting}  # the entry sent with the refused submission: not kept


@pytest.mark.parametrize(
    ("operator", "value", "met"),
    [
        (TargetOperator.at_least, "80", True),
        (TargetOperator.at_least, "79.99", False),
        (TargetOperator.more_than, "80", False),
        (TargetOperator.at_most, "80", True),
        (TargetOperator.less_than, "80", False),
        (TargetOperator.equal, "80.00", True),
    ],
)
def test_an_indicator_is_met_by_its_operator_and_target(
    operator: TargetOperator, value: str, met: bool
) -> None:
    assert meets(operator, Decimal(value), Decimal("80")) is met


def test_the_round_workflow_and_its_scheduled_deployments() -> None:
    workflow = installed()[CASE_TYPE]
    deployments = {
        d["name"]: d
        for d in yaml.safe_load((PROJECT_ROOT / "prefect.yaml").read_text())["deployments"]
    }
    assert workflow.deployment == "pdca-round/pdca-round"
    for name, scheduled in (
        ("pdca-round", False),
        ("pdca-round-opening", True),
        ("pdca-round-chase", True),
    ):
        path, function = deployments[name]["entrypoint"].split(":")
        assert path == "flows/pdca_flow.py"
        assert getattr(pdca_flow, function).name == name
        assert bool(deployments[name].get("schedules")) is scheduled
