"""The round's funnel (nominated, assessed, disagreed, certified, notified, receiving each
benefit) through the API and on a page with a chart; who got what by community and benefit;
the flag on repeated requests; and the result pages (letters printed in a batch, one A4 page
each; benefits, sponsors, follow-up)."""

import re
from datetime import date

from sqlmodel import Session

from domain.screening.benefits import assign_round
from domain.screening.fairness import funnel, repeat_flags, who_got_what
from domain.screening.followup import schedule_round
from domain.screening.letters import notify_round
from models.screening_benefits import AwardStatus
from tests.helpers import csrf_of, login, sign_in
from tests.screening.benefits_fixtures import (
    awards,
    certified_round,
    earlier_award,
    fund_everything,
)


def test_the_funnel_counts_every_stage_and_benefit(engine, people):
    big = certified_round(engine, people)
    with Session(engine) as session:
        before = funnel(session, big.id)
    assert before.figure("notified") == 0 and before.figure("benefit:family_aid") == 0
    notify_round(engine, big.id)
    fund_everything(engine, big)
    assign_round(engine, big.id)
    with Session(engine) as session:
        after = funnel(session, big.id)
        who = who_got_what(session, big.id)
    figures = {s.key: s.count for s in after.stages}
    assert figures == {
        "nominated": 30,  # the merged duplicate is not counted twice
        "assessed": 30,
        "reassessed": 30,
        "disagreed": 4,
        "confirmed": 25,
        "not_eligible": 5,
        "certified": 23,
        "excluded": 2,
        "notified": 30,
    }
    got = [a for a in awards(engine, big.id) if a.status == AwardStatus.awarded]
    assert after.figure("benefit:family_aid") == 22
    assert after.figure("benefit:hiv_student_allowance") == 1
    assert sum(s.count for s in after.benefits) == len(got)
    assert sum(r.recipients for r in who) == len(got)
    assert sum(r.amount_satang for r in who) == sum(a.amount_satang for a in got)
    assert len({r.community for r in who}) == 4


def test_a_person_or_household_helped_before_is_flagged(engine, people):
    big = certified_round(engine, people)
    earlier_award(engine, big, days_ago=100, person_of=12)
    earlier_award(engine, big, days_ago=800, person_of=6)  # an earlier round, years ago
    with Session(engine) as session:
        flags = {f.candidate_id: f for f in repeat_flags(session, big.id, reader=None)}
    assert set(flags) == {big.candidates[12], big.candidates[6], big.candidates[0]}
    assert "ภายในหนึ่งปีที่ผ่านมา" in flags[big.candidates[12]].reasons[0]
    assert flags[big.candidates[6]].reasons[0].startswith("เคยได้รับความช่วยเหลือ")
    # candidate 0 shares candidate 6's household
    assert flags[big.candidates[0]].reasons[0].startswith("ครัวเรือนเดียวกัน")


def test_funnel_api_and_pages(client, engine, people):
    big = certified_round(engine, people)
    notify_round(engine, big.id)
    fund_everything(engine, big)
    assign_round(engine, big.id)
    schedule_round(engine, big.id, start_on=date(2026, 12, 4))

    r = client.get(f"/api/screening/rounds/{big.id}/funnel", headers=login(client, "sunee"))
    assert r.status_code == 200
    assert {s["key"]: s["count"] for s in r.json()["stages"]}["certified"] == 23
    outsider = login(client, "chatchai")
    assert client.get(f"/api/screening/rounds/{big.id}/funnel", headers=outsider).status_code == 403
    totals = client.get(
        f"/api/screening/rounds/{big.id}/benefits/totals", headers=login(client, "sunee")
    ).json()
    assert totals["total_satang"] == sum(totals["by_source_satang"].values()) > 0

    sign_in(client, "sunee")
    page = client.get(f"/pages/screening/rounds/{big.id}/fairness")
    assert page.status_code == 200 and "<svg" in page.text
    assert 'data-stage="certified" data-count="23"' in page.text
    assert "ภาพรวมของรอบ" in page.text and "<script" not in page.text
    for path in ("benefits", "followup", "letters"):
        shown = client.get(f"/pages/screening/rounds/{big.id}/{path}")
        assert shown.status_code == 200, path
    assert client.get("/pages/screening/sponsors").status_code == 200

    letters_page = client.get(f"/pages/screening/rounds/{big.id}/letters")
    printed = client.post(
        f"/pages/screening/rounds/{big.id}/letters/print",
        data={"csrf": csrf_of(letters_page.text)},
        follow_redirects=False,
    )
    assert printed.status_code == 303 and "/letters/batches/" in printed.headers["location"]
    batch = client.get(printed.headers["location"])
    assert batch.status_code == 200
    assert len(re.findall(r'<article class="letter">', batch.text)) == 30
    assert "screening-letters.css" in batch.text and "๒๕๖๙" in batch.text  # B.E., Thai digits
    assert "ไม่ผ่านการคัดกรอง" in batch.text and "เรื่อง" in batch.text
    again = client.post(
        f"/pages/screening/rounds/{big.id}/letters/print",
        data={"csrf": csrf_of(letters_page.text)},
        follow_redirects=False,
    )
    assert again.status_code == 409  # every letter is in a batch already
