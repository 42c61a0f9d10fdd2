"""At-risk children's demo for `make run` (ops/seed.py --demo) and the tests: the teachers of
two municipal schools, the core person, the health officer (jintana, สธ.), pupils of two
classes with their parents, and screenings whose cases stand at every stage of the
Application Care path, each through the use cases people use:

- โรงเรียนเทศบาลวัดกลาง ป.5/1 (kru_somsri): two pupils normal; one at risk waiting for the
  medical assessment; one with a problem waiting for the home visit; one whose plan is being
  made after a case conference; one being followed up (the conference skipped with a reason);
- โรงเรียนเทศบาลบ้านโนนทัน ป.6/1 (kru_wilawan): one case closed after its follow-up.

Idempotent: the people and links are kept; the screenings are made once. The people are
fictitious; their Thai IDs carry a valid check digit."""

from datetime import date, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.db import utcnow
from domain.children import service
from domain.children.classroom import this_academic_year
from domain.children.instruments.sdq import sdq
from domain.children.path import get_case
from domain.children.roster import (
    GuardianInput,
    PupilInput,
    class_pupils,
    link_teacher,
    name_core_person,
)
from domain.children.screening import ClassScreening
from domain.engine.accounts import hash_password
from domain.screening.ids import with_check_digit
from domain.screening.people import PersonInput
from models.children import ChildCase, NoticeChannel, ScreeningSession
from models.people import Position, User
from models.screening import School, Sex

# username, full name, school code, class ("" = every class)
TEACHERS = [
    ("kru_somsri", "นางสมศรี ใจงาม (ครูประจำชั้น ป.5/1)", "S01", "ป.5/1"),
    ("kru_wilawan", "นางสาววิลาวรรณ แสงทอง (ครูแนะแนว)", "S02", ""),
]
CORE_PERSON = ("preecha", "นายปรีชา ผู้รับผิดชอบหลัก (ศูนย์สร้างโอกาสเยาวชน)")
CHILDREN_STAFF = [*((t[0], t[1]) for t in TEACHERS), CORE_PERSON]
"""(username, full name) of the accounts made here (ops/seed.py PEOPLE lists them too)."""
HEALTH_OFFICER = "jintana"
"""สธ.'s officer in ops/seed.py does the medical assessment in school."""

CLASSES = [("S01", "ป.5", "ป.5/1", "kru_somsri"), ("S02", "ป.6", "ป.6/1", "kru_wilawan")]

# class index, prefix, first, last, sex, total difficulties (teacher form), what happens
PUPILS = [
    (0, "เด็กชาย", "ภูมิ", "ศรีสวัสดิ์", Sex.male, 5, "normal"),
    (0, "เด็กหญิง", "ใบเตย", "คำมูล", Sex.female, 8, "normal"),
    (0, "เด็กชาย", "ก้องภพ", "บุญเรือง", Sex.male, 13, "medical"),
    (0, "เด็กหญิง", "น้ำฝน", "ทองดี", Sex.female, 20, "home_visit"),
    (0, "เด็กชาย", "ธนากร", "พรมมา", Sex.male, 14, "plan"),
    (0, "เด็กหญิง", "พิมพ์ชนก", "แสนสุข", Sex.female, 18, "follow_up"),
    (1, "เด็กชาย", "อนุชา", "ดวงแก้ว", Sex.male, 17, "closed"),
]

NON_REVERSED_DIFFICULTY = (2, 3, 5, 6, 8, 10, 12, 13, 15, 16, 18, 19, 22, 23, 24)


def answers_for_total(total: int) -> list[int]:
    """SDQ answers (0/1/2 per item) whose total difficulties is ``total`` and prosocial 10:
    the reversed items answered "certainly true" (scoring 0), the difficulty items filled in
    order, 2 each."""
    if not 0 <= total <= 30:
        raise ValueError("demo answers reach totals 0-30")
    tool = sdq()
    answers = [0] * tool.item_count
    for item in tool.reversed_items:
        answers[item - 1] = 2
    for item in (1, 4, 9, 17, 20):
        answers[item - 1] = 2
    left = total
    for item in NON_REVERSED_DIFFICULTY:
        answers[item - 1] = min(2, left)
        left -= answers[item - 1]
    return answers


def _thai_id(n: int) -> str:
    return with_check_digit(f"12{n:010d}")


def seed_children_staff(session: Session, password: str) -> dict[str, User]:
    """The teachers and the core person (no division: a school's teachers and the youth
    centre's mentor), the teachers' links to their schools, and each school's core person."""
    users = {u.username: u for u in session.exec(select(User))}
    hashed = hash_password(password)
    for username, name in CHILDREN_STAFF:
        if username not in users:
            users[username] = User(
                username=username,
                full_name=name,
                email=f"{username}@khonkaen.go.th",
                position=Position.officer,
                password_hash=hashed,
            )
            session.add(users[username])
    session.flush()
    schools = {s.code: s for s in session.exec(select(School))}
    for username, _name, code, class_name in TEACHERS:
        link_teacher(
            session,
            user_id=users[username].id,  # type: ignore[arg-type]
            school_id=schools[code].id,  # type: ignore[arg-type]
            class_name=class_name,
        )
    for code in ("S01", "S02"):
        name_core_person(
            session,
            school_id=schools[code].id,  # type: ignore[arg-type]
            user_id=users[CORE_PERSON[0]].id,  # type: ignore[arg-type]
        )
    session.flush()
    return users


