"""The 56-project plan imports from its CSV with the figures of the plan; where the summary
table and a project's own page disagree, both figures are kept and reported with their source;
a broken file is refused whole, the row named, nothing stored."""

import csv
import io
from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from domain.errors import NotEntitled
from domain.pdca import service
from domain.pdca.import_common import ImportRefused
from domain.pdca.money import AmountError, baht_text, parse_baht
from domain.pdca.plan_import import parse_plan, parse_projects
from domain.pdca.summary import plan_view
from models.pdca import (
    ImportDiscrepancy,
    Plan,
    PlanDimension,
    PlanProject,
    PlanStatus,
    ProjectBudget,
    RiskItem,
    RiskLevel,
    TargetOperator,
)
from models.people import User
from ops.seed import DIVISIONS
from tests.pdca.helpers import PLAN_CSV, discrepancies, import_plan

CODES = [code for code, *_ in DIVISIONS]
BAHT = 100  # satang
DIMENSIONS = {1: (11, 10_251_748), 2: (24, 316_800), 3: (14, 13_227_400), 4: (7, 828_000)}
YEARS = [2566, 2567, 2568, 2569, 2570]


def rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(PLAN_CSV.decode("utf-8"))))


def to_csv(records: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(records[0]))
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue().encode("utf-8")


def test_the_56_project_plan_imports_with_the_plans_figures(
    engine: Engine, org: dict[str, User]
) -> None:
    plan = import_plan(engine, org["somchai"])
    assert (plan.version, plan.status, plan.previous_version_id) == (1, PlanStatus.draft, None)
    assert (plan.fiscal_year_from, plan.fiscal_year_to) == (2566, 2570)
    assert plan.series == "anticorruption-2566-2570"
    with Session(engine) as session:
        view = plan_view(session, session.get(Plan, plan.id))  # type: ignore[arg-type]
        assert len(view.projects) == 56
        assert [p.project.no for p in view.projects] == list(range(1, 57))
        assert {
            d.dimension.no: (len(d.projects), {y: d.totals[y] for y in YEARS})
            for d in view.dimensions
        } == {no: (n, dict.fromkeys(YEARS, baht * BAHT)) for no, (n, baht) in DIMENSIONS.items()}
        assert view.totals == dict.fromkeys(YEARS, 24_623_948 * BAHT)
        assert view.total == 5 * 24_623_948 * BAHT
        assert baht_text(view.totals[2566]) == "24,623,948"
        # the cards' figures are the plan's: 21 has its 60,000, 20 none, 38 its 300,000
        by_no = {p.project.no: p for p in view.projects}
        assert by_no[21].budgets[2566] == 60_000 * BAHT
        assert by_no[20].budgets == dict.fromkeys(YEARS)
        assert by_no[38].budgets[2570] == 300_000 * BAHT
        assert by_no[10].project.division_code == "สส."
        assert by_no[10].division_name == "สำนักสวัสดิการสังคม"
        assert by_no[1].project.code == "1.1.1" and by_no[1].project.division_code == "กจ."
        assert {p.project.division_code for p in view.projects} <= set(CODES)
        assert len([m for d in view.dimensions for m in d.missions]) == 12
        # the indicators and the risk register came with it
        (satisfaction, *_) = by_no[12].indicators[1:]
        assert (
            satisfaction.target_operator,
            satisfaction.target_value,
            satisfaction.target_unit,
        ) == (
            TargetOperator.at_least,
            Decimal("80.00"),
            "ร้อยละ",
        )
        risks = [r for r in view.risks if r.item.published]
        assert len(risks) >= 5  # project 52: at least five, published
        assert {r.item.level for r in view.risks} == {RiskLevel.medium, RiskLevel.high}
        assert [p.no for p in view.risks[3].controls] == [34, 20, 17]
        assert "ไม่มีในแผน" in view.risks[6].item.control_note
        (indicator,) = [i for i in by_no[52].indicators if i.target_unit == "เรื่อง"]
        assert indicator.target_value == 5


