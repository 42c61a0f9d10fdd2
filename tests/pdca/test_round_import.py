"""A round's results import from the municipality's own report table (XLSX and CSV): a good
file fills the division reports as drafts; a file with a broken row is refused whole with the
row, the column and the project named, and nothing is stored; a past year's published report
becomes a closed history round of its own plan whose figures sum exactly."""

import dataclasses
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from domain.errors import Conflict, InvalidInput, NotEntitled
from domain.pdca import round_import_service as service
from domain.pdca.consolidate import consolidate
from domain.pdca.import_common import ImportRefused
from domain.pdca.round_import import read_report
from domain.pdca.rounds import CASE_TYPE
from models.audit import AuditEntry
from models.pdca import Plan, PlanProject, PlanStatus, ProjectBudget
from models.pdca_round import (
    DivisionReport,
    ProjectResult,
    ProjectStatus,
    ReportingRound,
    ReportSource,
    ReportStatus,
    RoundKind,
    RoundSource,
    RoundStatus,
)
from models.people import Division, User
from tests.pdca.round_import_files import (
    Line,
    csv_report,
    open_12_month_round,
    project_lines,
    xlsx_report,
)

BAHT = 100


@pytest.fixture
def round_id(engine: Engine, org: dict[str, User]) -> int:
    return open_12_month_round(engine, org)


def results(engine: Engine, round_id: int) -> dict[int, ProjectResult]:
    with Session(engine) as session:
        found = session.exec(
            select(PlanProject.no, ProjectResult)
            .join(PlanProject, col(PlanProject.id) == col(ProjectResult.project_id))
            .where(ProjectResult.round_id == round_id)
        )
        return {no: result for no, result in found}


def report_of(engine: Engine, round_id: int, code: str) -> DivisionReport:
    with Session(engine) as session:
        found = session.exec(
            select(DivisionReport)
            .join(Division, col(Division.id) == col(DivisionReport.division_id))
            .where(DivisionReport.round_id == round_id, Division.code == code)
        ).one()
        return found


def untouched(engine: Engine, round_id: int) -> bool:
    return all(
        r.status == ProjectStatus.awaiting and r.disbursed_satang == 0 and r.updated_at is None
        for r in results(engine, round_id).values()
    )


def refusal(excinfo: pytest.ExceptionInfo[ImportRefused]) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.message) for p in excinfo.value.problems]


# --------------------------------------------------------------------------- good files


def test_a_whole_round_imports_from_xlsx_as_drafts_the_divisions_submit(
    engine: Engine, org: dict[str, User], round_id: int
) -> None:
    lines = project_lines()
    lines[0] = dataclasses.replace(lines[0], status="in_progress", disbursed="1,234.50")
    lines[1] = dataclasses.replace(lines[1], status="not_done", note="ติดสถานการณ์โควิด-19")
    lines[2] = dataclasses.replace(lines[2], status="awaiting", disbursed="")
    result = service.import_round_results(
        engine,
        user_id=org["somchai"].id,  # type: ignore[arg-type]
        round_id=round_id,
        data=xlsx_report(lines),
        filename="รายงาน 12 เดือน.xlsx",
    )
    assert (result.source, result.rows) == ("xlsx", 56)
    assert result.statuses == {"awaiting": 1, "in_progress": 1, "completed": 53, "not_done": 1}
    stored = results(engine, round_id)
    assert stored[1].status == ProjectStatus.in_progress
    assert stored[1].disbursed_satang == 123_450
    assert (stored[2].status, stored[2].reason) == (ProjectStatus.not_done, "ติดสถานการณ์โควิด-19")
    assert (stored[3].status, stored[3].disbursed_satang) == (ProjectStatus.awaiting, 0)
    for line in lines[3:]:  # a tenth of the budget, whole baht
        expected = 0 if line.budget == "-" else int(line.budget) // 10 * BAHT
        assert stored[int(line.no)].disbursed_satang == expected
    assert all(r.data_as_of == date(2023, 9, 30) for r in stored.values())
    assert all(r.updated_by_id == org["somchai"].id for r in stored.values())
    with Session(engine) as session:
        reports = session.exec(
            select(DivisionReport).where(DivisionReport.round_id == round_id)
        ).all()
        assert {r.status for r in reports} == {ReportStatus.requested}
        assert {r.source for r in reports} == {ReportSource.xlsx}
        assert len(result.report_ids) == len(reports)
        entry = session.exec(
            select(AuditEntry).where(
                AuditEntry.case_type == CASE_TYPE,
                AuditEntry.case_id == round_id,
                AuditEntry.action == "pdca_round_results_imported",
            )
        ).one()
        assert entry.actor_user_id == org["somchai"].id
        assert entry.detail["file"] == "รายงาน 12 เดือน.xlsx"
        assert entry.detail["rows"] == 56


