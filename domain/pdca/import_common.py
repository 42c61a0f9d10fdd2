"""What every CSV import of the PDCA module shares (the plan's files and the rounds' reports):
reading and decoding the file, cleaning cells and numbers, and refusing a file whole with each
problem named by its row."""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from pythainlp.util import thai_digit_to_arabic_digit

from domain.errors import InvalidInput

MAX_BYTES = 2_000_000
SHOWN_PROBLEMS = 10


# --------------------------------------------------------------------------- problems


@dataclass(frozen=True)
class ImportProblem:
    file: str
    row: int
    """The row as a spreadsheet numbers it (the header is row 1); 0: the file as a whole."""
    message: str
    project_no: int | None = None
    column: str = ""
    """The column's heading as the file shows it (blank: the row as a whole)."""

    def text(self) -> str:
        where = f"ไฟล์{self.file}"
        if self.row:
            where += f" แถวที่ {self.row}"
        if self.column:
            where += f" คอลัมน์ “{self.column}”"
        if self.project_no is not None:
            where += f" (โครงการลำดับที่ {self.project_no})"
        return f"{where}: {self.message}"


class ImportRefused(InvalidInput):
    """The files were refused whole: nothing was stored. ``problems`` names every broken row."""

    def __init__(self, problems: list[ImportProblem], *, what: str = "แผน") -> None:
        shown = "; ".join(p.text() for p in problems[:SHOWN_PROBLEMS])
        more = (
            f" และอีก {len(problems) - SHOWN_PROBLEMS} รายการ"
            if len(problems) > SHOWN_PROBLEMS
            else ""
        )
        super().__init__(
            f"นำเข้า{what}ไม่ได้ ไม่มีการบันทึกข้อมูลใด ๆ — {shown}{more}",
            errors=[
                {
                    "field": p.column or p.file,
                    "file": p.file,
                    "row": p.row,
                    "column": p.column,
                    "project_no": p.project_no,
                    "message": p.message,
                }
                for p in problems
            ],
        )
        self.problems = problems


@dataclass
class _Rows:
    file: str
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


# --------------------------------------------------------------------------- reading CSV


def decode_text(data: bytes, file: str) -> str:
    """UTF-8 (with or without BOM), or TIS-620 as a Thai Windows spreadsheet saves it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp874")
    except UnicodeDecodeError:
        raise ImportRefused(
            [ImportProblem(file, 0, "อ่านไฟล์ไม่ได้ ต้องเป็นไฟล์ CSV แบบ UTF-8 หรือ TIS-620")]
        ) from None


def clean_cell(value: str | None) -> str:
    return " ".join((value or "").split())


def read_rows(data: bytes, *, file: str, required: Iterable[str]) -> _Rows:
    """The file's rows as dicts by column name, each with its row number; a file without the
    required columns, or a row with more cells than the header, is refused."""
    if len(data) > MAX_BYTES:
        raise ImportRefused([ImportProblem(file, 0, "ไฟล์ใหญ่เกิน 2 MB")])
    text = decode_text(data, file)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportRefused([ImportProblem(file, 0, "ไฟล์ว่าง")]) from None
    except csv.Error as exc:
        raise ImportRefused([ImportProblem(file, 1, f"อ่านหัวตารางไม่ได้ ({exc})")]) from None
    columns = [c.strip().lstrip("\ufeff").lower() for c in header]
    missing = [c for c in required if c not in columns]
    if missing:
        raise ImportRefused([ImportProblem(file, 1, f"ไม่มีคอลัมน์ {', '.join(missing)} ในหัวตาราง")])
    found = _Rows(file, columns)
    problems = []
    row = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            row += 1
            problems.append(ImportProblem(file, row, f"รูปแบบ CSV ไม่ถูกต้อง ({exc})"))
            break
        row += 1
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(columns):
            problems.append(
                ImportProblem(file, row, f"มี {len(cells)} ช่อง แต่หัวตารางมี {len(columns)} คอลัมน์")
            )
            continue
        cells += [""] * (len(columns) - len(cells))
        found.rows.append((row, dict(zip(columns, cells, strict=True))))
    if problems:
        raise ImportRefused(problems)
    if not found.rows:
        raise ImportRefused([ImportProblem(file, 0, "ไม่มีข้อมูลนอกจากหัวตาราง")])
    return found


def parse_int(text: str) -> int | None:
    raw = thai_digit_to_arabic_digit(text.strip())
    return int(raw) if raw.isdigit() else None
