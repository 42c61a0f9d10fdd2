"""The administration page (/pages/children/admin): a pupil enrolled from the form (a BE
birth date), a class list uploaded (a broken file refused naming its rows, nothing stored),
a teacher linked by the coordinator only, and the coordinator's hand on a case by its number
(core person changed, case closed early, each with its reason) without reading the case."""

import csv
import io

from sqlmodel import Session, func, select

from domain.children import register_history
from domain.children.protection import teaches_class
from domain.children.register_history import SCHOOL_REGISTER
from domain.engine import audit
from models.children import CaseStatus, ChildCase, Pupil
from models.people import User
from models.screening import Person
from tests.children.children_fixtures import children_roster, children_staff, school_id, screen
from tests.helpers import csrf_of, sign_in

__all__ = ["children_roster", "children_staff"]


def _admin(client, engine) -> tuple[str, int]:
    school = school_id(engine, "S01")
    page = client.get(f"/pages/children/admin/schools/{school}")
    assert page.status_code == 200, page.text
    return page.text, school


def _pupils(engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(Pupil)).one()


def _history(engine, school: int) -> list[tuple[str, str, str]]:
    """The school's register history, oldest first, and that its chain holds."""
    with Session(engine) as session:
        chain = audit.timeline(session, case_type=SCHOOL_REGISTER, case_id=school)
        assert audit.verify(chain).valid
        events = register_history.history(session, school)
    return [(e.who, e.what, e.title) for e in reversed(events)]


def test_the_core_person_enrols_a_pupil_and_a_class_list(client, engine, children_roster):
    sign_in(client, "preecha")
    assert "ทะเบียนนักเรียนและครู" in client.get("/pages/children").text
    html, school = _admin(client, engine)
    assert 'data-testid="enrol-form"' in html and 'data-testid="teacher-form"' not in html
    seeded = len(_history(engine, school))  # the demo's enrolments
    saved = client.post(
        "/pages/children/admin/pupils",
        data={
            "csrf": csrf_of(html),
            "school_id": str(school),
            "year": "2569",
            "prefix": "เด็กหญิง",
            "first_name": "ปัณณวัฒน์",
            "last_name": "ใสสะอาด",
            "birth_date": "05/06/2559",
            "sex": "หญิง",
            "grade": "ป.3",
            "class_name": "ป.3/1",
            "guardian_name": "นายสมบัติ ใสสะอาด",
            "relation": "บิดา",
            "guardian_email": "sombat@example.com",
        },
    )
    assert saved.status_code == 200 and "เพิ่มนักเรียน ปัณณวัฒน์ ใสสะอาด ห้อง ป.3/1 แล้ว" in saved.text
    with Session(engine) as session:
        child = session.exec(select(Person).where(Person.first_name == "ปัณณวัฒน์")).one()
        assert child.birth_date is not None and child.birth_date.year == 2016

    header = ["ชื่อ", "นามสกุล", "ชั้น", "ห้อง", "วันเกิด"]
    good = [["ต้นกล้า", "รักเรียน", "ป.3", "ป.3/1", "01/01/2559"]]
    bad = [*good, ["ใบบัว", "", "ป.3", "ป.3/1", "ไม่ทราบ"]]

    def upload(rows: list[list[str]], csrf: str):
        out = io.StringIO()
        csv.writer(out).writerows([header, *rows])
        return client.post(
            "/pages/children/admin/roster",
            data={"csrf": csrf, "school_id": str(school), "year": "2569"},
            files={"file": ("ห้อง.csv", out.getvalue().encode(), "text/csv")},
        )

    before = _pupils(engine)
    refused = upload(bad, csrf_of(saved.text))
    assert refused.status_code == 422
    assert "แถวที่ 3 คอลัมน์ B (นามสกุล): ไม่มีนามสกุล" in refused.text
    assert "แถวที่ 3 คอลัมน์ E (วันเกิด)" in refused.text
    assert _pupils(engine) == before
    assert len(_history(engine, school)) == seeded + 1  # the refused file left no trace either
    done = upload(good, csrf_of(saved.text))
    assert done.status_code == 200 and "นำเข้ารายชื่อนักเรียน 1 คนแล้ว" in done.text
    assert _pupils(engine) == before + 1
    preecha = children_roster["preecha"].full_name
    assert _history(engine, school)[seeded:] == [
        (preecha, "เพิ่มนักเรียน", "1 คน ห้อง ป.3/1 ปีการศึกษา 2569"),
        (preecha, "นำเข้ารายชื่อนักเรียน", "1 คน จากไฟล์ ห้อง.csv (ป.3/1) ปีการศึกษา 2569"),
    ]
    assert "จากไฟล์ ห้อง.csv (ป.3/1)" in done.text  # shown on the page


