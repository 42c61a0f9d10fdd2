"""B6's baseline: the consolidated report computed row by row in Python from ORM objects, the way
it is first written: for each project of the plan, its mission, dimension, divisions, result,
division report, budget and each indicator with its result fetched one at a time, and the counts
added up in Python. Returns the same ``Consolidated`` as ``domain.pdca.consolidate`` (the
benchmark checks the two agree before timing them)."""

from datetime import date

from sqlmodel import Session, select

from domain.errors import NotFound
from domain.pdca.consolidate import Consolidated, Counts, IndicatorLine, ProjectLine
from domain.pdca.consolidate_anomalies import find_anomalies
from domain.pdca.consolidate_rules import report_for
from models.pdca import (
    Plan,
    PlanDimension,
    PlanMission,
    PlanProject,
    ProjectBudget,
    ProjectIndicator,
)
from models.pdca_round import (
    DivisionReport,
    IndicatorResult,
    ProjectResult,
    ProjectStatus,
    ReportingRound,
    ReportStatus,
    RoundSource,
)
from models.people import Division


def naive_consolidate(session: Session, round_: ReportingRound, *, today: date) -> Consolidated:
    plan = session.get(Plan, round_.plan_id)
    assert plan is not None
    history = round_.source == RoundSource.history
    projects = session.exec(
        select(PlanProject).where(PlanProject.plan_id == plan.id).order_by(PlanProject.no)  # type: ignore[arg-type]
    ).all()
    lines: list[ProjectLine] = []
    dimensions: dict[str, Counts] = {}
    divisions: dict[str, Counts] = {}
    indicators: list[IndicatorLine] = []
    for project in projects:
        mission = session.get(PlanMission, project.mission_id)
        dimension = session.get(PlanDimension, mission.dimension_id)  # type: ignore[union-attr]
        planned = session.exec(select(Division).where(Division.code == project.division_code)).one()
        result = session.exec(
            select(ProjectResult).where(
                ProjectResult.round_id == round_.id, ProjectResult.project_id == project.id
            )
        ).first()
        report = session.get(DivisionReport, result.division_report_id) if result else None
        reporting = session.get(Division, result.division_id) if result else None
        budget_row = session.exec(
            select(ProjectBudget).where(
                ProjectBudget.project_id == project.id,
                ProjectBudget.fiscal_year == round_.fiscal_year,
            )
        ).first()
        counted = history or (report is not None and report.status == ReportStatus.approved)
        status = ProjectStatus(result.status) if counted and result else ProjectStatus.awaiting
        budget = result.budget_satang if result else (budget_row.amount_satang if budget_row else 0)
        disbursed = result.disbursed_satang if counted and result else 0
        division = reporting or planned
        lines.append(
            ProjectLine(
                no=project.no,
                code=project.code,
                name=project.name,
                dimension_no=dimension.no,  # type: ignore[union-attr]
                plan_division=planned.code,
                division=division.code,
                division_name=division.name,
                budget_satang=budget,
                has_budget=budget_row is not None or budget > 0,
                disbursed_satang=disbursed,
                status=status,
                counted=counted,
                reported_status=ProjectStatus(result.status) if result else None,
                reported_disbursed=result.disbursed_satang if result else 0,
                reason=result.reason if result else "",
                note=result.note if result else "",
                data_as_of=result.data_as_of if result else None,
            )
        )
        key = str(dimension.no)  # type: ignore[union-attr]
        title = f"มิติที่ {key} {dimension.name}"  # type: ignore[union-attr]
        dimensions.setdefault(key, Counts(key, title)).add(status, 1, budget, disbursed)
        divisions.setdefault(division.code, Counts(division.code, division.name)).add(
            status, 1, budget, disbursed
        )
        for indicator in session.exec(
            select(ProjectIndicator)
            .where(ProjectIndicator.project_id == project.id)
            .order_by(ProjectIndicator.seq)  # type: ignore[arg-type]
        ).all():
            reached = (
                session.exec(
                    select(IndicatorResult).where(
                        IndicatorResult.project_result_id == result.id,
                        IndicatorResult.indicator_id == indicator.id,
                    )
                ).first()
                if result and counted
                else None
            )
            indicators.append(
                IndicatorLine(
                    project_no=project.no,
                    seq=indicator.seq,
                    text=indicator.text,
                    target_operator=str(indicator.target_operator),
                    target_value=indicator.target_value,
                    target_unit=indicator.target_unit,
                    value=reached.value if reached else None,
                    met=reached.met if reached else None,
                )
            )
    overall = Counts("all", "รวมทั้งแผน")
    for line in lines:
        overall.add(line.status, 1, line.budget_satang, line.disbursed_satang)
    try:
        report_row = report_for(session, round_.id)  # type: ignore[arg-type]
    except NotFound:
        report_row = None
    return Consolidated(
        round=round_,
        plan=plan,
        report=report_row,
        lines=lines,
        dimensions=sorted(dimensions.values(), key=lambda c: int(c.key)),
        divisions=sorted(divisions.values(), key=lambda c: c.title),
        overall=overall,
        indicators=indicators,
        anomalies=find_anomalies(session, round_, lines, today=today),
        reasons=[line for line in lines if line.status is ProjectStatus.not_done],
    )
