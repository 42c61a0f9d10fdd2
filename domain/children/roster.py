"""Pupils, their parents and their teachers: a child and each parent is a ``screening_person``
(found by Thai ID, never entered twice); a pupil is that person enrolled in a municipal school's
class for an academic year; a teacher is a user linked to a school (every class, or one)."""

from dataclasses import dataclass

from sqlmodel import Session, col, select

from domain.errors import InvalidInput, NotFound
from domain.screening.people import PersonInput, find_or_create_person
from models.children import CorePersonOfSchool, Guardian, NoticeChannel, Pupil, SchoolTeacher
from models.people import User
from models.screening import Person, School


@dataclass(frozen=True)
class PupilInput:
    child: PersonInput
    school_id: int
    academic_year: int
    grade: str
    class_name: str
    student_no: str = ""


@dataclass(frozen=True)
class GuardianInput:
    parent: PersonInput
    relation: str
    notify_by: NoticeChannel = NoticeChannel.line


def school(session: Session, school_id: int) -> School:
    found = session.get(School, school_id)
    if found is None:
        raise NotFound("ไม่พบโรงเรียนนี้")
    return found


def link_teacher(session: Session, *, user_id: int, school_id: int, class_name: str = "") -> bool:
    """Link a teacher to a school's class ("" = every class); False if already linked."""
    school(session, school_id)
    exists = session.exec(
        select(SchoolTeacher.id).where(
            SchoolTeacher.user_id == user_id,
            SchoolTeacher.school_id == school_id,
            SchoolTeacher.class_name == class_name.strip(),
        )
    ).first()
    if exists is None:
        session.add(
            SchoolTeacher(user_id=user_id, school_id=school_id, class_name=class_name.strip())
        )
        session.flush()
    return exists is None


def name_core_person(session: Session, *, school_id: int, user_id: int) -> None:
    """The school's core person (ผู้รับผิดชอบหลัก, the 5C model): owner of the cases its
    screening opens."""
    school(session, school_id)
    row = session.exec(
        select(CorePersonOfSchool).where(CorePersonOfSchool.school_id == school_id)
    ).first()
    row = row or CorePersonOfSchool(school_id=school_id, user_id=user_id)
    row.user_id = user_id
    session.add(row)
    session.flush()


def core_person_of_school(session: Session, school_id: int) -> int | None:
    return session.exec(
        select(CorePersonOfSchool.user_id).where(CorePersonOfSchool.school_id == school_id)
    ).first()


def classes_of_teacher(session: Session, user: User) -> list[tuple[School, str]]:
    """(school, class) pairs a teacher screens: a whole-school link yields each class with
    pupils enrolled."""
    found: list[tuple[School, str]] = []
    links = session.exec(
        select(SchoolTeacher)
        .where(SchoolTeacher.user_id == user.id)
        .order_by(col(SchoolTeacher.id))
    ).all()
    for link in links:
        where = school(session, link.school_id)
        if link.class_name:
            found.append((where, link.class_name))
            continue
        names = session.exec(
            select(Pupil.class_name)
            .where(Pupil.school_id == link.school_id, Pupil.active == True)  # noqa: E712
            .distinct()
            .order_by(col(Pupil.class_name))
        ).all()
        found.extend((where, name) for name in names)
    unique: dict[tuple[int, str], tuple[School, str]] = {}
    for where, name in found:
        unique.setdefault((where.id, name), (where, name))  # type: ignore[arg-type]
    return list(unique.values())


def _name(first_name: str, last_name: str) -> str:
    """The name as written (exact: a sound-alike may be another child)."""
    return " ".join(f"{first_name} {last_name}".split())


def _known_pupil(session: Session, data: PupilInput) -> Person | None:
    """Without a Thai ID: the child already enrolled in the school under the same name (and
    birth date, when given), so that a class list imported again adds nobody twice."""
    if data.child.thai_id:
        return None
    key = _name(data.child.first_name, data.child.last_name)
    rows = session.exec(
        select(Person)
        .join(Pupil, col(Pupil.person_id) == Person.id)
        .where(Pupil.school_id == data.school_id)
        .order_by(col(Person.id))
    ).all()
    return next(
        (
            p
            for p in rows
            if _name(p.first_name, p.last_name) == key
            and (data.child.birth_date is None or p.birth_date in (None, data.child.birth_date))
        ),
        None,
    )


def _known_guardian(session: Session, child_id: int, parent: PersonInput) -> Person | None:
    """Without a Thai ID: the child's parent already linked under the same name."""
    if parent.thai_id:
        return None
    key = _name(parent.first_name, parent.last_name)
    rows = session.exec(
        select(Person)
        .join(Guardian, col(Guardian.guardian_id) == Person.id)
        .where(Guardian.child_id == child_id)
    ).all()
    return next((p for p in rows if _name(p.first_name, p.last_name) == key), None)


def enrol(session: Session, data: PupilInput, *, actor: User) -> Pupil:
    """The child (found by Thai ID or added) enrolled in a class for the year."""
    school(session, data.school_id)
    if not data.class_name.strip() or not data.grade.strip():
        raise InvalidInput("กรุณาระบุชั้นและห้องเรียน", field="class_name")
    child = (
        _known_pupil(session, data) or find_or_create_person(session, data.child, actor=actor)[0]
    )
    pupil = session.exec(
        select(Pupil).where(Pupil.person_id == child.id, Pupil.academic_year == data.academic_year)
    ).first()
    enrolment = {
        "school_id": data.school_id,
        "grade": data.grade.strip(),
        "class_name": data.class_name.strip(),
        "student_no": data.student_no.strip(),
        "active": True,
    }
    if pupil is None:
        pupil = Pupil(person_id=child.id, academic_year=data.academic_year, **enrolment)  # type: ignore[arg-type]
    else:
        pupil.sqlmodel_update(enrolment)
    session.add(pupil)
    session.flush()
    return pupil


def add_guardian(session: Session, *, child_id: int, data: GuardianInput, actor: User) -> Guardian:
    """A parent (found by Thai ID or added, contacts completed) linked to the child."""
    if session.get(Person, child_id) is None:
        raise NotFound("ไม่พบข้อมูลเด็ก")
    parent = (
        _known_guardian(session, child_id, data.parent)
        or (find_or_create_person(session, data.parent, actor=actor)[0])
    )
    if parent.id == child_id:
        raise InvalidInput("ผู้ปกครองต้องไม่ใช่ตัวเด็กเอง", field="parent")
    link = session.exec(
        select(Guardian).where(Guardian.child_id == child_id, Guardian.guardian_id == parent.id)
    ).first()
    relation = data.relation.strip() or "ผู้ปกครอง"
    if link is None:
        link = Guardian(
            child_id=child_id,
            guardian_id=parent.id,  # type: ignore[arg-type]
            relation=relation,
            notify_by=data.notify_by,
        )
    else:
        link.relation, link.notify_by = relation, data.notify_by
    session.add(link)
    session.flush()
    return link


def class_pupils(
    session: Session, *, school_id: int, academic_year: int, class_name: str
) -> list[tuple[Pupil, Person]]:
    return list(
        session.exec(
            select(Pupil, Person)
            .join(Person, col(Person.id) == Pupil.person_id)
            .where(
                Pupil.school_id == school_id,
                Pupil.academic_year == academic_year,
                Pupil.class_name == class_name,
                Pupil.active == True,  # noqa: E712
            )
            .order_by(col(Pupil.student_no), col(Person.first_name))
        ).all()
    )