def test_a_division_report_imports_from_csv_with_one_status_column(
    engine: Engine, org: dict[str, User], round_id: int
) -> None:
    lines = project_lines(["ช่าง"])
    assert lines
    lines[0] = dataclasses.replace(lines[0], disbursed="๑,๒๓๔.๕๐", status="in_progress")
    report = report_of(engine, round_id, "ช่าง")
    result = service.import_division_report(
        engine,
        user_id=org["piyawat"].id,  # type: ignore[arg-type]
        report_id=report.id,  # type: ignore[arg-type]
        data=csv_report(lines),
        filename="ช่าง.csv",
        data_as_of=date(2023, 9, 29),
    )
    assert (result.source, result.rows, result.report_ids) == ("csv", len(lines), [report.id])
    stored = results(engine, round_id)
    first = stored[int(lines[0].no)]
    assert (first.status, first.disbursed_satang) == (ProjectStatus.in_progress, 123_450)
    assert first.data_as_of == date(2023, 9, 29)
    others = [r for r in stored.values() if r.division_id != report.division_id]
    assert all(r.updated_at is None for r in others)
    after = report_of(engine, round_id, "ช่าง")
    assert (after.status, after.source) == (ReportStatus.requested, ReportSource.csv)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp874"])
def test_csv_encodings_are_read(
    engine: Engine, org: dict[str, User], round_id: int, encoding: str
) -> None:
    lines = [dataclasses.replace(line, note="ข้อมูลจากฝ่ายแผน") for line in project_lines(["ช่าง"])]
    report = report_of(engine, round_id, "ช่าง")
    service.import_division_report(
        engine,
        user_id=org["piyawat"].id,  # type: ignore[arg-type]
        report_id=report.id,  # type: ignore[arg-type]
        data=csv_report(lines, encoding=encoding),
    )
    stored = results(engine, round_id)
    assert {stored[int(line.no)].note for line in lines} == {"ข้อมูลจากฝ่ายแผน"}


def test_thai_digits_and_thousands_are_exact_satang() -> None:
    line = Line("๑", "โครงการ ก", "๑", "๑๒,๓๔๕.๖๗", "1,234.05", "completed")
    table = read_report(csv_report([line]))
    row = table.rows[0]
    assert (row.no, row.dimension_no, row.budget, row.disbursed) == (1, 1, 1_234_567, 123_405)


def test_headings_are_found_below_a_title_with_spaces_and_thai_digits() -> None:
    data = (
        "รายงานผล,,,,,,\n,,,,,,\n"
        " ลำดับ ที่ , รายการ โครงการ ,มิติ,งบประมาณ (บาท),เบิกจ่าย ( บาท ),สถานะ ,หมาย เหตุ\n"
        "1,โครงการ ก,1,100,50,แล้วเสร็จ,\n"
    ).encode()
    table = read_report(data)
    assert [(r.row, r.no, r.status, r.disbursed) for r in table.rows] == [
        (4, 1, ProjectStatus.completed, 5000)
    ]


# --------------------------------------------------------------------------- broken files


