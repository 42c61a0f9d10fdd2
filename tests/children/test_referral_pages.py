"""The agency's page: a contact opens the referral with a purpose (logged), acknowledges it
and records its outcome; another agency's contact is refused. The coordinator confirms a
child's referrals on the page of the rules' suggestions, and keeps the agency register."""

from datetime import date

from sqlmodel import Session, select

from domain.children.referrals import confirm
from models.children_referrals import AgencyAgreement, Referral, ReferralStatus
from models.screening import Sex
from tests.children.referral_fixtures import children_roster, children_staff, programme, youth
from tests.helpers import csrf_of, login, sign_in

__all__ = ["children_roster", "children_staff", "programme"]


def test_the_agency_acknowledges_and_records_the_outcome(engine, programme, client):
    person = youth(engine, "แพรว", Sex.female, date(2010, 4, 4))
    [referral] = confirm(
        engine,
        user_id=programme["siriporn"].id,
        person_id=person,
        on=date(2026, 11, 30),
        problems=["no_home"],
        agencies=["baan-luk-rak"],
    )
    sign_in(client, "pee_piak")
    listed = client.get("/pages/children/referrals")
    assert f"สต. {referral.id}" not in listed.text  # another agency's referral is not listed
    refused = client.get(f"/pages/children/referrals/{referral.id}?purpose=ดู")
    assert refused.status_code == 403

    sign_in(client, "lukrak")
    listed = client.get("/pages/children/referrals")
    assert f"สต. {referral.id}" in listed.text and "แพรว" not in listed.text
    ask = client.get(f"/pages/children/referrals/{referral.id}")
    assert "วัตถุประสงค์" in ask.text and "แพรว" not in ask.text
    page = client.get(f"/pages/children/referrals/{referral.id}?purpose=รับการส่งต่อ")
    assert page.status_code == 200 and "แพรว" in page.text and "ตอบรับการส่งต่อ" in page.text
    done = client.post(
        f"/pages/children/referrals/{referral.id}/acknowledge",
        data={"csrf": csrf_of(page.text), "purpose": "รับการส่งต่อ", "received": "yes"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and "purpose=" in done.headers["location"]
    page = client.get(done.headers["location"])
    assert "ตอบรับการส่งต่อแล้ว" in page.text and "บันทึกผลการส่งต่อ" in page.text
    client.post(
        f"/pages/children/referrals/{referral.id}/outcome",
        data={
            "csrf": csrf_of(page.text),
            "purpose": "รับการส่งต่อ",
            "status": "placed",
            "note": "เข้าพักที่บ้านลูกรัก",
        },
    )
    with Session(engine) as session:
        assert session.get(Referral, referral.id).status == ReferralStatus.placed


def test_the_coordinator_confirms_on_the_page(engine, programme, client):
    person = youth(engine, "ทิว", Sex.male, date(2011, 2, 2))
    sign_in(client, "siriporn")
    page = client.get(
        f"/pages/children/referrals/new?person_id={person}&problems=psychological"
        "&referred_on=2026-11-30"
    )
    assert page.status_code == 200 and "อายุ 15 ปี" in page.text
    assert page.text.count("checked") >= 3  # the problem and the two suggested agencies
    refused = client.post(
        "/pages/children/referrals/new",
        data={
            "csrf": csrf_of(page.text),
            "person_id": str(person),
            "referred_on": "2026-11-30",
            "problems": "psychological",
            "agencies": "baan-rao",
        },
    )
    assert refused.status_code == 422 and "ศูนย์บ้านพักเด็กและครอบครัว" in refused.text
    sent = client.post(
        "/pages/children/referrals/new",
        data={
            "csrf": csrf_of(page.text),
            "person_id": str(person),
            "referred_on": "2026-11-30",
            "problems": "psychological",
            "agencies": ["baan-rao", "child-family-shelter"],
        },
        follow_redirects=False,
    )
    assert sent.status_code == 303
    with Session(engine) as session:
        assert len(session.exec(select(Referral)).all()) == 2


def test_the_agency_register(engine, programme, client):
    sign_in(client, "siriporn")
    page = client.get("/pages/children/agencies")
    assert page.status_code == 200
    assert "มูลนิธิช่วยเหลือเด็ก (บ้านลูกรัก)" in page.text and "ศูนย์คุ้มครองคนไร้ที่พึ่ง" in page.text
    client.post(
        "/pages/children/agencies/baan-rao/agreements",
        data={"csrf": csrf_of(page.text), "scope": "ที่พักพิงเยาวชนชาย", "signed_on": "2021-06-01"},
    )
    with Session(engine) as session:
        assert session.exec(select(AgencyAgreement.scope)).all() == ["ที่พักพิงเยาวชนชาย"]
    page = client.get("/pages/children/agencies")
    assert "ที่พักพิงเยาวชนชาย" in page.text and "2564" in page.text  # Buddhist Era


def test_the_acknowledgement_is_a_step_in_the_contacts_inbox(engine, programme, client):
    person = youth(engine, "ฟ้า", Sex.female, date(2010, 4, 4))
    [referral] = confirm(
        engine,
        user_id=programme["siriporn"].id,
        person_id=person,
        on=date(2026, 11, 30),
        problems=["no_home"],
        agencies=["baan-luk-rak"],
    )
    sign_in(client, "lukrak")
    inbox = client.get("/pages/inbox")
    assert f"สต. {referral.id}" in inbox.text
    step = client.get(f"/pages/steps/{referral.step_id}")
    assert step.status_code == 200
    assert "หน่วยงานที่รับ: มูลนิธิช่วยเหลือเด็ก (บ้านลูกรัก)" in step.text
    assert "ฟ้า" not in step.text  # the child's name only on the logged page
    sign_in(client, "mayor")  # the executives read counts, not a child's referral
    assert (
        client.get(
            f"/api/cases/child-referral/{referral.id}/timeline", headers=login(client, "mayor")
        ).status_code
        == 403
    )
