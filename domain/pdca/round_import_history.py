"""A past year's published report (the same table: ลำดับ, รายการโครงการ, มิติ, งบประมาณ,
เบิกจ่าย, status, หมายเหตุ, and หน่วยงาน where given) kept as a closed round of its own plan, so
that years before the system are kept and compared.

The round's plan: a plan in the system covering that fiscal year (approved or superseded), else
the history plan of that year made before from an earlier report (series ``history-<year>``),
else a new history plan built from the table's projects: one dimension per มิติ (a number, or
"มิติที่ 1 …" as a section heading above its projects), one mission per dimension (no mission
in a report), the project's division where the table gives one (else the Strategy and Budget
division that compiled the report, said in the project's note), its budget that year. A history
plan is ``superseded`` (readable by every officer, never the plan in force nor in approval) and
its name says it is history. The round: source ``history``, closed, each division's report
approved (it was published), each project's line as the report shows it, budget included."""

from dataclasses import dataclass

from sqlmodel import Session, col, select

from core.db import utcnow
from domain.errors import Conflict
from domain.pdca import rules
from domain.pdca.import_common import ImportProblem, ImportRefused, clean_cell
from domain.pdca.round_import import REPORT_FILE, WHAT, Column, ReportTable
from domain.pdca.round_import_match import Match, Notice, match_rows
from domain.pdca.round_import_store import round_targets, write_result
from domain.pdca.rounds import create_round_rows, existing_round, reports_of
from models.pdca import (
    Plan,
    PlanDimension,
    PlanMission,
    PlanProject,
    PlanStatus,
    ProjectBudget,
)
from models.pdca_round import (
    DivisionReport,
    ReportingRound,
    ReportSource,
    ReportStatus,
    RoundKind,
    RoundSource,
    RoundStatus,
)
from models.people import Division, User

HISTORY_SERIES = "history-"
UNKNOWN_DIVISION_NOTE = "รายงานต้นฉบับไม่ระบุหน่วยงาน (บันทึกไว้ที่กองยุทธศาสตร์และงบประมาณผู้รวบรวมรายงาน)"


def history_series(fiscal_year: int) -> str:
    return f"{HISTORY_SERIES}{fiscal_year}"


def is_history_plan(plan: Plan) -> bool:
    return plan.series.startswith(HISTORY_SERIES)


def history_plan_name(fiscal_year: int) -> str:
    return (
        "แผนปฏิบัติการป้องกันการทุจริตของเทศบาลนครขอนแก่น ปีงบประมาณ พ.ศ. "
        f"{fiscal_year} (ข้อมูลย้อนหลังจากรายงานผลที่เผยแพร่แล้ว)"
    )


@dataclass(frozen=True)
class HistoryImport:
    round: ReportingRound
    plan: Plan
    plan_created: bool
    matches: list[Match]
    reports: list[DivisionReport]
    notices: list[Notice]


def plan_for_year(session: Session, fiscal_year: int) -> Plan | None:
    """The plan a past year's report belongs to: the system's (newest approved, else newest
    superseded version covering the year), else that year's history plan."""
    for status in (PlanStatus.approved, PlanStatus.superseded):
        found = session.exec(
            select(Plan)
            .where(
                Plan.status == status,
                Plan.fiscal_year_from <= fiscal_year,
                Plan.fiscal_year_to >= fiscal_year,
                ~col(Plan.series).startswith(HISTORY_SERIES),
            )
            .order_by(col(Plan.version).desc())
        ).first()
        if found is not None:
            return found
    return session.exec(select(Plan).where(Plan.series == history_series(fiscal_year))).first()


def _division_of(text: str, divisions: list[Division]) -> Division | None:
    key = clean_cell(text)
    return next((d for d in divisions if key in (d.code, d.name)), None)


def _check_new_plan_rows(table: ReportTable, divisions: list[Division]) -> None:
    """A table that becomes a plan: each project with its dimension and a known division."""
    problems: list[ImportProblem] = []
    seen: dict[int, int] = {}
    for row in table.rows:
        if row.no in seen:
            problems.append(
                ImportProblem(
                    REPORT_FILE,
                    row.row,
                    f"ลำดับที่ {row.no} ซ้ำกับแถวที่ {seen[row.no]}",
                    row.no,
                    table.heading(Column.no),
                )
            )
        seen.setdefault(row.no, row.row)
        if row.dimension_no is None:
            problems.append(
                ImportProblem(
                    REPORT_FILE,
                    row.row,
                    "ไม่ระบุมิติ (ใส่เลขมิติในคอลัมน์มิติ หรือแถวหัวข้อ “มิติที่ …” เหนือโครงการ)",
                    row.no,
                    table.heading(Column.dimension),
                )
            )
        if row.division and _division_of(row.division, divisions) is None:
            problems.append(
                ImportProblem(
                    REPORT_FILE,
                    row.row,
                    f"ไม่รู้จักหน่วยงาน “{row.division}”",
                    row.no,
                    table.heading(Column.division),
                )
            )
    if problems:
        raise ImportRefused(problems, what=WHAT)