def test_broken_rows_are_named_and_nothing_is_stored(
    engine: Engine, org: dict[str, User], round_id: int
) -> None:
    lines = project_lines()
    lines[3] = dataclasses.replace(lines[3], no="99")  # an unknown project
    lines[5] = dataclasses.replace(lines[5], disbursed="-500")  # a negative amount
    lines[7] = dataclasses.replace(lines[7], status="ยกเลิกแล้ว")  # a status outside the list
    lines[9] = dataclasses.replace(lines[9], disbursed="12,000 บาท")  # text in an amount
    with pytest.raises(ImportRefused) as refused:
        service.import_round_results(
            engine,
            user_id=org["somchai"].id,  # type: ignore[arg-type]
            round_id=round_id,
            data=csv_report(lines),
        )
    # the title is row 1, the heading row 2: project line i is row i + 3
    assert isinstance(refused.value, InvalidInput)  # 422
    assert refusal(refused) == [
        (8, "เบิกจ่าย", "จำนวนเงินติดลบไม่ได้ (-500)"),
        (
            10,
            "สถานะ",
            "สถานะ “ยกเลิกแล้ว” ไม่อยู่ในรายการ (รอรายงาน / อยู่ระหว่างดำเนินการ / "
            "ดำเนินการแล้วเสร็จ / ไม่สามารถดำเนินการได้)",
        ),
        (12, "เบิกจ่าย", "“12,000 บาท” ไม่ใช่จำนวนเงิน"),
    ]
    assert "แถวที่ 8 คอลัมน์ “เบิกจ่าย” (โครงการลำดับที่ 6)" in str(refused.value)
    assert untouched(engine, round_id)
    # the rows fixed, the unknown project is the one left
    lines[5], lines[7], lines[9] = project_lines()[5], project_lines()[7], project_lines()[9]
    with pytest.raises(ImportRefused) as refused:
        service.import_round_results(
            engine,
            user_id=org["somchai"].id,  # type: ignore[arg-type]
            round_id=round_id,
            data=xlsx_report(lines),
        )
    assert refused.value.problems[0].row == 5 + 3  # two title rows, a two-row heading
    assert refused.value.problems[0].column == "ลำดับที่"
    assert refused.value.problems[0].message.startswith("ไม่มีโครงการลำดับที่ 99 ในแผน")
    assert untouched(engine, round_id)


def test_xlsx_marks_two_statuses_and_reasons_are_checked(
    engine: Engine, org: dict[str, User], round_id: int
) -> None:
    lines = project_lines()
    lines[0] = dataclasses.replace(lines[0], status="not_done", note="")
    data = xlsx_report(lines)
    with pytest.raises(ImportRefused) as refused:
        service.import_round_results(
            engine,
            user_id=org["somchai"].id,  # type: ignore[arg-type]
            round_id=round_id,
            data=data,
        )
    assert refusal(refused) == [(5, "หมายเหตุ", "สถานะไม่สามารถดำเนินการได้ ต้องระบุเหตุผลในหมายเหตุ")]

    book = load_workbook(io.BytesIO(xlsx_report(project_lines())))
    book.active.cell(row=6, column=7, value="/")  # project 2: completed and in progress
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ImportRefused) as refused:
        read_report(out.getvalue())
    assert refused.value.problems[0].row == 6
    assert "2 ช่อง" in refused.value.problems[0].message
    assert untouched(engine, round_id)