def seed_children_roster(engine: Engine, year: int | None = None) -> None:
    """The demo pupils and their parents (each parent reached by e-mail or LINE)."""
    year = year or this_academic_year()
    with Session(engine) as session:
        schools = {s.code: s for s in session.exec(select(School))}
        users = {u.username: u for u in session.exec(select(User))}
    for n, (cls, prefix, first, last, sex, _total, _what) in enumerate(PUPILS, start=1):
        code, grade, class_name, teacher = CLASSES[cls]
        by_line = n % 2 == 0
        parent = PersonInput(
            prefix="นาง",
            first_name=f"แม่{first}",
            last_name=last,
            thai_id=_thai_id(500 + n),
            sex=Sex.female,
            email=None if by_line else f"parent{n}@example.com",
            line_user_id=f"U{n:032x}" if by_line else None,
        )
        service.enrol_pupil(
            engine,
            user_id=users[teacher].id,  # type: ignore[arg-type]
            pupil=PupilInput(
                child=PersonInput(
                    prefix=prefix,
                    first_name=first,
                    last_name=last,
                    thai_id=_thai_id(n),
                    sex=sex,
                    birth_date=date(2015 if cls == 0 else 2014, 1 + n, 10),
                ),
                school_id=schools[code].id,  # type: ignore[arg-type]
                academic_year=year,
                grade=grade,
                class_name=class_name,
                student_no=f"{n:02d}",
            ),
            guardians=[
                GuardianInput(
                    parent=parent,
                    relation="มารดา",
                    notify_by=NoticeChannel.line if by_line else NoticeChannel.email,
                )
            ],
        )


def _advance(engine: Engine, case_id: int, what: str, users: dict[str, User]) -> None:
    """Move a demo case along the path as far as ``what`` says."""
    core: int = users[CORE_PERSON[0]].id  # type: ignore[assignment]
    if what == "medical":
        return
    service.record_medical_assessment(
        engine,
        case_id=case_id,
        user_id=users[HEALTH_OFFICER].id,  # type: ignore[arg-type]
        findings="สุขภาพร่างกายปกติ นอนหลับไม่เพียงพอ แนะนำพบนักจิตวิทยาโรงเรียน",
    )
    if what == "home_visit":
        return
    conference = what == "plan"
    service.record_home_visit(
        engine,
        case_id=case_id,
        user_id=core,
        visit=service.HomeVisit(
            findings="ผู้ปกครองทำงานต่างจังหวัด เด็กอยู่กับยาย รายได้ไม่แน่นอน",
            lives_with="ยายและน้อง 1 คน",
            conference_needed=conference,
            skip_reason="" if conference else "ครอบครัวพร้อมดูแล ครูและผู้ปกครองวางแผนร่วมกันได้",
            address="ชุมชนหนองวัด 1",
            members_count=3,
        ),
    )
    if conference:
        service.record_conference(
            engine,
            case_id=case_id,
            user_id=core,
            summary="ตกลงให้ครูประจำชั้นติดตามการมาเรียน และประสานทุนการศึกษา",
            attendees="ครูประจำชั้น ยาย เจ้าหน้าที่สาธารณสุข ผู้รับผิดชอบหลัก",
        )
    due = utcnow().date() + timedelta(days=30)
    for title in ("ครูประจำชั้นพูดคุยกับนักเรียนทุกสัปดาห์", "ประสานทุนการศึกษาของเทศบาล"):
        service.add_plan_action(
            engine, case_id=case_id, user_id=core, title=title, due_on=due, owner_user_id=core
        )
    if what == "plan":
        return
    service.approve_plan(engine, case_id=case_id, user_id=core)
    service.record_follow_up(
        engine,
        case_id=case_id,
        user_id=core,
        findings="มาเรียนสม่ำเสมอขึ้น",
        close=what == "closed",
    )


def seed_demo_children(engine: Engine) -> int:
    """The demo screenings and their cases; the number of cases opened."""
    with Session(engine) as session:
        if session.exec(select(ScreeningSession)).first() is not None:
            return 0
        schools = {s.code: s for s in session.exec(select(School))}
        users = {u.username: u for u in session.exec(select(User))}
    year = this_academic_year()
    seed_children_roster(engine, year)
    opened = 0
    for cls, (code, _grade, class_name, teacher) in enumerate(CLASSES):
        school_id: int = schools[code].id  # type: ignore[assignment]
        with Session(engine) as session:
            pupils = class_pupils(
                session, school_id=school_id, academic_year=year, class_name=class_name
            )
        plan = {p[2]: (p[5], p[6]) for p in PUPILS if p[0] == cls}
        screened = service.screen_class(
            engine,
            user_id=users[teacher].id,  # type: ignore[arg-type]
            data=ClassScreening(
                school_id=school_id,
                academic_year=year,
                class_name=class_name,
                held_on=utcnow().date(),
                answers={
                    pupil.id: answers_for_total(plan[person.first_name][0])  # type: ignore[misc]
                    for pupil, person in pupils
                },
            ),
        )
        for item in screened:
            if item.case is None:
                continue
            opened += 1
            with Session(engine) as session:
                case: ChildCase = get_case(session, item.case.id)  # type: ignore[arg-type]
                child = next(p for pp, p in pupils if p.id == case.person_id)
            _advance(engine, case.id, plan[child.first_name][1], users)  # type: ignore[arg-type]
    return opened
