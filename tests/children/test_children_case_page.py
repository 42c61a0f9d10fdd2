"""The core person's case page: every timeline entry in Thai (no raw audit code), the way to
the referral form for those who may refer, and the case handed on or closed early with a
reason (audited; the steps go with it or are cancelled)."""

import re

from sqlmodel import Session, select

from domain.children.states import CASE_TYPE
from domain.engine import audit
from models.children import CaseStatus, ChildCase
from models.steps import HumanStep, StepStatus
from tests.children.children_fixtures import children_roster, children_staff, screen
from tests.helpers import csrf_of, login, sign_in

__all__ = ["children_roster", "children_staff"]
PURPOSE = {"purpose": "ติดตามดูแลตามแผน (ผู้รับผิดชอบหลัก)"}


def _timeline(html: str) -> list[str]:
    block = html.split('data-testid="timeline"', 1)[1].split("</ol>", 1)[0]
    return [re.sub(r"<[^>]+>", "", item).strip() for item in block.split("<li>")[1:]]


def _opened_case(engine, children_roster) -> ChildCase:
    screened = screen(engine, children_roster["kru_somsri"], "ธนากร", 20)
    assert screened.case is not None
    return screened.case


def test_the_timeline_is_thai_and_the_referral_link_is_there(client, engine, children_roster):
    case = _opened_case(engine, children_roster)
    sign_in(client, "preecha")
    page = client.get(f"/pages/children/cases/{case.id}", params=PURPOSE)
    assert page.status_code == 200
    entries = _timeline(page.text)
    assert len(entries) >= 2
    for entry in entries:
        assert not re.search(r"[a-z]+_[a-z]+", entry), entry  # no raw audit code
    assert any("ส่งให้พิจารณา" in e and "ตรวจประเมิน" in e for e in entries), entries
    link = f"/pages/children/referrals/new?person_id={case.person_id}&amp;case_id={case.id}"
    assert link in page.text and "ส่งต่อหน่วยงาน" in page.text
    form = client.get(link.replace("&amp;", "&"))
    assert form.status_code == 200, form.text

    sign_in(client, "kru_somsri")  # a teacher reads the case but may not refer
    page = client.get(f"/pages/children/cases/{case.id}", params=PURPOSE)
    assert page.status_code == 200 and "ส่งต่อหน่วยงาน" not in page.text
    assert 'data-testid="manage-case"' not in page.text


def test_the_core_person_hands_the_case_on_with_a_reason(client, engine, children_roster):
    case = _opened_case(engine, children_roster)
    sign_in(client, "jintana")  # the medical step done: the home visit waits on the core person
    page = client.get(f"/pages/children/cases/{case.id}", params=PURPOSE)
    client.post(
        f"/pages/children/cases/{case.id}/medical-assessment",
        data={"csrf": csrf_of(page.text), **PURPOSE, "findings": "ปกติ"},
    )
    sign_in(client, "preecha")
    page = client.get(f"/pages/children/cases/{case.id}", params=PURPOSE)
    assert 'data-testid="manage-case"' in page.text
    url = f"/pages/children/cases/{case.id}/core-person"
    form = {"csrf": csrf_of(page.text), **PURPOSE, "core_username": "kru_wilawan"}
    refused = client.post(url, data=form | {"reason": "  "})
    assert refused.status_code == 422 and "กรุณาระบุเหตุผล" in refused.text
    done = client.post(url, data=form | {"reason": "ย้ายไปดูแลศูนย์อื่น"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].startswith("/pages/children?")
    with Session(engine) as session:
        moved = session.get(ChildCase, case.id)
        new_core = moved.core_person_id  # type: ignore[union-attr]
        assert new_core == children_roster["kru_wilawan"].id
        visit = session.exec(
            select(HumanStep).where(
                HumanStep.case_id == case.id, HumanStep.status == StepStatus.open
            )
        ).one()
        assert visit.assignee_user_id == new_core
        [entry] = [
            e
            for e in audit.timeline(session, case_type=CASE_TYPE, case_id=case.id)  # type: ignore[arg-type]
            if e.action == "child_case_core_person_changed"
        ]
        assert entry.detail["reason"] == "ย้ายไปดูแลศูนย์อื่น"
        assert entry.actor_user_id == children_roster["preecha"].id
    sign_in(client, "kru_wilawan")
    page = client.get(f"/pages/children/cases/{case.id}", params=PURPOSE)
    assert "เปลี่ยนผู้รับผิดชอบหลัก" in page.text and "ย้ายไปดูแลศูนย์อื่น" in page.text


def test_a_case_closed_early_cancels_its_steps(client, engine, children_roster):
    case = _opened_case(engine, children_roster)
    sign_in(client, "kru_somsri")  # a teacher of the class may not close it
    page = client.get(f"/pages/children/cases/{case.id}", params=PURPOSE)
    refused = client.post(
        f"/pages/children/cases/{case.id}/close-early",
        data={"csrf": csrf_of(page.text), **PURPOSE, "reason": "ย้ายโรงเรียน"},
    )
    assert refused.status_code == 403
    sign_in(client, "preecha")
    page = client.get(f"/pages/children/cases/{case.id}", params=PURPOSE)
    closed = client.post(
        f"/pages/children/cases/{case.id}/close-early",
        data={"csrf": csrf_of(page.text), **PURPOSE, "reason": "ย้ายไปศึกษาต่างจังหวัด"},
    )
    assert closed.status_code == 200 and "ปิดกรณีแล้ว (ก่อนครบขั้นตอน)" in closed.text
    assert "ปิดกรณีก่อนครบขั้นตอน · เหตุผล: ย้ายไปศึกษาต่างจังหวัด" in closed.text
    with Session(engine) as session:
        row = session.get(ChildCase, case.id)
        assert row.status == CaseStatus.closed and row.closed_at is not None  # type: ignore[union-attr]
        steps = session.exec(select(HumanStep).where(HumanStep.case_id == case.id)).all()
        assert steps and all(s.status == StepStatus.cancelled for s in steps)
    again = client.post(
        f"/pages/children/cases/{case.id}/close-early",
        data={"csrf": csrf_of(closed.text), **PURPOSE, "reason": "ซ้ำ"},
    )
    assert again.status_code == 409


def test_the_json_routes_hand_on_and_close_a_case(client, engine, children_roster):
    case = _opened_case(engine, children_roster)
    url = f"/api/children/cases/{case.id}"
    teacher = login(client, "kru_somsri")
    refused = client.post(f"{url}/close", json={"reason": "ย้าย"}, headers=teacher)
    assert refused.status_code == 403
    core = login(client, "preecha")
    moved = client.post(
        f"{url}/core-person",
        json={"core_username": "kru_somsri", "reason": "รับผิดชอบแทน"},
        headers=core,
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["core_person_id"] == children_roster["kru_somsri"].id
    closed = client.post(f"{url}/close", json={"reason": "ย้ายโรงเรียน"}, headers=teacher)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
