"""A plan version as the pages, the public page, the API and the E-PlanNACC file read it:
dimensions, missions and projects in order, budgets per fiscal year with totals per dimension
and per year, indicators, the risk register and the import's reported differences. Read with
a handful of queries, whatever the plan's size."""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from models.pdca import (
    ImportDiscrepancy,
    Plan,
    PlanDimension,
    PlanMission,
    PlanProject,
    PlanStatus,
    ProjectBudget,
    ProjectIndicator,
    RiskControl,
    RiskItem,
)
from models.people import Division, User

FIELD_TITLES = {"budget": "งบประมาณ", "division": "หน่วยงานที่รับผิดชอบ"}
MIN_PUBLISHED_RISKS = 5
"""Project 52 (มาตรการบริหารจัดการความเสี่ยงการทุจริต): at least five risk items, published."""


@dataclass
class ProjectView:
    project: PlanProject
    division_name: str
    budgets: dict[int, int | None]
    """Satang per fiscal year; None: no budget that year."""
    indicators: list[ProjectIndicator] = field(default_factory=list)
    discrepancies: list[ImportDiscrepancy] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(v for v in self.budgets.values() if v is not None)


@dataclass
class MissionView:
    mission: PlanMission
    projects: list[ProjectView] = field(default_factory=list)


@dataclass
class DimensionView:
    dimension: PlanDimension
    missions: list[MissionView] = field(default_factory=list)
    totals: dict[int, int] = field(default_factory=dict)

    @property
    def projects(self) -> list[ProjectView]:
        return [p for m in self.missions for p in m.projects]

    @property
    def total(self) -> int:
        return sum(self.totals.values())


@dataclass
class RiskView:
    item: RiskItem
    controls: list[PlanProject]


@dataclass
class DiscrepancyView:
    row: ImportDiscrepancy
    project: PlanProject

    @property
    def field_title(self) -> str:
        return FIELD_TITLES.get(self.row.field, self.row.field)


@dataclass
class PlanView:
    plan: Plan
    years: list[int]
    dimensions: list[DimensionView]
    totals: dict[int, int]
    risks: list[RiskView]
    discrepancies: list[DiscrepancyView]
    previous: Plan | None
    approved_by: User | None
    division: Division | None

    @property
    def projects(self) -> list[ProjectView]:
        return [p for d in self.dimensions for p in d.projects]

    @property
    def total(self) -> int:
        return sum(self.totals.values())

    @property
    def published_risks(self) -> list[RiskView]:
        return [r for r in self.risks if r.item.published]

    @property
    def divisions_used(self) -> list[tuple[str, str]]:
        """(code, name) of the divisions responsible for a project, in order of first use."""
        seen: dict[str, str] = {}
        for p in self.projects:
            seen.setdefault(p.project.division_code, p.division_name)
        return list(seen.items())

    @property
    def status_thai(self) -> str:
        return PlanStatus(self.plan.status).thai


def plan_view(session: Session, plan: Plan) -> PlanView:
    years = list(range(plan.fiscal_year_from, plan.fiscal_year_to + 1))
    divisions = {d.code: d for d in session.exec(select(Division))}
    dims = list(
        session.exec(
            select(PlanDimension)
            .where(PlanDimension.plan_id == plan.id)
            .order_by(col(PlanDimension.no))
        )
    )
    missions = list(
        session.exec(
            select(PlanMission).where(PlanMission.plan_id == plan.id).order_by(col(PlanMission.id))
        )
    )
    projects = list(
        session.exec(
            select(PlanProject).where(PlanProject.plan_id == plan.id).order_by(col(PlanProject.no))
        )
    )
    ids = [p.id for p in projects]
    budgets: dict[int, dict[int, int]] = defaultdict(dict)
    for b in session.exec(select(ProjectBudget).where(col(ProjectBudget.project_id).in_(ids))):
        budgets[b.project_id][b.fiscal_year] = b.amount_satang
    indicators: dict[int, list[ProjectIndicator]] = defaultdict(list)
    for i in session.exec(
        select(ProjectIndicator)
        .where(col(ProjectIndicator.project_id).in_(ids))
        .order_by(col(ProjectIndicator.project_id), col(ProjectIndicator.seq))
    ):
        indicators[i.project_id].append(i)
    discrepancies = list(
        session.exec(
            select(ImportDiscrepancy)
            .where(ImportDiscrepancy.plan_id == plan.id)
            .order_by(col(ImportDiscrepancy.source_row), col(ImportDiscrepancy.id))
        )
    )
    by_project: dict[int, list[ImportDiscrepancy]] = defaultdict(list)
    for d in discrepancies:
        by_project[d.project_id].append(d)

    project_views: dict[int, list[ProjectView]] = defaultdict(list)
    by_id = {p.id: p for p in projects}
    for p in projects:
        division = divisions.get(p.division_code)
        project_views[p.mission_id].append(
            ProjectView(
                project=p,
                division_name=division.name if division else p.division_code,
                budgets={y: budgets[p.id].get(y) for y in years},  # type: ignore[index]
                indicators=indicators[p.id],  # type: ignore[index]
                discrepancies=by_project[p.id],  # type: ignore[index]
            )
        )
    mission_views: dict[int, list[MissionView]] = defaultdict(list)
    for m in missions:
        mission_views[m.dimension_id].append(MissionView(m, project_views[m.id]))  # type: ignore[index]
    dimension_views = []
    totals = dict.fromkeys(years, 0)
    for dim in dims:
        view = DimensionView(dim, mission_views[dim.id], dict.fromkeys(years, 0))  # type: ignore[index]
        for pv in view.projects:
            for y, amount in pv.budgets.items():
                if amount is not None:
                    view.totals[y] += amount
                    totals[y] += amount
        dimension_views.append(view)

    risks = list(
        session.exec(
            select(RiskItem).where(RiskItem.plan_id == plan.id).order_by(col(RiskItem.seq))
        )
    )
    controls: dict[int, list[PlanProject]] = defaultdict(list)
    for c in session.exec(
        select(RiskControl)
        .where(col(RiskControl.risk_item_id).in_([r.id for r in risks]))
        .order_by(col(RiskControl.id))
    ):
        if c.project_id in by_id:
            controls[c.risk_item_id].append(by_id[c.project_id])
    return PlanView(
        plan=plan,
        years=years,
        dimensions=dimension_views,
        totals=totals,
        risks=[RiskView(r, controls[r.id]) for r in risks],  # type: ignore[index]
        discrepancies=[DiscrepancyView(d, by_id[d.project_id]) for d in discrepancies],
        previous=session.get(Plan, plan.previous_version_id) if plan.previous_version_id else None,
        approved_by=session.get(User, plan.approved_by_id) if plan.approved_by_id else None,
        division=session.get(Division, plan.division_id),
    )
