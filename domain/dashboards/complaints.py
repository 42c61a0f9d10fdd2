"""Complaints against the targets: month by month of a fiscal year, the ITA statistics' own
figures (``domain.integrity.disclosure.complaint_year``, built from the monthly reports), and by
division over the same months: the monthly reports' per-division counts summed, with the solved
and satisfied shares per division counted by the monthly report's rules (its own report has
them only for the whole municipality)."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from domain.complaints.report import (
    NO_DIVISION,
    OUTSIDE_POWERS,
    SATISFIED_FROM,
    SATISFIED_TARGET,
    SOLVED_TARGET,
    MonthlyReport,
)
from domain.engine.calendar import format_thai_date
from domain.integrity.disclosure import ComplaintYear, complaint_year, percent
from models.complaint import Complaint, ComplaintRating, ComplaintStatus


@dataclass(frozen=True)
class MonthFigures:
    key: str
    label: str
    """Short Buddhist-Era month, e.g. "พ.ย. 2569" (the chart's axis)."""
    title: str
    total: int
    solved: int
    within_powers: int
    solved_percent: float | None
    rated: int
    satisfied: int
    satisfied_percent: float | None


@dataclass
class DivisionFigures:
    code: str | None
    name: str
    registered: int = 0
    resolved: int = 0
    open: int = 0
    overdue: int = 0
    within_powers: int = 0
    rated: int = 0
    satisfied: int = 0

    @property
    def solved_percent(self) -> float | None:
        return percent(self.resolved, self.within_powers)

    @property
    def satisfied_percent(self) -> float | None:
        return percent(self.satisfied, self.rated)


@dataclass(frozen=True)
class ComplaintFigures:
    fiscal_year: int
    solved_target: float
    satisfied_target: float
    total: int
    solved_percent: float | None
    satisfied_percent: float | None
    months: list[MonthFigures]
    divisions: list[DivisionFigures]


def month_label(report: MonthlyReport) -> str:
    """The month short and in Buddhist Era, "พ.ย. 2569": the short date of its first day
    ("1 พ.ย. 2569") without the day."""
    return format_thai_date(report.starts_at, style="short").split(" ", 1)[1]


def _month(report: MonthlyReport) -> MonthFigures:
    return MonthFigures(
        key=report.key,
        label=month_label(report),
        title=report.month_title,
        total=report.total,
        solved=report.solved.numerator,
        within_powers=report.solved.denominator,
        solved_percent=report.solved.percent,
        rated=report.satisfied.denominator,
        satisfied=report.satisfied.numerator,
        satisfied_percent=report.satisfied.percent,
    )


def _divisions(session: Session, year: ComplaintYear) -> list[DivisionFigures]:
    rows: dict[str | None, DivisionFigures] = {}
    for month in year.months:
        for d in month.by_division:
            row = rows.setdefault(d.code, DivisionFigures(code=d.code, name=d.name))
            row.registered += d.registered
            row.resolved += d.resolved
            row.open += d.open
            row.overdue += d.overdue
    if not year.months:
        return []
    _add_shares(session, year, rows)
    return sorted(rows.values(), key=lambda r: (r.code is None, -r.registered, r.code or ""))


def _add_shares(
    session: Session, year: ComplaintYear, rows: dict[str | None, DivisionFigures]
) -> None:
    """Within powers, rated and satisfied per division: the monthly report's rules (outside
    powers left out of the solved share; a complaint's latest rating, 4–5 satisfied)."""
    start, end = year.months[0].starts_at, year.months[-1].ends_at
    found = session.exec(
        select(Complaint.id, Complaint.status, Complaint.division_id).where(
            Complaint.registered_at >= start, Complaint.registered_at < end
        )
    ).all()
    codes = {d.division_id: d.code for m in year.months for d in m.by_division}
    division_of = {cid: codes.get(division_id) for cid, _, division_id in found}
    for cid, status, _ in found:
        if ComplaintStatus(status) not in OUTSIDE_POWERS:
            _row(rows, division_of[cid]).within_powers += 1
    latest: dict[int, tuple[int, int]] = {}
    ids = list(division_of)
    if ids:
        for rating in session.exec(
            select(ComplaintRating).where(col(ComplaintRating.complaint_id).in_(ids))
        ):
            seen = latest.get(rating.complaint_id)
            if seen is None or rating.round > seen[0]:
                latest[rating.complaint_id] = (rating.round, rating.score)
    for cid, (_, score) in latest.items():
        row = _row(rows, division_of[cid])
        row.rated += 1
        row.satisfied += score >= SATISFIED_FROM


def _row(rows: dict[str | None, DivisionFigures], code: str | None) -> DivisionFigures:
    return rows.setdefault(code, DivisionFigures(code=code, name=NO_DIVISION))


def complaint_figures(session: Session, fy_be: int, *, now: datetime) -> ComplaintFigures:
    """Fiscal year ``fy_be`` (Buddhist Era) up to ``now``: the whole year's shares against the
    targets, then month by month and division by division."""
    year = complaint_year(session, fy_be, now=now)
    return ComplaintFigures(
        fiscal_year=fy_be,
        solved_target=SOLVED_TARGET * 100,
        satisfied_target=SATISFIED_TARGET * 100,
        total=year.total,
        solved_percent=percent(*year.solved),
        satisfied_percent=percent(*year.satisfied),
        months=[_month(m) for m in year.months],
        divisions=_divisions(session, year),
    )
