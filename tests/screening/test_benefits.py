"""Benefits by the catalogue's rules within the round's budget per benefit and source: totals
per source exact to the satang; family aid once a household; a house repair waits for its host;
a student living with HIV gets 500 THB a month; repeating the assignment adds nothing."""

import pytest
from sqlmodel import Session, col, select

from domain.errors import Conflict, InvalidInput
from domain.screening.benefits import assign_round, set_budget
from domain.screening.benefits_totals import totals
from domain.screening.history import history
from domain.screening.sponsors import SponsorInput, pair, register_sponsor
from models.readlog import ReadLogEntry
from models.screening import Candidate
from models.screening_benefits import AwardStatus, BenefitAward
from tests.screening.benefits_fixtures import HIV_STUDENT, awards, certified_round


def budget(engine, big, benefit, source, baht=0, units=0):
    set_budget(
        engine,
        big.id,
        actor_id=big.users["sunee"].id,
        benefit=benefit,
        source=source,
        amount_satang=baht * 100,
        units=units,
    )


def test_benefits_follow_the_rules_within_budget_and_totals_are_exact(engine, people):
    big = certified_round(engine, people)
    first = assign_round(engine, big.id)
    got = awards(engine, big.id)
    money = [a for a in got if a.unit == "THB"]
    assert money and all(a.status == AwardStatus.waiting_budget for a in money)  # no budget yet
    assert first.waiting_host == 7  # eight houses to repair, two people share one

    budget(engine, big, "family_aid", "municipal_budget", 20_000)
    budget(engine, big, "family_aid", "donations", 30_000)
    budget(engine, big, "scholarship_primary", "donations", 1_000)
    budget(engine, big, "scholarship_secondary", "donations", 4_000)
    budget(engine, big, "scholarship_secondary", "municipal_budget", 10_000)
    budget(engine, big, "hiv_student_allowance", "municipal_budget", 6_000)
    sunee = big.users["sunee"].id
    host = register_sponsor(engine, actor_id=sunee, data=SponsorInput(name="ร้านวัสดุก่อสร้างทดสอบ"))
    with Session(engine) as session:
        household = session.exec(
            select(BenefitAward.household_id)
            .where(BenefitAward.benefit == "house_repair")
            .order_by(col(BenefitAward.id))
        ).first()
    pair(engine, actor_id=sunee, sponsor_id=host.id, household_id=household, purpose="host_repair")

    second = assign_round(engine, big.id)
    again = assign_round(engine, big.id)
    assert again.new_awards == 0 and (again.awarded, again.waiting_host) == (
        second.awarded,
        second.waiting_host,
    )
    got = awards(engine, big.id)
    by = {}
    for a in got:
        by.setdefault(a.benefit, []).append(a)
    family = by["family_aid"]
    assert len(family) == 22 and all(a.status == AwardStatus.awarded for a in family)
    assert len({a.household_id for a in family}) == 22  # the shared household once
    assert sum(a.source == "municipal_budget" for a in family) == 10
    [primary] = by["scholarship_primary"]
    assert (primary.candidate_id, primary.amount_satang, primary.source) == (
        big.candidates[HIV_STUDENT],
        100_000,
        "donations",
    )
    secondary = sorted(by["scholarship_secondary"], key=lambda a: a.candidate_id)
    assert [a.source for a in secondary] == ["donations", "donations", "municipal_budget"]
    [hiv] = by["hiv_student_allowance"]
    assert (hiv.candidate_id, hiv.amount_satang) == (big.candidates[HIV_STUDENT], 600_000)
    repairs = by["house_repair"]
    hosted = [a for a in repairs if a.status == AwardStatus.awarded]
    assert [(a.household_id, a.sponsor_id) for a in hosted] == [(household, host.id)]
    assert sum(a.status == AwardStatus.waiting_host for a in repairs) == 6
    assert [a.candidate_id for a in by["id_card"]] == [big.candidates[1]]

    with Session(engine) as session:
        t = totals(session, big.id)
        hiv_reads = session.exec(
            select(ReadLogEntry).where(ReadLogEntry.scope == "hiv-status")
        ).all()
    # municipal: family 20,000 + M. 2,000 + HIV 6,000; donations: family 24,000 + P. 1,000
    # + M. 4,000: exact to the satang and equal to the awards' own sums
    assert t.by_source_satang == {"municipal_budget": 2_800_000, "donations": 2_900_000}
    assert t.total_satang == 5_700_000
    for source, satang in t.by_source_satang.items():
        assert satang == sum(
            a.amount_satang for a in got if a.status == AwardStatus.awarded and a.source == source
        )
    line = {(x.benefit, x.source.value): x for x in t.lines}
    assert line[("family_aid", "donations")].recipients == 12
    assert line[("scholarship_secondary", "municipal_budget")].amount_satang == 200_000
    assert hiv_reads and all(e.user_id is None for e in hiv_reads)

    # What was awarded shows on the person's record as help in the past year.
    with Session(engine) as session:
        student = session.get(Candidate, big.candidates[HIV_STUDENT])
        past_year = history(session, student.person_id, on=primary.period_start)
    helped = {(h.what, h.amount_satang) for h in past_year.help}
    assert {(h.what, h.amount_satang) for h in past_year.help if h.amount_satang == 100_000}
    assert len(helped) >= 2 and all(h.round_id == big.id for h in past_year.help)


def test_a_budget_below_what_is_awarded_is_refused(engine, people):
    big = certified_round(engine, people)
    budget(engine, big, "family_aid", "municipal_budget", 10_000)
    assign_round(engine, big.id)
    with pytest.raises(Conflict, match="ต่ำกว่า"):
        budget(engine, big, "family_aid", "municipal_budget", 8_000)
    with pytest.raises(InvalidInput, match="ไม่ใช้"):
        budget(engine, big, "hiv_student_allowance", "donations", 8_000)
    with pytest.raises(InvalidInput, match="ไม่รู้จัก"):
        budget(engine, big, "yacht", "donations", 8_000)
