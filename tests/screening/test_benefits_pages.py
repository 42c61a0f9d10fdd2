"""The benefits, sponsors and follow-up pages' forms: a coordinator sets a budget, assigns,
registers a sponsor and pairs them as a house repair's host, books the visits and records one
with a referral; an officer of another division may not."""

from datetime import date

from sqlmodel import Session, select

from domain.screening.followup_partners import seed_partner_agencies
from models.screening_benefits import (
    BenefitAward,
    FollowUpVisit,
    RoundBudget,
    Sponsor,
    SponsorPairing,
    VisitStatus,
)
from tests.helpers import csrf_of, sign_in
from tests.screening.benefits_fixtures import certified_round


def test_a_coordinator_works_the_benefits_and_follow_up_pages(client, engine, people):
    big = certified_round(engine, people)
    with Session(engine) as session:
        seed_partner_agencies(session)
        session.commit()
    sign_in(client, "sunee")
    page = client.get(f"/pages/screening/rounds/{big.id}/benefits")
    csrf = csrf_of(page.text)
    r = client.post(
        f"/pages/screening/rounds/{big.id}/budgets",
        data={
            "csrf": csrf,
            "benefit": "family_aid",
            "source": "municipal_budget",
            "amount_baht": "44,000",
        },
    )
    assert r.status_code == 200 and "บันทึกงบประมาณแล้ว" in r.text
    bad = client.post(
        f"/pages/screening/rounds/{big.id}/budgets",
        data={
            "csrf": csrf,
            "benefit": "family_aid",
            "source": "municipal_budget",
            "amount_baht": "12.345",
        },
    )
    assert bad.status_code == 422 and "สตางค์" in bad.text
    r = client.post(f"/pages/screening/rounds/{big.id}/benefits/assign", data={"csrf": csrf})
    assert r.status_code == 200 and "จัดสิทธิประโยชน์แล้ว" in r.text
    assert 'data-figure="total">44,000 บาท' in r.text

    sponsors = client.get("/pages/screening/sponsors")
    r = client.post(
        "/pages/screening/sponsors",
        data={"csrf": csrf_of(sponsors.text), "name": "นายใจดี มีเมตตา", "kind": "person"},
    )
    assert r.status_code == 200 and "นายใจดี มีเมตตา" in r.text
    with Session(engine) as session:
        sponsor = session.exec(select(Sponsor)).one()
        repair = session.exec(
            select(BenefitAward).where(BenefitAward.benefit == "house_repair")
        ).first()
        assert session.exec(select(RoundBudget)).one().amount_satang == 4_400_000
    r = client.post(
        f"/pages/screening/sponsors/{sponsor.id}/pairings",
        data={"csrf": csrf, "household_id": str(repair.household_id), "purpose": "host_repair"},
    )
    assert r.status_code == 200 and 'id="paired-sponsors">0<' in r.text  # a host, not a pair
    with Session(engine) as session:
        assert session.exec(select(SponsorPairing)).one().purpose == "host_repair"

    followup = client.get(f"/pages/screening/rounds/{big.id}/followup")
    r = client.post(
        f"/pages/screening/rounds/{big.id}/followup/schedule", data={"csrf": csrf_of(followup.text)}
    )
    assert r.status_code == 200 and "นัดเยี่ยมบ้านใหม่" in r.text
    with Session(engine) as session:
        visit = session.exec(select(FollowUpVisit)).first()
    r = client.post(
        f"/pages/screening/visits/{visit.id}",
        data={
            "csrf": csrf,
            "status": "visited",
            "findings": "หลังคารั่ว",
            "needs": "สังกะสี",
            "referral_agency_id": "1",
            "referral_note": "ประสานซ่อมบ้าน",
        },
    )
    assert r.status_code == 200 and "บันทึกผลการเยี่ยมแล้ว" in r.text
    with Session(engine) as session:
        done = session.get(FollowUpVisit, visit.id)
        assert done.status == VisitStatus.visited and done.referral_agency_id == 1
        assert done.scheduled_at.date() >= date(2026, 11, 30)

    sign_in(client, "chatchai")  # the engineering division's officer
    assert client.get(f"/pages/screening/rounds/{big.id}/benefits").status_code == 403
    assert client.get("/pages/screening/sponsors").status_code == 403
