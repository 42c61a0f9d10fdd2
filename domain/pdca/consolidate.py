"""The consolidated report of a reporting round (Check), as Strategy and Budget (กย.) sends it to
the executives and publishes it: the per-project table in the municipality's format, counts per
status by dimension, by division and overall, budget and disbursement, the share of the plan
put into practice, indicators met, and what looks wrong (``consolidate_anomalies``).

Counted with SQL aggregates (``GROUP BY``) over one join of the plan's projects with the round's
results, whatever the plan's size: a handful of queries, not a query per project.

Definitions (docs/pdca.md):

- A result counts once its division's report is approved by the division head (a history
  round's figures, taken from a report already published, always count). A project whose
  result does not count shows as "รอรายงาน" (awaiting) with nothing disbursed.
- Budget: the year's budget the result carries (the plan's budget for the round's fiscal year
  when the round opened; a history round's as its report shows), else the plan's budget for
  that year; none: 0 (shown "-").
- Shares are percentages with two decimals, rounded half up (ROUND_HALF_UP: 12.345 → 12.35),
  computed exactly from integer satang.
- The share of the plan put into practice (การนำแผนไปสู่การปฏิบัติ): projects completed or in
  progress over all the plan's projects that year, as the municipality's 6- and 12-month
  reports count it (seed 004: each round reports every project of the plan)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from domain.pdca.consolidate_anomalies import Anomaly, find_anomalies
from models.pdca import (
    Plan,
    PlanDimension,
    PlanMission,
    PlanProject,
    ProjectBudget,
    ProjectIndicator,
)
from models.pdca_report import ConsolidatedReport
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

STATUSES = tuple(ProjectStatus)
PUT_INTO_PRACTICE = (ProjectStatus.completed, ProjectStatus.in_progress)


def share(part: int, whole: int) -> Decimal | None:
    """``part`` over ``whole`` as a percentage with two decimals, rounded half up, exactly
    (integers only); None when ``whole`` is 0."""
    if whole <= 0:
        return None
    hundredths = (part * 20000 + whole) // (2 * whole)  # round(part*10000/whole), half up
    return Decimal(hundredths).scaleb(-2)


def percent_text(value: Decimal | None) -> str:
    return "-" if value is None else f"{value:,.2f}"


@dataclass
class ProjectLine:
    """One row of the municipality's table."""

    no: int
    code: str
    name: str
    dimension_no: int
    plan_division: str
    """Code of the division the plan names."""
    division: str
    """Code of the division that reported (at report time), else the plan's."""
    division_name: str
    budget_satang: int
    has_budget: bool
    disbursed_satang: int
    status: ProjectStatus
    counted: bool
    """The division's report is approved (or the round is history)."""
    reported_status: ProjectStatus | None
    """What the division entered, counted or not (None: no result row)."""
    reported_disbursed: int
    reason: str
    note: str
    data_as_of: date | None


