"""Reading the plan from its files (CSV, as the Strategy and Budget division keeps it) and storing
it as the content of one plan version.

Three files: the projects (required; the columns of ``shared/data/anticorruption_plan_
2566_2570.csv``, parsed here), and optionally the risk register and the indicators
(``plan_import_extras``; config/pdca/README.md); reading the CSV is ``import_common``'s.
Parsing is pure and checks every row before anything is stored: a file with a broken row is
refused whole, each problem named by its row (as a spreadsheet numbers it: the header is row 1)
and, where known, the project's number. Where the plan's summary table shows something other
than a project's own page (``table_budget`` / ``table_unit``), the page's figure is the
project's and the table's is kept beside it as an ``ImportDiscrepancy`` with the source's note:
reported, never settled silently."""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from domain.pdca.import_common import ImportProblem, ImportRefused, clean_cell, parse_int, read_rows
from domain.pdca.money import AmountError, baht_text, parse_baht
from domain.pdca.plan_import_extras import (
    ParsedIndicator,
    ParsedRisk,
    parse_indicators,
    parse_risks,
)
from models.pdca import (
    ImportDiscrepancy,
    Plan,
    PlanDimension,
    PlanMission,
    PlanProject,
    ProjectBudget,
    ProjectIndicator,
    RiskControl,
    RiskItem,
)
from models.people import Division

PROJECTS_FILE = "โครงการ"

PROJECT_COLUMNS = ("no", "code", "dimension", "mission", "name", "unit")
BUDGET_COLUMN = re.compile(r"budget_(\d{4})")
DIMENSION = re.compile(r"^\s*(\d+)\s*\.\s*(\S.*)$")
MISSION = re.compile(r"^\s*(\d+\.\d+)\s+(\S.*)$")
PROJECT_CODE = re.compile(r"^\d+\.\d+\.\d+$")
NONE_MARKS = ("-", "–", "—")


# --------------------------------------------------------------------------- parsed shapes


@dataclass(frozen=True)
class ParsedDiscrepancy:
    field: str
    card_value: str
    table_value: str
    note: str


@dataclass(frozen=True)
class ParsedProject:
    row: int
    no: int
    code: str
    dimension_no: int
    dimension_name: str
    mission_code: str
    mission_name: str
    name: str
    division_code: str
    budgets: Mapping[int, int | None]
    """Satang per fiscal year (BE); None: no budget that year."""
    note: str
    discrepancies: tuple[ParsedDiscrepancy, ...] = ()


@dataclass(frozen=True)
class ParsedPlan:
    fiscal_years: tuple[int, ...]
    projects: tuple[ParsedProject, ...]
    risks: tuple[ParsedRisk, ...] = ()
    indicators: tuple[ParsedIndicator, ...] = ()

    @property
    def first_year(self) -> int:
        return self.fiscal_years[0]

    @property
    def last_year(self) -> int:
        return self.fiscal_years[-1]


# --------------------------------------------------------------------------- the projects


def _fiscal_years(columns: list[str], file: str) -> tuple[tuple[int, str], ...]:
    years = sorted(
        (int(m.group(1)), c) for c in columns if (m := BUDGET_COLUMN.fullmatch(c)) is not None
    )
    if not years:
        raise ImportRefused(
            [ImportProblem(file, 1, "ไม่มีคอลัมน์งบประมาณรายปี (budget_2566, budget_2567, …)")]
        )
    numbers = [y for y, _ in years]
    if numbers[0] < 2400 or numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        raise ImportRefused(
            [ImportProblem(file, 1, "ปีงบประมาณต้องเป็น พ.ศ. ต่อเนื่องกัน เช่น budget_2566 ถึง budget_2570")]
        )
    return tuple(years)


def _per_year_text(budgets: Mapping[int, int | None]) -> str:
    values = set(budgets.values())
    if values == {None}:
        return "ไม่ใช้งบประมาณ"
    if len(values) == 1:
        return f"{baht_text(next(iter(values)))} บาทต่อปี"
    return "; ".join(f"ปี {y}: {baht_text(v)}" for y, v in budgets.items())