def _new_history_plan(
    session: Session,
    table: ReportTable,
    *,
    fiscal_year: int,
    actor: User,
    owner: Division,
    filename: str | None,
    sha256: str,
) -> Plan:
    divisions = list(session.exec(select(Division)))
    _check_new_plan_rows(table, divisions)
    plan = Plan(
        series=history_series(fiscal_year),
        name=history_plan_name(fiscal_year),
        fiscal_year_from=fiscal_year,
        fiscal_year_to=fiscal_year,
        status=PlanStatus.superseded,
        division_id=owner.id,  # type: ignore[arg-type]
        revision_reason="ข้อมูลย้อนหลัง: สร้างจากตารางรายงานผลการดำเนินงานที่เผยแพร่แล้ว",
        source_filename=filename,
        source_sha256=sha256,
        created_by_id=actor.id,  # type: ignore[arg-type]
        finished_at=utcnow(),
    )
    session.add(plan)
    session.flush()
    dimension_names = {r.dimension_no: r.dimension_name for r in table.rows if r.dimension_name}
    missions: dict[int, PlanMission] = {}
    for no in sorted({r.dimension_no for r in table.rows if r.dimension_no is not None}):
        dimension = PlanDimension(
            plan_id=plan.id,  # type: ignore[arg-type]
            no=no,
            name=dimension_names.get(no) or f"มิติที่ {no}",
        )
        session.add(dimension)
        session.flush()
        missions[no] = PlanMission(
            plan_id=plan.id,  # type: ignore[arg-type]
            dimension_id=dimension.id,  # type: ignore[arg-type]
            code=f"{no}.0",
            name="ไม่แยกภารกิจ (รายงานผลย้อนหลัง)",
        )
        session.add(missions[no])
    session.flush()
    for row in table.rows:
        assert row.dimension_no is not None
        division = _division_of(row.division, divisions) if row.division else owner
        assert division is not None
        project = PlanProject(
            plan_id=plan.id,  # type: ignore[arg-type]
            mission_id=missions[row.dimension_no].id,  # type: ignore[arg-type]
            no=row.no,
            code=f"{row.dimension_no}.0.{row.no}",
            name=row.name,
            division_code=division.code,
            note="" if row.division else UNKNOWN_DIVISION_NOTE,
        )
        session.add(project)
        session.flush()
        if row.budget is not None:
            session.add(
                ProjectBudget(
                    project_id=project.id,  # type: ignore[arg-type]
                    fiscal_year=fiscal_year,
                    amount_satang=row.budget,
                )
            )
    session.flush()
    return plan


def import_history_table(
    session: Session,
    table: ReportTable,
    *,
    fiscal_year: int,
    kind: RoundKind,
    actor: User,
    filename: str | None,
    sha256: str,
) -> HistoryImport:
    """Store a past year's report as a closed history round (see the module's docstring)."""
    owner = rules.check_owner(session, actor)
    plan = plan_for_year(session, fiscal_year)
    created = plan is None
    if plan is None:
        plan = _new_history_plan(
            session,
            table,
            fiscal_year=fiscal_year,
            actor=actor,
            owner=owner,
            filename=filename,
            sha256=sha256,
        )
    else:
        existing = existing_round(session, plan.id, fiscal_year, kind)  # type: ignore[arg-type]
        if existing is not None:
            raise Conflict(
                f"มี{RoundKind(kind).thai} ปีงบประมาณ {fiscal_year} ของแผนนี้อยู่แล้ว",
                round_id=existing.id,
            )
    round_ = create_round_rows(
        session,
        plan=plan,
        fiscal_year=fiscal_year,
        kind=kind,
        source=RoundSource.history,
        report_source=ReportSource.history,
        opened_by=actor,
    )
    targets = round_targets(session, round_)
    matches, notices = match_rows(
        table, targets, plan_label=f"แผน “{plan.name}”", round_budget=False
    )
    now = utcnow()
    for match in matches:
        result = match.target.result
        assert result is not None
        write_result(result, match, actor=actor, data_as_of=round_.as_of)
        if match.row.budget is not None:
            result.budget_satang = match.row.budget
        session.add(result)
    reports = reports_of(session, round_.id)  # type: ignore[arg-type]
    for report in reports:
        report.status = ReportStatus.approved
        report.data_as_of = round_.as_of
        report.submitted_by_id = actor.id
        report.submitted_at = now
        session.add(report)
    round_.status = RoundStatus.closed
    round_.closed_at = now
    session.add(round_)
    session.flush()
    return HistoryImport(
        round=round_,
        plan=plan,
        plan_created=created,
        matches=matches,
        reports=reports,
        notices=notices,
    )
