"""The published statistics of corruption reports (seed 004, project 56: "จัดทำและเผยแพร่ข้อมูล
เชิงสถิติเรื่องร้องเรียนการทุจริต"): counts by fiscal quarter and outcome, so that nobody can be
singled out.

Small counts are suppressed: a cell of 1 to 4 is shown as "<5" (``suppress_below``). A
quarter's total is published too, so a row with a single suppressed cell would let a reader
subtract it back out; there the smallest other non-zero cell is suppressed as well (secondary
suppression). Zero stays 0: it names nobody."""

from dataclasses import dataclass

from sqlmodel import Session, col, select

from domain.engine.calendar import fiscal_quarter, fiscal_year_bounds
from domain.integrity.policy import integrity_policy
from models.integrity import INTEGRITY_OUTCOME_TITLES, IntegrityOutcome, IntegrityReport

OPEN = "open"
COLUMNS: tuple[tuple[str, str], ...] = (
    (OPEN, "อยู่ระหว่างดำเนินการ"),
    *((o.value, INTEGRITY_OUTCOME_TITLES[o]) for o in IntegrityOutcome),
)
SUPPRESSED = "<5"


@dataclass(frozen=True)
class QuarterRow:
    quarter: int
    cells: dict[str, str]
    total: str


@dataclass(frozen=True)
class Statistics:
    fiscal_year: int
    rows: list[QuarterRow]
    total: str


def _shown(count: int, floor: int) -> str:
    return SUPPRESSED if 0 < count < floor else str(count)


def suppress_row(counts: dict[str, int], floor: int) -> tuple[dict[str, str], str]:
    """A row's cells and total as published (primary and secondary suppression)."""
    cells = {key: _shown(n, floor) for key, n in counts.items()}
    total = _shown(sum(counts.values()), floor)
    hidden = [k for k, v in cells.items() if v == SUPPRESSED]
    if len(hidden) == 1 and total != SUPPRESSED:
        others = [(n, k) for k, n in counts.items() if n > 0 and k not in hidden]
        if others:
            cells[min(others)[1]] = SUPPRESSED
    return cells, total


def statistics(session: Session, fy_be: int) -> Statistics:
    floor = integrity_policy().suppress_below
    first, last = fiscal_year_bounds(fy_be)
    reports = session.exec(
        select(IntegrityReport.received_on, IntegrityReport.outcome).where(
            col(IntegrityReport.received_on).between(first, last)
        )
    ).all()
    counts = {q: {key: 0 for key, _ in COLUMNS} for q in (1, 2, 3, 4)}
    for received_on, outcome in reports:
        counts[fiscal_quarter(received_on)][outcome or OPEN] += 1
    rows = []
    for quarter, row in counts.items():
        cells, total = suppress_row(row, floor)
        rows.append(QuarterRow(quarter=quarter, cells=cells, total=total))
    overall = sum(sum(r.values()) for r in counts.values())
    return Statistics(fiscal_year=fy_be, rows=rows, total=_shown(overall, floor))
