"""Reading a reporting round's results from the spreadsheet the municipality already keeps: its
own report table (ลำดับ, รายการโครงการ, มิติ, งบประมาณ, เบิกจ่าย, the four status columns or one
status column, หมายเหตุ), as CSV (UTF-8, with or without BOM, or TIS-620) or XLSX.

Headings are found tolerantly (spaces, Thai digits, "(บาท)", a title row or two above, a
second heading row under a merged "สถานะการดำเนินงาน"). Every row is read and checked before
anything is stored; a file with a broken row is refused whole (``ImportRefused``), each problem
named by its row as the spreadsheet numbers it, its column and, where known, the project.
Matching rows to a plan's projects is ``round_import_match``; storing, the use cases."""

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from pythainlp.util import thai_digit_to_arabic_digit

from domain.pdca.import_common import (
    MAX_BYTES,
    ImportProblem,
    ImportRefused,
    clean_cell,
    decode_text,
    parse_int,
)
from domain.pdca.money import AmountError, parse_baht
from models.pdca_round import PROJECT_STATUS_TITLES, ProjectStatus

REPORT_FILE = "รายงานผล"
WHAT = "ผลการดำเนินงาน"
HEADER_SEARCH_ROWS = 12
"""How far down a title may push the heading row."""


class Column(StrEnum):
    no = "ลำดับ"
    name = "รายการโครงการ"
    dimension = "มิติ"
    division = "หน่วยงาน"
    budget = "งบประมาณ"
    disbursed = "เบิกจ่าย"
    status = "สถานะ"
    awaiting = "รอรายงาน"
    in_progress = "อยู่ระหว่างดำเนินการ"
    completed = "ดำเนินการแล้วเสร็จ"
    not_done = "ไม่สามารถดำเนินการได้"
    note = "หมายเหตุ"


MARK_COLUMNS = {
    Column.awaiting: ProjectStatus.awaiting,
    Column.in_progress: ProjectStatus.in_progress,
    Column.completed: ProjectStatus.completed,
    Column.not_done: ProjectStatus.not_done,
}
REQUIRED = (Column.no, Column.name, Column.disbursed, Column.note)
HISTORY_REQUIRED = (*REQUIRED, Column.budget)


def _key(text: str) -> str:
    """A heading or a status as compared: Thai digits, brackets (บาท), spaces and dots gone."""
    text = thai_digit_to_arabic_digit(text or "")
    text = re.sub(r"\([^)]*\)", "", text)
    return re.sub(r"[\s.:*\"'“”]", "", text).lower()


_HEADINGS: dict[Column, tuple[str, ...]] = {
    Column.no: ("ลำดับ", "ลำดับที่", "ที่", "no"),
    Column.name: (
        "รายการโครงการ",
        "รายการ",
        "โครงการ",
        "ชื่อโครงการ",
        "โครงการ/กิจกรรม",
        "โครงการ/กิจกรรม/มาตรการ",
        "รายการโครงการ/กิจกรรม",
        "รายการโครงการ/กิจกรรม/มาตรการ",
        "name",
    ),
    Column.dimension: ("มิติ", "มิติที่", "dimension"),
    Column.division: ("หน่วยงาน", "หน่วยงานที่รับผิดชอบ", "หน่วยงานรับผิดชอบ", "division", "unit"),
    Column.budget: ("งบประมาณ", "งบประมาณตามแผน", "งบประมาณที่ตั้งไว้", "budget"),
    Column.disbursed: (
        "เบิกจ่าย",
        "เบิกจ่ายจริง",
        "ผลการเบิกจ่าย",
        "งบประมาณที่เบิกจ่าย",
        "จำนวนเงินที่เบิกจ่าย",
        "disbursed",
    ),
    Column.status: ("สถานะ", "สถานะการดำเนินงาน", "สถานะการดำเนินการ", "status"),
    Column.awaiting: ("รอรายงาน", "awaiting"),
    Column.in_progress: ("อยู่ระหว่างดำเนินการ", "อยู่ระหว่างการดำเนินการ", "in_progress"),
    Column.completed: ("ดำเนินการแล้วเสร็จ", "ดำเนินการเสร็จแล้ว", "แล้วเสร็จ", "completed"),
    Column.not_done: ("ไม่สามารถดำเนินการได้", "ไม่สามารถดำเนินการ", "not_done"),
    Column.note: ("หมายเหตุ", "note"),
}
HEADINGS = {_key(text): column for column, texts in _HEADINGS.items() for text in texts}

