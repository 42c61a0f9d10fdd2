"""Confirming referrals (the coordinator or the core person, reasons for changes), the
agency's acknowledgement step assigned to its contacts, recording outcomes, and who may read a
referred child: the receiving agency's contact may, a contact of another agency is refused and
the refusal logged."""

from datetime import date

import pytest
from sqlmodel import Session, col, select

from domain.children.protection import check_case_read
from domain.children.referral_views import read_referral
from domain.children.referrals import confirm, propose, record_outcome
from domain.engine.service import decide_step
from domain.errors import Conflict, InvalidInput, NotEntitled
from models.children_referrals import Referral, ReferralStatus
from models.readlog import ReadLogEntry
from models.screening import Sex
from models.steps import AssigneeKind, HumanStep, StepStatus
from tests.children.referral_fixtures import (
    children_roster,
    children_staff,
    programme,
    screen,
    youth,
)

__all__ = ["children_roster", "children_staff", "programme"]
ON = date(2026, 11, 30)


def test_the_coordinator_confirms_what_the_rules_suggest(engine, programme):
    person = youth(engine, "เอ", Sex.male, date(2011, 1, 15))
    coordinator = programme["siriporn"].id
    proposal = propose(
        engine, user_id=coordinator, person_id=person, on=ON, problems=["psychological"]
    )
    assert proposal.age == 15
    assert [s.agency_code for s in proposal.suggestions] == ["baan-rao", "child-family-shelter"]
    sent = confirm(
        engine,
        user_id=coordinator,
        person_id=person,
        on=ON,
        problems=["psychological"],
        agencies=["baan-rao", "child-family-shelter"],
    )
    assert [r.status for r in sent] == [ReferralStatus.waiting, ReferralStatus.waiting]
    with Session(engine) as session:
        step = session.get(HumanStep, sent[0].step_id)
        assert step.assignee_kind == AssigneeKind.committee and step.status == StepStatus.open
        assert "เอ" not in step.title  # the step names the referral by number only
    # the same confirmation again the same day sends nothing new
    again = confirm(
        engine,
        user_id=coordinator,
        person_id=person,
        on=ON,
        problems=["psychological"],
        agencies=["baan-rao", "child-family-shelter"],
    )
    assert again == []


def test_removing_or_adding_an_agency_needs_a_reason(engine, programme):
    person = youth(engine, "บี", Sex.male, date(2011, 1, 15))
    coordinator = programme["siriporn"].id
    with pytest.raises(InvalidInput, match="ศูนย์บ้านพักเด็กและครอบครัว"):
        confirm(
            engine,
            user_id=coordinator,
            person_id=person,
            on=ON,
            problems=["psychological"],
            agencies=["baan-rao"],
        )
    with pytest.raises(InvalidInput, match="กศน"):
        confirm(
            engine,
            user_id=coordinator,
            person_id=person,
            on=ON,
            problems=[],
            agencies=["baan-rao", "nfe-mueang"],
        )
    with Session(engine) as session:
        assert session.exec(select(Referral)).first() is None  # nothing half-stored
    sent = confirm(
        engine,
        user_id=coordinator,
        person_id=person,
        on=ON,
        problems=["psychological"],
        agencies=["baan-rao", "nfe-mueang"],
        reasons={"child-family-shelter": "รับการบำบัดที่โรงพยาบาลอยู่แล้ว", "nfe-mueang": "ออกจากโรงเรียน"},
    )
    assert [r.rule_key for r in sent] == ["boys-baan-rao", None]
    with Session(engine) as session:
        dropped = session.exec(
            select(Referral).where(Referral.status == ReferralStatus.dropped)
        ).one()
        assert dropped.reason == "รับการบำบัดที่โรงพยาบาลอยู่แล้ว" and dropped.step_id is None


def test_only_coordinators_and_the_core_person_refer(engine, programme):
    person = youth(engine, "ซี", Sex.female, date(2012, 2, 2))
    with pytest.raises(NotEntitled):
        confirm(
            engine,
            user_id=programme["kru_somsri"].id,
            person_id=person,
            on=ON,
            problems=[],
            agencies=["baan-rao"],
            reasons={"baan-rao": "x"},
        )


