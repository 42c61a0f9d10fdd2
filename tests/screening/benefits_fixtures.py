"""A certified round of 30 candidates for the letters, benefits, follow-up and fairness tests,
built through the stages' own use cases: nominations from every source (one person nominated
twice, one entered twice under two spellings and merged), both assessment rounds, disagreements
settled by the joint survey, the welfare division's confirmation and the executive committee's
certification with two exclusions. Some people have an e-mail address or a LINE id."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.db import utcnow
from domain.screening import assessment_service, service
from domain.screening.assessment import stage_step
from domain.screening.benefits import set_budget
from domain.screening.certify import MeetingRecord
from domain.screening.nominations import NominationInput
from domain.screening.people import HouseholdInput, PersonInput
from domain.screening.reconcile import SurveyRecord, reconcile_round
from models.people import User
from models.screening import (
    Candidate,
    CandidateState,
    Community,
    Household,
    NominationSource,
    Person,
    School,
    ScreeningRound,
)
from models.screening_assessment import JointSurvey
from models.screening_benefits import BenefitAward, BenefitUnit, FundingSource
from ops.seed import DEMO_PASSWORD
from ops.seed_screening import seed_screening
from ops.seed_screening_teams import seed_screening_teams
from tests.screening.conftest import open_round, thai_id

SOURCES = list(NominationSource)
COUNT = 30
DISAGREE = {3, 9, 15, 21}
"""Round 1 says eligible, round 2 not: the joint survey settles (3 and 9 eligible)."""
BOTH_NOT = {5, 11, 17}
EXCLUDE = {7, 13}
COMPLEX = {0, 1, 2, 8}
HIV_STUDENT = 4
SHARED_HOUSEHOLD = (0, 6)
"""Two candidates of one household: family aid goes once to it."""


def answers(n: int) -> dict:
    return {
        "housing_tenure": "rent",
        "house_condition": "repair" if n % 3 == 0 else "good",
        "dependants": n % 4,
        "main_occupation": "daily_labour",
        "debt": n % 2 == 0,
        "chronic_illness_or_disability": n % 5 == 0,
        "children_out_of_school": False,
        "lacks_id_card": n % 10 == 1,
    }


def problems(n: int) -> dict:
    found = {"welfare": "รายได้ไม่พอเลี้ยงครอบครัว"}
    if n % 3 == 0:
        found["housing"] = "หลังคารั่ว ฝาบ้านผุ"
    if n % 4 == 0:
        found["health"] = "ผู้สูงอายุป่วยเรื้อรัง"
    if n % 6 == 1:
        found["occupation"] = "ไม่มีอุปกรณ์ประกอบอาชีพ"
    return found


def assessment(n: int, eligible: bool) -> dict:
    return {
        "answers": answers(n),
        "household_members": 4,
        "household_income_baht": 3500,
        "problems": problems(n) if eligible else {},
        "eligible": eligible,
        "complexity": "complex" if n in COMPLEX else "basic",
        "summary": "รายได้ไม่พอเลี้ยงครอบครัว" if eligible else "มีรายได้ประจำเพียงพอ",
    }


@dataclass
class BigRound:
    id: int
    users: dict[str, User]
    candidates: list[int] = field(default_factory=list)
    """Candidate id of person n (index n), the merged duplicate not among them."""
    merged_candidate: int = 0
    emails: dict[int, str] = field(default_factory=dict)
    """Candidate id -> e-mail address."""
    line_ids: dict[int, str] = field(default_factory=dict)


STUDENTS = (HIV_STUDENT, 10, 14, 20)
"""Nominated by a teacher; on 16 May 2570 (2027) aged 10 (P.5), 13 (M.2), 15 and 15 (M.4)."""
BIRTH_DATES = {
    HIV_STUDENT: date(2017, 3, 1),
    10: date(2014, 3, 1),
    14: date(2012, 1, 5),
    20: date(2012, 1, 5),
}


def _person(n: int, community_id: int) -> PersonInput:
    teen = n in STUDENTS
    return PersonInput(
        prefix="ด.ญ." if teen else "นาง",
        first_name=f"สมใจ{n}",
        last_name="ทดสอบ",
        thai_id=None if n % 10 == 1 else thai_id(500 + n),
        birth_date=BIRTH_DATES.get(n, date(1970, 1, 1 + n % 28)),
        community_id=community_id,
        email=f"person{n}@example.org" if n % 3 == 0 or n == 7 else None,
        line_user_id=f"U{n:032x}" if n % 4 == 0 else None,
    )


def _nominate_all(engine: Engine, r: ScreeningRound, users: dict[str, User]) -> None:
    sunee = users["sunee"].id
    with Session(engine) as session:
        communities = list(
            session.exec(
                select(Community.id).where(Community.list_id == r.community_list_id).limit(4)
            )
        )
        school = session.exec(select(School.id)).first()
    for n in range(COUNT):
        source = NominationSource.teacher if n in STUDENTS else SOURCES[n % 6]
        service.nominate(
            engine,
            user_id=sunee,
            round_id=r.id,
            data=NominationInput(
                person=_person(n, communities[n % 4]),
                source=source,
                nominator_name=f"ผู้เสนอ {source.thai}",
                household=HouseholdInput(house_no=f"{n}/7", address="ถนนทดสอบ"),
                school_id=school if source is NominationSource.teacher else None,
            ),
        )
    # the same person again from another source: one candidate, two nominations
    service.nominate(
        engine,
        user_id=sunee,
        round_id=r.id,
        data=NominationInput(
            person=_person(2, communities[2]),
            source=NominationSource.council_member,
            nominator_name="สท. ทดสอบ",
        ),
    )
    # person 8 entered again under another spelling, then merged into the first entry
    service.nominate(
        engine,
        user_id=sunee,
        round_id=r.id,
        data=NominationInput(
            person=PersonInput(first_name="สมใจ8", last_name="ทดสอป", community_id=communities[0]),
            source=NominationSource.other_group,
            nominator_name="ชมรมผู้สูงอายุ",
        ),
    )


def certified_round(engine: Engine, people: dict[str, User]) -> BigRound:
    with Session(engine) as session:
        seed_screening(session)
        seed_screening_teams(session, DEMO_PASSWORD)
        session.commit()
        users = {u.username: u for u in session.exec(select(User))}
    r = open_round(engine, users["sunee"])
    _nominate_all(engine, r, users)
    with Session(engine, expire_on_commit=False) as session:
        people_by_name = {
            p.first_name + p.last_name: p
            for p in session.exec(select(Person).order_by(col(Person.id)))
        }
        keep = people_by_name["สมใจ8ทดสอบ"]
        drop = people_by_name["สมใจ8ทดสอป"]
    service.merge_persons(
        engine, user_id=users["sunee"].id, keep_id=keep.id, drop_id=drop.id, reason="ชื่อสะกดต่างกัน"
    )
    big = BigRound(id=r.id or 0, users=users)
    with Session(engine, expire_on_commit=False) as session:
        for n in range(COUNT):
            person = people_by_name[f"สมใจ{n}ทดสอบ"]
            candidate = session.exec(
                select(Candidate).where(
                    Candidate.round_id == r.id, Candidate.person_id == person.id
                )
            ).one()
            big.candidates.append(candidate.id or 0)
            if person.email:
                big.emails[candidate.id or 0] = person.email
            if person.line_user_id:
                big.line_ids[candidate.id or 0] = person.line_user_id
        big.merged_candidate = (
            session.exec(
                select(Candidate.id).where(
                    Candidate.round_id == r.id, Candidate.person_id == drop.id
                )
            ).one()
            or 0
        )
        # a named officer records the HIV status; two candidates share a household
        hiv = people_by_name[f"สมใจ{HIV_STUDENT}ทดสอบ"]
        hiv.hiv_positive = True
        session.add(hiv)
        a, b = (people_by_name[f"สมใจ{n}ทดสอบ"] for n in SHARED_HOUSEHOLD)
        b.household_id = a.household_id
        session.add(b)
        session.commit()
    _assess_and_certify(engine, big)
    return big


def _assess_and_certify(engine: Engine, big: BigRound) -> None:
    u = {name: big.users[name].id for name in ("sunee", "siriporn", "wilai", "sompong")}
    assessment_service.start_assessment(engine, round_id=big.id, user_id=u["sunee"])
    for n, c in enumerate(big.candidates):
        first = n not in BOTH_NOT
        second = first and n not in DISAGREE
        assessment_service.submit_assessment(
            engine, candidate_id=c, round_no=1, user_id=u["siriporn"], data=assessment(n, first)
        )
        assessment_service.submit_assessment(
            engine, candidate_id=c, round_no=2, user_id=u["wilai"], data=assessment(n, second)
        )
    assessment_service.close_stage(
        engine, round_id=big.id, stage_key="assessment-1", user_id=u["sunee"]
    )
    assessment_service.close_stage(
        engine, round_id=big.id, stage_key="assessment-2", user_id=u["wilai"]
    )
    reconcile_round(engine, round_id=big.id)
    with Session(engine) as session:
        surveys = {s.candidate_id: s.step_id for s in session.exec(select(JointSurvey))}
    for n in sorted(DISAGREE):
        c = big.candidates[n]
        assessment_service.record_joint_survey(
            engine,
            step_id=surveys[c],
            user_id=u["sunee"],
            record=SurveyRecord(
                n in (3, 9),
                "moderate",
                "สำรวจร่วมกันแล้ว",
                date(2026, 12, 1),
                [u["sunee"], u["wilai"]],
            ),
        )
    assessment_service.confirm_list(engine, round_id=big.id, user_id=u["sompong"])
    with Session(engine) as session:
        step = stage_step(session, big.id, "certification")
        step_id = step.id if step else 0
    board = {name: big.users[name].id for name in ("mayor", "anan", "kanya", "prasert")}
    assessment_service.record_meeting(
        engine,
        step_id=step_id,
        user_id=board["kanya"],
        record=MeetingRecord(
            date(2026, 12, 16),
            "มติ คทม. ครั้งที่ 13/2569",
            list(board.values()),
            {big.candidates[n]: "ได้รับความช่วยเหลือจากโครงการอื่นในปีเดียวกันแล้ว" for n in EXCLUDE},
        ),
    )
    for who in ("mayor", "anan", "kanya"):
        assessment_service.cast_vote(engine, step_id=step_id, user_id=board[who], certify_list=True)


def states(engine: Engine, candidate_ids: list[int]) -> dict[int, CandidateState]:
    with Session(engine) as session:
        return {
            c.id or 0: CandidateState(c.state)
            for c in session.exec(select(Candidate).where(col(Candidate.id).in_(candidate_ids)))
        }


def earlier_award(
    engine: Engine, big: BigRound, *, days_ago: int, person_of: int | None = None
) -> tuple[int, int | None]:
    """A family-aid award of an earlier round (fiscal 2569) ``days_ago``: to the person of
    ``big.candidates[person_of]`` or, without it, to a new person and household. Returns the
    award's (candidate id, household id)."""
    with Session(engine, expire_on_commit=False) as session:
        current = session.get(ScreeningRound, big.id)
        assert current is not None
        earlier = session.exec(
            select(ScreeningRound).where(ScreeningRound.fiscal_year == 2569)
        ).first() or ScreeningRound(
            programme=current.programme,
            fiscal_year=2569,
            title="คัดกรองผู้รับโอกาส ปีงบประมาณ 2569",
            division_id=current.division_id,
            community_list_id=current.community_list_id,
            nomination_opens_on=date(2025, 11, 1),
            nomination_closes_on=date(2025, 11, 30),
            opened_by_id=current.opened_by_id,
        )
        session.add(earlier)
        session.flush()
        if person_of is not None:
            candidate = session.get(Candidate, big.candidates[person_of])
            assert candidate is not None
            person = session.get(Person, candidate.person_id)
        else:
            household = Household(house_no="99/1", address="ถนนเดิม")
            session.add(household)
            session.flush()
            person = Person(first_name="เคยได้รับ", last_name="ทดสอบ", household_id=household.id)
            session.add(person)
        assert person is not None
        session.flush()
        old = Candidate(round_id=earlier.id, person_id=person.id, state=CandidateState.certified)
        session.add(old)
        session.flush()
        when = utcnow() - timedelta(days=days_ago)
        session.add(
            BenefitAward(
                award_key=f"{earlier.id}:family_aid:c{old.id}",
                round_id=earlier.id or 0,
                candidate_id=old.id or 0,
                household_id=person.household_id,
                community_id=person.community_id,
                benefit="family_aid",
                area="welfare",
                source=FundingSource.municipal_budget,
                amount_satang=200_000,
                unit=BenefitUnit.thb,
                period_start=date(2024, 10, 1),
                period_end=date(2025, 9, 30),
                awarded_at=when,
            )
        )
        session.commit()
        return old.id or 0, person.household_id


def fund_everything(engine: Engine, big: BigRound) -> None:
    """Budgets large enough for every money benefit of the round."""
    for benefit, source in (
        ("family_aid", "municipal_budget"),
        ("scholarship_primary", "donations"),
        ("scholarship_secondary", "donations"),
        ("scholarship_bachelor", "municipal_budget"),
        ("hiv_student_allowance", "municipal_budget"),
    ):
        set_budget(
            engine,
            big.id,
            actor_id=big.users["sunee"].id or 0,
            benefit=benefit,
            source=source,
            amount_satang=100_000_000,
        )


def awards(engine: Engine, round_id: int) -> list[BenefitAward]:
    with Session(engine) as session:
        return list(session.exec(select(BenefitAward).where(BenefitAward.round_id == round_id)))
