"""Benefits of a certified round (seed 000 step 8: six areas, each benefit with its funding
source): ``assign_round`` applies the catalogue's rules (config/screening/benefits.toml) to
every certified candidate, most complex problems first, within the round's budget per benefit
and source, trying the benefit's sources in order. An award the budget cannot cover waits
(``waiting_budget``); a house repair without a host sponsor waits (``waiting_host``); a later
run (after the budget is raised or a host found) awards them. Repeating a run adds nothing.

A money benefit may only be paid from a source the round has a budget row for; help in kind
is limited by a budget row's units when there is one and unlimited otherwise. Totals are sums
of integer satang and units, exact by construction."""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.db import in_transaction, utcnow
from domain.engine import audit
from domain.engine.calendar import fiscal_year_bounds
from domain.errors import Conflict, InvalidInput, NotFound
from domain.screening.benefits_catalogue import Benefit, Catalogue, catalogue
from domain.screening.benefits_facts import certified_facts
from domain.screening.benefits_rules import (
    CandidateFacts,
    amount_satang,
    award_key,
    eligible,
    units,
)
from domain.screening.rounds import check_coordinator
from domain.screening.states import CASE_TYPE
from models.people import User
from models.screening import ScreeningRound
from models.screening_benefits import (
    AwardStatus,
    BenefitAward,
    FundingSource,
    RoundBudget,
    SponsorPairing,
)

HOST_PURPOSE = "host_repair"


@dataclass
class Remaining:
    """What is left of one (benefit, source) budget; ``units`` None = not limited."""

    satang: int | None
    units: int | None

    def covers(self, money: int, count: int) -> bool:
        if money and (self.satang is None or self.satang < money):
            return False
        return not (count and self.units is not None and self.units < count)

    def take(self, money: int, count: int) -> None:
        if money and self.satang is not None:
            self.satang -= money
        if count and self.units is not None:
            self.units -= count


@dataclass(frozen=True)
class AssignSummary:
    round_id: int
    awarded: int
    waiting_budget: int
    waiting_host: int
    new_awards: int


def _remaining(session: Session, round_id: int, cat: Catalogue) -> dict[tuple[str, str], Remaining]:
    budgets = {
        (b.benefit, FundingSource(b.source).value): b
        for b in session.exec(select(RoundBudget).where(RoundBudget.round_id == round_id))
    }
    left: dict[tuple[str, str], Remaining] = {}
    for benefit in cat.benefit:
        for source in benefit.sources:
            row = budgets.get((benefit.code, source.value))
            if benefit.in_money:
                left[(benefit.code, source.value)] = Remaining(
                    row.amount_satang if row else None, None
                )
            else:
                left[(benefit.code, source.value)] = Remaining(None, row.units if row else None)
    for award in session.exec(
        select(BenefitAward).where(
            BenefitAward.round_id == round_id, BenefitAward.status == AwardStatus.awarded
        )
    ):
        spent = left.get((award.benefit, str(award.source)))
        if spent is not None:
            spent.take(award.amount_satang, award.units)
    return left


def _hosts(session: Session, household_ids: set[int]) -> dict[int, int]:
    """Household -> the sponsor hosting its house repair (the earliest active pairing)."""
    if not household_ids:
        return {}
    rows = session.exec(
        select(SponsorPairing)
        .where(
            col(SponsorPairing.household_id).in_(household_ids),
            SponsorPairing.purpose == HOST_PURPOSE,
            col(SponsorPairing.ended_on).is_(None),
        )
        .order_by(col(SponsorPairing.started_on), col(SponsorPairing.id))
    ).all()
    hosts: dict[int, int] = {}
    for pairing in rows:
        hosts.setdefault(pairing.household_id, pairing.sponsor_id)
    return hosts


def _decide(
    benefit: Benefit,
    facts: CandidateFacts,
    left: dict[tuple[str, str], Remaining],
    hosts: dict[int, int],
) -> tuple[AwardStatus, FundingSource | None, int | None]:
    """(status, source, sponsor) for one award; takes the money from the budget it uses."""
    sponsor = hosts.get(facts.household_id or 0) if benefit.host else None
    if benefit.host and sponsor is None:
        return AwardStatus.waiting_host, None, None
    money, count = amount_satang(benefit, facts), units(benefit)
    for source in benefit.sources:
        remaining = left[(benefit.code, source.value)]
        if remaining.covers(money, count):
            remaining.take(money, count)
            return AwardStatus.awarded, source, sponsor
    return AwardStatus.waiting_budget, None, sponsor


