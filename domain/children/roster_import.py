"""A class list imported from CSV or XLSX (the screening's reader, ``read_table``, with the
class list's columns): each row a pupil, with a parent to reach. Every row is checked first; a
file with any broken row is refused naming each (row, column, Thai message) and nothing is
stored; otherwise every pupil is enrolled in one transaction (``roster.enrol``: found by Thai
ID, or by name and birth date among the school's pupils, never entered twice)."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session

from domain.children import register_history, roster
from domain.children.admin_access import require_enrol
from domain.children.service import as_user
from domain.screening import ids
from domain.screening.import_nominations import SEXES, ImportRefused, Problem, parse_date_cell
from domain.screening.import_rows import Row, Table, read_table
from domain.screening.people import PersonInput
from models.children import NoticeChannel
from models.people import User
from models.screening import Sex

ROSTER_COLUMNS: dict[str, tuple[str, ...]] = {
    "thai_id": ("เลขประจำตัวประชาชน", "เลขบัตรประชาชน"),
    "prefix": ("คำนำหน้า", "คำนำหน้าชื่อ"),
    "first_name": ("ชื่อ",),
    "last_name": ("นามสกุล",),
    "birth_date": ("วันเกิด", "วันเดือนปีเกิด"),
    "sex": ("เพศ",),
    "grade": ("ชั้น",),
    "class_name": ("ห้อง",),
    "student_no": ("เลขที่", "เลขประจำตัวนักเรียน"),
    "guardian_name": ("ชื่อผู้ปกครอง", "ผู้ปกครอง"),
    "relation": ("ความสัมพันธ์",),
    "guardian_phone": ("โทรศัพท์ผู้ปกครอง",),
    "guardian_email": ("อีเมลผู้ปกครอง",),
    "guardian_line": ("LINE ผู้ปกครอง", "ไลน์ผู้ปกครอง"),
}
"""Field -> the Thai headers a class list is known by (the first is the template's)."""
ROSTER_REQUIRED = ("first_name", "last_name", "grade", "class_name")
NAME_PREFIXES = ("นางสาว", "น.ส.", "นาง", "นาย")


@dataclass(frozen=True)
class RosterRow:
    number: int
    pupil: roster.PupilInput
    guardian: roster.GuardianInput | None


def split_name(full: str) -> tuple[str, str, str] | None:
    """ "นางแม่ภูมิ ศรีสวัสดิ์" -> (prefix, first, last); None without a last name."""
    text = " ".join(full.split())
    prefix = next((p for p in NAME_PREFIXES if text.startswith(p)), "")
    parts = text.removeprefix(prefix).split()
    if len(parts) < 2:
        return None
    return prefix, parts[0], " ".join(parts[1:])


def guardian_from(
    full_name: str, relation: str, phone: str, email: str, line: str
) -> roster.GuardianInput | None:
    """A parent as a class list or the form gives one, told by LINE when a LINE ID is given,
    else by e-mail, else not at all; None when the name has no last name."""
    name = split_name(full_name)
    if name is None:
        return None
    parent = PersonInput(
        prefix=name[0],
        first_name=name[1],
        last_name=name[2],
        phone=phone.strip() or None,
        email=email.strip() or None,
        line_user_id=line.strip() or None,
    )
    channel = NoticeChannel.line if line.strip() else NoticeChannel.email
    if not email.strip() and not line.strip():
        channel = NoticeChannel.none
    return roster.GuardianInput(parent=parent, relation=relation, notify_by=channel)


def _parse_row(
    row: Row, table: Table, school_id: int, year: int
) -> tuple[RosterRow | None, list[Problem]]:
    problems: list[Problem] = []

    def text(name: str) -> str:
        value = row.values.get(name)
        return value.isoformat() if isinstance(value, date) else (value or "")

    def fail(name: str, message: str) -> None:
        problems.append(Problem(row.number, table.where(name), message))

    thai_id = text("thai_id") or None
    if thai_id is not None and (found := ids.problem(thai_id)) is not None:
        fail("thai_id", f"{found} (“{thai_id}”)")
    for name, message in (
        ("first_name", "ไม่มีชื่อ"),
        ("last_name", "ไม่มีนามสกุล"),
        ("grade", "ไม่มีชั้น"),
        ("class_name", "ไม่มีห้อง"),
    ):
        if not text(name):
            fail(name, message)
    birth_date = None
    if row.values.get("birth_date") is not None:
        try:
            birth_date = parse_date_cell(row.values["birth_date"])  # type: ignore[arg-type]
        except ValueError as exc:
            fail("birth_date", str(exc))
    sex = Sex.unknown
    if text("sex"):
        sex = SEXES.get(text("sex"), Sex.unknown)
        if text("sex") not in SEXES:
            fail("sex", f"ไม่รู้จักเพศ “{text('sex')}” (ใช้ ชาย หรือ หญิง)")
    guardian = None
    contacts = (text("guardian_phone"), text("guardian_email"), text("guardian_line"))
    if text("guardian_name"):
        guardian = guardian_from(text("guardian_name"), text("relation"), *contacts)
        if guardian is None:
            fail("guardian_name", "ระบุชื่อและนามสกุลผู้ปกครอง")
    elif any(contacts) or text("relation"):
        fail("guardian_name", "มีข้อมูลติดต่อผู้ปกครองแต่ไม่มีชื่อผู้ปกครอง")
    if problems:
        return None, problems
    child = PersonInput(
        first_name=text("first_name"),
        last_name=text("last_name"),
        prefix=text("prefix"),
        thai_id=ids.normalise(thai_id) if thai_id else None,
        birth_date=birth_date,
        sex=sex,
    )
    pupil = roster.PupilInput(
        child=child,
        school_id=school_id,
        academic_year=year,
        grade=text("grade"),
        class_name=text("class_name"),
        student_no=text("student_no"),
    )
    return RosterRow(row.number, pupil, guardian), []


def parse_roster(data: bytes, filename: str, *, school_id: int, year: int) -> list[RosterRow]:
    """Every row checked: the rows, or ImportRefused naming every problem."""
    table = read_table(data, filename, known=ROSTER_COLUMNS, required=ROSTER_REQUIRED)
    rows: list[RosterRow] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for row in table.rows:
        parsed, found = _parse_row(row, table, school_id, year)
        problems += found
        if parsed is None:
            continue
        thai_id = parsed.pupil.child.thai_id
        if thai_id and thai_id in seen:
            message = f"เลขประจำตัวประชาชนซ้ำกับแถวที่ {seen[thai_id]}"
            problems.append(Problem(row.number, table.where("thai_id"), message))
        elif thai_id:
            seen[thai_id] = row.number
        rows.append(parsed)
    if not table.rows:
        raise ImportRefused([Problem(1, "ไฟล์", "ไม่มีรายชื่อนักเรียนนอกจากหัวตาราง")])
    if problems:
        raise ImportRefused(problems)
    return rows


def import_roster(
    engine: Engine, *, user_id: int, data: bytes, filename: str, school_id: int, year: int
) -> int:
    """Enrol every pupil of the file (and link each parent), all or nothing; how many."""
    rows = parse_roster(data, filename, school_id=school_id, year=year)

    def work(session: Session, user: User) -> int:
        roster.school(session, school_id)
        for class_name in sorted({r.pupil.class_name for r in rows}):
            require_enrol(session, user, school_id, class_name)
        for row in rows:
            pupil = roster.enrol(session, row.pupil, actor=user)
            if row.guardian is not None:
                roster.add_guardian(
                    session, child_id=pupil.person_id, data=row.guardian, actor=user
                )
        classes = sorted({r.pupil.class_name for r in rows})
        register_history.record(
            session,
            school_id=school_id,
            action="child_roster_imported",
            actor=user,
            title=f"{len(rows)} คน จากไฟล์ {filename} ({', '.join(classes)}) ปีการศึกษา {year}",
            filename=filename,
            pupils=len(rows),
            classes=classes,
            year=year,
        )
        return len(rows)

    return as_user(engine, user_id, work)
