"""The demo screening rounds of fiscal 2570 for `make run` (ops/seed.py --demo), each through
the use cases (nominations by every source, assessments by the two teams, the joint survey,
the welfare division's confirmation, the executive committee's meeting and votes), so every
step, audit entry and read-log line is as people would leave it:

- รอบที่ 1: certified by the executive committee (one person excluded with a reason);
- รอบที่ 2: both assessments done; a disagreement's joint survey open for สส.'s section head;
- รอบที่ 3: assessing: some assessed once, some twice, the rest still to visit.

Idempotent: nothing is done when a welfare round of fiscal 2570 exists. The people are
fictitious; their Thai IDs carry a valid check digit."""

from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.db import utcnow
from domain.engine.calendar import BANGKOK
from domain.screening import assessment_service, service
from domain.screening.assessment import stage_step
from domain.screening.certify import MeetingRecord
from domain.screening.config import screening_config
from domain.screening.ids import with_check_digit
from domain.screening.nominations import NominationInput
from domain.screening.people import HouseholdInput, PersonInput
from domain.screening.reconcile import SurveyRecord, open_joint_surveys, reconcile_round
from domain.screening.rounds import current_community_list
from models.people import User
from models.screening import (
    Candidate,
    Community,
    NominationSource,
    Programme,
    School,
    ScreeningRound,
    Sex,
)

FISCAL_YEAR = 2570
COORDINATOR = "sunee"

# prefix, first name, last name, sex, source, nominator, monthly income (baht)
PEOPLE = [
    (
        "นาง",
        "บุญเรือน",
        "ศรีสุข",
        Sex.female,
        NominationSource.community_president,
        "นายสมหมาย ประธานชุมชน",
        3500,
    ),
    ("นาย", "ทองใบ", "แก้วมณี", Sex.male, NominationSource.council_member, "นายประยูร สท.เขต 2", 2800),
    ("เด็กหญิง", "ปิยะนุช", "คำภา", Sex.female, NominationSource.teacher, "ครูสมศรี", 4200),
    ("นาง", "สมปอง", "ชัยวงศ์", Sex.female, NominationSource.own_petition, "ยื่นคำร้องด้วยตนเอง", 1500),
    ("นาย", "เสถียร", "บุญมา", Sex.male, NominationSource.officer, "นางสาวศิริพร นักพัฒนาสังคม", 9000),
    ("นาง", "คำปุ่น", "โพธิ์ศรี", Sex.female, NominationSource.other_group, "ชมรมผู้สูงอายุหนองวัด", 2000),
    ("เด็กชาย", "ณัฐพล", "ศรีบุญเรือง", Sex.male, NominationSource.teacher, "ครูวิไล", 3900),
    (
        "นาย",
        "จันทร์",
        "มีสุข",
        Sex.male,
        NominationSource.community_president,
        "นางทองม้วน ประธานชุมชน",
        2500,
    ),
]

# round title suffix, person slice, [(round-1 eligible, round-2 eligible, complexity)] per person
ROUNDS = [
    (
        "รอบที่ 1",
        [
            (True, True, "moderate"),
            (True, True, "basic"),
            (False, False, "basic"),
            (True, False, "complex"),
            (True, True, "complex"),
        ],
    ),
    (
        "รอบที่ 2",
        [
            (True, True, "basic"),
            (False, True, "moderate"),
            (False, False, "basic"),
            (True, True, "moderate"),
        ],
    ),
    (
        "รอบที่ 3",
        [
            (True, True, "basic"),
            (True, None, "moderate"),
            (False, None, "basic"),
            (None, None, "basic"),
            (None, None, "basic"),
        ],
    ),
]

ANSWERS = {
    "housing_tenure": "rent",
    "house_condition": "repair",
    "dependants": 3,
    "main_occupation": "daily_labour",
    "debt": True,
    "chronic_illness_or_disability": True,
    "children_out_of_school": False,
    "lacks_id_card": False,
}


def _assessment(eligible: bool, complexity: str, income: int) -> dict:
    return {
        "answers": ANSWERS
        if eligible
        else {**ANSWERS, "main_occupation": "regular", "debt": False},
        "household_members": 4,
        "household_income_baht": income,
        "problems": {"housing": "หลังคารั่ว ฝาบ้านผุ", "health": "ผู้สูงอายุป่วยเรื้อรัง"} if eligible else {},
        "eligible": eligible,
        "complexity": complexity,
        "summary": "รายได้ไม่พอเลี้ยงครอบครัว ควรได้รับความช่วยเหลือ"
        if eligible
        else "มีรายได้ประจำและญาติช่วยเหลือ",
    }


def _open(engine: Engine, users: dict[str, User], suffix: str) -> ScreeningRound:
    today = utcnow().astimezone(BANGKOK).date()
    stages = screening_config().stages[Programme.welfare.value]
    return service.open_round(
        engine,
        user_id=users[COORDINATOR].id,  # type: ignore[arg-type]
        programme=Programme.welfare,
        fiscal_year=FISCAL_YEAR,
        title=f"คัดกรองผู้รับโอกาส ปีงบประมาณ {FISCAL_YEAR} {suffix}",
        nomination_opens_on=today - timedelta(days=20),
        nomination_closes_on=today,
        stage_deadlines={s: today + timedelta(days=14 + 7 * i) for i, s in enumerate(stages)},
    )


