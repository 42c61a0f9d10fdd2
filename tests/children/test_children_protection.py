"""A child's risk label and case are read only by the child's teachers, the health staff and
the case's core person (and whoever a module adds to ``READER_RULES``); a teacher of another
school, an officer with no part in the case and the executives are refused. Every read,
allowed or refused, is in the read log with its purpose. Through the domain, the JSON API and
the pages."""

import pytest
from sqlmodel import Session, col, select

from domain.children import protection
from domain.children.classroom import read_class, this_academic_year
from domain.children.record import read_case
from domain.children.roster import link_teacher
from domain.engine.visibility import can_view
from domain.errors import NotEntitled
from models.children import ChildCase
from models.people import User
from models.readlog import ReadLogEntry
from tests.children.children_fixtures import children_roster, children_staff, school_id, screen
from tests.helpers import login, sign_in

__all__ = ["children_roster", "children_staff"]
PURPOSE = "ติดตามดูแลตามแผน"


def _log(engine, case_id: int) -> list[ReadLogEntry]:
    with Session(engine) as session:
        return list(
            session.exec(
                select(ReadLogEntry)
                .where(
                    ReadLogEntry.record_type == protection.CASE_RECORD,
                    ReadLogEntry.record_id == case_id,
                )
                .order_by(col(ReadLogEntry.id))
            )
        )


@pytest.fixture
def case_id(engine, children_roster) -> int:
    screened = screen(engine, children_roster["kru_somsri"], "ก้องภพ", 18)
    assert screened.case is not None
    return screened.case.id  # type: ignore[return-value]


def test_the_childs_readers_read_and_are_logged(engine, children_roster, case_id):
    for username in ("kru_somsri", "jintana", "preecha"):
        record = read_case(
            engine, user_id=children_roster[username].id, case_id=case_id, purpose=PURPOSE
        )
        assert record.child.first_name == "ก้องภพ" and record.result is not None
    log = _log(engine, case_id)
    assert [(e.user_id, e.allowed, e.purpose) for e in log] == [
        (children_roster[u].id, True, PURPOSE) for u in ("kru_somsri", "jintana", "preecha")
    ]


@pytest.mark.parametrize("username", ["kru_wilawan", "somchai", "mayor", "sompong"])
def test_others_are_refused_and_the_refusal_is_logged(engine, children_roster, case_id, username):
    """A teacher of another school, an officer with no part, the mayor (the workflow is
    sealed), the welfare director."""
    user = children_roster[username]
    with pytest.raises(NotEntitled):
        read_case(engine, user_id=user.id, case_id=case_id, purpose=PURPOSE)
    [entry] = _log(engine, case_id)
    assert entry.user_id == user.id and not entry.allowed
    assert entry.purpose == PURPOSE and "ครูของเด็ก" in entry.reason
    with Session(engine) as session:
        reader = session.get(User, user.id)
        assert not can_view(session, user=reader, case_type="child-care", case_id=case_id)


def test_a_teacher_of_another_class_of_the_same_school_is_refused(engine, children_roster, case_id):
    teacher = children_roster["kru_wilawan"]
    with Session(engine) as session:
        link_teacher(
            session, user_id=teacher.id, school_id=school_id(engine, "S01"), class_name="ป.6/2"
        )
        session.commit()
    with pytest.raises(NotEntitled):
        read_case(engine, user_id=teacher.id, case_id=case_id, purpose=PURPOSE)
    with Session(engine) as session:
        link_teacher(
            session, user_id=teacher.id, school_id=school_id(engine, "S01"), class_name="ป.5/1"
        )
        session.commit()
    assert read_case(engine, user_id=teacher.id, case_id=case_id, purpose=PURPOSE)
    assert [e.allowed for e in _log(engine, case_id)] == [False, True]


def test_a_read_without_purpose_is_refused(engine, children_roster, case_id):
    with pytest.raises(NotEntitled):
        read_case(engine, user_id=children_roster["preecha"].id, case_id=case_id, purpose=" ")
    [entry] = _log(engine, case_id)
    assert not entry.allowed


def test_reader_rules_name_more_readers(engine, children_roster, case_id, monkeypatch):
    monkeypatch.setattr(
        protection, "READER_RULES", ("tests.children.test_children_protection:somchai_reads",)
    )
    assert read_case(
        engine, user_id=children_roster["somchai"].id, case_id=case_id, purpose=PURPOSE
    )
    with pytest.raises(NotEntitled):
        read_case(engine, user_id=children_roster["suda"].id, case_id=case_id, purpose=PURPOSE)


def somchai_reads(_session: Session, user: User, case: ChildCase) -> bool:
    return user.username == "somchai" and case.id is not None


def test_the_class_results_are_the_class_teachers(engine, children_roster, case_id):
    year = this_academic_year()
    s01 = school_id(engine, "S01")
    view = read_class(
        engine,
        user_id=children_roster["kru_somsri"].id,
        school_id=s01,
        class_name="ป.5/1",
        academic_year=year,
        purpose="คัดกรองนักเรียน",
    )
    screened = [row for row in view.rows if row.result is not None]
    assert [row.person.first_name for row in screened] == ["ก้องภพ"]
    assert screened[0].case_id == case_id
    with pytest.raises(NotEntitled):
        read_class(
            engine,
            user_id=children_roster["kru_wilawan"].id,
            school_id=s01,
            class_name="ป.5/1",
            academic_year=year,
            purpose="คัดกรองนักเรียน",
        )
    with Session(engine) as session:
        entries = session.exec(
            select(ReadLogEntry).where(ReadLogEntry.record_type == protection.CLASS_RECORD)
        ).all()
    assert [e.allowed for e in entries] == [True, False]


def test_through_the_api_and_the_pages(client, engine, children_roster, case_id):
    other = login(client, "kru_wilawan")
    r = client.get(f"/api/children/cases/{case_id}", params={"purpose": PURPOSE}, headers=other)
    assert r.status_code == 403
    assert client.get("/api/children/cases", headers=other).json() == []
    mine = login(client, "preecha")
    r = client.get(f"/api/children/cases/{case_id}", params={"purpose": PURPOSE}, headers=mine)
    assert r.status_code == 200 and r.json()["child"]["name"].endswith("บุญเรือง")
    assert [c["id"] for c in client.get("/api/children/cases", headers=mine).json()] == [case_id]

    sign_in(client, "somchai")
    page = client.get(f"/pages/children/cases/{case_id}", params={"purpose": PURPOSE})
    assert page.status_code == 403 and "ก้องภพ" not in page.text
    sign_in(client, "preecha")
    asked = client.get(f"/pages/children/cases/{case_id}")
    assert "วัตถุประสงค์" in asked.text and "ก้องภพ" not in asked.text  # asks why first
    page = client.get(f"/pages/children/cases/{case_id}", params={"purpose": PURPOSE})
    assert page.status_code == 200 and "ก้องภพ" in page.text
    assert [(e.allowed, e.channel) for e in _log(engine, case_id)] == [
        (False, "api"),
        (True, "api"),
        (False, "page"),
        (True, "page"),
    ]
