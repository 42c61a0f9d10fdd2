"""The plan's optional files: the risk register and the indicators with their targets, each
checked row by row against the plan's projects (config/pdca/README.md)."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from pythainlp.util import thai_digit_to_arabic_digit

from domain.pdca.import_common import ImportProblem, ImportRefused, clean_cell, parse_int, read_rows
from models.pdca import RiskLevel, TargetOperator

RISKS_FILE = "ทะเบียนความเสี่ยง"
INDICATORS_FILE = "ตัวชี้วัด"
RISK_COLUMNS = ("seq", "process_step", "risk", "level", "controls")
INDICATOR_COLUMNS = ("project_no", "text", "operator", "value", "unit")

RISK_LEVELS = {
    "ต่ำ": RiskLevel.low,
    "ปานกลาง": RiskLevel.medium,
    "สูง": RiskLevel.high,
    "สูงมาก": RiskLevel.very_high,
} | {level.value: level for level in RiskLevel}
OPERATORS = {
    ">=": TargetOperator.at_least,
    "≥": TargetOperator.at_least,
    "ไม่น้อยกว่า": TargetOperator.at_least,
    "ไม่ต่ำกว่า": TargetOperator.at_least,
    "อย่างน้อย": TargetOperator.at_least,
    ">": TargetOperator.more_than,
    "มากกว่า": TargetOperator.more_than,
    "<=": TargetOperator.at_most,
    "≤": TargetOperator.at_most,
    "ไม่เกิน": TargetOperator.at_most,
    "<": TargetOperator.less_than,
    "น้อยกว่า": TargetOperator.less_than,
    "=": TargetOperator.equal,
    "เท่ากับ": TargetOperator.equal,
}
YES = {"ใช่", "เผยแพร่", "yes", "y", "true", "1"}
NO = {"ไม่", "ไม่เผยแพร่", "no", "n", "false", "0", ""}


@dataclass(frozen=True)
class ParsedRisk:
    row: int
    seq: int
    process_step: str
    risk: str
    level: RiskLevel
    controls: tuple[int, ...]
    control_note: str
    published: bool
    source: str


@dataclass(frozen=True)
class ParsedIndicator:
    row: int
    project_no: int
    text: str
    operator: TargetOperator
    value: Decimal
    unit: str
    source: str


# --------------------------------------------------------------------------- risks, indicators


def _project_numbers(text: str) -> list[str]:
    return [part for part in re.split(r"[;,\s]+", thai_digit_to_arabic_digit(text)) if part]


def parse_risks(data: bytes, *, project_nos: Iterable[int]) -> tuple[ParsedRisk, ...]:
    """The risk register: process step, risk, level (ต่ำ / ปานกลาง / สูง / สูงมาก), the plan's
    projects that control it, and whether it is published."""
    file = RISKS_FILE
    table = read_rows(data, file=file, required=RISK_COLUMNS)
    known = set(project_nos)
    problems: list[ImportProblem] = []
    risks: list[ParsedRisk] = []
    seen: dict[int, int] = {}
    for row, cells in table.rows:
        before = len(problems)
        seq = parse_int(cells["seq"])
        if seq is None or seq < 1:
            problems.append(
                ImportProblem(file, row, f"ลำดับ “{cells['seq'].strip()}” ต้องเป็นเลขจำนวนเต็มบวก")
            )
        elif seq in seen:
            problems.append(ImportProblem(file, row, f"ลำดับ {seq} ซ้ำกับแถวที่ {seen[seq]}"))
        else:
            seen[seq] = row
        step, risk = clean_cell(cells["process_step"]), clean_cell(cells["risk"])
        if not step:
            problems.append(ImportProblem(file, row, "ไม่มีขั้นตอนการดำเนินงาน"))
        if not risk:
            problems.append(ImportProblem(file, row, "ไม่มีประเด็นความเสี่ยง"))
        level = RISK_LEVELS.get(clean_cell(cells["level"]).lower())
        if level is None:
            problems.append(
                ImportProblem(
                    file,
                    row,
                    f"ระดับความเสี่ยง “{clean_cell(cells['level'])}” ต้องเป็น ต่ำ ปานกลาง สูง หรือ สูงมาก",
                )
            )
        controls: list[int] = []
        for part in _project_numbers(cells["controls"]):
            number = parse_int(part)
            if number is None or number not in known:
                problems.append(ImportProblem(file, row, f"ไม่มีโครงการลำดับที่ {part} ในแผน"))
            elif number not in controls:
                controls.append(number)
        published = clean_cell(cells.get("published")).lower()
        if published not in YES | NO:
            problems.append(ImportProblem(file, row, f"เผยแพร่ “{published}” ต้องเป็น ใช่ หรือ ไม่"))
        if len(problems) > before or seq is None or level is None:
            continue
        risks.append(
            ParsedRisk(
                row=row,
                seq=seq,
                process_step=step,
                risk=risk,
                level=level,
                controls=tuple(controls),
                control_note=clean_cell(cells.get("control_note")),
                published=published in YES,
                source=clean_cell(cells.get("source"))[:300],
            )
        )
    if problems:
        raise ImportRefused(problems)
    return tuple(sorted(risks, key=lambda r: r.seq))


def parse_indicators(data: bytes, *, project_nos: Iterable[int]) -> tuple[ParsedIndicator, ...]:
    """Indicators with their targets: project, text, operator (>=, ไม่น้อยกว่า, …), value, unit."""
    file = INDICATORS_FILE
    table = read_rows(data, file=file, required=INDICATOR_COLUMNS)
    known = set(project_nos)
    problems: list[ImportProblem] = []
    found: list[ParsedIndicator] = []
    for row, cells in table.rows:
        before = len(problems)
        no = parse_int(cells["project_no"])
        if no is None or no not in known:
            problems.append(
                ImportProblem(file, row, f"ไม่มีโครงการลำดับที่ {cells['project_no'].strip()} ในแผน")
            )
        text = clean_cell(cells["text"])
        if not text:
            problems.append(ImportProblem(file, row, "ไม่มีข้อความตัวชี้วัด", no))
        operator = OPERATORS.get(clean_cell(cells["operator"]))
        if operator is None:
            problems.append(
                ImportProblem(
                    file,
                    row,
                    f"เงื่อนไข “{clean_cell(cells['operator'])}” ต้องเป็น >=, >, <=, < หรือ =",
                    no,
                )
            )
        raw = thai_digit_to_arabic_digit(cells["value"].strip()).replace(",", "")
        value = _target(raw)
        if value is None:
            problems.append(
                ImportProblem(
                    file,
                    row,
                    f"ค่าเป้าหมาย “{cells['value'].strip()}” ต้องเป็นตัวเลข (ทศนิยมไม่เกิน 2 ตำแหน่ง)",
                    no,
                )
            )
        unit = clean_cell(cells["unit"])
        if not unit:
            problems.append(ImportProblem(file, row, "ไม่มีหน่วยของค่าเป้าหมาย", no))
        if len(problems) > before or no is None or operator is None or value is None:
            continue
        found.append(
            ParsedIndicator(
                row=row,
                project_no=no,
                text=text,
                operator=operator,
                value=value,
                unit=unit[:40],
                source=clean_cell(cells.get("source"))[:300],
            )
        )
    if problems:
        raise ImportRefused(problems)
    return tuple(found)


def _target(raw: str) -> Decimal | None:
    """A target value: a finite number with at most two decimals."""
    try:
        value = Decimal(raw)
        if value.is_finite() and value == value.quantize(Decimal("0.01")):
            return value
    except InvalidOperation:
        pass
    return None
