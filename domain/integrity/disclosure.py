"""Public disclosure (ITA/OIT, seed 004 around line 1682): what the municipality publishes, made
from the live data and each dated: the anti-corruption plan, its 6-month and annual progress
and spending reports (the published consolidated reports of the PDCA rounds), complaint
statistics by month and type with the solved and satisfied shares against their targets, the
satisfaction results, and the corruption-report statistics.

The complaint figures are the monthly reports' own (``domain.complaints.report``), month by
month of the fiscal year: what the executives receive is what the public reads."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from core.db import utcnow
from domain.complaints.report import MonthlyReport, build_monthly_report
from domain.engine.calendar import BANGKOK, fiscal_year_bounds, to_buddhist_year
from models.pdca import Plan
from models.pdca_report import ConsolidatedReport, ConsolidatedStatus
from models.pdca_round import ReportingRound, RoundKind


@dataclass(frozen=True)
class ComplaintYear:
    fiscal_year: int
    months: list[MonthlyReport]
    """The fiscal year's months up to the data date, October first."""
    as_of: datetime

    @property
    def total(self) -> int:
        return sum(m.total for m in self.months)

    @property
    def solved(self) -> tuple[int, int]:
        return (
            sum(m.solved.numerator for m in self.months),
            sum(m.solved.denominator for m in self.months),
        )

    @property
    def satisfied(self) -> tuple[int, int]:
        return (
            sum(m.satisfied.numerator for m in self.months),
            sum(m.satisfied.denominator for m in self.months),
        )

    def by_category(self) -> list[tuple[str, int]]:
        counts: dict[str, int] = {}
        for month in self.months:
            for row in month.by_category:
                counts[row.title] = counts.get(row.title, 0) + row.count
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))

    def ratings(self) -> dict[int, int]:
        found = {score: 0 for score in range(5, 0, -1)}
        for month in self.months:
            for score, count in month.ratings.items():
                found[int(score)] += count
        return found


def percent(numerator: int, denominator: int) -> float | None:
    return round(numerator * 100 / denominator, 1) if denominator else None


def complaint_year(session: Session, fy_be: int, *, now: datetime | None = None) -> ComplaintYear:
    """Every month of fiscal year ``fy_be`` that has begun by ``now``, as its monthly report."""
    now = now or utcnow()
    first, last = fiscal_year_bounds(fy_be)
    today = now.astimezone(BANGKOK).date()
    months = []
    day = first
    while day <= min(last, today):
        months.append(
            build_monthly_report(
                session, year_be=to_buddhist_year(day.year), month=day.month, as_of=now
            )
        )
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return ComplaintYear(fiscal_year=fy_be, months=months, as_of=now)


@dataclass(frozen=True)
class PublishedReport:
    round: ReportingRound
    report: ConsolidatedReport
    plan: Plan

    @property
    def title(self) -> str:
        kind = "รอบ 6 เดือน" if self.round.kind == RoundKind.six_month else "ประจำปี (รอบ 12 เดือน)"
        return f"{kind} ปีงบประมาณ พ.ศ. {self.round.fiscal_year}"


def published_reports(session: Session) -> list[PublishedReport]:
    """The PDCA rounds' published consolidated reports, newest year first."""
    rows = session.exec(
        select(ReportingRound, ConsolidatedReport, Plan)
        .join(ConsolidatedReport, col(ConsolidatedReport.round_id) == ReportingRound.id)
        .join(Plan, col(Plan.id) == ReportingRound.plan_id)
        .where(ConsolidatedReport.status == ConsolidatedStatus.published)
        .order_by(col(ReportingRound.fiscal_year).desc(), col(ReportingRound.kind).desc())
    ).all()
    return [PublishedReport(r, c, p) for r, c, p in rows]
