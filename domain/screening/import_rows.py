"""Reading a nominations file, CSV or XLSX, into rows keyed by field with their spreadsheet
row number and column letter, so that every problem can be named where the officer sees it.
The header row names the columns in Thai (or by field key); their order is free."""

import csv
import dataclasses
import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from domain.errors import InvalidInput

COLUMNS: dict[str, tuple[str, ...]] = {
    "thai_id": ("เลขประจำตัวประชาชน", "เลขบัตรประชาชน", "เลขประจำตัว"),
    "prefix": ("คำนำหน้า", "คำนำหน้าชื่อ"),
    "first_name": ("ชื่อ",),
    "last_name": ("นามสกุล",),
    "birth_date": ("วันเกิด", "วันเดือนปีเกิด"),
    "sex": ("เพศ",),
    "house_no": ("บ้านเลขที่",),
    "address": ("ที่อยู่",),
    "community": ("ชุมชน",),
    "members_count": ("จำนวนสมาชิกในครัวเรือน", "จำนวนสมาชิก"),
    "monthly_income": ("รายได้ครัวเรือนต่อเดือน", "รายได้ต่อเดือน"),
    "phone": ("โทรศัพท์", "เบอร์โทรศัพท์"),
    "email": ("อีเมล",),
    "source": ("ผู้เสนอ", "แหล่งที่มา", "ประเภทผู้เสนอ"),
    "nominator_name": ("ชื่อผู้เสนอ",),
    "school": ("โรงเรียน",),
    "note": ("หมายเหตุ",),
}
"""Field -> the Thai headers it is known by (the first is the template's)."""
REQUIRED_COLUMNS = ("first_name", "last_name", "source", "nominator_name")
HEADER_TITLES = {field: names[0] for field, names in COLUMNS.items()}

Cell = str | date | None


@dataclass(frozen=True)
class Row:
    number: int
    """The spreadsheet's row number (the header is row 1)."""
    values: dict[str, Cell]


@dataclass(frozen=True)
class Table:
    columns: dict[str, str]
    """Field -> column letter."""
    rows: list[Row]
    titles: dict[str, str] = dataclasses.field(default_factory=lambda: HEADER_TITLES)
    """Field -> its Thai header (the file's kind: nominations unless told)."""

    def where(self, field: str) -> str:
        """ "คอลัมน์ C (เลขประจำตัวประชาชน)"."""
        return f"คอลัมน์ {self.columns.get(field, '?')} ({self.titles[field]})"


def _cell(value: Any) -> Cell:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a spreadsheet's number: 5 not 5.0, an ID without ".0"
    text = str(value).strip()
    return text or None


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp874")  # Thai Windows (TIS-620) as older Excel saves CSV


def _raw_rows(data: bytes, filename: str) -> list[list[Any]]:
    if filename.lower().endswith(".xlsx"):
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds on a damaged file
            raise InvalidInput(f"เปิดไฟล์ XLSX ไม่ได้: {exc}", field="file") from None
        sheet = workbook.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        workbook.close()
        return rows
    if filename.lower().endswith(".csv"):
        return list(csv.reader(io.StringIO(_decode(data))))
    raise InvalidInput("รับเฉพาะไฟล์ .csv หรือ .xlsx", field="file")


def read_table(
    data: bytes,
    filename: str,
    *,
    known: dict[str, tuple[str, ...]] = COLUMNS,
    required: tuple[str, ...] = REQUIRED_COLUMNS,
) -> Table:
    """The file's rows; a missing or unknown header is refused before any row is read.
    ``known``/``required``: another kind of file's columns (e.g. a class list)."""
    titles = {field: names[0] for field, names in known.items()}
    by_header = {name: field for field, names in known.items() for name in (*names, field)}
    raw = _raw_rows(data, filename)
    if not raw:
        raise InvalidInput("ไฟล์ว่าง ไม่มีหัวตาราง", field="file")
    columns: dict[str, int] = {}
    problems = []
    for index, header in enumerate(raw[0]):
        text = " ".join(str(header or "").split())
        if not text:
            continue
        field = by_header.get(text)
        if field is None:
            problems.append(f"คอลัมน์ {get_column_letter(index + 1)}: ไม่รู้จักหัวคอลัมน์ “{text}”")
        elif field in columns:
            problems.append(f"คอลัมน์ {get_column_letter(index + 1)}: หัวคอลัมน์ “{text}” ซ้ำ")
        else:
            columns[field] = index
    missing = [titles[f] for f in required if f not in columns]
    if missing:
        problems.append(f"ไม่มีคอลัมน์ {', '.join(missing)}")
    if problems:
        raise InvalidInput(
            "หัวตารางแถวที่ 1 ไม่ถูกต้อง: " + "; ".join(problems),
            field="file",
            errors=[{"row": 1, "field": "file", "message": p} for p in problems],
        )
    rows = []
    for number, values in enumerate(raw[1:], start=2):
        cells = {f: _cell(values[i]) if i < len(values) else None for f, i in columns.items()}
        if any(v is not None for v in cells.values()):
            rows.append(Row(number, cells))
    return Table({f: get_column_letter(i + 1) for f, i in columns.items()}, rows, titles)