def test_only_the_coordinator_links_a_teacher(client, engine, children_roster):
    sign_in(client, "preecha")
    html, school = _admin(client, engine)
    form = {"school_id": str(school), "teacher_username": "kru_wilawan", "class_name": "ป.6/1"}
    refused = client.post("/pages/children/admin/teachers", data=form | {"csrf": csrf_of(html)})
    assert refused.status_code == 403
    sign_in(client, "siriporn")
    html, school = _admin(client, engine)
    assert 'data-testid="teacher-form"' in html
    linked = client.post("/pages/children/admin/teachers", data=form | {"csrf": csrf_of(html)})
    assert linked.status_code == 200 and "(ห้อง ป.6/1) แล้ว" in linked.text
    again = client.post("/pages/children/admin/teachers", data=form | {"csrf": csrf_of(html)})
    assert again.status_code == 200
    wilawan = children_roster["kru_wilawan"]
    linked_by = (children_roster["siriporn"].full_name, "เชื่อมครูกับโรงเรียน")
    assert [event for event in _history(engine, school) if event[1] == linked_by[1]] == [
        (*linked_by, f"{wilawan.full_name} (kru_wilawan) · ห้อง ป.6/1")  # once, not twice
    ]
    with Session(engine) as session:
        teacher = session.get(User, children_roster["kru_wilawan"].id)
        assert teaches_class(session, teacher, school, "ป.6/1")  # type: ignore[arg-type]
        assert not teaches_class(session, teacher, school, "ป.5/1")  # type: ignore[arg-type]


def test_the_coordinator_manages_a_case_by_its_number(client, engine, children_roster):
    screened = screen(engine, children_roster["kru_somsri"], "ธนากร", 20)
    case_id = screened.case.id  # type: ignore[union-attr]
    sign_in(client, "jintana")  # health staff read cases but do not manage them
    page = client.get("/pages/children/admin")
    assert 'data-testid="case-admin"' not in page.text
    refused = client.post(
        "/pages/children/admin/cases",
        data={"csrf": csrf_of(page.text), "case_id": str(case_id), "action": "close-early"}
        | {"reason": "ทดสอบ", "school_id": "0"},
    )
    assert refused.status_code == 403
    sign_in(client, "siriporn")
    html, school = _admin(client, engine)
    assert 'data-testid="case-admin"' in html
    base = {"csrf": csrf_of(html), "school_id": str(school), "case_id": str(case_id)}
    changed = client.post(
        "/pages/children/admin/cases",
        data=base | {"action": "core-person", "core_username": "kru_somsri", "reason": "ลาออก"},
    )
    assert changed.status_code == 200, changed.text
    assert f"กรณีดูแลเด็กเลขที่ {case_id}: เปลี่ยนผู้รับผิดชอบหลักแล้ว" in changed.text
    assert "ธนากร" not in changed.text  # the coordinator does not read the child
    closed = client.post(
        "/pages/children/admin/cases",
        data=base | {"action": "close-early", "reason": "ย้ายไปต่างจังหวัด"},
    )
    assert closed.status_code == 200 and "ปิดกรณีแล้ว (ก่อนครบขั้นตอน)" in closed.text
    with Session(engine) as session:
        case = session.get(ChildCase, case_id)
        assert case.status == CaseStatus.closed  # type: ignore[union-attr]
        assert case.core_person_id == children_roster["kru_somsri"].id  # type: ignore[union-attr]
