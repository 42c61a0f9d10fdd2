"""A round's benefit totals: per benefit and funding source, the recipients, the money (integer
satang) or units awarded, the budget and what is left; per source and in all. Exact: sums of
integers straight from the awards."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import Session, col, select

from domain.screening.benefits_catalogue import catalogue
from domain.screening.history import HelpRecord
from models.screening import Candidate, Person
from models.screening_benefits import AwardStatus, BenefitAward, FundingSource, RoundBudget


@dataclass(frozen=True)
class TotalLine:
    benefit: str
    title: str
    area: str
    source: FundingSource
    recipients: int
    amount_satang: int
    units: int
    unit: str
    budget_satang: int | None
    budget_units: int | None
    waiting: int
    """Eligible but not awarded yet (budget or host), counted on the benefit's first source."""


@dataclass(frozen=True)
class Totals:
    round_id: int
    lines: list[TotalLine]
    by_source_satang: dict[str, int]
    total_satang: int
    recipients: int
    """Distinct candidates receiving at least one benefit."""


def totals(session: Session, round_id: int) -> Totals:
    cat = catalogue()
    awarded = {
        (code, source): (int(n), int(satang or 0), int(units or 0))
        for code, source, n, satang, units in session.exec(
            select(
                BenefitAward.benefit,
                BenefitAward.source,
                func.count(),
                func.sum(BenefitAward.amount_satang),
                func.sum(BenefitAward.units),
            )
            .where(BenefitAward.round_id == round_id, BenefitAward.status == AwardStatus.awarded)
            .group_by(BenefitAward.benefit, BenefitAward.source)
        ).all()
    }
    waiting = dict(
        session.exec(
            select(BenefitAward.benefit, func.count())
            .where(BenefitAward.round_id == round_id, BenefitAward.status != AwardStatus.awarded)
            .group_by(BenefitAward.benefit)
        ).all()
    )
    budgets = {
        (b.benefit, str(b.source)): b
        for b in session.exec(select(RoundBudget).where(RoundBudget.round_id == round_id))
    }
    lines = []
    for benefit in cat.benefit:
        for i, source in enumerate(benefit.sources):
            n, satang, units = awarded.get((benefit.code, source.value), (0, 0, 0))
            budget = budgets.get((benefit.code, source.value))
            lines.append(
                TotalLine(
                    benefit=benefit.code,
                    title=benefit.title,
                    area=benefit.area,
                    source=source,
                    recipients=n,
                    amount_satang=satang,
                    units=units,
                    unit=benefit.unit.value,
                    budget_satang=budget.amount_satang if budget and benefit.in_money else None,
                    budget_units=budget.units if budget and not benefit.in_money else None,
                    waiting=int(waiting.get(benefit.code, 0)) if i == 0 else 0,
                )
            )
    by_source = {s.value: 0 for s in FundingSource}
    for line in lines:
        by_source[line.source.value] += line.amount_satang
    recipients = session.exec(
        select(func.count(func.distinct(BenefitAward.candidate_id))).where(
            BenefitAward.round_id == round_id, BenefitAward.status == AwardStatus.awarded
        )
    ).one()
    return Totals(
        round_id=round_id,
        lines=lines,
        by_source_satang=by_source,
        total_satang=sum(by_source.values()),
        recipients=int(recipients),
    )


def help_given(session: Session, person_id: int, since: date) -> list[HelpRecord]:
    """What a person received since ``since``: awards made to them, or to their household, in
    any round (``domain.screening.history.HELP_SOURCES``: shown on their record and behind the
    repeated-request flag)."""
    person = session.get(Person, person_id)
    if person is None:
        return []
    mine = col(Candidate.person_id) == person_id
    household = (
        col(BenefitAward.household_id) == person.household_id
        if person.household_id is not None
        else sa.false()
    )
    awards = session.exec(
        select(BenefitAward)
        .join(Candidate, col(Candidate.id) == BenefitAward.candidate_id)
        .where(
            sa.or_(mine, household),
            BenefitAward.status == AwardStatus.awarded,
            col(BenefitAward.period_start) >= since,
        )
        .order_by(col(BenefitAward.period_start))
    ).all()
    cat = catalogue()
    return [
        HelpRecord(
            on=a.period_start,
            what=cat.get(a.benefit).title,
            amount_satang=a.amount_satang or None,
            round_id=a.round_id,
        )
        for a in awards
    ]
