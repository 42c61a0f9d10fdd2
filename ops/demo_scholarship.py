"""The demo scholarship round (seed 000, ภารกิจที่ 8) for `make run` (ops/seed.py --demo),
through the use cases, so every step, audit entry and read-log line is as people would leave it:
pupils nominated by their teachers, screened at two levels, considered and certified by the
scholarship committee, told, awarded by school level, and now followed up. Each recipient has a
mentor (พี่เลี้ยง): the teacher kru_somsri (a demo user who signs in and sees her own two pupils),
the welfare officer malai, and a community leader from outside. Three mentors have reported (two
recommend continuing, one does not); the teacher's second pupil has no report yet, so the
committee's renewal (the next fiscal year, into that year's scholarship round) cannot open
until she reports.

Idempotent: nothing is done when a scholarship round exists. The people are fictitious; their
Thai IDs carry a valid check digit."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.db import utcnow
from domain.engine.calendar import BANGKOK
from domain.screening import assessment_service, benefits, followup, letters, renewal, service
from domain.screening.assessment import stage_step
from domain.screening.certify import MeetingRecord
from domain.screening.config import screening_config
from domain.screening.ids import with_check_digit
from domain.screening.nominations import NominationInput
from domain.screening.people import HouseholdInput, PersonInput
from domain.screening.reconcile import reconcile_round
from domain.screening.rounds import current_community_list
from models.people import User
from models.screening import (
    Community,
    NominationSource,
    Programme,
    School,
    ScreeningRound,
    Sex,
)
from ops.demo_screening import candidate_ids

FISCAL_YEAR = 2570
COORDINATOR = "sunee"
MENTOR = "kru_somsri"
"""The teacher who mentors two of her school's recipients (ops/demo_children.py makes her)."""
COMMITTEE = ("boonmee", "sompong", "somnuek")
"""Members of the scholarship committee (ops/seed_screening_teams.py) at its meetings: quorum 3."""
OUTSIDE_MENTOR = ("นางบัวผัน ศรีประเสริฐ (ประธานชุมชนโนนหนองวัด)", "โทร 08-9000-1234")
TEACHERS = {
    "S01": "นางสมศรี ใจงาม (ครูประจำชั้น ป.5/1)",
    "S02": "นางสาววิลาวรรณ แสงทอง (ครูแนะแนว)",
}


@dataclass(frozen=True)
class Student:
    prefix: str
    first_name: str
    last_name: str
    sex: Sex
    born: date
    school: str
    level: str | None
    """The school level the assessments record; None: found not eligible."""
    income_baht: int


STUDENTS = [
    Student("เด็กหญิง", "กัญญาณัฐ", "ศรีวงศ์", Sex.female, date(2016, 2, 11), "S01", "P6", 4500),
    Student("เด็กชาย", "ธีรภัทร", "คำแสน", Sex.male, date(2017, 7, 3), "S01", "P4", 3800),
    Student("เด็กหญิง", "สุธิดา", "พลราช", Sex.female, date(2013, 9, 20), "S02", "M2", 5200),
    Student("นาย", "อภิชาติ", "ทองสุข", Sex.male, date(2010, 12, 1), "S02", "M5", 3000),
    Student("เด็กชาย", "วรวุฒิ", "แก้วกาญจนา", Sex.male, date(2015, 1, 15), "S01", None, 14000),
]
"""School levels on 16 May 2570 (2027), the academic year's first day, match the ages."""

# recipient index, mentor ("" = the outside person), the first report after the award:
# (attendance %, situation, recommends continuing, grade average), None = not yet
MENTORING: list[tuple[int, str, tuple[int, str, bool, float | None] | None]] = [
    (0, MENTOR, (97, "ตั้งใจเรียน ช่วยแม่ขายของหลังเลิกเรียน ครอบครัวยังมีรายได้ไม่แน่นอน", True, 3.52)),
    (1, MENTOR, None),
    (2, "malai", (88, "มาเรียนสม่ำเสมอ บิดาป่วยเรื้อรัง ยังต้องการความช่วยเหลือ", True, 2.95)),
    (3, "", (61, "ขาดเรียนบ่อย ครอบครัวเตรียมย้ายไปอยู่กับญาติที่จังหวัดอุดรธานี", False, None)),
]


def _assessment(student: Student) -> dict:
    eligible = student.level is not None
    return {
        "answers": {
            "housing_tenure": "rent",
            "house_condition": "good",
            "dependants": 3,
            "main_occupation": "daily_labour" if eligible else "regular",
            "debt": eligible,
            "chronic_illness_or_disability": False,
            "children_out_of_school": False,
            "school_level": student.level or "P5",
            "lacks_id_card": False,
        },
        "household_members": 4,
        "household_income_baht": student.income_baht,
        "problems": {"education": "ขาดค่าเดินทางและอุปกรณ์การเรียน"} if eligible else {},
        "eligible": eligible,
        "complexity": "basic",
        "summary": "ครอบครัวมีรายได้ไม่พอส่งเสียให้เรียน ควรได้รับทุน"
        if eligible
        else "ผู้ปกครองมีรายได้ประจำเพียงพอ",
    }


def _open(engine: Engine, coordinator: int) -> int:
    """Nominations taken these three weeks (as the demo's welfare rounds)."""
    today = utcnow().astimezone(BANGKOK).date()
    stages = screening_config().stages[Programme.scholarship.value]
    found = service.open_round(
        engine,
        user_id=coordinator,
        programme=Programme.scholarship,
        fiscal_year=FISCAL_YEAR,
        title=f"ทุนการศึกษา ปีงบประมาณ {FISCAL_YEAR}",
        nomination_opens_on=today - timedelta(days=21),
        nomination_closes_on=today,
        stage_deadlines={s: today + timedelta(days=14 + 7 * i) for i, s in enumerate(stages)},
    )
    return found.id  # type: ignore[return-value]


