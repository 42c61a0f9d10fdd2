"""Which agencies a child is referred to (seed 001), by the rules of config/children/
referrals.toml: pure, so each rule can be checked against the seed's own words. Every rule
that holds suggests its agency; a child may get several (a shelter and psychological care)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from domain.children.referral_policy import ReferralPolicy, ReferralRule, Sex
from domain.errors import InvalidInput


def age_on(birth_date: date, on: date) -> int:
    """Completed years on ``on``: a child born 30 Nov 2008 is 18 on 30 Nov 2026, not before."""
    if on < birth_date:
        raise ValueError("วันที่ส่งต่อต้องไม่ก่อนวันเกิด")
    before_birthday = (on.month, on.day) < (birth_date.month, birth_date.day)
    return on.year - birth_date.year - int(before_birthday)


@dataclass(frozen=True)
class ChildFacts:
    """What the rules look at, as known on the referral date."""

    sex: Sex
    birth_date: date
    problems: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Suggestion:
    rule_key: str
    title: str
    agency_code: str


def _holds(rule: ReferralRule, facts: ChildFacts, age: int) -> bool:
    if rule.sex is not None and rule.sex != facts.sex:
        return False
    if rule.min_age is not None and age < rule.min_age:
        return False
    if rule.max_age is not None and age > rule.max_age:
        return False
    return not rule.problems_any or bool(set(rule.problems_any) & facts.problems)


def suggest(policy: ReferralPolicy, facts: ChildFacts, on: date) -> list[Suggestion]:
    """The referrals the rules suggest on ``on``, one per agency, in the file's order."""
    unknown = facts.problems - set(policy.problem_titles)
    if unknown:
        raise ValueError(f"unknown problems: {sorted(unknown)}")
    age = age_on(facts.birth_date, on)
    found: dict[str, Suggestion] = {}
    for rule in policy.rule:
        if rule.agency not in found and _holds(rule, facts, age):
            found[rule.agency] = Suggestion(rule.key, rule.title, rule.agency)
    return list(found.values())


def problem_keys(policy: ReferralPolicy, values: Iterable[str]) -> frozenset[str]:
    """Problem keys from a form, each checked against the policy (Thai error naming it)."""
    keys = frozenset(v.strip() for v in values if v.strip())
    unknown = keys - set(policy.problem_titles)
    if unknown:
        raise InvalidInput(f"ไม่รู้จักปัญหา: {', '.join(sorted(unknown))}", field="problems")
    return keys
