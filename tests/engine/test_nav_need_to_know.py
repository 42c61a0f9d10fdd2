"""The officers' menu is need to know (PDPA: poor households, children, HIV status): a workflow's
link shows only to an officer with business there, and whoever does not see a link gets a
refusal or nothing from its page: the menu and the page agree."""

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from domain.screening import service as screening
from models.people import User
from models.screening import Person
from ops.demo_children_referrals import seed_agency_contacts
from ops.seed import DEMO_PASSWORD, seed_integrity_committee
from ops.seed_screening_teams import seed_screening_teams
from tests.children.children_fixtures import children_staff  # noqa: F401 (a fixture)
from tests.helpers import sign_in
from tests.screening.conftest import community_names, csv_bytes, nomination_row, open_round

MEMOS = "/pages/memos"
COMPLAINTS = "/pages/complaints"
PDCA_PLAN = "/pages/pdca"
PDCA_ROUNDS = "/pages/pdca/rounds"
MODEL_SUBDISTRICTS = "/pages/pdca/model-subdistricts"
SCREENING = "/pages/screening"
INTEGRITY = "/pages/integrity"
CHILDREN = "/pages/children"
REFERRALS = "/pages/children/referrals"
FIGURES = "/pages/children/figures"
READ_LOG = "/pages/screening/read-log"
WORKFLOW_LINKS = {
    MEMOS,
    COMPLAINTS,
    PDCA_PLAN,
    PDCA_ROUNDS,
    MODEL_SUBDISTRICTS,
    SCREENING,
    INTEGRITY,
    CHILDREN,
    REFERRALS,
    FIGURES,
    READ_LOG,
}
EVERY_OFFICER = {MEMOS, COMPLAINTS, PDCA_PLAN, PDCA_ROUNDS}


@pytest.fixture
def staff(
    client: TestClient,
    engine: Engine,
    seeded: dict[str, User],
    children_staff: dict[str, User],  # noqa: F811 (the fixture imported above)
) -> dict[str, User]:
    """The demo people with the teachers and the core person, the channel's officers, the
    screening volunteers and the partner agencies' contacts."""
    with Session(engine, expire_on_commit=False) as session:
        seed_integrity_committee(session, seeded)
        seed_screening_teams(session, DEMO_PASSWORD)
        contacts = seed_agency_contacts(session, DEMO_PASSWORD)
        session.commit()
    return seeded | children_staff | contacts


def menu_of(client: TestClient, username: str) -> set[str]:
    """The workflow links of the menu on ``username``'s inbox page."""
    sign_in(client, username)
    page = client.get("/pages/inbox")
    assert page.status_code == 200
    nav = re.search(r'<nav class="who">(.*?)</nav>', page.text, re.S)
    assert nav, "no menu on the inbox page"
    return set(re.findall(r'href="([^"]+)"', nav.group(1))) & WORKFLOW_LINKS


def test_each_officer_sees_the_workflows_they_have_business_in(client, staff):
    assert menu_of(client, "somchai") == EVERY_OFFICER  # กย.: memos, complaints, PDCA
    assert menu_of(client, "prapai") == EVERY_OFFICER | {INTEGRITY}  # named for the channel
    assert menu_of(client, "ratana") >= {INTEGRITY}  # the other named officer
    assert menu_of(client, "kru_somsri") == EVERY_OFFICER | {CHILDREN}  # a teacher
    assert menu_of(client, "jintana") == EVERY_OFFICER | {CHILDREN}  # health staff (สธ.)
    # สส.: screening's coordinator, the youth programme's coordinator, the model sub-districts.
    assert menu_of(client, "siriporn") == EVERY_OFFICER | {
        SCREENING,
        CHILDREN,
        REFERRALS,
        FIGURES,
        MODEL_SUBDISTRICTS,
    }
    assert menu_of(client, "mayor") == EVERY_OFFICER | {FIGURES}  # no round yet to certify
    assert menu_of(client, "pee_piak") == EVERY_OFFICER | {REFERRALS}  # an agency's contact
    assert menu_of(client, "wilai") == EVERY_OFFICER  # a volunteer: no round to assess yet
    assert menu_of(client, "thanaphon") == EVERY_OFFICER | {READ_LOG}  # the DPO


def test_who_does_not_see_a_link_is_refused_or_gets_nothing_there(client, staff):
    sign_in(client, "somchai")
    assert client.get(INTEGRITY).status_code == 403
    assert client.get(FIGURES).status_code == 403
    care = client.get(CHILDREN)
    assert care.status_code == 200
    assert "ท่านไม่ได้เป็นครูประจำห้องเรียนใด" in care.text and 'data-testid="case-row"' not in care.text
    referrals = client.get(REFERRALS)
    assert referrals.status_code == 200 and "ยังไม่มีการส่งต่อ" in referrals.text
    assert "ยังไม่มีตำบลต้นแบบที่ท่านดูได้" in client.get(MODEL_SUBDISTRICTS).text

    sign_in(client, "kru_somsri")
    assert client.get(INTEGRITY).status_code == 403
    assert client.get(FIGURES).status_code == 403
    sign_in(client, "prapai")
    assert client.get(INTEGRITY).status_code == 200
    refused = client.get(READ_LOG, params={"purpose": "อยากรู้"})
    assert "เฉพาะเจ้าหน้าที่คุ้มครองข้อมูลส่วนบุคคล" in refused.text and "<td>screening" not in refused.text


def test_screening_shows_to_its_people_and_gives_others_no_names(client, engine, staff):
    round_ = open_round(engine, staff["siriporn"])
    row = nomination_row(1, community_names(engine, round_.id)[0])  # type: ignore[arg-type]
    screening.import_file(
        engine,
        user_id=staff["siriporn"].id,  # type: ignore[arg-type]
        round_id=round_.id,  # type: ignore[arg-type]
        data=csv_bytes([row]),
        filename="nominations.csv",
    )
    with Session(engine) as session:
        person_id = session.exec(select(Person.id)).one()

    assert SCREENING in menu_of(client, "siriporn")
    assert SCREENING in menu_of(client, "mayor")  # reads the round (executives: its certifiers)
    assert SCREENING in menu_of(client, "wilai")  # the volunteers' team assesses it
    sign_in(client, "siriporn")
    assert row["first_name"] in client.get(f"/pages/screening/rounds/{round_.id}").text

    for outsider in ("somchai", "kru_somsri", "prapai"):
        assert SCREENING not in menu_of(client, outsider)
        rounds = client.get(SCREENING)
        assert rounds.status_code == 200 and "เปิดรอบการคัดกรองใหม่" not in rounds.text
        page = client.get(f"/pages/screening/rounds/{round_.id}")
        assert page.status_code == 200 and row["first_name"] not in page.text
        assert "เพิ่มรายชื่อ" not in page.text
        record = client.get(f"/pages/screening/persons/{person_id}", params={"purpose": "ตรวจสอบ"})
        assert record.status_code == 403 and row["first_name"] not in record.text
        assert client.get(f"/pages/screening/rounds/{round_.id}/benefits").status_code == 403