def _nominate(engine: Engine, coordinator: int, round_id: int) -> list[int]:
    """Each student nominated by their teacher; the candidates' ids in order."""
    with Session(engine) as session:
        listing = current_community_list(session)
        communities = session.exec(
            select(Community).where(Community.list_id == listing.id).order_by(col(Community.id))
        ).all()
        schools = {s.code: s.id for s in session.exec(select(School))}
    for n, student in enumerate(STUDENTS, start=1):
        community = communities[(n * 7) % len(communities)]
        service.nominate(
            engine,
            user_id=coordinator,
            round_id=round_id,
            data=NominationInput(
                person=PersonInput(
                    first_name=student.first_name,
                    last_name=student.last_name,
                    prefix=student.prefix,
                    thai_id=with_check_digit(f"1400{n:08d}"),
                    birth_date=student.born,
                    sex=student.sex,
                    community_id=community.id,
                ),
                source=NominationSource.teacher,
                nominator_name=TEACHERS[student.school],
                household=HouseholdInput(
                    house_no=f"{40 + n}/{n % 4 + 1}",
                    monthly_income_satang=student.income_baht * 100,
                ),
                community_id=community.id,
                school_id=schools[student.school],
            ),
        )
    return candidate_ids(engine, round_id)


def _screen_and_certify(engine: Engine, u: dict[str, int], round_id: int, ids: list[int]) -> None:
    """Two levels of screening, the committee's consideration and its certifying meeting."""
    assessment_service.start_assessment(engine, round_id=round_id, user_id=u[COORDINATOR])
    for candidate_id, student in zip(ids, STUDENTS, strict=True):
        for level, who in ((1, "siriporn"), (2, "wilai")):
            assessment_service.submit_assessment(
                engine,
                candidate_id=candidate_id,
                round_no=level,
                user_id=u[who],
                data=_assessment(student),
            )
    for stage_key, who in (("assessment-1", COORDINATOR), ("assessment-2", "wilai")):
        assessment_service.close_stage(
            engine, round_id=round_id, stage_key=stage_key, user_id=u[who]
        )
    reconcile_round(engine, round_id=round_id)
    for member in COMMITTEE:
        assessment_service.confirm_list(
            engine, round_id=round_id, user_id=u[member], comment="เห็นชอบรายชื่อตามผลการคัดกรอง"
        )
    with Session(engine) as session:
        step = stage_step(session, round_id, "certification")
        assert step is not None
        step_id: int = step.id  # type: ignore[assignment]
    assessment_service.record_meeting(
        engine,
        step_id=step_id,
        user_id=u["boonmee"],
        record=MeetingRecord(
            meeting_date=utcnow().astimezone(BANGKOK).date(),
            resolution_number=f"มติคณะกรรมการพิจารณาทุนการศึกษา ครั้งที่ 1/{FISCAL_YEAR}",
            members_present=[u[m] for m in COMMITTEE],
        ),
    )
    for member in COMMITTEE:
        assessment_service.cast_vote(engine, step_id=step_id, user_id=u[member], certify_list=True)


def _award(engine: Engine, u: dict[str, int], round_id: int) -> None:
    """What the round's flow does after certification (flows/screening_flow.py), through the
    same functions, with the donations' budget for both school levels set first."""
    for benefit in ("scholarship_primary", "scholarship_secondary"):
        benefits.set_budget(
            engine,
            round_id,
            actor_id=u[COORDINATOR],
            benefit=benefit,
            source="donations",
            amount_satang=5_000_000,
        )
    letters.notify_round(engine, round_id)
    benefits.assign_round(engine, round_id)
    followup.schedule_round(engine, round_id)
    assessment_service.enter_follow_up(engine, round_id=round_id)


def _mentor(engine: Engine, u: dict[str, int], ids: list[int]) -> None:
    recipients = ids[: len(MENTORING)]
    for index, mentor, report in MENTORING:
        candidate_id = recipients[index]
        if mentor:
            renewal.assign_mentor_uc(
                engine, candidate_id=candidate_id, user_id=u[COORDINATOR], mentor_user_id=u[mentor]
            )
        else:
            name, contact = OUTSIDE_MENTOR
            renewal.assign_mentor_uc(
                engine,
                candidate_id=candidate_id,
                user_id=u[COORDINATOR],
                mentor_name=name,
                mentor_contact=contact,
            )
        if report is not None:  # an outside mentor's report is recorded by the coordinator
            attendance, situation, recommend, grade = report
            renewal.record_report_uc(
                engine,
                candidate_id=candidate_id,
                user_id=u[mentor or COORDINATOR],
                report=renewal.ReportInput(
                    utcnow().astimezone(BANGKOK).date(), attendance, situation, recommend, grade
                ),
            )


def seed_demo_scholarship(engine: Engine) -> int:
    """The demo scholarship round; the number of candidates made."""
    with Session(engine) as session:
        if session.exec(
            select(ScreeningRound.id).where(ScreeningRound.programme == Programme.scholarship)
        ).first():
            return 0
        u: dict[str, int] = {user.username: user.id for user in session.exec(select(User))}  # type: ignore[misc]
    round_id = _open(engine, u[COORDINATOR])
    ids = _nominate(engine, u[COORDINATOR], round_id)
    _screen_and_certify(engine, u, round_id, ids)
    _award(engine, u, round_id)
    _mentor(engine, u, ids)
    return len(ids)
