"""A class list imported from CSV or XLSX: every pupil enrolled with a parent to reach, found
by Thai ID or name (imported twice, nobody twice); a file with broken rows refused naming
each row, column and problem in Thai, nothing stored; only those who may enrol the class."""

import csv
import io
from datetime import date

import pytest
from openpyxl import Workbook
from sqlmodel import Session, func, select

from domain.children.roster_import import import_roster
from domain.errors import InvalidInput, NotEntitled
from domain.screening.ids import with_check_digit
from models.children import Guardian, NoticeChannel, Pupil
from models.screening import Person, Sex
from tests.children.children_fixtures import children_roster, children_staff, school_id

__all__ = ["children_roster", "children_staff"]
HEADER = [
    "เลขประจำตัวประชาชน",
    "คำนำหน้า",
    "ชื่อ",
    "นามสกุล",
    "วันเกิด",
    "เพศ",
    "ชั้น",
    "ห้อง",
    "ชื่อผู้ปกครอง",
    "ความสัมพันธ์",
    "โทรศัพท์ผู้ปกครอง",
    "อีเมลผู้ปกครอง",
    "LINE ผู้ปกครอง",
]
GOOD_ID = with_check_digit("110370012345")
ROWS = [
    [
        GOOD_ID,
        "เด็กชาย",
        "กิตติ",
        "ใจงาม",
        "15/03/2558",
        "ชาย",
        "ป.4",
        "ป.4/2",
        "นางสมศรี ใจงาม",
        "มารดา",
        "0812345678",
        "",
        "Usomsri",
    ],
    [
        "",
        "เด็กหญิง",
        "ขวัญใจ",
        "มีสุข",
        "02/11/2558",
        "หญิง",
        "ป.4",
        "ป.4/2",
        "นายมานพ มีสุข",
        "บิดา",
        "",
        "manop@example.com",
        "",
    ],
]


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *rows])
    return out.getvalue().encode("utf-8-sig")


def _xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in [HEADER, *rows]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _count(engine, model) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_a_class_list_is_enrolled_with_the_parents(engine, children_roster):
    core = children_roster["preecha"]  # the school's core person
    school = school_id(engine, "S01")
    persons = _count(engine, Person)
    for attempt in range(2):  # imported again: nobody twice
        count = import_roster(
            engine,
            user_id=core.id,  # type: ignore[arg-type]
            data=_xlsx(ROWS) if attempt else _csv(ROWS),
            filename="ห้อง4-2.xlsx" if attempt else "ห้อง4-2.csv",
            school_id=school,
            year=2569,
        )
        assert count == 2
        assert _count(engine, Person) == persons + 4
    with Session(engine) as session:
        kitti = session.exec(select(Person).where(Person.first_name == "กิตติ")).one()
        assert kitti.thai_id == GOOD_ID and kitti.birth_date == date(2015, 3, 15)
        assert kitti.sex == Sex.male
        pupil = session.exec(select(Pupil).where(Pupil.person_id == kitti.id)).one()
        assert (pupil.school_id, pupil.grade, pupil.class_name, pupil.academic_year) == (
            school,
            "ป.4",
            "ป.4/2",
            2569,
        )
        guardian = session.exec(select(Guardian).where(Guardian.child_id == kitti.id)).one()
        assert guardian.relation == "มารดา" and guardian.notify_by == NoticeChannel.line
        mother = session.get(Person, guardian.guardian_id)
        assert (mother.prefix, mother.first_name, mother.line_user_id) == ("นาง", "สมศรี", "Usomsri")  # type: ignore[union-attr]
        kwan = session.exec(select(Person).where(Person.first_name == "ขวัญใจ")).one()
        link = session.exec(select(Guardian).where(Guardian.child_id == kwan.id)).one()
        assert link.notify_by == NoticeChannel.email


def test_a_file_with_broken_rows_is_refused_whole(engine, children_roster):
    broken = [
        ROWS[0],
        ["1234567890123", "", "สมชาย", "", "31/02/2558", "ชาย", "ป.4", "ป.4/2", "", "", "", "", ""],
        ["", "", "มานี", "ดีใจ", "32/01/2558", "อื่น", "ป.4", "", "สมหญิง", "มารดา", "", "", ""],
        [GOOD_ID, "", "ซ้ำ", "เลขเดิม", "", "", "ป.4", "ป.4/2", "", "", "", "", ""],
    ]
    persons, pupils = _count(engine, Person), _count(engine, Pupil)
    with pytest.raises(InvalidInput) as refused:
        import_roster(
            engine,
            user_id=children_roster["preecha"].id,  # type: ignore[arg-type]
            data=_csv(broken),
            filename="ห้อง.csv",
            school_id=school_id(engine, "S01"),
            year=2569,
        )
    message = refused.value.message
    assert "ไม่มีการบันทึกข้อมูลใด ๆ" in message
    assert "แถวที่ 3 คอลัมน์ A (เลขประจำตัวประชาชน)" in message
    assert "แถวที่ 3 คอลัมน์ D (นามสกุล): ไม่มีนามสกุล" in message
    assert "แถวที่ 3 คอลัมน์ E (วันเกิด)" in message
    assert "แถวที่ 4 คอลัมน์ E (วันเกิด)" in message  # no 32nd day
    assert "แถวที่ 4 คอลัมน์ F (เพศ): ไม่รู้จักเพศ “อื่น”" in message
    assert "แถวที่ 4 คอลัมน์ H (ห้อง): ไม่มีห้อง" in message
    assert "แถวที่ 4 คอลัมน์ I (ชื่อผู้ปกครอง): ระบุชื่อและนามสกุลผู้ปกครอง" in message
    assert "แถวที่ 5 คอลัมน์ A (เลขประจำตัวประชาชน): เลขประจำตัวประชาชนซ้ำกับแถวที่ 2" in message
    rows = {p.row for p in refused.value.problems}  # type: ignore[attr-defined]
    assert rows == {3, 4, 5}
    assert (_count(engine, Person), _count(engine, Pupil)) == (persons, pupils)


def test_an_unknown_header_and_a_stranger_are_refused(engine, children_roster):
    school = school_id(engine, "S01")
    with pytest.raises(InvalidInput) as bad_header:
        import_roster(
            engine,
            user_id=children_roster["preecha"].id,  # type: ignore[arg-type]
            data=b"\xef\xbb\xbf\xe0\xb8\x8a\xe0\xb8\xb7\xe0\xb9\x88\xe0\xb8\xad,x\n\xe0\xb8\x81,1\n",
            filename="a.csv",
            school_id=school,
            year=2569,
        )
    assert "ไม่รู้จักหัวคอลัมน์ “x”" in bad_header.value.message
    assert "ไม่มีคอลัมน์ นามสกุล, ชั้น, ห้อง" in bad_header.value.message
    pupils = _count(engine, Pupil)
    with pytest.raises(NotEntitled):  # a teacher of another school
        import_roster(
            engine,
            user_id=children_roster["kru_wilawan"].id,  # type: ignore[arg-type]
            data=_csv(ROWS),
            filename="a.csv",
            school_id=school,
            year=2569,
        )
    assert _count(engine, Pupil) == pupils