def test_an_agency_without_contacts_cannot_receive(engine, programme):
    person = youth(engine, "ดี", Sex.male, date(2012, 2, 2))
    with pytest.raises(InvalidInput, match="ยังไม่มีผู้ประสานงาน"):
        confirm(
            engine,
            user_id=programme["siriporn"].id,
            person_id=person,
            on=ON,
            problems=[],
            agencies=["baan-rao", "police"],
            reasons={"police": "มีคดีความ"},
        )


def test_acknowledgement_and_outcome(engine, programme):
    person = youth(engine, "อี", Sex.female, date(2009, 5, 5))
    [referral] = confirm(
        engine,
        user_id=programme["siriporn"].id,
        person_id=person,
        on=ON,
        problems=["no_home"],
        agencies=["baan-luk-rak"],
    )
    contact = programme["lukrak"]
    with pytest.raises(Conflict, match="ตอบรับ"):
        record_outcome(
            engine,
            user_id=contact.id,
            referral_id=referral.id,
            status=ReferralStatus.placed,
            note="",
        )
    with pytest.raises(NotEntitled):  # another agency's contact is not on the step
        decide_step(
            engine,
            step_id=referral.step_id,
            user_id=programme["pee_piak"].id,
            data={"outcome": "receive"},
        )
    with pytest.raises(Exception, match="เหตุผล"):
        decide_step(
            engine,
            step_id=referral.step_id,
            user_id=contact.id,
            data={"outcome": "decline", "comment": ""},
        )
    decide_step(engine, step_id=referral.step_id, user_id=contact.id, data={"outcome": "receive"})
    placed = record_outcome(
        engine,
        user_id=contact.id,
        referral_id=referral.id,
        status=ReferralStatus.placed,
        note="รับเข้าพักแล้ว",
    )
    assert placed.status == ReferralStatus.placed
    with pytest.raises(InvalidInput, match="เหตุผล"):
        record_outcome(
            engine,
            user_id=contact.id,
            referral_id=referral.id,
            status=ReferralStatus.declined,
            note="",
        )
    closed = record_outcome(
        engine,
        user_id=contact.id,
        referral_id=referral.id,
        status=ReferralStatus.closed,
        note="กลับบ้านแล้ว",
    )
    assert closed.status == ReferralStatus.closed


def test_a_contact_of_another_agency_cannot_read_the_child(engine, programme):
    users = programme
    screened = screen(engine, users["kru_somsri"], "ก้องภพ", 13)
    case = screened.case
    [referral] = confirm(
        engine,
        user_id=users["preecha"].id,
        person_id=case.person_id,
        on=date.today(),
        problems=[],
        agencies=["baan-rao"],
        case_id=case.id,
    )
    # the receiving agency's contact reads the case and the referral (logged)
    assert (
        check_case_read(
            engine, user_id=users["pee_piak"].id, case_id=case.id, purpose="รับการส่งต่อ"
        ).id
        == case.id
    )
    view = read_referral(
        engine, user_id=users["pee_piak"].id, referral_id=referral.id, purpose="รับการส่งต่อ"
    )
    assert view.child_name.endswith("ก้องภพ บุญเรือง")
    # a contact of another agency is refused both, and each refusal is logged
    other = users["thanyarak"]
    with pytest.raises(NotEntitled):
        check_case_read(engine, user_id=other.id, case_id=case.id, purpose="อยากรู้")
    with pytest.raises(NotEntitled):
        read_referral(engine, user_id=other.id, referral_id=referral.id, purpose="อยากรู้")
    with Session(engine) as session:
        log = session.exec(
            select(ReadLogEntry)
            .where(ReadLogEntry.user_id == other.id)
            .order_by(col(ReadLogEntry.id))
        ).all()
        assert [(e.record_type, e.allowed) for e in log] == [
            ("child-case", False),
            ("child-referral", False),
        ]
        allowed = session.exec(
            select(ReadLogEntry).where(ReadLogEntry.user_id == users["pee_piak"].id)
        ).all()
        assert {(e.record_type, e.allowed) for e in allowed} == {
            ("child-case", True),
            ("child-referral", True),
        }
