"""The municipality's report table written as the tests need it: XLSX (openpyxl) with a title
and a two-row heading (four status columns under a merged "สถานะการดำเนินงาน"), or CSV with
one status column; the plan's projects from the demo plan file."""

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from sqlalchemy.engine import Engine
from sqlmodel import Session

from domain.pdca.rounds import open_round
from models.pdca import Plan
from models.pdca_round import RoundKind
from models.people import User
from tests.pdca.helpers import PLAN_CSV, approved_plan

STATUS_THAI = {
    "awaiting": "รอรายงาน",
    "in_progress": "อยู่ระหว่างดำเนินการ",
    "completed": "ดำเนินการแล้วเสร็จ",
    "not_done": "ไม่สามารถดำเนินการได้",
}
MARK_ORDER = ("awaiting", "in_progress", "completed", "not_done")


@dataclass(frozen=True)
class Line:
    no: str
    name: str
    dimension: str
    budget: str
    disbursed: str
    status: str
    """A ProjectStatus value, or any text for a status outside the list."""
    note: str = ""
    division: str = ""


def open_12_month_round(engine: Engine, org: dict[str, User]) -> int:
    """The 12-month round of fiscal 2566 of the approved 56-project plan, open."""
    plan = approved_plan(engine, org)
    with Session(engine) as session:
        opened = open_round(
            session,
            plan=session.get(Plan, plan.id),  # type: ignore[arg-type]
            fiscal_year=2566,
            kind=RoundKind.twelve_month,
            actor=session.get(User, org["somchai"].id),
            today=date(2023, 10, 2),
        )
        session.commit()
        return opened.round.id  # type: ignore[return-value]


def plan_projects() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(PLAN_CSV.decode("utf-8"))))


def project_lines(codes: Iterable[str] | None = None, *, year: str = "2566") -> list[Line]:
    """One line per project of the demo plan (of the divisions ``codes``), each completed with
    a tenth of its budget disbursed."""
    wanted = set(codes) if codes is not None else None
    lines = []
    for p in plan_projects():
        if wanted is not None and p["unit"] not in wanted:
            continue
        budget = p[f"budget_{year}"]
        lines.append(
            Line(
                no=p["no"],
                name=p["name"],
                dimension=p["dimension"].split(".")[0],
                budget=budget,
                disbursed="-" if budget == "-" else str(int(budget.replace(",", "")) // 10),
                status="completed",
            )
        )
    return lines


def xlsx_report(lines: Sequence[Line], *, title: str = "รายงานผลการดำเนินงาน") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append([title])
    sheet.append(["ประจำปีงบประมาณ พ.ศ. ๒๕๖๖ รอบ 12 เดือน"])
    sheet.append(
        ["ลำดับที่", "รายการโครงการ", "มิติ", "งบประมาณ (บาท)", "เบิกจ่าย (บาท)"]
        + ["สถานะการดำเนินงาน", None, None, None]
        + ["หมายเหตุ"]
    )
    sheet.append([None] * 5 + [STATUS_THAI[s] for s in MARK_ORDER] + [None])
    for line in lines:
        marks = ["✓" if line.status == s else None for s in MARK_ORDER]
        sheet.append(
            [_number(line.no), line.name, _number(line.dimension)]
            + [_amount(line.budget), _amount(line.disbursed)]
            + marks
            + [line.note or None]
        )
    sheet.append([None, "รวม", None, None, None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _number(text: str) -> int | str:
    return int(text) if text.isdigit() else text


def _amount(text: str) -> float | int | str | None:
    """Plain numbers as a spreadsheet stores them (numbers), anything else as typed."""
    if text in ("", "-"):
        return None
    plain = text.replace(",", "")
    try:
        value = float(plain)
    except ValueError:
        return text
    return int(value) if value.is_integer() else value


def csv_report(
    lines: Sequence[Line],
    *,
    encoding: str = "utf-8-sig",
    with_division: bool = False,
    sections: dict[str, str] | None = None,
) -> bytes:
    """One status column (สถานะ) with the Thai status; ``sections``: dimension number → a
    "มิติที่ …" heading row written above its first project, the มิติ cell then left blank."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["รายงานผลการดำเนินงานตามแผนปฏิบัติการป้องกันการทุจริต"])
    heading = ["ลำดับ", "รายการโครงการ", "มิติ", "งบประมาณ", "เบิกจ่าย", "สถานะ", "หมายเหตุ"]
    writer.writerow(heading + (["หน่วยงาน"] if with_division else []))
    shown: set[str] = set()
    for line in lines:
        dimension = line.dimension
        if sections and line.dimension in sections:
            if line.dimension not in shown:
                writer.writerow([sections[line.dimension]])
                shown.add(line.dimension)
            dimension = ""
        cells = [line.no, line.name, dimension, line.budget, line.disbursed]
        cells += [STATUS_THAI.get(line.status, line.status), line.note]
        writer.writerow(cells + ([line.division] if with_division else []))
    return out.getvalue().encode(encoding)
