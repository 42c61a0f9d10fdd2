"""Committees appointed by order: a new order replaces the earlier one from its effective date
(members in force before and after, the history kept, the engine's committee follows), and a
steering committee order is checked whole (12 members, the mayor chair, the กย. director
secretary) with clear Thai errors."""

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from domain.errors import InvalidInput, NotEntitled
from domain.pdca.orders import (
    STEERING_COMMITTEE,
    MemberIn,
    apply_orders,
    order_in_force,
    order_views,
    record_order,
)
from models.pdca_orders import AppointmentOrder, OrderMember, OrderRole
from models.people import Committee, CommitteeMember, CommitteeRole, User
from ops.demo_pdca_orders import first_order, second_order, seed_demo_orders
from tests.helpers import csrf_of, login, sign_in

BEFORE = date(2023, 2, 6)
EFFECTIVE = date(2023, 2, 7)


def seated(engine: Engine) -> dict[str, str]:
    """The engine committee's voting members now: username -> role."""
    with Session(engine) as session:
        committee = session.exec(
            select(Committee).where(Committee.name == STEERING_COMMITTEE)
        ).one()
        rows = session.exec(
            select(User.username, CommitteeMember.role)
            .join(CommitteeMember, CommitteeMember.user_id == User.id)  # type: ignore[arg-type]
            .where(CommitteeMember.committee_id == committee.id)
        ).all()
        return {username: role for username, role in rows}


def test_an_order_replaces_the_earlier_one_from_its_date(
    engine: Engine, people: dict[str, User]
) -> None:
    clerk = people["somchai"].id
    assert clerk is not None
    first = record_order(engine, user_id=clerk, data=first_order(), today=BEFORE)
    # Recorded ahead of its date: the replacing order waits; the first one still sits.
    record_order(engine, user_id=clerk, data=second_order(first.id), today=BEFORE)  # type: ignore[arg-type]
    before = seated(engine)
    assert len(before) == 8  # the four named without an account do not vote in the system
    assert before["mayor"] == CommitteeRole.chair and before["malee"] == CommitteeRole.secretary
    assert "pornthip" not in before

    assert apply_orders(engine, today=BEFORE) == []
    assert apply_orders(engine, today=EFFECTIVE) == ["2566/2566"]
    assert apply_orders(engine, today=EFFECTIVE) == []  # the daily sweep repeats harmlessly
    after = seated(engine)
    assert after["pornthip"] == CommitteeRole.member and len(after) == 9

    with Session(engine) as session:
        committee = session.exec(
            select(Committee).where(Committee.name == STEERING_COMMITTEE)
        ).one()
        assert committee.quorum == 6
        assert committee.order_ref is not None and "2566/2566" in committee.order_ref
        assert order_in_force(session, committee.id, BEFORE).number == "1124/2565"  # type: ignore[arg-type, union-attr]
        assert order_in_force(session, committee.id, EFFECTIVE).number == "2566/2566"  # type: ignore[arg-type, union-attr]
        views = {v.order.number: v for v in order_views(session, EFFECTIVE)}
        assert views["1124/2565"].replaced_by.number == "2566/2566"  # type: ignore[union-attr]
        assert not views["1124/2565"].in_force and views["2566/2566"].in_force
        # The history keeps the first order's members, the named former director among them.
        names = [m.name for m in views["1124/2565"].members]
        assert "นายสมบัติ ช่างคิด" in names and len(names) == 12
        teams = views["2566/2566"].teams
        assert set(teams) >= {"สป.", "กย.", "คลัง", "ตส."}
        assert [m.name for m in teams["ตส."]] == ["นางสาวทิพย์ประภา ทองสี"]


def test_the_demo_orders_are_recorded_once(engine: Engine, people: dict[str, User]) -> None:
    assert seed_demo_orders(engine, today=date(2026, 11, 29)) == 2
    assert seed_demo_orders(engine, today=date(2026, 11, 29)) == 0
    assert "pornthip" in seated(engine)
    with Session(engine) as session:
        assert len(session.exec(select(AppointmentOrder)).all()) == 2
        assert len(session.exec(select(OrderMember)).all()) == 12 + 12 + 12


def broken(message_part: str, engine: Engine, people: dict[str, User], **changes: object) -> None:
    data = first_order().model_copy(update=changes)
    with pytest.raises(InvalidInput) as caught:
        record_order(engine, user_id=people["somchai"].id, data=data, today=BEFORE)  # type: ignore[arg-type]
    assert message_part in caught.value.message, caught.value.message
    with Session(engine) as session:
        assert session.exec(select(AppointmentOrder)).first() is None  # nothing half-stored


