"""Which of a round's projects each row of an imported report is, checked whole: the row's
ลำดับ is the plan's project number and its รายการโครงการ must name that project (a report whose
numbers slipped by a row would otherwise put every figure on the wrong project); its มิติ, where
given, must be the project's; importing for one division, every row must be one of that
division's projects in the round. Budgets that differ from the round's are reported, not
refused: the round keeps the plan's figure."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher

from pythainlp.util import thai_digit_to_arabic_digit

from domain.pdca.import_common import ImportProblem, ImportRefused
from domain.pdca.money import baht_text
from domain.pdca.round_import import REPORT_FILE, WHAT, Column, ReportRow, ReportTable
from models.pdca import PlanProject
from models.pdca_round import DivisionReport, ProjectResult

SIMILAR_NAMES = 0.85
"""How alike two names must be (difflib ratio, after spaces and punctuation are dropped) to be
the same project written a little differently."""
MIN_CONTAINED = 12
"""A shortened name still names the project when it is this long and inside the plan's."""


@dataclass(frozen=True)
class Target:
    """A project's place in the round: its result line and the division report holding it
    (none yet for a history round, whose lines the import creates)."""

    project: PlanProject
    dimension_no: int
    division_id: int
    division_name: str
    budget_satang: int
    result: ProjectResult | None = None
    report: DivisionReport | None = None


@dataclass(frozen=True)
class Match:
    row: ReportRow
    target: Target


@dataclass(frozen=True)
class Notice:
    """Something the import reports without refusing (a budget other than the round's)."""

    row: int
    project_no: int
    message: str

    def text(self) -> str:
        return f"แถวที่ {self.row} (โครงการลำดับที่ {self.project_no}): {self.message}"


def name_key(name: str) -> str:
    return re.sub(r"[\s\"'“”‘’()\[\]\-–—.,/:;]", "", thai_digit_to_arabic_digit(name)).lower()


def same_project_name(written: str, planned: str) -> bool:
    a, b = name_key(written), name_key(planned)
    if not a or not b:
        return False
    if a == b or (min(len(a), len(b)) >= MIN_CONTAINED and (a in b or b in a)):
        return True
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= SIMILAR_NAMES


def match_rows(
    table: ReportTable,
    targets: Mapping[int, Target],
    *,
    plan_label: str,
    division_id: int | None = None,
    division_name: str = "",
    round_budget: bool = True,
) -> tuple[list[Match], list[Notice]]:
    """Every row matched to its project, or ``ImportRefused`` naming every row that is not.
    A budget other than the target's is a notice: the round keeps its own (``round_budget``)
    or, for a history round, the report's."""
    kept = "ใช้ตามรอบรายงาน" if round_budget else "ใช้ตามรายงานที่นำเข้า"
    problems: list[ImportProblem] = []
    matches: list[Match] = []
    notices: list[Notice] = []
    seen: dict[int, int] = {}

    def problem(row: ReportRow, column: Column | None, message: str) -> None:
        heading = table.heading(column) if column else ""
        problems.append(ImportProblem(REPORT_FILE, row.row, message, row.no, heading))

    for row in table.rows:
        if row.no in seen:
            problem(row, Column.no, f"ลำดับที่ {row.no} ซ้ำกับแถวที่ {seen[row.no]}")
            continue
        seen[row.no] = row.row
        target = targets.get(row.no)
        if target is None:
            problem(row, Column.no, f"ไม่มีโครงการลำดับที่ {row.no} ใน{plan_label}")
            continue
        before = len(problems)
        if not same_project_name(row.name, target.project.name):
            problem(
                row,
                Column.name,
                f"ชื่อโครงการไม่ตรงกับโครงการลำดับที่ {row.no} ในแผน (“{target.project.name}”)",
            )
        if row.dimension_no is not None and row.dimension_no != target.dimension_no:
            problem(
                row,
                Column.dimension,
                f"มิติที่ {row.dimension_no} ไม่ตรงกับแผน (โครงการนี้อยู่ในมิติที่ {target.dimension_no})",
            )
        if division_id is not None and target.division_id != division_id:
            problem(
                row,
                Column.no,
                f"เป็นโครงการของ{target.division_name} ไม่ใช่ของ{division_name}",
            )
        if len(problems) > before:
            continue
        if row.budget is not None and row.budget != target.budget_satang:
            notices.append(
                Notice(
                    row.row,
                    row.no,
                    f"งบประมาณในไฟล์ {baht_text(row.budget)} บาท ต่างจากงบประมาณของแผน "
                    f"{baht_text(target.budget_satang)} บาท ({kept})",
                )
            )
        matches.append(Match(row, target))
    if problems:
        raise ImportRefused(problems, what=WHAT)
    return matches, notices