def parse_projects(data: bytes, *, division_codes: Iterable[str]) -> ParsedPlan:
    """The projects file, every row checked: project number (unique), codes, dimension and
    mission (the same name wherever they repeat), name, responsible division (one of the
    organisation's), budget per fiscal year (baht, ``-`` for none, never negative), and what
    the summary table shows where it differs."""
    file = PROJECTS_FILE
    table = read_rows(data, file=file, required=PROJECT_COLUMNS)
    years = _fiscal_years(table.columns, file)
    codes = set(division_codes)
    problems: list[ImportProblem] = []
    projects: list[ParsedProject] = []
    seen_no: dict[int, int] = {}
    dimension_names: dict[int, tuple[str, int]] = {}
    missions: dict[str, tuple[str, int, int]] = {}
    for row, cells in table.rows:
        before = len(problems)
        no = parse_int(cells["no"])

        def problem(message: str, row: int = row, no: int | None = no) -> None:
            problems.append(ImportProblem(file, row, message, no))

        if no is None or no < 1:
            problem(f"ลำดับที่โครงการ “{cells['no'].strip()}” ต้องเป็นเลขจำนวนเต็มบวก")
        elif no in seen_no:
            problem(f"ลำดับที่โครงการ {no} ซ้ำกับแถวที่ {seen_no[no]}")
        else:
            seen_no[no] = row
        code = clean_cell(cells["code"])
        if not PROJECT_CODE.fullmatch(code):
            problem(f"รหัสโครงการ “{code}” ต้องอยู่ในรูป มิติ.ภารกิจ.ลำดับ เช่น 1.1.1")
        dimension = DIMENSION.match(clean_cell(cells["dimension"]))
        mission = MISSION.match(clean_cell(cells["mission"]))
        if dimension is None:
            problem(
                f"มิติ “{clean_cell(cells['dimension'])}” ต้องขึ้นต้นด้วยเลขมิติ เช่น “1. การสร้างวัฒนธรรมสุจริต”"
            )
        if mission is None:
            problem(f"ภารกิจ “{clean_cell(cells['mission'])[:60]}” ต้องขึ้นต้นด้วยรหัสภารกิจ เช่น “1.1 …”")
        if dimension is not None and mission is not None:
            dim_no, dim_name = int(dimension.group(1)), dimension.group(2)
            mission_code, mission_name = mission.group(1), mission.group(2)
            if not mission_code.startswith(f"{dim_no}."):
                problem(f"ภารกิจ {mission_code} ไม่อยู่ในมิติที่ {dim_no}")
            if PROJECT_CODE.fullmatch(code) and not code.startswith(f"{mission_code}."):
                problem(f"รหัสโครงการ {code} ไม่อยู่ในภารกิจ {mission_code}")
            known = dimension_names.setdefault(dim_no, (dim_name, row))
            if known[0] != dim_name:
                problem(f"ชื่อมิติที่ {dim_no} ไม่ตรงกับแถวที่ {known[1]} (“{known[0]}”)")
            known_mission = missions.setdefault(mission_code, (mission_name, dim_no, row))
            if known_mission[0] != mission_name:
                problem(f"ชื่อภารกิจ {mission_code} ไม่ตรงกับแถวที่ {known_mission[2]}")
        name = clean_cell(cells["name"])
        if not name:
            problem("ไม่มีชื่อโครงการ/กิจกรรม/มาตรการ")
        unit = clean_cell(cells["unit"])
        if not unit:
            problem("ไม่ได้ระบุหน่วยงานที่รับผิดชอบ")
        elif unit not in codes:
            problem(f"ไม่รู้จักหน่วยงาน “{unit}” (หน่วยงานที่มี: {', '.join(sorted(codes))})")
        budgets: dict[int, int | None] = {}
        for year, column in years:
            try:
                budgets[year] = parse_baht(cells[column])
            except AmountError as exc:
                problem(f"งบประมาณปี {year}: {exc}")
        discrepancies = []
        table_budget = cells.get("table_budget", "").strip()
        if table_budget and len(budgets) == len(years):
            try:
                shown = parse_baht(table_budget)
            except AmountError as exc:
                problem(f"งบประมาณตามตารางสรุป (table_budget): {exc}")
            else:
                if any(value != shown for value in budgets.values()):
                    discrepancies.append(
                        ParsedDiscrepancy(
                            field="budget",
                            card_value=_per_year_text(budgets),
                            table_value=_per_year_text(dict.fromkeys(budgets, shown)),
                            note=clean_cell(cells.get("note")),
                        )
                    )
        table_unit = clean_cell(cells.get("table_unit"))
        if table_unit and table_unit != unit:
            blank = table_unit in NONE_MARKS
            if not blank and table_unit not in codes:
                problem(f"หน่วยงานตามตารางสรุป (table_unit) “{table_unit}” ไม่รู้จัก")
            discrepancies.append(
                ParsedDiscrepancy(
                    field="division",
                    card_value=unit,
                    table_value="ไม่ระบุ (เว้นว่าง)" if blank else table_unit,
                    note=clean_cell(cells.get("note")),
                )
            )
        if len(problems) > before or no is None or dimension is None or mission is None:
            continue
        projects.append(
            ParsedProject(
                row=row,
                no=no,
                code=code,
                dimension_no=int(dimension.group(1)),
                dimension_name=dimension.group(2),
                mission_code=mission.group(1),
                mission_name=mission.group(2),
                name=name,
                division_code=unit,
                budgets=budgets,
                note=clean_cell(cells.get("note")),
                discrepancies=tuple(discrepancies),
            )
        )
    if problems:
        raise ImportRefused(problems)
    return ParsedPlan(
        fiscal_years=tuple(y for y, _ in years),
        projects=tuple(sorted(projects, key=lambda p: p.no)),
    )


