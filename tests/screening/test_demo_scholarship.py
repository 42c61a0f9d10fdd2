"""The demo scholarship of `make run` (ops/demo_scholarship.py): a round certified and awarded,
each recipient with a mentor, some reports in; a second run adds nothing; the mentor demo user
sees her own recipients only, another teacher has no business there."""

import re

import pytest
from fastapi.testclient import TestClient
from jinja2 import Environment, FileSystemLoader
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from api.screening.renewal_pages import RECIPIENT_LIST_PURPOSE
from core.settings import PROJECT_ROOT
from domain.engine import audit
from domain.errors import Conflict
from domain.screening import letters, letters_content, renewal
from domain.screening.states import CASE_TYPE
from models.audit import AuditEntry
from models.people import User
from models.readlog import ReadLogEntry
from models.screening import Candidate, CandidateState, Programme, RoundStatus, ScreeningRound
from models.screening_benefits import BenefitAward
from models.screening_renewal import MentorAssignment, MentorReport
from ops.demo_scholarship import MENTOR, seed_demo_scholarship
from ops.seed import DEMO_PASSWORD
from ops.seed_screening import seed_screening
from ops.seed_screening_teams import seed_screening_teams
from tests.helpers import login, sign_in


@pytest.fixture
def demo(engine: Engine, seeded: dict[str, User]) -> dict[str, User]:
    with Session(engine) as session:
        seed_screening(session)
        seed_screening_teams(session, DEMO_PASSWORD)
        session.commit()
    assert seed_demo_scholarship(engine) == 5
    return seeded


def _rounds(session: Session) -> list[ScreeningRound]:
    return list(
        session.exec(
            select(ScreeningRound)
            .where(ScreeningRound.programme == Programme.scholarship)
            .order_by(col(ScreeningRound.id))
        )
    )


def _counts(session: Session) -> tuple[int, ...]:
    return tuple(
        session.exec(select(func.count()).select_from(table)).one()
        for table in (ScreeningRound, Candidate, MentorAssignment, MentorReport, AuditEntry)
    )


def test_demo_scholarship_rounds_mentors_and_reports(engine: Engine, demo) -> None:
    with Session(engine) as session:
        (scholarship,) = _rounds(session)
        assert (scholarship.fiscal_year, scholarship.status) == (2570, RoundStatus.following_up)
        recipients = renewal.recipients(session, scholarship.id)  # type: ignore[arg-type]
        assert len(recipients) == 4
        states = session.exec(
            select(Candidate.state).where(Candidate.round_id == scholarship.id)
        ).all()
        assert sorted(states) == sorted(
            [CandidateState.certified] * 4 + [CandidateState.not_eligible]
        )
        awarded = session.exec(
            select(BenefitAward.candidate_id, BenefitAward.benefit).where(
                BenefitAward.round_id == scholarship.id,
                col(BenefitAward.benefit).startswith("scholarship"),
            )
        ).all()
        assert {c for c, _ in awarded} == {c.id for c in recipients}
        assert {b for _, b in awarded} == {"scholarship_primary", "scholarship_secondary"}

        mentors = [renewal.mentor_of(session, c.id) for c in recipients]  # type: ignore[arg-type]
        assert all(mentors)
        by_user = [m.mentor_user_id for m in mentors]  # type: ignore[union-attr]
        assert by_user.count(demo[MENTOR].id) == 2 and by_user.count(None) == 1
        reports = [renewal.latest_report(session, c.id) for c in recipients]  # type: ignore[arg-type]
        assert [r is not None for r in reports] == [True, False, True, True]
        assert [r.recommend_continue for r in reports if r] == [True, True, False]

        entries = audit.timeline(session, case_type=CASE_TYPE, case_id=scholarship.id)  # type: ignore[arg-type]
        assert audit.verify(entries).valid
        actions = [e.action for e in entries]
        assert actions.count("screening_mentor_assigned") == 4
        assert actions.count("screening_mentor_report") == 3

    # the renewal waits for the teacher's missing report
    with pytest.raises(Conflict, match="ยังไม่มีรายงาน"):
        renewal.start_renewal_uc(
            engine,
            round_id=scholarship.id,  # type: ignore[arg-type]
            next_round_id=scholarship.id,  # type: ignore[arg-type]
            user_id=demo["sunee"].id,  # type: ignore[arg-type]
        )


def test_seeding_twice_changes_nothing(engine: Engine, demo) -> None:
    with Session(engine) as session:
        before = _counts(session)
    assert seed_demo_scholarship(engine) == 0
    with Session(engine) as session:
        assert _counts(session) == before


