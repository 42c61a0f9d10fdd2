"""Demo of the youth programme beyond the school (seed 001, 5C): the partner agencies'
profiles, agreements and contacts (users with the demo password), referrals of the demo
children in several states (waiting, acknowledged, late and chased, with an outcome), a camp
cohort with attendance, problems and a referral from it, development logs and outcomes of
several types. Everything through the use cases; run after ops/demo_children.py. Idempotent:
nothing is added once a referral exists."""

from datetime import date, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.db import in_transaction, utcnow
from domain.children import agencies, camps, devlog, outcomes, referrals
from domain.children.referral_chase import sweep_referral_chase
from domain.engine.accounts import hash_password
from domain.engine.calendar import BANGKOK
from models.children import ChildCase
from models.children_referrals import (
    Cadence,
    OutcomeKind,
    Referral,
    ReferralStatus,
    SchoolLevel,
)
from models.people import Position, User
from models.screening import Person, Sex

COORDINATOR = "siriporn"
"""สส.'s officer coordinates the programme (config/children/referrals.toml [roles])."""

# username, full name, agency code: each agency's contact (no division: outside the municipality)
AGENCY_CONTACTS = [
    ("pee_piak", "นายเปี้ยก พี่เลี้ยงศูนย์สร้างโอกาสเยาวชน (บ้านเรา)", "baan-rao"),
    ("lukrak", "นางสาวกานดา ผู้ประสานงานมูลนิธิช่วยเหลือเด็ก (บ้านลูกรัก)", "baan-luk-rak"),
    ("destitute", "นายสมบัติ ศูนย์คุ้มครองคนไร้ที่พึ่ง", "destitute-shelter"),
    ("family_shelter", "นางพรรณี ศูนย์บ้านพักเด็กและครอบครัว", "child-family-shelter"),
    ("nfe", "นางสาวอรุณี ครู กศน.อำเภอเมืองขอนแก่น", "nfe-mueang"),
    ("thanyarak", "นายแพทย์ธนา ศูนย์บำบัดยาเสพติดโรงพยาบาลธัญญรักษ์", "thanyarak"),
    ("skills", "นายวีระ สำนักงานพัฒนาฝีมือแรงงานภาค 6", "skill-development"),
]

# agency code, scope, signed (BE text is for people; ISO here), expires
AGREEMENTS = [
    ("baan-rao", "ที่พักพิงและพี่เลี้ยงสำหรับเยาวชนชาย", date(2021, 6, 1), None),
    ("baan-luk-rak", "รับดูแลเยาวชนหญิงที่ไม่มีที่อยู่", date(2022, 3, 15), date(2027, 3, 14)),
    ("destitute-shelter", "ที่พักและฝึกอาชีพผู้ที่อายุมากกว่า 18 ปี", date(2022, 3, 15), None),
    ("child-family-shelter", "การเยียวยาด้านจิตใจเด็กและครอบครัว", date(2023, 1, 10), None),
    ("nfe-mueang", "การศึกษานอกระบบ ม.3 และ ม.6", date(2020, 5, 1), date(2025, 4, 30)),
    ("skill-development", "ฝึกอาชีพช่างซ่อมจักรยานยนต์และงานก่อสร้าง", date(2023, 8, 1), None),
]

# camp-only youths (not pupils): first, last, sex, birth date, problems
CAMPERS = [
    ("วีรยุทธ", "ดอนไพร", Sex.male, date(2008, 4, 2), ["gang_conflict", "out_of_school"]),
    ("สุนิสา", "บุญมา", Sex.female, date(2009, 8, 19), ["no_home", "psychological"]),
    ("ณัฐพล", "ศรีบุญ", Sex.male, date(2006, 1, 5), ["no_id_card", "needs_job"]),
    ("กิตติ", "แก้วใส", Sex.male, date(2010, 11, 23), ["drugs"]),
]


def seed_agency_contacts(session: Session, password: str) -> dict[str, User]:
    """The agencies' profiles and a contact user for several of them."""
    agencies.seed_children_agencies(session)
    users = {u.username: u for u in session.exec(select(User))}
    hashed = hash_password(password)
    for username, name, code in AGENCY_CONTACTS:
        if username not in users:
            users[username] = User(
                username=username,
                full_name=name,
                email=f"{username}@partners.example.org",
                position=Position.officer,
                password_hash=hashed,
            )
            session.add(users[username])
            session.flush()
        agencies.add_contact(session, code=code, contact=users[username])
    session.flush()
    return users


def _person(engine: Engine, first: str, last: str, sex: Sex, born: date) -> int:
    def work(session: Session) -> int:
        found = session.exec(
            select(Person).where(Person.first_name == first, Person.last_name == last)
        ).first()
        if found is None:
            prefix = "นาย" if sex == Sex.male else "นางสาว"
            found = Person(
                prefix=prefix, first_name=first, last_name=last, sex=sex, birth_date=born
            )
            session.add(found)
            session.flush()
        return found.id  # type: ignore[return-value]

    return in_transaction(engine, work)