def test_a_division_imports_only_its_own_projects_with_their_names(
    engine: Engine, org: dict[str, User], round_id: int
) -> None:
    mine = project_lines(["ช่าง"])
    theirs = project_lines(["กจ."])[0]
    renamed = dataclasses.replace(mine[0], name="โครงการอื่นที่ไม่ใช่โครงการนี้เลย")
    report = report_of(engine, round_id, "ช่าง")
    with pytest.raises(ImportRefused) as refused:
        service.import_division_report(
            engine,
            user_id=org["piyawat"].id,  # type: ignore[arg-type]
            report_id=report.id,  # type: ignore[arg-type]
            data=csv_report([renamed, *mine[1:], theirs]),
        )
    found = refusal(refused)
    assert found[0][:2] == (3, "รายการโครงการ")
    assert found[0][2].startswith(f"ชื่อโครงการไม่ตรงกับโครงการลำดับที่ {mine[0].no}")
    assert found[1] == (
        len(mine) + 3,
        "ลำดับ",
        "เป็นโครงการของกองการเจ้าหน้าที่ ไม่ใช่ของสำนักช่าง",
    )
    assert untouched(engine, round_id)
    with pytest.raises(NotEntitled):  # another division's officer
        service.import_division_report(
            engine,
            user_id=org["pranee"].id,  # type: ignore[arg-type]
            report_id=report.id,  # type: ignore[arg-type]
            data=csv_report(mine),
        )
    with pytest.raises(NotEntitled):  # the whole round is the coordinator's
        service.import_round_results(
            engine,
            user_id=org["piyawat"].id,  # type: ignore[arg-type]
            round_id=round_id,
            data=csv_report(mine),
        )


def test_missing_columns_and_old_excel_files_are_refused() -> None:
    with pytest.raises(ImportRefused) as refused:
        read_report("ลำดับ,รายการโครงการ,เบิกจ่าย\n1,ก,1\n".encode())
    assert "หมายเหตุ" in refused.value.problems[0].message
    assert "สถานะ" in refused.value.problems[0].message
    with pytest.raises(ImportRefused) as refused:
        read_report(b"\xd0\xcf\x11\xe0" + b"\0" * 100, "report.xls")
    assert ".xlsx" in refused.value.problems[0].message


# --------------------------------------------------------------------------- history

HISTORY_2565 = [
    Line(
        "1", "โครงการอบรมคุณธรรมจริยธรรมบุคลากร", "1", "100,000", "98,500.50", "completed", "", "กจ."
    ),
    Line("2", "มาตรการ No Gift Policy", "1", "-", "", "completed", "", ""),
    Line("3", "โครงการเผยแพร่ข้อมูลข่าวสาร", "2", "250,000", "120,000", "in_progress", "", "สป."),
    Line(
        "4", "โครงการจัดซื้อจัดจ้างโปร่งใส", "2", "50,000.25", "0", "not_done", "งดจัดเพราะโควิด-19", "คลัง"
    ),
    Line("5", "โครงการประชาคมแผน", "3", "๓๐,๐๐๐", "๑๕,๐๐๐", "completed", "", "กย."),
    Line("6", "โครงการตรวจสอบภายใน", "4", "10,000", "", "awaiting", "", "ตส."),
]
SECTIONS = {
    "1": "มิติที่ 1 การสร้างสังคมที่ไม่ทนต่อการทุจริต",
    "2": "มิติที่ 2 การบริหารราชการเพื่อป้องกันการทุจริต",
}