def _menu(page: str) -> str:
    nav = re.search(r'<nav class="who">(.*?)</nav>', page, re.S)
    assert nav, "no menu on the page"
    return nav.group(1)


def test_the_mentor_sees_her_own_recipients_and_another_teacher_nothing(
    client: TestClient, engine: Engine, demo
) -> None:
    with Session(engine) as session:
        scholarship = _rounds(session)[0]
        recipients = [c.id for c in renewal.recipients(session, scholarship.id)]  # type: ignore[arg-type]
        own = sorted(renewal.mentored_in(session, demo[MENTOR], scholarship.id))  # type: ignore[arg-type]
    assert len(own) == 2
    url = f"/pages/screening/rounds/{scholarship.id}/renewal"

    sign_in(client, MENTOR)
    assert 'href="/pages/screening"' in _menu(client.get("/pages/inbox").text)
    # the round's page leads her to the renewal page alone, in the scholarship's own words
    shown = client.get(f"/pages/screening/rounds/{scholarship.id}").text
    assert f'href="{url}"' in shown and "/progress" not in shown and "/benefits" not in shown
    assert "คณะกรรมการพิจารณาทุนรับรองรายชื่อ" in shown and "คณะผู้บริหาร" not in shown
    page = client.get(url)
    assert page.status_code == 200
    for candidate_id in recipients:
        assert (f"ผู้รับทุน #{candidate_id}<" in page.text) == (candidate_id in own)
    for candidate_id in own:
        assert f"/candidates/{candidate_id}/mentor-report" in page.text
    assert "ยังไม่มีรายงาน" in page.text and "เกรดเฉลี่ย 3.52" in page.text
    # her pupils by name (each read logged), the others' not at all
    assert "กัญญาณัฐ ศรีวงศ์" in page.text and "ธีรภัทร คำแสน" in page.text
    assert "สุธิดา" not in page.text and "อภิชาติ" not in page.text
    with Session(engine) as session:
        logged = session.exec(
            select(ReadLogEntry.record_id).where(
                ReadLogEntry.user_id == demo[MENTOR].id,
                ReadLogEntry.purpose == RECIPIENT_LIST_PURPOSE,
                col(ReadLogEntry.allowed),
            )
        ).all()
        persons = session.exec(select(Candidate.person_id).where(col(Candidate.id).in_(own))).all()
    assert sorted(logged) == sorted(persons)
    data = client.get(
        f"/api/screening/rounds/{scholarship.id}/renewal", headers=login(client, MENTOR)
    ).json()
    assert [r["candidate_id"] for r in data["recipients"]] == own

    sign_in(client, "kru_wilawan")  # a teacher of the demo, no mentor
    assert 'href="/pages/screening"' not in _menu(client.get("/pages/inbox").text)
    assert client.get(url).status_code == 403
    refused = client.get(
        f"/api/screening/rounds/{scholarship.id}/renewal", headers=login(client, "kru_wilawan")
    )
    assert refused.status_code == 403


def test_a_scholarship_letter_names_the_committee_that_certified_it(engine: Engine, demo) -> None:
    """Not the executives of a welfare round: the scholarship committee certified this list,
    after two levels of assessment, and the pupil passed as a scholarship recipient."""
    with Session(engine) as session:
        (scholarship,) = _rounds(session)
        sunee = session.exec(select(User).where(User.username == "sunee")).one()
    views = letters.letter_views(engine, scholarship.id, reader_id=sunee.id)  # type: ignore[arg-type]
    passed = next(v for v in views if v.passed)
    page = Environment(loader=FileSystemLoader(PROJECT_ROOT / "templates")).get_template(
        "screening/letters/_letter.html"
    )
    text = re.sub(r"\s+", " ", page.render(passed.context()))
    assert "แจ้งผลการคัดเลือกผู้รับทุนการศึกษา" in text
    assert "ข้อมูล ๒ ระดับ โดยทีมสำรวจข้อมูล สำนักสวัสดิการสังคมและทีมอาสาสมัคร" in text
    assert "ที่ประชุมคณะกรรมการพิจารณาทุนการศึกษาได้พิจารณารับรองรายชื่อแล้ว" in text
    assert "รับรองเป็นผู้รับทุนการศึกษา" in text and "คณะผู้บริหาร" not in text
    assert "รับรองเป็นผู้รับทุนการศึกษา" in letters_content.line_texts(passed)[0]
