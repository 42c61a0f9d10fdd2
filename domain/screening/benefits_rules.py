"""The catalogue's eligibility and amount rules applied to one certified candidate: pure
functions of ``CandidateFacts`` (benefits_facts.py reads them from the assessments and the
protected person record)."""

from dataclasses import dataclass, field

from domain.screening.benefits_catalogue import AmountRule, Benefit, Per

COMPLEXITY_URGENCY = {"complex": 1, "moderate": 2, "basic": 3}
"""The order of help and of visits: the most complex problems first (config/screening/
programmes.toml complexity_groups); an unknown group comes last."""


@dataclass(frozen=True)
class CandidateFacts:
    candidate_id: int
    person_id: int
    household_id: int | None
    community_id: int | None
    needs: frozenset[str] = field(default_factory=frozenset)
    """Areas where an assessment found a problem."""
    complexity: str = ""
    school_level: str | None = None
    hiv_positive: bool = False
    needs_house_repair: bool = False
    lacks_id_card: bool = False
    requested_satang: int | None = None
    """What a candidate asked for an "up to" benefit (tuition), if the assessment says."""

    @property
    def urgency(self) -> int:
        return COMPLEXITY_URGENCY.get(self.complexity, len(COMPLEXITY_URGENCY) + 1)

    @property
    def is_student(self) -> bool:
        return self.school_level is not None


def eligible(benefit: Benefit, facts: CandidateFacts) -> bool:
    """Whether every condition of the benefit's rule holds (certified candidates only)."""
    rule = benefit.when
    if rule.school_levels and facts.school_level not in rule.school_levels:
        return False
    if rule.needs and not facts.needs.intersection(rule.needs):
        return False
    if rule.hiv_positive_student and not (facts.hiv_positive and facts.is_student):
        return False
    if rule.needs_house_repair and not facts.needs_house_repair:
        return False
    if rule.lacks_id_card and not facts.lacks_id_card:
        return False
    return not (rule.eligible_household and facts.household_id is None)


def amount_satang(benefit: Benefit, facts: CandidateFacts) -> int:
    """Money for one recipient: fixed, a month's amount × months, or what was asked for up to
    the ceiling (the ceiling when nothing was asked). Help in kind: 0."""
    if benefit.amount is AmountRule.in_kind:
        return 0
    if benefit.amount is AmountRule.up_to and facts.requested_satang is not None:
        return min(facts.requested_satang, benefit.max_satang)
    return benefit.max_satang


def units(benefit: Benefit) -> int:
    return benefit.quantity if benefit.amount is AmountRule.in_kind else 0


def award_key(round_id: int, benefit: Benefit, facts: CandidateFacts) -> str:
    """One award per recipient and benefit in a round: a household benefit once a household."""
    if benefit.per is Per.household and facts.household_id is not None:
        return f"{round_id}:{benefit.code}:h{facts.household_id}"
    return f"{round_id}:{benefit.code}:c{facts.candidate_id}"