def test_a_steering_order_is_checked_whole(engine: Engine, people: dict[str, User]) -> None:
    members = first_order().members
    broken("ต้องมี 12 คน (คำสั่งนี้มี 11 คน)", engine, people, members=members[:11])
    not_mayor = [MemberIn(username="anan", role=OrderRole.chair), *members[1:]]
    broken("ประธานกรรมการ (ลำดับที่ 1) ต้องเป็นนายกเทศมนตรี", engine, people, members=not_mayor)
    wrong_secretary = [*members[:11], MemberIn(username="ratana", role=OrderRole.secretary)]
    broken(
        "กรรมการและเลขานุการ (ลำดับที่ 12) ต้องเป็นผู้อำนวยการกองยุทธศาสตร์และงบประมาณ",
        engine,
        people,
        members=wrong_secretary,
    )
    twice = [*members[:2], MemberIn(username="anan"), *members[3:]]
    broken("ลำดับที่ 3: ซ้ำกับลำดับที่ 2", engine, people, members=twice)
    unknown = [*members[:3], MemberIn(username="nobody"), *members[4:]]
    broken("ลำดับที่ 4: ไม่พบผู้ใช้ nobody", engine, people, members=unknown)
    nameless = [*members[:3], MemberIn(name="นายไม่มีตำแหน่ง"), *members[4:]]
    broken("ลำดับที่ 4: กรุณาระบุตำแหน่ง", engine, people, members=nameless)
    broken("น้อยกว่าองค์ประชุม 10 คน", engine, people, quorum=10)
    broken("วันที่มีผลต้องไม่ก่อนวันที่สั่ง", engine, people, effective_from=date(2022, 5, 1))


def test_a_replacing_order_names_the_latest_and_takes_effect_later(
    engine: Engine, people: dict[str, User]
) -> None:
    clerk = people["somchai"].id
    first = record_order(engine, user_id=clerk, data=first_order(), today=BEFORE)  # type: ignore[arg-type]
    again = first_order().model_copy(update={"number": "9/2566"})
    with pytest.raises(InvalidInput, match="มีคำสั่งแต่งตั้งอยู่แล้ว"):
        record_order(engine, user_id=clerk, data=again, today=BEFORE)  # type: ignore[arg-type]
    same_day = second_order(first.id).model_copy(update={"signed_on": first.effective_from})  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="ต้องมีผลหลังวันที่คำสั่งเดิมมีผล"):
        record_order(engine, user_id=clerk, data=same_day, today=BEFORE)  # type: ignore[arg-type]
    record_order(engine, user_id=clerk, data=second_order(first.id), today=BEFORE)  # type: ignore[arg-type]
    stale = second_order(first.id).model_copy(  # type: ignore[arg-type]
        update={"number": "10/2567", "signed_on": date(2024, 1, 5)}
    )
    with pytest.raises(InvalidInput, match="ถูกแทนที่ด้วยคำสั่งที่ 2566/2566 แล้ว"):
        record_order(engine, user_id=clerk, data=stale, today=BEFORE)  # type: ignore[arg-type]


def test_only_strategy_officers_record_orders(engine: Engine, people: dict[str, User]) -> None:
    with pytest.raises(NotEntitled):
        record_order(engine, user_id=people["nipa"].id, data=first_order(), today=BEFORE)  # type: ignore[arg-type]


def test_the_orders_page_and_api(pdca_client: TestClient, engine: Engine) -> None:
    seed_demo_orders(engine, today=date(2026, 11, 29))
    sign_in(pdca_client, "somchai")
    page = pdca_client.get("/pages/pdca/orders")
    assert page.status_code == 200
    html = page.text
    assert "คำสั่งที่มีผลใช้บังคับ" in html and "2566/2566" in html
    assert "ถูกยกเลิกโดยคำสั่งที่ 2566/2566" in html  # the history keeps the first order
    assert "นางสาวทิพย์ประภา ทองสี" in html  # an operating team member named without account

    # A replacing order typed on the page: a broken line is named, nothing stored.
    with Session(engine) as session:
        current = session.exec(
            select(AppointmentOrder).where(AppointmentOrder.number == "2566/2566")
        ).one()
    form = pdca_client.get(f"/pages/pdca/orders?replaces={current.id}")
    assert "@mayor | นายกเทศมนตรีนครขอนแก่น | ประธาน" in form.text
    data = {
        "csrf": csrf_of(form.text),
        "number": "100/2568",
        "subject": "แต่งตั้งคณะกรรมการ (ปรับปรุง)",
        "signed_on": "1 ต.ค. 2567",
        "replaces_id": str(current.id),
        "members": "@mayor | นายกเทศมนตรี | ประธานใหญ่",
    }
    refused = pdca_client.post("/pages/pdca/orders", data=data)
    assert refused.status_code == 422
    assert "บรรทัดที่ 1: ไม่รู้จักบทบาท" in refused.text
    lines = form.text.split('name="members" rows="14" required>')[1].split("</textarea>")[0]
    data["members"] = lines.replace("&#34;", '"').replace("&amp;", "&")
    done = pdca_client.post("/pages/pdca/orders", data=data, follow_redirects=False)
    assert done.status_code == 303, done.text

    headers = login(pdca_client, "nipa")
    listed = pdca_client.get("/api/pdca/orders", headers=headers).json()
    assert [o["number"] for o in listed][:2] == ["100/2568", "2566/2566"]
    assert listed[0]["in_force"] and listed[1]["replaced_by_id"] == listed[0]["id"]
    assert listed[0]["effective_from"] == "2024-10-01"
    refused_api = pdca_client.post(
        "/api/pdca/orders",
        headers=headers,
        json={"number": "1/2569", "subject": "x", "signed_on": "2025-10-01", "members": []},
    )
    assert refused_api.status_code == 422