def test_the_three_differences_are_kept_and_reported_with_their_source(
    engine: Engine, org: dict[str, User]
) -> None:
    plan = import_plan(engine, org["somchai"])
    with Session(engine) as session:
        numbers = {p.id: p.no for p in session.exec(select(PlanProject))}
    found = {
        (numbers[d.project_id], d.field): (d.card_value, d.table_value, d.source_row)
        for d in discrepancies(engine, plan.id)  # type: ignore[arg-type]
    }
    assert found == {
        (10, "division"): ("สส.", "ไม่ระบุ (เว้นว่าง)", 11),
        (20, "budget"): ("ไม่ใช้งบประมาณ", "60,000 บาทต่อปี", 21),
        (21, "budget"): ("60,000 บาทต่อปี", "ไม่ใช้งบประมาณ", 22),
        (38, "budget"): ("300,000 บาทต่อปี", "ไม่ใช้งบประมาณ", 39),
    }
    notes = {numbers[d.project_id]: d.source_note for d in discrepancies(engine, plan.id)}  # type: ignore[arg-type]
    assert "สำนักสวัสดิการสังคม" in notes[10]
    assert "โครงการลำดับที่ 21" in notes[20] and "โครงการลำดับที่ 20" in notes[21]
    assert "36–38" in notes[38]
    # Three places: project 10's division, 20/21's budget on the wrong row, 38 left out.
    places = {10} | {20 if n in (20, 21) else n for n in notes}
    assert places == {10, 20, 38}


def test_the_import_answers_with_the_differences(engine: Engine, org: dict[str, User]) -> None:
    result = service.import_plan(
        engine,
        user_id=org["suda"].id,
        projects=PLAN_CSV,
        filename="plan.csv",  # type: ignore[arg-type]
    )
    assert result.counts == {
        "dimensions": 4,
        "missions": 12,
        "projects": 56,
        "discrepancies": 4,
        "risks": 0,
        "indicators": 0,
    }
    assert len(result.discrepancies) == 4
    assert result.plan.source_sha256 and len(result.plan.source_sha256) == 64


def _broken(mutate) -> bytes:  # type: ignore[no-untyped-def]
    records = rows()
    mutate(records)
    return to_csv(records)