@dataclass
class Counts:
    """Projects per status, budget and disbursement of a group (a dimension, a division, all)."""

    key: str
    title: str
    by_status: dict[ProjectStatus, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    budget_satang: int = 0
    disbursed_satang: int = 0

    @property
    def projects(self) -> int:
        return sum(self.by_status.values())

    @property
    def put_into_practice(self) -> int:
        return sum(self.by_status[s] for s in PUT_INTO_PRACTICE)

    @property
    def practice_share(self) -> Decimal | None:
        return share(self.put_into_practice, self.projects)

    @property
    def disbursed_share(self) -> Decimal | None:
        return share(self.disbursed_satang, self.budget_satang)

    def status_share(self, status: ProjectStatus) -> Decimal | None:
        return share(self.by_status[status], self.projects)

    def add(self, status: ProjectStatus, projects: int, budget: int, disbursed: int) -> None:
        self.by_status[status] += projects
        self.budget_satang += budget
        self.disbursed_satang += disbursed


@dataclass
class IndicatorLine:
    project_no: int
    seq: int
    text: str
    target_operator: str
    target_value: Decimal
    target_unit: str
    value: Decimal | None
    met: bool | None


@dataclass
class Consolidated:
    round: ReportingRound
    plan: Plan
    report: ConsolidatedReport | None
    lines: list[ProjectLine]
    dimensions: list[Counts]
    divisions: list[Counts]
    overall: Counts
    indicators: list[IndicatorLine]
    anomalies: list[Anomaly]
    reasons: list[ProjectLine]
    """Projects that could not be done, with the division's reason (input to the problems)."""

    @property
    def indicators_total(self) -> int:
        return len(self.indicators)

    @property
    def indicators_reported(self) -> int:
        return sum(1 for i in self.indicators if i.met is not None)

    @property
    def indicators_met(self) -> int:
        return sum(1 for i in self.indicators if i.met)

    @property
    def indicators_met_share(self) -> Decimal | None:
        return share(self.indicators_met, self.indicators_total)


def is_history(round_: ReportingRound) -> bool:
    return RoundSource(round_.source) is RoundSource.history


def _params(round_: ReportingRound) -> dict[str, object]:
    """The bound parameters of the statements below, which are built once (``_statements``):
    building and keying a statement of this size costs more than running it on SQLite."""
    return {
        "round_id": round_.id,
        "plan_id": round_.plan_id,
        "fiscal_year": round_.fiscal_year,
        "history": is_history(round_),
    }


def _counted():  # type: ignore[no-untyped-def]
    """A result counts: its division's report is approved, or the round is history."""
    return sa.or_(
        sa.bindparam("history", type_=sa.Boolean),
        col(DivisionReport.status) == ReportStatus.approved.value,
    )


@dataclass(frozen=True)
class _Statements:
    lines: sa.Select  # type: ignore[type-arg]
    groups: sa.Select  # type: ignore[type-arg]
    indicators: sa.Select  # type: ignore[type-arg]


@cache
def _statements() -> _Statements:
    """The plan's projects joined with the round's results: the table's lines, the counts per
    dimension, division and status (one ``GROUP BY``), and the indicators with their values."""
    plan_division = aliased(Division)
    plan_code = col(plan_division.code)
    counted = _counted()
    status = sa.case(
        (sa.and_(counted, col(ProjectResult.status).is_not(None)), col(ProjectResult.status)),
        else_=ProjectStatus.awaiting.value,
    )
    disbursed = sa.case((counted, func.coalesce(col(ProjectResult.disbursed_satang), 0)), else_=0)
    budget = func.coalesce(col(ProjectResult.budget_satang), col(ProjectBudget.amount_satang), 0)
    division_code = func.coalesce(col(Division.code), plan_code)
    division_name = func.coalesce(col(Division.name), col(plan_division.name))
    result_of_project = sa.and_(
        col(ProjectResult.project_id) == col(PlanProject.id),
        col(ProjectResult.round_id) == sa.bindparam("round_id"),
    )
    joined = (
        select(PlanProject)
        .join(PlanMission, col(PlanMission.id) == col(PlanProject.mission_id))
        .join(PlanDimension, col(PlanDimension.id) == col(PlanMission.dimension_id))
        .join(plan_division, plan_code == col(PlanProject.division_code))
        .outerjoin(ProjectResult, result_of_project)
        .outerjoin(DivisionReport, col(DivisionReport.id) == col(ProjectResult.division_report_id))
        .outerjoin(Division, col(Division.id) == col(ProjectResult.division_id))
        .outerjoin(
            ProjectBudget,
            sa.and_(
                col(ProjectBudget.project_id) == col(PlanProject.id),
                col(ProjectBudget.fiscal_year) == sa.bindparam("fiscal_year"),
            ),
        )
        .where(col(PlanProject.plan_id) == sa.bindparam("plan_id"))
    )
    lines = joined.with_only_columns(  # type: ignore[call-overload]
        col(PlanProject.no),
        col(PlanProject.code),
        col(PlanProject.name),
        col(PlanDimension.no),
        plan_code,
        division_code,
        division_name,
        budget,
        col(ProjectBudget.amount_satang).is_not(None) | (budget > 0),
        disbursed,
        status,
        counted,
        col(ProjectResult.status),
        func.coalesce(col(ProjectResult.disbursed_satang), 0),
        func.coalesce(col(ProjectResult.reason), ""),
        func.coalesce(col(ProjectResult.note), ""),
        col(ProjectResult.data_as_of),
    ).order_by(col(PlanProject.no))
    groups = joined.with_only_columns(
        col(PlanDimension.no),
        col(PlanDimension.name),
        division_code,
        division_name,
        status,
        func.count(),
        func.sum(budget),
        func.sum(disbursed),
    ).group_by(col(PlanDimension.no), col(PlanDimension.name), division_code, division_name, status)
    indicators = (
        sa.select(
            col(PlanProject.no),
            col(ProjectIndicator.seq),
            col(ProjectIndicator.text),
            col(ProjectIndicator.target_operator),
            col(ProjectIndicator.target_value),
            col(ProjectIndicator.target_unit),
            sa.case((counted, col(IndicatorResult.value)), else_=None),
            sa.case((counted, col(IndicatorResult.met)), else_=None),
        )
        .join(PlanProject, col(PlanProject.id) == col(ProjectIndicator.project_id))
        .outerjoin(ProjectResult, result_of_project)
        .outerjoin(DivisionReport, col(DivisionReport.id) == col(ProjectResult.division_report_id))
        .outerjoin(
            IndicatorResult,
            sa.and_(
                col(IndicatorResult.project_result_id) == col(ProjectResult.id),
                col(IndicatorResult.indicator_id) == col(ProjectIndicator.id),
            ),
        )
        .where(col(PlanProject.plan_id) == sa.bindparam("plan_id"))
        .order_by(col(PlanProject.no), col(ProjectIndicator.seq))
    )
    return _Statements(lines=lines, groups=groups, indicators=indicators)


def _lines(session: Session, round_: ReportingRound) -> list[ProjectLine]:
    return [
        ProjectLine(
            no=r[0],
            code=r[1],
            name=r[2],
            dimension_no=r[3],
            plan_division=r[4],
            division=r[5],
            division_name=r[6],
            budget_satang=int(r[7]),
            has_budget=bool(r[8]),
            disbursed_satang=int(r[9]),
            status=ProjectStatus(r[10]),
            counted=bool(r[11]),
            reported_status=ProjectStatus(r[12]) if r[12] else None,
            reported_disbursed=int(r[13]),
            reason=r[14],
            note=r[15],
            data_as_of=r[16],
        )
        for r in session.execute(_statements().lines, _params(round_))
    ]


def _groups(session: Session, round_: ReportingRound) -> tuple[list[Counts], list[Counts]]:
    """Counts per dimension and per division (the division that reported, else the plan's),
    from one ``GROUP BY`` over dimension, division and status."""
    dimensions: dict[str, Counts] = {}
    divisions: dict[str, Counts] = {}
    for dim_no, dim_name, code, name, st, n, budget, paid in session.execute(
        _statements().groups, _params(round_)
    ):
        status = ProjectStatus(st)
        amounts = (int(n), int(budget or 0), int(paid or 0))
        title = f"มิติที่ {dim_no} {dim_name}"
        dimensions.setdefault(str(dim_no), Counts(str(dim_no), title)).add(status, *amounts)
        divisions.setdefault(code, Counts(code, name)).add(status, *amounts)
    return (
        sorted(dimensions.values(), key=lambda c: int(c.key)),
        sorted(divisions.values(), key=lambda c: c.title),
    )


def _indicators(session: Session, round_: ReportingRound) -> list[IndicatorLine]:
    """Every indicator of the plan's projects with the value reached in the round (counted
    results only)."""
    return [
        IndicatorLine(
            project_no=r[0],
            seq=r[1],
            text=r[2],
            target_operator=str(r[3]),
            target_value=Decimal(r[4]),
            target_unit=r[5],
            value=Decimal(r[6]) if r[6] is not None else None,
            met=bool(r[7]) if r[7] is not None else None,
        )
        for r in session.execute(_statements().indicators, _params(round_))
    ]


def report_of(session: Session, round_id: int) -> ConsolidatedReport | None:
    return session.exec(
        select(ConsolidatedReport).where(ConsolidatedReport.round_id == round_id)
    ).first()


def consolidate(session: Session, round_: ReportingRound, *, today: date) -> Consolidated:
    """The round's consolidated figures, as of ``today`` (which reports are missing)."""
    plan = session.get(Plan, round_.plan_id)
    assert plan is not None
    lines = _lines(session, round_)
    dimensions, divisions = _groups(session, round_)
    overall = Counts("all", "รวมทั้งแผน")
    for group in dimensions:
        for status, n in group.by_status.items():
            overall.by_status[status] += n
        overall.budget_satang += group.budget_satang
        overall.disbursed_satang += group.disbursed_satang
    return Consolidated(
        round=round_,
        plan=plan,
        report=report_of(session, round_.id),  # type: ignore[arg-type]
        lines=lines,
        dimensions=dimensions,
        divisions=divisions,
        overall=overall,
        indicators=_indicators(session, round_),
        anomalies=find_anomalies(session, round_, lines, today=today),
        reasons=[line for line in lines if line.status is ProjectStatus.not_done],
    )