def parse_plan(
    projects: bytes,
    *,
    division_codes: Iterable[str],
    risks: bytes | None = None,
    indicators: bytes | None = None,
) -> ParsedPlan:
    """All files of one import, checked whole before anything is stored."""
    plan = parse_projects(projects, division_codes=division_codes)
    nos = [p.no for p in plan.projects]
    return ParsedPlan(
        fiscal_years=plan.fiscal_years,
        projects=plan.projects,
        risks=parse_risks(risks, project_nos=nos) if risks else (),
        indicators=parse_indicators(indicators, project_nos=nos) if indicators else (),
    )


def division_codes(session: Session) -> list[str]:
    return list(session.exec(select(Division.code)))


# --------------------------------------------------------------------------- storing


def clear_content(session: Session, plan_id: int) -> None:
    """Remove a version's content (before it is imported again)."""
    projects = select(PlanProject.id).where(PlanProject.plan_id == plan_id)
    risks = select(RiskItem.id).where(RiskItem.plan_id == plan_id)
    for statement in (
        sa.delete(RiskControl).where(col(RiskControl.risk_item_id).in_(risks)),
        sa.delete(RiskItem).where(col(RiskItem.plan_id) == plan_id),
        sa.delete(ProjectIndicator).where(col(ProjectIndicator.project_id).in_(projects)),
        sa.delete(ImportDiscrepancy).where(col(ImportDiscrepancy.plan_id) == plan_id),
        sa.delete(ProjectBudget).where(col(ProjectBudget.project_id).in_(projects)),
        sa.delete(PlanProject).where(col(PlanProject.plan_id) == plan_id),
        sa.delete(PlanMission).where(col(PlanMission.plan_id) == plan_id),
        sa.delete(PlanDimension).where(col(PlanDimension.plan_id) == plan_id),
    ):
        session.execute(statement)
    session.flush()


def store_content(session: Session, plan: Plan, parsed: ParsedPlan) -> dict[str, int]:
    """Write the parsed content into ``plan`` (which has none); counts of what was stored."""
    assert plan.id is not None
    dimensions: dict[int, PlanDimension] = {}
    missions: dict[str, PlanMission] = {}
    for p in parsed.projects:
        if p.dimension_no not in dimensions:
            dimensions[p.dimension_no] = PlanDimension(
                plan_id=plan.id, no=p.dimension_no, name=p.dimension_name
            )
            session.add(dimensions[p.dimension_no])
    session.flush()
    for p in parsed.projects:
        if p.mission_code not in missions:
            missions[p.mission_code] = PlanMission(
                plan_id=plan.id,
                dimension_id=dimensions[p.dimension_no].id,  # type: ignore[arg-type]
                code=p.mission_code,
                name=p.mission_name,
            )
            session.add(missions[p.mission_code])
    session.flush()
    projects: dict[int, PlanProject] = {}
    for p in parsed.projects:
        projects[p.no] = PlanProject(
            plan_id=plan.id,
            mission_id=missions[p.mission_code].id,  # type: ignore[arg-type]
            no=p.no,
            code=p.code,
            name=p.name,
            division_code=p.division_code,
            note=p.note,
        )
        session.add(projects[p.no])
    session.flush()
    discrepancies = 0
    for p in parsed.projects:
        project_id = projects[p.no].id
        for year, amount in p.budgets.items():
            if amount is not None:
                session.add(
                    ProjectBudget(project_id=project_id, fiscal_year=year, amount_satang=amount)  # type: ignore[arg-type]
                )
        for d in p.discrepancies:
            discrepancies += 1
            session.add(
                ImportDiscrepancy(
                    plan_id=plan.id,
                    project_id=project_id,  # type: ignore[arg-type]
                    field=d.field,
                    card_value=d.card_value[:200],
                    table_value=d.table_value[:200],
                    source_note=d.note,
                    source_row=p.row,
                )
            )
    seqs: dict[int, int] = {}
    for ind in parsed.indicators:
        seqs[ind.project_no] = seqs.get(ind.project_no, 0) + 1
        session.add(
            ProjectIndicator(
                project_id=projects[ind.project_no].id,  # type: ignore[arg-type]
                seq=seqs[ind.project_no],
                text=ind.text,
                target_operator=ind.operator,
                target_value=ind.value,
                target_unit=ind.unit,
                source=ind.source,
            )
        )
    for r in parsed.risks:
        item = RiskItem(
            plan_id=plan.id,
            seq=r.seq,
            process_step=r.process_step,
            risk=r.risk,
            level=r.level,
            published=r.published,
            control_note=r.control_note,
            source=r.source,
        )
        session.add(item)
        session.flush()
        for no in r.controls:
            session.add(RiskControl(risk_item_id=item.id, project_id=projects[no].id))  # type: ignore[arg-type]
    session.flush()
    return {
        "dimensions": len(dimensions),
        "missions": len(missions),
        "projects": len(projects),
        "discrepancies": discrepancies,
        "risks": len(parsed.risks),
        "indicators": len(parsed.indicators),
    }