def seed_demo_children_referrals(engine: Engine, password: str) -> int:
    """The demo's referrals, camp and outcomes; the number of referrals sent."""
    with Session(engine, expire_on_commit=False) as session:
        users = seed_agency_contacts(session, password)
        session.commit()
        if session.exec(select(Referral)).first() is not None:
            return 0
        cases = list(session.exec(select(ChildCase).order_by(col(ChildCase.id))))
    coordinator: int = users[COORDINATOR].id  # type: ignore[assignment]
    for code, scope, signed, expires in AGREEMENTS:
        agencies.record_agreement(
            engine,
            user_id=coordinator,
            code=code,
            scope=scope,
            signed_on=signed,
            expires_on=expires,
            reference=f"MOU ทน. {signed.year + 543}",
        )
    today = utcnow().astimezone(BANGKOK).date()
    sent: list[Referral] = []
    for n, case in enumerate(cases[:4]):
        # the first was sent two weeks ago and is chased; the others wait or move on. The
        # agencies are those the rules suggest.
        when = utcnow() - timedelta(days=14) if n == 0 else utcnow()
        on = when.astimezone(BANGKOK).date()
        problems = ["psychological"] if n % 2 else []
        agencies_sent = _suggested(engine, case, on, problems)
        if not agencies_sent:  # a girl with a home: psychological care
            problems = ["psychological"]
            agencies_sent = _suggested(engine, case, on, problems)
        sent += referrals.confirm(
            engine,
            user_id=case.core_person_id,
            person_id=case.person_id,
            on=on,
            problems=problems,
            agencies=agencies_sent,
            case_id=case.id,
            now=when,
        )
    in_transaction(engine, sweep_referral_chase)  # the late one: its follow-up is sent
    for referral in sent[1:3]:
        referrals.acknowledge(
            engine,
            user_id=agencies_contact(engine, referral).id,  # type: ignore[arg-type]
            referral_id=referral.id,  # type: ignore[arg-type]
            received=True,
            comment="รับเด็กเข้าดูแลตามข้อตกลง",
        )
    if len(sent) > 2:
        referrals.record_outcome(
            engine,
            user_id=agencies_contact(engine, sent[1]).id,  # type: ignore[arg-type]
            referral_id=sent[1].id,  # type: ignore[arg-type]
            status=ReferralStatus.placed,
            note="รับเข้าพักที่ศูนย์ มีพี่เลี้ยงดูแล",
        )
    sent += _demo_camp(engine, coordinator, today)
    _demo_progress(engine, coordinator, cases, today)
    return len(sent)


def _suggested(engine: Engine, case: ChildCase, on: date, problems: list[str]) -> list[str]:
    proposal = referrals.propose(
        engine,
        user_id=case.core_person_id,
        person_id=case.person_id,
        on=on,
        problems=problems,
        case_id=case.id,
    )
    return [s.agency_code for s in proposal.suggestions]


def agencies_contact(engine: Engine, referral: Referral) -> User:
    with Session(engine, expire_on_commit=False) as session:
        return agencies.contacts_of(session, referral.agency_id)[0]


def _demo_camp(engine: Engine, coordinator: int, today: date) -> list[Referral]:
    cohort = camps.open_cohort(
        engine,
        user_id=coordinator,
        starts_on=today - timedelta(days=20),
        venue="ศูนย์เยาวชนและครอบครัวเทศบาลนครขอนแก่น",
    )
    enrolments = []
    for first, last, sex, born, problems in CAMPERS:
        person_id = _person(engine, first, last, sex, born)
        enrolment = camps.enrol(
            engine,
            user_id=coordinator,
            cohort_id=cohort.id,
            person_id=person_id,  # type: ignore[arg-type]
        )
        camps.record_problems(
            engine,
            user_id=coordinator,
            enrolment_id=enrolment.id,
            problems=problems,  # type: ignore[arg-type]
        )
        enrolments.append(enrolment)
    ids = [e.id for e in enrolments]
    for day, present in ((1, ids), (2, ids), (3, ids[:-1])):
        camps.record_attendance(
            engine,
            user_id=coordinator,
            cohort_id=cohort.id,
            day=day,
            present_ids=set(present),  # type: ignore[arg-type]
        )
    girl = enrolments[1]  # homeless, needs psychological care: two referrals by the rules
    return camps.refer_from_camp(
        engine,
        user_id=coordinator,
        enrolment_id=girl.id,  # type: ignore[arg-type]
        agencies=["baan-luk-rak", "child-family-shelter"],
        on=today - timedelta(days=17),
    )


def _demo_progress(engine: Engine, coordinator: int, cases: list[ChildCase], today: date) -> None:
    for case in cases[:3]:
        for days, cadence, activity in (
            (21, Cadence.monthly, "ประชุมติดตามพัฒนาการรายเดือนกับครูและผู้ปกครอง"),
            (7, Cadence.weekly, "กิจกรรมกีฬาและพูดคุยกลุ่มที่ศูนย์สร้างโอกาส"),
            (1, Cadence.daily, "มาเรียนตรงเวลา ส่งการบ้านครบ"),
        ):
            devlog.log_activity(
                engine,
                user_id=case.core_person_id,
                person_id=case.person_id,
                cadence=cadence,
                activity_on=today - timedelta(days=days),
                activity=activity,
            )
    kinds = [
        (OutcomeKind.school, SchoolLevel.m3),
        (OutcomeKind.family, None),
        (OutcomeKind.school, SchoolLevel.m6),
    ]
    for case, (kind, level) in zip(cases, kinds, strict=False):
        outcomes.record_outcome(
            engine,
            user_id=coordinator,
            person_id=case.person_id,
            kind=kind,
            level=level,
            achieved_on=today - timedelta(days=3),
        )
    with Session(engine) as session:
        campers = {p.first_name: p.id for p in session.exec(select(Person))}
    for first, kind in (("ณัฐพล", OutcomeKind.id_card), ("ณัฐพล", OutcomeKind.job)):
        outcomes.record_outcome(
            engine,
            user_id=coordinator,
            person_id=campers[first],  # type: ignore[arg-type]
            kind=kind,
            achieved_on=today - timedelta(days=2),
        )
