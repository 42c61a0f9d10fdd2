"""Moving a reporting round through its use cases in tests: who reports for each division of
the demo organisation, and a complete report of a division's projects."""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from domain.engine.service import decide_step
from domain.pdca import rounds_service
from domain.pdca.rounds import CASE_TYPE
from domain.pdca.rounds_entry import IndicatorEntry, ReportEntry, ResultEntry
from models.pdca import PlanProject, ProjectIndicator
from models.pdca_round import DivisionReport, ProjectStatus, ReportingRound, RoundKind
from models.people import Division, User
from models.steps import HumanStep, StepStatus
from ops.demo_pdca_rounds import DIRECTORS

FY2566_12_OPEN = datetime(2023, 10, 2, 2, 0, tzinfo=UTC)
"""09:00 on Monday 2 October 2566 (Bangkok): the 12-month round of fiscal 2566 may open."""


def open_12_month_2566(engine: Engine, officer: User, plan_id: int) -> ReportingRound:
    return rounds_service.open_round(
        engine,
        user_id=officer.id,  # type: ignore[arg-type]
        plan_id=plan_id,
        fiscal_year=2566,
        kind=RoundKind.twelve_month,
        now=FY2566_12_OPEN,
    ).round


def reports(engine: Engine, round_id: int) -> dict[str, DivisionReport]:
    """The round's reports by division code."""
    with Session(engine, expire_on_commit=False) as session:
        rows = session.exec(
            select(DivisionReport, Division)
            .join(Division, col(Division.id) == DivisionReport.division_id)
            .where(DivisionReport.round_id == round_id)
        ).all()
    return {division.code: report for report, division in rows}


def complete_entry(
    engine: Engine, plan_id: int, code: str, *, disbursed: dict[int, int] | None = None
) -> ReportEntry:
    """Every project of division ``code`` completed, its budget disbursed (or ``disbursed``
    by project number, in satang), each indicator reported at its target."""
    disbursed = disbursed or {}
    with Session(engine) as session:
        projects = session.exec(
            select(PlanProject)
            .where(PlanProject.plan_id == plan_id, PlanProject.division_code == code)
            .order_by(col(PlanProject.no))
        ).all()
        indicators: dict[int, list[ProjectIndicator]] = {}
        for indicator in session.exec(
            select(ProjectIndicator).where(
                col(ProjectIndicator.project_id).in_([p.id for p in projects])
            )
        ):
            indicators.setdefault(indicator.project_id, []).append(indicator)
        return ReportEntry(
            data_as_of=date(2023, 9, 30),
            results=[
                ResultEntry(
                    project_no=p.no,
                    status=ProjectStatus.completed,
                    disbursed_satang=disbursed.get(p.no, 0),
                    note="ดำเนินการครบตามแผน",
                    data_as_of=date(2023, 9, 30),
                    indicators=[
                        IndicatorEntry(indicator_id=i.id, value=Decimal(i.target_value))  # type: ignore[arg-type]
                        for i in indicators.get(p.id, [])  # type: ignore[arg-type]
                    ],
                )
                for p in projects
            ],
        )


def open_steps(engine: Engine, round_id: int) -> list[HumanStep]:
    with Session(engine, expire_on_commit=False) as session:
        return list(
            session.exec(
                select(HumanStep)
                .where(
                    HumanStep.case_type == CASE_TYPE,
                    HumanStep.case_id == round_id,
                    HumanStep.status == StepStatus.open,
                )
                .order_by(col(HumanStep.id))
            )
        )


def division_step(engine: Engine, round_id: int, division_id: int) -> HumanStep:
    (step,) = [s for s in open_steps(engine, round_id) if s.assignee_division_id == division_id]
    return step


def director_decides(
    engine: Engine, people: dict[str, User], report: DivisionReport, code: str, **form: Any
) -> None:
    step = division_step(engine, report.round_id, report.division_id)
    decide_step(engine, step_id=step.id, user_id=people[DIRECTORS[code]].id, data=form)  # type: ignore[arg-type]
