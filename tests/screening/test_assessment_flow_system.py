"""The screening round's flow on the real system (Prefect server, workers, API): one flow run
for the round suspends on the teams' assessment stages, reconciles the candidates in mapped
tasks, suspends on the joint survey, the confirmation and the committee's certification,
then tells everyone (letters), assigns benefits, books the follow-up and completes."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select

from core.db import make_engine, utcnow
from domain.engine.calendar import BANGKOK
from domain.screening import service
from domain.screening.config import screening_config
from domain.screening.ids import with_check_digit
from domain.screening.nominations import NominationInput
from domain.screening.people import PersonInput
from models.people import User
from models.screening import Community, NominationSource, Programme
from ops.run import LocalSystem
from tests.screening.assessment_fixtures import assessment
from tests.system.test_system import Officer, completed, paused_on, wait_for

pytestmark = pytest.mark.slow
CASE = "screening-round"


def open_round_with(system: LocalSystem, count: int) -> int:
    engine = make_engine(f"sqlite:///{system.var_dir / 'app.db'}")
    today = utcnow().astimezone(BANGKOK).date()
    with Session(engine) as session:
        sunee = session.exec(select(User).where(User.username == "sunee")).one()
        community = session.exec(select(Community).order_by(col(Community.id).desc())).first()
    stages = screening_config().stages[Programme.welfare.value]
    opened = service.open_round(
        engine,
        user_id=sunee.id,
        programme=Programme.welfare,
        fiscal_year=2570,
        title="รอบทดสอบระบบ",
        nomination_opens_on=today - timedelta(days=1),
        nomination_closes_on=today,
        stage_deadlines={s: today + timedelta(days=10 + i) for i, s in enumerate(stages)},
    )
    for i in range(count):
        service.nominate(
            engine,
            user_id=sunee.id,
            round_id=opened.id,
            data=NominationInput(
                person=PersonInput(
                    first_name=f"ทดสอบ{i}",
                    last_name="ระบบงาน",
                    thai_id=with_check_digit(f"1100{i + 1:08d}"),
                    community_id=community.id,
                ),
                source=NominationSource.own_petition,
                nominator_name="ยื่นคำร้องด้วยตนเอง",
            ),
        )
    engine.dispose()
    return opened.id


def candidates(system: LocalSystem, round_id: int) -> list[int]:
    engine = sa.create_engine(f"sqlite:///{system.var_dir / 'app.db'}")
    with engine.connect() as conn:
        found = [
            row[0]
            for row in conn.execute(
                sa.text("SELECT id FROM screening_candidate WHERE round_id = :r ORDER BY id"),
                {"r": round_id},
            )
        ]
    engine.dispose()
    return found


def open_step(officer: Officer, round_id: int, kind: str) -> dict | None:
    steps = officer.http.get(f"/api/screening/rounds/{round_id}/progress").json()["open_steps"]
    return next((s for s in steps if s["kind"] == kind), None)


def test_one_flow_run_follows_the_round_to_its_follow_up(system: LocalSystem) -> None:
    round_id = open_round_with(system, 3)
    coordinator = Officer(system, "sunee")
    r = coordinator.http.post(f"/api/screening/rounds/{round_id}/start-assessment")
    assert r.status_code == 200, r.text
    first = open_step(coordinator, round_id, "assessment-1")
    wait_for(lambda: paused_on(system, round_id, first["key"], CASE), what="on round 1")

    welfare, volunteer = Officer(system, "siriporn"), Officer(system, "wilai")
    agree, split, neither = candidates(system, round_id)
    for c, one, two in ((agree, True, True), (split, True, False), (neither, False, False)):
        for officer, n, verdict in ((welfare, 1, one), (volunteer, 2, two)):
            r = officer.http.post(
                f"/api/screening/candidates/{c}/assessments/{n}", json=assessment(verdict)
            )
            assert r.status_code == 201, r.text
    for officer, key in ((coordinator, "assessment-1"), (volunteer, "assessment-2")):
        r = officer.http.post(f"/api/screening/rounds/{round_id}/stages/{key}/close")
        assert r.status_code == 200, r.text

    survey = wait_for(lambda: open_step(coordinator, round_id, "joint-survey"), what="survey")
    wait_for(lambda: paused_on(system, round_id, survey["key"], CASE), what="on the survey")
    users = {u["username"]: u["id"] for u in coordinator.http.get("/api/users").json()}
    r = coordinator.http.post(
        f"/api/screening/joint-surveys/{survey['id']}",
        json={
            "eligible": True,
            "complexity": "complex",
            "findings": "ผู้ป่วยติดเตียง",
            "surveyed_on": "2026-12-01",
            "members_present": [users["sunee"], users["wilai"]],
        },
    )
    assert r.status_code == 200, r.text
    confirm = wait_for(lambda: open_step(coordinator, round_id, "confirmation"), what="confirm")
    wait_for(lambda: paused_on(system, round_id, confirm["key"], CASE), what="on confirmation")
    assert (
        Officer(system, "sompong")
        .http.post(f"/api/screening/rounds/{round_id}/confirm")
        .status_code
        == 200
    )

    meeting = wait_for(lambda: open_step(coordinator, round_id, "certification"), what="meeting")
    wait_for(lambda: paused_on(system, round_id, meeting["key"], CASE), what="on certification")
    secretary = Officer(system, "kanya")
    present = [users[u] for u in ("mayor", "anan", "kanya")]
    r = secretary.http.post(
        f"/api/screening/certifications/{meeting['id']}/meeting",
        json={
            "meeting_date": "2026-12-16",
            "resolution_number": "13/2569",
            "members_present": present,
            "exclusions": {},
        },
    )
    assert r.status_code == 200 and r.json()["quorum_reached"], r.text
    for who in ("mayor", "anan", "kanya"):
        r = Officer(system, who).http.post(
            f"/api/screening/certifications/{meeting['id']}/vote", json={"certify": True}
        )
        assert r.status_code == 200, r.text

    wait_for(lambda: completed(system, round_id, CASE), timeout=180, what="the run completed")
    progress = coordinator.http.get(f"/api/screening/rounds/{round_id}/progress").json()
    assert progress["status"] == "following_up"
    assert progress["by_state"] == {"certified": 2, "not_eligible": 1}
    engine = sa.create_engine(f"sqlite:///{system.var_dir / 'app.db'}")
    with engine.connect() as conn:
        letters = conn.execute(
            sa.text("SELECT count(*) FROM screening_letter WHERE round_id = :r"), {"r": round_id}
        ).scalar_one()
    engine.dispose()
    assert letters == 3
