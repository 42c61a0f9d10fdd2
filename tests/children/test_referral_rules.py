"""The referral rules of seed 001 as configured (config/children/referrals.toml): boys to
บ้านเรา, homeless girls aged 18 or under to บ้านลูกรัก, anyone over 18 to the shelter for the
destitute, psychological care to the children and family shelter; several may hold."""

from datetime import date

import pytest

from domain.children.referral_policy import REFERRALS_FILE, load_policy, referral_policy
from domain.children.referral_rules import ChildFacts, age_on, suggest

ON = date(2026, 11, 30)


def agencies(facts: ChildFacts) -> list[str]:
    return [s.agency_code for s in suggest(referral_policy(), facts, ON)]


def test_age_counts_completed_years_on_the_referral_date() -> None:
    assert age_on(date(2008, 11, 30), ON) == 18
    assert age_on(date(2008, 12, 1), ON) == 17
    assert age_on(date(2007, 12, 1), ON) == 18
    assert age_on(date(2007, 11, 30), ON) == 19
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17  # a leap-day birthday
    with pytest.raises(ValueError):
        age_on(date(2027, 1, 1), ON)


def test_a_boy_goes_to_baan_rao() -> None:
    assert agencies(ChildFacts("male", date(2012, 5, 1))) == ["baan-rao"]


def test_a_homeless_girl_aged_exactly_18_goes_to_baan_luk_rak() -> None:
    facts = ChildFacts("female", date(2008, 11, 30), frozenset({"no_home"}))
    assert agencies(facts) == ["baan-luk-rak"]


def test_a_girl_of_18_with_a_home_is_not_sent_to_baan_luk_rak() -> None:
    assert agencies(ChildFacts("female", date(2008, 11, 30))) == []


def test_a_homeless_girl_a_day_past_18_goes_to_the_shelter_for_the_destitute() -> None:
    facts = ChildFacts("female", date(2007, 11, 30), frozenset({"no_home"}))
    assert agencies(facts) == ["destitute-shelter"]


def test_a_19_year_old_goes_to_the_shelter_for_the_destitute() -> None:
    assert agencies(ChildFacts("male", date(2007, 6, 1))) == ["destitute-shelter"]
    assert agencies(ChildFacts("female", date(2007, 6, 1))) == ["destitute-shelter"]


def test_a_child_needing_psychological_care_gets_two_referrals() -> None:
    facts = ChildFacts("male", date(2011, 1, 15), frozenset({"psychological"}))
    found = suggest(referral_policy(), facts, ON)
    assert [s.agency_code for s in found] == ["baan-rao", "child-family-shelter"]
    assert [s.rule_key for s in found] == ["boys-baan-rao", "psychological-care"]
    girl = ChildFacts("female", date(2010, 3, 3), frozenset({"no_home", "psychological"}))
    assert agencies(girl) == ["baan-luk-rak", "child-family-shelter"]


def test_an_unknown_problem_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown problems"):
        suggest(referral_policy(), ChildFacts("male", date(2012, 1, 1), frozenset({"x"})), ON)


def test_a_rule_naming_an_unknown_agency_fails_at_load(tmp_path) -> None:  # noqa: ANN001
    broken = tmp_path / "referrals.toml"
    text = REFERRALS_FILE.read_text(encoding="utf-8").replace(
        'agency = "baan-rao"', 'agency = "nowhere"', 1
    )
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="boys-baan-rao: unknown agency 'nowhere'"):
        load_policy(broken)


def test_the_register_has_more_than_20_agencies() -> None:
    assert len(referral_policy().agencies) > 20