def test_a_past_years_report_is_kept_as_a_closed_history_round_and_sums_exactly(
    engine: Engine, org: dict[str, User]
) -> None:
    result = service.import_history(
        engine,
        user_id=org["somchai"].id,  # type: ignore[arg-type]
        fiscal_year=2565,
        data=csv_report(HISTORY_2565, with_division=True, sections=SECTIONS),
        filename="รายงาน 12 เดือน 2565.csv",
    )
    assert result.plan_created and result.rows == 6
    with Session(engine) as session:
        plan = session.get(Plan, result.plan_id)
        assert plan is not None
        assert (plan.series, plan.status) == ("history-2565", PlanStatus.superseded)
        assert (plan.fiscal_year_from, plan.fiscal_year_to) == (2565, 2565)
        assert "ข้อมูลย้อนหลัง" in plan.name
        projects = {
            p.no: p for p in session.exec(select(PlanProject).where(PlanProject.plan_id == plan.id))
        }
        assert projects[2].division_code == "กย."  # not given: the compiling division
        assert "ไม่ระบุหน่วยงาน" in projects[2].note
        assert projects[4].division_code == "คลัง"
        rnd = session.get(ReportingRound, result.round_id)
        assert rnd is not None
        assert (rnd.source, rnd.status, rnd.kind) == (
            RoundSource.history,
            RoundStatus.closed,
            RoundKind.twelve_month,
        )
        assert rnd.as_of == date(2022, 9, 30)
        reports = session.exec(select(DivisionReport).where(DivisionReport.round_id == rnd.id))
        assert {(r.status, r.source) for r in reports} == {
            (ReportStatus.approved, ReportSource.history)
        }
        stored = session.exec(
            select(
                ProjectResult.status,
                func.count(),
                func.sum(ProjectResult.budget_satang),
                func.sum(ProjectResult.disbursed_satang),
            )
            .where(ProjectResult.round_id == rnd.id)
            .group_by(col(ProjectResult.status))
        ).all()
        assert {status: (n, int(b), int(d)) for status, n, b, d in stored} == {
            "completed": (3, 130_000 * BAHT, 113_500_50),
            "in_progress": (1, 250_000 * BAHT, 120_000 * BAHT),
            "not_done": (1, 50_000_25, 0),
            "awaiting": (1, 10_000 * BAHT, 0),
        }
        budgets = session.exec(
            select(func.sum(ProjectBudget.amount_satang)).where(
                col(ProjectBudget.project_id).in_([p.id for p in projects.values()])
            )
        ).one()
        assert budgets == 44_000_025
        figures = consolidate(session, rnd, today=date(2024, 1, 15))
        overall = figures.overall
        assert overall.projects == 6
        assert overall.by_status[ProjectStatus.completed] == 3
        assert overall.by_status[ProjectStatus.not_done] == 1
        assert (overall.budget_satang, overall.disbursed_satang) == (44_000_025, 23_350_050)
        assert str(overall.disbursed_share) == "53.07"
        assert [d.by_status[ProjectStatus.completed] for d in figures.dimensions] == [2, 0, 1, 0]
    with pytest.raises(Conflict):  # the same round twice
        service.import_history(
            engine,
            user_id=org["somchai"].id,  # type: ignore[arg-type]
            fiscal_year=2565,
            data=csv_report(HISTORY_2565, with_division=True, sections=SECTIONS),
        )
    six = service.import_history(  # the 6-month report of that year reuses its history plan
        engine,
        user_id=org["somchai"].id,  # type: ignore[arg-type]
        fiscal_year=2565,
        kind=RoundKind.six_month,
        data=xlsx_report(HISTORY_2565[:4]),
    )
    assert (six.plan_id, six.plan_created, six.rows) == (result.plan_id, False, 4)


def test_a_history_report_with_a_broken_row_creates_no_plan(
    engine: Engine, org: dict[str, User]
) -> None:
    broken = list(HISTORY_2565)
    broken[2] = dataclasses.replace(broken[2], budget="-1")
    broken[4] = dataclasses.replace(broken[4], division="กองที่ไม่มี")
    with pytest.raises(ImportRefused) as refused:
        service.import_history(
            engine,
            user_id=org["somchai"].id,  # type: ignore[arg-type]
            fiscal_year=2565,
            data=csv_report(broken, with_division=True),
        )
    assert [p.row for p in refused.value.problems] == [5]
    with pytest.raises(ImportRefused) as refused:
        service.import_history(
            engine,
            user_id=org["somchai"].id,  # type: ignore[arg-type]
            fiscal_year=2565,
            data=csv_report([*HISTORY_2565[:4], broken[4]], with_division=True),
        )
    assert refusal(refused) == [(7, "หน่วยงาน", "ไม่รู้จักหน่วยงาน “กองที่ไม่มี”")]
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Plan)).one() == 0
        assert session.exec(select(func.count()).select_from(ReportingRound)).one() == 0