def _nominate(
    engine: Engine, users: dict[str, User], round_id: int, serial: int, count: int
) -> None:
    with Session(engine) as session:
        listing = current_community_list(session)
        communities = session.exec(
            select(Community).where(Community.list_id == listing.id).order_by(col(Community.id))
        ).all()
        schools = session.exec(select(School).order_by(col(School.id))).all()
    for i in range(count):
        prefix, first, last, sex, source, nominator, income = PEOPLE[(serial + i) % len(PEOPLE)]
        community = communities[(serial + i) % len(communities)]
        service.nominate(
            engine,
            user_id=users[COORDINATOR].id,  # type: ignore[arg-type]
            round_id=round_id,
            data=NominationInput(
                person=PersonInput(
                    first_name=first,
                    last_name=last,
                    prefix=prefix,
                    thai_id=with_check_digit(f"3400{serial + i + 1:08d}"),
                    sex=sex,
                    community_id=community.id,
                ),
                source=source,
                nominator_name=nominator,
                household=HouseholdInput(
                    house_no=f"{10 + i}/{serial + 1}", monthly_income_satang=income * 100
                ),
                community_id=community.id,
                school_id=schools[i % len(schools)].id
                if source == NominationSource.teacher
                else None,
            ),
        )


def candidate_ids(engine: Engine, round_id: int) -> list[int]:
    """The round's candidates in the order they were nominated."""
    with Session(engine) as session:
        return [
            c
            for c in session.exec(
                select(Candidate.id)
                .where(Candidate.round_id == round_id)
                .order_by(col(Candidate.id))
            )
            if c is not None
        ]


def seed_demo_screening(engine: Engine) -> int:
    """The three demo rounds; the number of candidates made."""
    with Session(engine) as session:
        if session.exec(
            select(ScreeningRound).where(
                ScreeningRound.fiscal_year == FISCAL_YEAR,
                ScreeningRound.programme == Programme.welfare,
            )
        ).first():
            return 0
        users = {u.username: u for u in session.exec(select(User))}
    made = 0
    for serial, (suffix, plan) in enumerate(ROUNDS):
        round_ = _open(engine, users, suffix)
        round_id: int = round_.id  # type: ignore[assignment]
        _nominate(engine, users, round_id, serial * 10, len(plan))
        ids = candidate_ids(engine, round_id)
        made += len(ids)
        assessment_service.start_assessment(
            engine, round_id=round_id, user_id=users[COORDINATOR].id
        )  # type: ignore[arg-type]
        for candidate_id, (first, second, complexity) in zip(ids, plan, strict=True):
            income = PEOPLE[ids.index(candidate_id) % len(PEOPLE)][6]
            for round_no, verdict, who in ((1, first, "siriporn"), (2, second, "wilai")):
                if verdict is not None:
                    assessment_service.submit_assessment(
                        engine,
                        candidate_id=candidate_id,
                        round_no=round_no,
                        user_id=users[who].id,  # type: ignore[arg-type]
                        data=_assessment(verdict, complexity, income),
                    )
        if suffix == "รอบที่ 3":
            continue  # still assessing
        assessment_service.close_stage(
            engine, round_id=round_id, stage_key="assessment-1", user_id=users["sunee"].id
        )  # type: ignore[arg-type]
        assessment_service.close_stage(
            engine, round_id=round_id, stage_key="assessment-2", user_id=users["wilai"].id
        )  # type: ignore[arg-type]
        reconcile_round(engine, round_id=round_id)
        if suffix == "รอบที่ 2":
            continue  # the joint survey waits for the section head
        _certify(engine, users, round_id, ids)
    return made


def _certify(engine: Engine, users: dict[str, User], round_id: int, ids: list[int]) -> None:
    with Session(engine) as session:
        surveys = open_joint_surveys(session, round_id)
    for survey in surveys:
        assessment_service.record_joint_survey(
            engine,
            step_id=survey.step_id,
            user_id=users["sunee"].id,  # type: ignore[arg-type]
            record=SurveyRecord(
                eligible=True,
                complexity="complex",
                findings="ทั้งสองทีมลงพื้นที่ร่วมกัน พบผู้สูงอายุติดเตียงไม่มีผู้ดูแลกลางวัน ควรช่วยเหลือ",
                surveyed_on=utcnow().astimezone(BANGKOK).date(),
                members_present=[users["sunee"].id, users["malai"].id, users["wilai"].id],  # type: ignore[list-item]
            ),
        )
    assessment_service.confirm_list(
        engine, round_id=round_id, user_id=users["sompong"].id, comment="ยืนยันรายชื่อตามผลการคัดกรอง"
    )  # type: ignore[arg-type]
    with Session(engine) as session:
        step = stage_step(session, round_id, "certification")
        assert step is not None
        step_id: int = step.id  # type: ignore[assignment]
    present = [users[u].id for u in ("mayor", "anan", "kanya", "prasert")]
    assessment_service.record_meeting(
        engine,
        step_id=step_id,
        user_id=users["kanya"].id,  # type: ignore[arg-type]
        record=MeetingRecord(
            meeting_date=utcnow().astimezone(BANGKOK).date(),
            resolution_number=f"มติที่ประชุมคณะผู้บริหาร ครั้งที่ 3/{FISCAL_YEAR}",
            members_present=present,  # type: ignore[arg-type]
            exclusions={ids[-1]: "ได้รับการช่วยเหลือซ่อมแซมบ้านจากโครงการบ้านมั่นคงในปีเดียวกันแล้ว"},
        ),
    )
    for who in ("mayor", "anan", "kanya"):
        assessment_service.cast_vote(
            engine, step_id=step_id, user_id=users[who].id, certify_list=True
        )  # type: ignore[arg-type]
