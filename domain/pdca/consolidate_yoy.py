"""Year on year: the same round (6- or 12-month) of each fiscal year of the plan's series, and
the history rounds imported from reports published before the system, side by side: the plan's
figures per year, each project's status and disbursement per year, each indicator's value per
year. A project or indicator is the same across years and plan versions when its name (and the
indicator's text) is the same, spaces aside: history rounds belong to plans of their own.

One round per fiscal year: the system's over a history import of the same year, the newest
plan version first. Counted with ``GROUP BY``; a result counts as in ``consolidate``."""

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from domain.pdca.consolidate import PUT_INTO_PRACTICE, ProjectLine, share
from models.pdca import Plan, PlanProject, ProjectIndicator
from models.pdca_round import (
    DivisionReport,
    IndicatorResult,
    ProjectResult,
    ProjectStatus,
    ReportingRound,
    ReportStatus,
    RoundSource,
)


def same_name(text: str) -> str:
    return " ".join(text.split())


@dataclass
class YearFigures:
    fiscal_year: int
    round_id: int
    history: bool
    projects: int = 0
    put_into_practice: int = 0
    completed: int = 0
    budget_satang: int = 0
    disbursed_satang: int = 0

    @property
    def practice_share(self) -> Decimal | None:
        return share(self.put_into_practice, self.projects)

    @property
    def disbursed_share(self) -> Decimal | None:
        return share(self.disbursed_satang, self.budget_satang)


@dataclass
class ProjectYears:
    no: int
    name: str
    years: dict[int, tuple[ProjectStatus, int]] = field(default_factory=dict)
    """Fiscal year → (status, disbursed satang)."""


@dataclass
class IndicatorYears:
    project_no: int
    text: str
    unit: str
    years: dict[int, tuple[Decimal, bool]] = field(default_factory=dict)


@dataclass
class YearOnYear:
    years: list[YearFigures]
    projects: list[ProjectYears]
    indicators: list[IndicatorYears]

    @property
    def fiscal_years(self) -> list[int]:
        return [y.fiscal_year for y in self.years]


@cache
def _candidates() -> sa.Select:  # type: ignore[type-arg]
    return (
        select(ReportingRound)
        .join(Plan, col(Plan.id) == col(ReportingRound.plan_id))
        .where(
            col(ReportingRound.kind) == sa.bindparam("kind"),
            sa.or_(
                col(Plan.series) == sa.bindparam("series"),
                col(ReportingRound.source) == RoundSource.history.value,
            ),
        )
        .order_by(col(ReportingRound.fiscal_year), col(Plan.version).desc())
    )


def comparable_rounds(session: Session, round_: ReportingRound) -> list[ReportingRound]:
    """One round of the same kind per fiscal year: the plan series' and the history rounds."""
    plan = session.get(Plan, round_.plan_id)
    assert plan is not None
    candidates = session.exec(
        _candidates(),  # type: ignore[call-overload]
        params={"kind": str(round_.kind), "series": plan.series},
    ).all()
    chosen: dict[int, ReportingRound] = {}
    for r in candidates:
        kept = chosen.get(r.fiscal_year)
        if (
            r.id == round_.id
            or kept is None
            or (
                kept.source == RoundSource.history.value
                and r.source != RoundSource.history.value
                and kept.id != round_.id
            )
        ):
            chosen[r.fiscal_year] = r
    return [chosen[y] for y in sorted(chosen)]


@dataclass(frozen=True)
class _Statements:
    totals: sa.Select  # type: ignore[type-arg]
    projects: sa.Select  # type: ignore[type-arg]
    indicators: sa.Select  # type: ignore[type-arg]


@cache
def _statements() -> _Statements:
    """Built once (bound parameter ``ids``, the rounds compared): per round and status the
    projects, budget and disbursement (``GROUP BY``); each project's and each indicator's
    result per round."""
    counted = sa.or_(
        col(ReportingRound.source) == RoundSource.history.value,
        col(DivisionReport.status) == ReportStatus.approved.value,
    )
    status = sa.case((counted, col(ProjectResult.status)), else_=ProjectStatus.awaiting.value)
    disbursed = sa.case((counted, col(ProjectResult.disbursed_satang)), else_=0)
    base = (
        select(ProjectResult)
        .join(ReportingRound, col(ReportingRound.id) == col(ProjectResult.round_id))
        .join(DivisionReport, col(DivisionReport.id) == col(ProjectResult.division_report_id))
        .join(PlanProject, col(PlanProject.id) == col(ProjectResult.project_id))
        .where(col(ProjectResult.round_id).in_(sa.bindparam("ids", expanding=True)))
    )
    return _Statements(
        totals=base.with_only_columns(
            col(ProjectResult.round_id),
            status,
            func.count(),
            func.sum(col(ProjectResult.budget_satang)),
            func.sum(disbursed),
        ).group_by(col(ProjectResult.round_id), status),
        projects=base.with_only_columns(
            col(ProjectResult.round_id), col(PlanProject.name), status, disbursed
        ),
        indicators=base.join(
            IndicatorResult, col(IndicatorResult.project_result_id) == col(ProjectResult.id)
        )
        .join(ProjectIndicator, col(ProjectIndicator.id) == col(IndicatorResult.indicator_id))
        .where(counted)
        .with_only_columns(
            col(ProjectResult.round_id),
            col(PlanProject.name),
            col(ProjectIndicator.text),
            col(ProjectIndicator.target_unit),
            col(IndicatorResult.value),
            col(IndicatorResult.met),
        ),
    )


def year_on_year(session: Session, round_: ReportingRound, lines: list[ProjectLine]) -> YearOnYear:
    rounds = comparable_rounds(session, round_)
    ids = [r.id for r in rounds]
    by_id = {r.id: r for r in rounds}
    statements, params = _statements(), {"ids": ids}
    totals = {
        r.id: YearFigures(r.fiscal_year, r.id, r.source == RoundSource.history.value)  # type: ignore[arg-type]
        for r in rounds
    }
    for round_id, st, n, budget, paid in session.execute(statements.totals, params):
        figures = totals[round_id]
        figures.projects += n
        figures.budget_satang += int(budget or 0)
        figures.disbursed_satang += int(paid or 0)
        if ProjectStatus(st) in PUT_INTO_PRACTICE:
            figures.put_into_practice += n
        if ProjectStatus(st) is ProjectStatus.completed:
            figures.completed += n

    wanted = {same_name(line.name): ProjectYears(line.no, line.name) for line in lines}
    for round_id, name, st, paid in session.execute(statements.projects, params):
        found = wanted.get(same_name(name))
        if found is not None:
            found.years[by_id[round_id].fiscal_year] = (ProjectStatus(st), int(paid or 0))

    indicators: dict[tuple[str, str], IndicatorYears] = {}
    for round_id, name, text, unit, value, met in session.execute(statements.indicators, params):
        project = wanted.get(same_name(name))
        if project is None:
            continue
        key = (same_name(name), same_name(text))
        line = indicators.setdefault(key, IndicatorYears(project.no, text, unit))
        line.years[by_id[round_id].fiscal_year] = (Decimal(value), bool(met))

    return YearOnYear(
        years=[totals[i] for i in ids],  # type: ignore[index]
        projects=[p for p in wanted.values() if len(p.years) > 1],
        indicators=sorted(indicators.values(), key=lambda i: (i.project_no, i.text)),
    )
