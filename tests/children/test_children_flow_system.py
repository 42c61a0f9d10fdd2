"""A child's case on the real system (Prefect server, workers, API, SMTP capture): the
teacher's screening through the API opens the case and its flow run, which suspends on each
stage of the Application Care path in turn (medical assessment, home visit, plan, follow-up)
and completes when the core person closes the case; the parent's notices go out by mail."""

import pytest
from sqlmodel import Session, select

from adapters.mailbox import read_mailbox
from core.db import make_engine, utcnow
from domain.children import service
from domain.children.classroom import this_academic_year
from domain.children.roster import GuardianInput, PupilInput
from domain.screening.ids import with_check_digit
from domain.screening.people import PersonInput
from models.children import NoticeChannel
from models.people import User
from models.screening import School
from ops.demo_children import answers_for_total
from ops.run import LocalSystem
from tests.system.test_system import Officer, completed, paused_on, wait_for

pytestmark = pytest.mark.slow
CASE = "child-care"
PARENT = "mother.flow@example.com"


def enrol(system: LocalSystem, first_twelve: str = "130000000001") -> tuple[int, int]:
    """A pupil of ป.5/1 at โรงเรียนเทศบาลวัดกลาง with a mother reached by e-mail."""
    engine = make_engine(f"sqlite:///{system.var_dir / 'app.db'}")
    with Session(engine) as session:
        teacher = session.exec(select(User).where(User.username == "kru_somsri")).one()
        school = session.exec(select(School).where(School.code == "S01")).one()
    pupil = service.enrol_pupil(
        engine,
        user_id=teacher.id,  # type: ignore[arg-type]
        pupil=PupilInput(
            child=PersonInput(
                prefix="เด็กชาย",
                first_name="ทดสอบ",
                last_name="ระบบงาน",
                thai_id=with_check_digit(first_twelve),
            ),
            school_id=school.id,  # type: ignore[arg-type]
            academic_year=this_academic_year(),
            grade="ป.5",
            class_name="ป.5/1",
        ),
        guardians=[
            GuardianInput(
                parent=PersonInput(first_name="แม่ทดสอบ", last_name="ระบบงาน", email=PARENT),
                relation="มารดา",
                notify_by=NoticeChannel.email,
            )
        ],
    )
    engine.dispose()
    return pupil.id, school.id  # type: ignore[return-value]


def open_step(officer: Officer, case_id: int, kind: str) -> dict | None:
    r = officer.http.get(f"/api/children/cases/{case_id}", params={"purpose": "ทดสอบระบบ"})
    return next((s for s in r.json()["steps"] if s["kind"] == kind and s["status"] == "open"), None)


def test_the_flow_follows_the_case_to_its_closing(system: LocalSystem) -> None:
    pupil_id, school_id = enrol(system)
    teacher = Officer(system, "kru_somsri")
    r = teacher.http.post(
        "/api/children/screenings",
        json={
            "school_id": school_id,
            "academic_year": this_academic_year(),
            "class_name": "ป.5/1",
            "held_on": utcnow().date().isoformat(),
            "answers": {str(pupil_id): answers_for_total(17)},
        },
    )
    assert r.status_code == 201, r.text
    [result] = r.json()
    case_id = result["case_id"]
    assert result["band"] == "problem" and case_id

    nurse, core = Officer(system, "jintana"), Officer(system, "preecha")
    wait_for(lambda: paused_on(system, case_id, f"child-{case_id}-medical", CASE), what="medical")
    r = nurse.http.post(
        f"/api/children/cases/{case_id}/medical-assessment", json={"findings": "ปกติ"}
    )
    assert r.status_code == 200, r.text
    key = f"child-{case_id}-home-visit"
    wait_for(lambda: paused_on(system, case_id, key, CASE), what="home visit")
    r = core.http.post(
        f"/api/children/cases/{case_id}/home-visit",
        json={
            "findings": "อยู่กับแม่",
            "lives_with": "แม่",
            "conference_needed": False,
            "skip_reason": "ครอบครัวพร้อมดูแล",
        },
    )
    assert r.status_code == 200, r.text
    wait_for(lambda: paused_on(system, case_id, f"child-{case_id}-plan", CASE), what="plan")
    r = core.http.post(
        f"/api/children/cases/{case_id}/plan/actions",
        json={"title": "พูดคุยทุกสัปดาห์", "due_on": "2099-01-31", "owner_name": "ครูประจำชั้น"},
    )
    assert r.status_code == 201, r.text
    assert core.http.post(f"/api/children/cases/{case_id}/plan/approve").status_code == 200
    key = f"child-{case_id}-follow-up-1"
    wait_for(lambda: paused_on(system, case_id, key, CASE), what="follow-up")
    r = core.http.post(
        f"/api/children/cases/{case_id}/follow-ups", json={"findings": "ดีขึ้น", "close": True}
    )
    assert r.status_code == 200, r.text
    wait_for(lambda: completed(system, case_id, CASE), what="the flow run completed")

    def to_parent() -> list[str]:
        return [m.subject for m in read_mailbox(system.var_dir / "mail") if PARENT in m.rcpt_tos]

    wait_for(lambda: len(to_parent()) == 4, what="the parent's four notices")
    assert "โรงเรียนขอเชิญผู้ปกครองร่วมดูแลบุตรหลาน" in to_parent()[0]


def test_a_case_closed_early_ends_its_flow_run(system: LocalSystem) -> None:
    pupil_id, school_id = enrol(system, "130000000002")
    teacher = Officer(system, "kru_somsri")
    r = teacher.http.post(
        "/api/children/screenings",
        json={
            "school_id": school_id,
            "academic_year": this_academic_year(),
            "class_name": "ป.5/1",
            "held_on": utcnow().date().isoformat(),
            "answers": {str(pupil_id): answers_for_total(18)},
        },
    )
    assert r.status_code == 201, r.text
    case_id = r.json()[0]["case_id"]
    wait_for(lambda: paused_on(system, case_id, f"child-{case_id}-medical", CASE), what="medical")
    core = Officer(system, "preecha")
    r = core.http.post(f"/api/children/cases/{case_id}/close", json={"reason": "ย้ายโรงเรียน"})
    assert r.status_code == 200 and r.json()["status"] == "closed", r.text
    wait_for(lambda: completed(system, case_id, CASE), what="the flow run completed")