def assign_round_in(session: Session, round_id: int, *, actor: User | None = None) -> AssignSummary:
    screening_round = session.get(ScreeningRound, round_id)
    if screening_round is None:
        raise NotFound("ไม่พบรอบการคัดกรองนี้")
    cat = catalogue()
    facts = sorted(
        certified_facts(session, round_id, reader=None),
        key=lambda f: (f.urgency, f.candidate_id),
    )
    existing = {
        a.award_key: a
        for a in session.exec(select(BenefitAward).where(BenefitAward.round_id == round_id))
    }
    left = _remaining(session, round_id, cat)
    hosts = _hosts(session, {f.household_id for f in facts if f.household_id is not None})
    start, end = fiscal_year_bounds(screening_round.fiscal_year)
    new = granted = 0
    for candidate in facts:
        for benefit in cat.benefit:
            if not eligible(benefit, candidate):
                continue
            key = award_key(round_id, benefit, candidate)
            award = existing.get(key)
            if award is not None and award.status == AwardStatus.awarded:
                continue
            status, source, sponsor = _decide(benefit, candidate, left, hosts)
            if award is None:
                award = BenefitAward(
                    award_key=key,
                    round_id=round_id,
                    candidate_id=candidate.candidate_id,
                    household_id=candidate.household_id,
                    community_id=candidate.community_id,
                    benefit=benefit.code,
                    area=benefit.area,
                    unit=benefit.unit,
                    period_start=start,
                    period_end=end,
                    status=status,
                )
                existing[key] = award
                new += 1
            if status == AwardStatus.awarded:
                award.awarded_at = utcnow()  # when it was granted, not first found eligible
                granted += 1
            award.status = status
            award.source = source
            award.sponsor_id = sponsor
            award.amount_satang = amount_satang(benefit, candidate)
            award.units = units(benefit)
            session.add(award)
    session.flush()
    counts: dict[AwardStatus, int] = defaultdict(int)
    for award in existing.values():
        counts[AwardStatus(award.status)] += 1
    if new or granted:
        audit.record(
            session,
            case_type=CASE_TYPE,
            case_id=round_id,
            action="screening_benefits_assigned",
            actor=actor,
            detail={"new": new, "granted": granted, **{s.value: n for s, n in counts.items()}},
        )
    return AssignSummary(
        round_id=round_id,
        awarded=counts[AwardStatus.awarded],
        waiting_budget=counts[AwardStatus.waiting_budget],
        waiting_host=counts[AwardStatus.waiting_host],
        new_awards=new,
    )


def assign_round(engine: Engine, round_id: int, *, actor_id: int | None = None) -> AssignSummary:
    """Award the certified candidates' benefits in one unit of work; harmless to repeat."""

    def work(session: Session) -> AssignSummary:
        actor = session.get(User, actor_id) if actor_id is not None else None
        return assign_round_in(session, round_id, actor=actor)

    return in_transaction(engine, work)


def set_budget(
    engine: Engine,
    round_id: int,
    *,
    actor_id: int,
    benefit: str,
    source: str,
    amount_satang: int = 0,
    units: int = 0,
) -> RoundBudget:
    """Set the round's budget for one benefit and source; never below what is awarded."""

    def work(session: Session) -> RoundBudget:
        actor = session.get(User, actor_id)
        if actor is None:
            raise NotFound("ไม่พบผู้ใช้")
        check_coordinator(session, actor)
        if session.get(ScreeningRound, round_id) is None:
            raise NotFound("ไม่พบรอบการคัดกรองนี้")
        try:
            item = catalogue().get(benefit)
        except KeyError:
            raise InvalidInput(f"ไม่รู้จักสิทธิประโยชน์ {benefit!r}", field="benefit") from None
        try:
            funding = FundingSource(source)
        except ValueError:
            raise InvalidInput(f"ไม่รู้จักแหล่งเงิน {source!r}", field="source") from None
        if funding not in item.sources:
            raise InvalidInput(f"{item.title} ไม่ใช้{funding.thai}", field="source")
        if amount_satang < 0 or units < 0:
            raise InvalidInput("งบประมาณต้องไม่ติดลบ", field="amount_satang")
        used_money = used_units = 0
        for award in session.exec(
            select(BenefitAward).where(
                BenefitAward.round_id == round_id,
                BenefitAward.benefit == benefit,
                BenefitAward.source == funding,
                BenefitAward.status == AwardStatus.awarded,
            )
        ):
            used_money += award.amount_satang
            used_units += award.units
        if (item.in_money and amount_satang < used_money) or (
            not item.in_money and units < used_units
        ):
            raise Conflict("งบประมาณต่ำกว่าที่จัดสรรให้ผู้รับโอกาสไปแล้ว")
        row = session.exec(
            select(RoundBudget).where(
                RoundBudget.round_id == round_id,
                RoundBudget.benefit == benefit,
                RoundBudget.source == funding,
            )
        ).first() or RoundBudget(round_id=round_id, benefit=benefit, source=funding)
        row.amount_satang = amount_satang if item.in_money else 0
        row.units = units if not item.in_money else 0
        session.add(row)
        session.flush()
        audit.record(
            session,
            case_type=CASE_TYPE,
            case_id=round_id,
            action="screening_budget_set",
            actor=actor,
            detail={
                "benefit": benefit,
                "source": funding.value,
                "satang": row.amount_satang,
                "units": row.units,
            },
        )
        return row

    return in_transaction(engine, work)