BROKEN = {
    "unknown division": (
        lambda r: r[4].update(unit="กค."),
        6,
        5,
        "ไม่รู้จักหน่วยงาน “กค.”",
    ),
    "negative budget": (
        lambda r: r[8].update(budget_2568="-600000"),
        10,
        9,
        "งบประมาณปี 2568: จำนวนเงินติดลบไม่ได้",
    ),
    "text in an amount": (
        lambda r: r[12].update(budget_2567="สองแสน"),
        14,
        13,
        "งบประมาณปี 2567: “สองแสน” ไม่ใช่จำนวนเงิน",
    ),
    "duplicate project number": (
        lambda r: r[30].update(no="30"),
        32,
        30,
        "ลำดับที่โครงการ 30 ซ้ำกับแถวที่ 31",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_file_is_refused_naming_the_row_and_storing_nothing(
    engine: Engine, org: dict[str, User], case: str
) -> None:
    mutate, row, project_no, message = BROKEN[case]
    with pytest.raises(ImportRefused) as refused:
        import_plan(engine, org["somchai"], _broken(mutate))
    (problem,) = refused.value.problems
    assert (problem.row, problem.project_no) == (row, project_no)
    assert problem.message.startswith(message), problem.message
    assert f"แถวที่ {row} (โครงการลำดับที่ {project_no})" in refused.value.message
    assert refused.value.detail["errors"][0]["row"] == row
    with Session(engine) as session:
        for table in (Plan, PlanDimension, PlanProject, ProjectBudget, ImportDiscrepancy, RiskItem):
            assert session.exec(select(func.count()).select_from(table)).one() == 0, table


def test_every_broken_row_is_named_and_a_good_draft_stays(
    engine: Engine, org: dict[str, User]
) -> None:
    draft = import_plan(engine, org["somchai"])

    def several(records: list[dict[str, str]]) -> None:
        records[0].update(unit="")
        records[1].update(budget_2566="12.345")
        records[2].update(code="1-1-1")
        records[3].update(mission="ไม่มีรหัส")

    with pytest.raises(ImportRefused) as refused:
        import_plan(engine, org["somchai"], _broken(several))
    assert [(p.row, p.project_no) for p in refused.value.problems] == [
        (2, 1),
        (3, 2),
        (4, 3),
        (5, 4),
    ]
    with Session(engine) as session:
        (only,) = session.exec(select(Plan)).all()
        assert (only.id, only.status) == (draft.id, PlanStatus.draft)  # not discarded


def test_risks_and_indicators_are_checked_against_the_plan() -> None:
    risks = "seq,process_step,risk,level,controls\n1,จัดซื้อ,ฮั้วประมูล,สูงมาก,3;99\n1,x,y,แดง,1\n"
    with pytest.raises(ImportRefused) as refused:
        parse_plan(PLAN_CSV, division_codes=CODES, risks=risks.encode())
    assert [(p.file, p.row, p.message) for p in refused.value.problems] == [
        ("ทะเบียนความเสี่ยง", 2, "ไม่มีโครงการลำดับที่ 99 ในแผน"),
        ("ทะเบียนความเสี่ยง", 3, "ลำดับ 1 ซ้ำกับแถวที่ 2"),
        ("ทะเบียนความเสี่ยง", 3, "ระดับความเสี่ยง “แดง” ต้องเป็น ต่ำ ปานกลาง สูง หรือ สูงมาก"),
    ]
    indicators = "project_no,text,operator,value,unit\n7,พึงพอใจ,ไม่ต่ำกว่า,๘๐,ร้อยละ\n57,x,>=,1,ครั้ง\n"
    with pytest.raises(ImportRefused) as refused:
        parse_plan(PLAN_CSV, division_codes=CODES, indicators=indicators.encode())
    assert [p.row for p in refused.value.problems] == [3]
    good = parse_plan(
        PLAN_CSV, division_codes=CODES, indicators=indicators.split("57,")[0].encode()
    )
    (indicator,) = good.indicators
    assert (indicator.operator, indicator.value) == (TargetOperator.at_least, Decimal("80"))


def test_a_file_from_a_thai_windows_spreadsheet_reads_and_a_file_without_columns_does_not() -> None:
    plan = parse_projects(PLAN_CSV.decode("utf-8").encode("cp874"), division_codes=CODES)
    assert len(plan.projects) == 56 and plan.fiscal_years == tuple(YEARS)
    with_bom = parse_projects(b"\xef\xbb\xbf" + PLAN_CSV, division_codes=CODES)
    assert len(with_bom.projects) == 56
    with pytest.raises(ImportRefused) as refused:
        parse_projects(b"no,name\n1,x\n", division_codes=CODES)
    assert "ไม่มีคอลัมน์ code, dimension, mission, unit" in refused.value.message
    with pytest.raises(ImportRefused):
        parse_projects(b"\xff\xfe\x00garbage\x81", division_codes=CODES)


def test_amounts_are_exact_satang() -> None:
    assert parse_baht("130800") == 13_080_000
    assert parse_baht(" 1,234.50 ") == 123_450
    assert parse_baht("๑๒๐,๐๐๐") == 12_000_000
    assert parse_baht("-") is None and parse_baht("") is None
    for bad in ("-1", "1.234", "12a", "NaN", "Infinity"):
        with pytest.raises(AmountError):
            parse_baht(bad)
    assert baht_text(123_450) == "1,234.50" and baht_text(None) == "-"


def test_only_the_strategy_and_budget_division_imports(
    engine: Engine, org: dict[str, User]
) -> None:
    with pytest.raises(NotEntitled):
        import_plan(engine, org["chatchai"])
    with Session(engine) as session:
        assert session.exec(select(Plan)).first() is None
