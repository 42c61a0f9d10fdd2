"""A screening round ready for assessment, built from rows (the nominations' own use cases are
tested in their files): the demo organisation, the screening teams, one community, candidates
nominated, deadlines a month ahead."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.db import utcnow
from domain.engine.calendar import BANGKOK
from domain.screening import assessment_service
from domain.screening.config import screening_config
from models.people import Division, User
from models.screening import (
    Candidate,
    Community,
    CommunityList,
    Person,
    Programme,
    ScreeningRound,
)
from ops.seed import DEMO_PASSWORD
from ops.seed_screening_teams import seed_screening_teams

ANSWERS = {
    "housing_tenure": "rent",
    "house_condition": "repair",
    "dependants": 2,
    "main_occupation": "daily_labour",
    "debt": True,
    "chronic_illness_or_disability": False,
    "children_out_of_school": False,
    "lacks_id_card": False,
}


def assessment(eligible: bool, complexity: str = "basic", **extra) -> dict:
    return {
        "answers": ANSWERS,
        "household_members": 4,
        "household_income_baht": 4500.50,
        "problems": {"housing": "หลังคารั่ว", "education": "ค่าเดินทางไปโรงเรียน"},
        "eligible": eligible,
        "complexity": complexity,
        "summary": "รายได้ไม่พอเลี้ยงครอบครัว" if eligible else "มีรายได้ประจำเพียงพอ",
        **extra,
    }


def today() -> date:
    return utcnow().astimezone(BANGKOK).date()


@dataclass
class Round:
    id: int
    candidates: list[int]
    users: dict[str, User]


def make_round(
    engine: Engine,
    people: dict[str, User],
    *,
    count: int = 4,
    programme: Programme = Programme.welfare,
    start: bool = True,
) -> Round:
    with Session(engine, expire_on_commit=False) as session:
        seed_screening_teams(session, DEMO_PASSWORD)
        users = {u.username: u for u in session.exec(select(User))}
        welfare = session.exec(select(Division).where(Division.code == "สส.")).one()
        listing = CommunityList(version=1, effective_from=date(2020, 1, 1), source="ทดสอบ")
        session.add(listing)
        session.flush()
        community = Community(list_id=listing.id, code="01", name="ชุมชนหนองวัด")
        session.add(community)
        session.flush()
        stages = screening_config().stages[programme.value]
        screening_round = ScreeningRound(
            programme=programme,
            fiscal_year=2570,
            title=f"รอบทดสอบ {programme.value}",
            division_id=welfare.id,
            community_list_id=listing.id,
            nomination_opens_on=today() - timedelta(days=10),
            nomination_closes_on=today(),
            stage_deadlines={
                s: (today() + timedelta(days=30 + i)).isoformat() for i, s in enumerate(stages)
            },
            opened_by_id=users["sunee"].id,
        )
        session.add(screening_round)
        session.flush()
        ids = []
        for i in range(count):
            person = Person(
                first_name=f"สมหญิง{i}",
                last_name="ทดสอบ",
                community_id=community.id,
            )
            session.add(person)
            session.flush()
            candidate = Candidate(round_id=screening_round.id, person_id=person.id)
            session.add(candidate)
            session.flush()
            ids.append(candidate.id)
        session.commit()
        round_id = screening_round.id
    if start:
        assessment_service.start_assessment(engine, round_id=round_id, user_id=users["sunee"].id)
    return Round(round_id, ids, users)


def assess(engine: Engine, r: Round, candidate_id: int, round_no: int, eligible: bool, **kw):
    who = "siriporn" if round_no == 1 else "wilai"
    return assessment_service.submit_assessment(
        engine,
        candidate_id=candidate_id,
        round_no=round_no,
        user_id=r.users[who].id,
        data=assessment(eligible, **kw),
    )