STATUS_TEXTS = {
    _key(text): status
    for status, texts in {
        ProjectStatus.awaiting: ("รอรายงาน", "รอ", "ยังไม่รายงาน"),
        ProjectStatus.in_progress: ("อยู่ระหว่างดำเนินการ", "อยู่ระหว่างการดำเนินการ", "กำลังดำเนินการ"),
        ProjectStatus.completed: ("ดำเนินการแล้วเสร็จ", "ดำเนินการเสร็จแล้ว", "แล้วเสร็จ", "เสร็จสิ้น"),
        ProjectStatus.not_done: ("ไม่สามารถดำเนินการได้", "ไม่สามารถดำเนินการ", "ไม่ได้ดำเนินการ"),
    }.items()
    for text in (*texts, status.value)
}
STATUS_LIST = " / ".join(PROJECT_STATUS_TITLES.values())
MARKS = {"✓", "✔", "✔️", "☑", "√", "/", "x", "×", "✗", "✘", "1", "*", "true", "ใช่"}
UNMARKED = {"", "-", "–", "—", "0", "false"}
TOTAL_ROW = re.compile(r"^(รวม|ยอดรวม|รวมทั้งสิ้น|รวมทั้งหมด)")
DIMENSION = re.compile(r"^(?:มิติที่|มิติ)?\s*(\d+)\s*[.)]?\s*(.*)$")


@dataclass(frozen=True)
class Heading:
    index: int
    text: str
    """As the file shows it, for the refusal."""


@dataclass(frozen=True)
class ReportRow:
    """One project's line as read (amounts in satang; None: blank, not reported)."""

    row: int
    no: int
    name: str
    dimension_no: int | None
    dimension_name: str
    division: str
    budget: int | None
    disbursed: int | None
    status: ProjectStatus
    note: str


@dataclass(frozen=True)
class ReportTable:
    format: str
    """csv or xlsx (the report's ``source``)."""
    headings: dict[Column, Heading]
    rows: tuple[ReportRow, ...]

    def heading(self, column: Column) -> str:
        found = self.headings.get(column)
        return found.text if found else column.value


# --------------------------------------------------------------------------- the raw grid


def _cell_text(value: object) -> str:
    """An XLSX cell as the officer sees it; numbers exactly (a float's shortest repr)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _xlsx_grid(data: bytes) -> Iterator[list[list[str]]]:
    """Each sheet's rows (row 1 first, empty rows kept so numbering is the spreadsheet's)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file
        raise ImportRefused(
            [ImportProblem(REPORT_FILE, 0, "อ่านไฟล์ Excel ไม่ได้ ต้องเป็นไฟล์ .xlsx")], what=WHAT
        ) from None
    try:
        for sheet in book.worksheets:
            yield [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _csv_grid(data: bytes) -> list[list[str]]:
    text = decode_text(data, REPORT_FILE)
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise ImportRefused(
            [ImportProblem(REPORT_FILE, 0, f"รูปแบบ CSV ไม่ถูกต้อง ({exc})")], what=WHAT
        ) from None


def file_format(data: bytes, filename: str | None) -> str:
    """xlsx (a zip) or csv; the old binary .xls is refused with what to do instead."""
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith(b"\xd0\xcf\x11\xe0") or (filename or "").lower().endswith(".xls"):
        raise ImportRefused(
            [
                ImportProblem(
                    REPORT_FILE, 0, "ไฟล์ .xls รุ่นเก่าอ่านไม่ได้ กรุณาบันทึกเป็น .xlsx หรือ CSV แล้วนำเข้าใหม่"
                )
            ],
            what=WHAT,
        )
    return "csv"


# --------------------------------------------------------------------------- headings


def _headings_of(cells: list[str]) -> dict[Column, Heading]:
    found: dict[Column, Heading] = {}
    for index, text in enumerate(cells):
        column = HEADINGS.get(_key(text))
        if column is not None and column not in found:
            found[column] = Heading(index, clean_cell(text))
    return found


def _find_header(grid: list[list[str]]) -> tuple[int, dict[Column, Heading]] | None:
    """(index of the last heading row, the headings): the first row naming both ลำดับ and
    รายการโครงการ; a row under it naming columns and holding no project (a merged heading
    split in two) adds to it."""
    for index, cells in enumerate(grid[:HEADER_SEARCH_ROWS]):
        headings = _headings_of(cells)
        if Column.no in headings and Column.name in headings:
            if index + 1 < len(grid):
                below = _headings_of(grid[index + 1])
                if below and not _number_cell(grid[index + 1], headings[Column.no].index):
                    taken = {h.index for c, h in below.items()}
                    headings = {c: h for c, h in headings.items() if h.index not in taken}
                    headings |= below
                    return index + 1, headings
            return index, headings
    return None


def _number_cell(cells: list[str], index: int) -> bool:
    return index < len(cells) and parse_int(cells[index]) is not None


def _check_headings(headings: dict[Column, Heading], required: tuple[Column, ...]) -> None:
    missing = [c.value for c in required if c not in headings]
    marks = [c for c in MARK_COLUMNS if c in headings]
    if marks and len(marks) < len(MARK_COLUMNS):
        absent = [c.value for c in MARK_COLUMNS if c not in headings]
        missing.append(f"ช่องสถานะให้ครบทั้งสี่ช่อง (ขาด {', '.join(absent)})")
    elif not marks and Column.status not in headings:
        missing.append(f"สถานะ (คอลัมน์เดียว) หรือสี่ช่อง {STATUS_LIST}")
    if missing:
        raise ImportRefused(
            [ImportProblem(REPORT_FILE, 0, f"หัวตารางไม่มีคอลัมน์ {'; '.join(missing)}")], what=WHAT
        )


# --------------------------------------------------------------------------- rows


class _Row:
    """One data row being read: its cells by column, and the problems it shows."""

    def __init__(
        self,
        number: int,
        cells: list[str],
        headings: dict[Column, Heading],
        problems: list[ImportProblem],
    ):
        self.number = number
        self.cells = cells
        self.headings = headings
        self.problems = problems
        self.no: int | None = None

    def get(self, column: Column) -> str:
        heading = self.headings.get(column)
        if heading is None or heading.index >= len(self.cells):
            return ""
        return clean_cell(self.cells[heading.index])

    def problem(self, column: Column | None, message: str) -> None:
        text = self.headings[column].text if column in self.headings else ""
        self.problems.append(ImportProblem(REPORT_FILE, self.number, message, self.no, text))

    def amount(self, column: Column) -> int | None:
        try:
            return parse_baht(self.get(column))
        except AmountError as exc:
            self.problem(column, str(exc))
            return None

    def status(self) -> ProjectStatus | None:
        if Column.awaiting in self.headings:
            marked = []
            for column, status in MARK_COLUMNS.items():
                text = self.get(column).lower()
                if text in MARKS:
                    marked.append((column, status))
                elif text not in UNMARKED:
                    self.problem(
                        column, f"“{self.get(column)}” ไม่ใช่เครื่องหมาย ใส่ ✓ / x หรือ 1 ในช่องเดียว"
                    )
                    return None
            if len(marked) > 1:
                names = ", ".join(self.headings[c].text for c, _ in marked)
                self.problem(None, f"ทำเครื่องหมายสถานะไว้ {len(marked)} ช่อง ({names}) ต้องเลือกช่องเดียว")
                return None
            return marked[0][1] if marked else ProjectStatus.awaiting
        text = self.get(Column.status)
        if not text:
            return ProjectStatus.awaiting
        status = STATUS_TEXTS.get(_key(text))
        if status is None:
            self.problem(Column.status, f"สถานะ “{text}” ไม่อยู่ในรายการ ({STATUS_LIST})")
        return status

    def has_values(self) -> bool:
        """Anything reported on the row beyond its title (a section heading has none)."""
        columns = (Column.budget, Column.disbursed, Column.status, *MARK_COLUMNS)
        return any(self.get(c) not in UNMARKED for c in columns)


def _dimension(text: str) -> tuple[int, str] | None:
    found = DIMENSION.match(thai_digit_to_arabic_digit(text))
    return (int(found.group(1)), found.group(2).strip()) if found else None


def _read_rows(
    grid: list[list[str]], start: int, headings: dict[Column, Heading]
) -> tuple[list[ReportRow], list[ImportProblem]]:
    problems: list[ImportProblem] = []
    rows: list[ReportRow] = []
    section: tuple[int, str] | None = None
    for index in range(start, len(grid)):
        row = _Row(index + 1, grid[index], headings, problems)
        if not any(clean_cell(c) for c in row.cells):
            continue
        no_text, name = row.get(Column.no), row.get(Column.name)
        row.no = parse_int(no_text)
        if row.no is None:
            title = next((clean_cell(c) for c in row.cells if clean_cell(c)), "")
            if TOTAL_ROW.match(title):
                continue
            if title.startswith("มิติ") and not row.has_values():
                section = _dimension(title) or section
                continue
            if not no_text and not row.has_values():
                continue  # a mission's or a group's heading
            if not no_text:
                row.problem(Column.no, "ไม่มีลำดับโครงการ (ลำดับที่ตามแผน)")
                continue
        if row.no is None or row.no < 1:
            row.problem(Column.no, f"ลำดับ “{no_text}” ต้องเป็นเลขจำนวนเต็มบวก")
            continue
        before = len(problems)
        if not name:
            row.problem(Column.name, "ไม่มีชื่อโครงการ")
        dimension = section
        dimension_text = row.get(Column.dimension)
        if dimension_text:
            dimension = _dimension(dimension_text)
            if dimension and section and not dimension[1] and dimension[0] == section[0]:
                dimension = section
            if dimension is None:
                row.problem(Column.dimension, f"มิติ “{dimension_text}” ต้องเป็นเลขมิติ เช่น 1 หรือ มิติที่ 1")
        budget = row.amount(Column.budget)
        disbursed = row.amount(Column.disbursed)
        status = row.status()
        note = row.get(Column.note)
        if status == ProjectStatus.not_done and not note:
            row.problem(Column.note, "สถานะไม่สามารถดำเนินการได้ ต้องระบุเหตุผลในหมายเหตุ")
        if len(problems) > before or status is None:
            continue
        rows.append(
            ReportRow(
                row=row.number,
                no=row.no,
                name=name,
                dimension_no=dimension[0] if dimension else None,
                dimension_name=dimension[1] if dimension else "",
                division=row.get(Column.division),
                budget=budget,
                disbursed=disbursed,
                status=status,
                note=note,
            )
        )
    return rows, problems


def read_report(
    data: bytes, filename: str | None = None, *, required: tuple[Column, ...] = REQUIRED
) -> ReportTable:
    """The report's rows, each read and checked on its own (amounts, status, reason); which
    projects they are is checked against the plan afterwards."""
    if len(data) > MAX_BYTES:
        raise ImportRefused([ImportProblem(REPORT_FILE, 0, "ไฟล์ใหญ่เกิน 2 MB")], what=WHAT)
    if not data.strip():
        raise ImportRefused([ImportProblem(REPORT_FILE, 0, "ไฟล์ว่าง")], what=WHAT)
    kind = file_format(data, filename)
    grids = _xlsx_grid(data) if kind == "xlsx" else iter([_csv_grid(data)])
    for grid in grids:
        found = _find_header(grid)
        if found is None:
            continue
        last_heading, headings = found
        _check_headings(headings, required)
        rows, problems = _read_rows(grid, last_heading + 1, headings)
        if problems:
            raise ImportRefused(problems, what=WHAT)
        if not rows:
            raise ImportRefused(
                [ImportProblem(REPORT_FILE, 0, "ไม่มีรายการโครงการนอกจากหัวตาราง")], what=WHAT
            )
        return ReportTable(kind, headings, tuple(rows))
    raise ImportRefused(
        [
            ImportProblem(
                REPORT_FILE,
                0,
                f"ไม่พบหัวตาราง (คอลัมน์ “ลำดับ” และ “รายการโครงการ”) ใน {HEADER_SEARCH_ROWS} แถวแรก",
            )
        ],
        what=WHAT,
    )
