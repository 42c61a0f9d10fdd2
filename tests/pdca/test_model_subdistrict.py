"""The model sub-district configuration (seed 003) on the engine: scored at levels 3, 4 and 5
(6 and 12 months, existing and new; 12 months complete but late = 4, complete by 15 September
= 5), the deadline read from configuration, a broken configuration refused by name, the
committee's self-assessment decided by quorum, the cycle and annual report pages in Thai."""

import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from domain.engine.service import decide_step
from domain.errors import Conflict, InvalidInput, NotEntitled
from domain.pdca.model_subdistrict import service
from domain.pdca.model_subdistrict.config import (
    CONFIG_FILE,
    ConfigRefused,
    default_config,
    parse_config,
)
from domain.pdca.model_subdistrict.scoring import ReportFacts, score
from models.model_subdistrict import ModelSubdistrict, SelfAssessment
from models.people import User
from models.steps import HumanStep, StepStatus
from ops.demo_model_subdistrict import (
    REPORT_SECTIONS,
    seed_demo_model_subdistricts,
    seed_subdistrict_committee,
)
from tests.helpers import csrf_of, login, sign_in

CONFIG_TEXT = CONFIG_FILE.read_text(encoding="utf-8")
ALL = default_config()
OFFICER = "sunee"


def answers(kind: str, months: int, met: set[str]) -> dict[str, tuple[bool, str]]:
    asked = [c.key for c in ALL.criteria_for(kind, months) if c.check == "answer"]
    return {k: (k in met, "รายงานการประชุม" if k in met else "") for k in asked}


def level(kind: str, months: int, met: set[str], report: ReportFacts | None = None, config=ALL):  # type: ignore[no-untyped-def]
    return score(
        config,
        kind=kind,
        months=months,
        fiscal_year=2569,
        answers=answers(kind, months, met),
        report=report,
    ).level


# --------------------------------------------------------------------------- the rules


def test_existing_sub_district_at_6_months_levels_3_4_5() -> None:
    assert level("existing", 6, set()) is None
    assert level("existing", 6, {"existing-6-mou-plan"}) == 3
    assert level("existing", 6, {"existing-6-mou-plan", "existing-6-plan-started"}) == 4
    every = {"existing-6-mou-plan", "existing-6-plan-started", "existing-6-plan-complete"}
    assert level("existing", 6, every) == 5
    # a level counts only on top of the ones below it
    assert level("existing", 6, {"existing-6-plan-started", "existing-6-plan-complete"}) is None


def test_existing_sub_district_at_12_months_by_the_annual_report() -> None:
    review = {"existing-12-joint-review"}
    assert level("existing", 12, review) == 3
    late = ReportFacts((), date(2026, 9, 16))
    on_the_day = ReportFacts((), date(2026, 9, 15))
    incomplete = ReportFacts(("ผลการดำเนินงานตามโครงการ",), date(2026, 9, 1))
    assert level("existing", 12, review, late) == 4
    assert level("existing", 12, review, on_the_day) == 5
    assert level("existing", 12, review, incomplete) == 3
    assert level("existing", 12, set(), on_the_day) is None
    result = score(
        ALL,
        kind="existing",
        months=12,
        fiscal_year=2569,
        answers=answers("existing", 12, review),
        report=late,
    )
    (missing,) = result.missing
    assert missing.criterion.level == 5
    assert "หลังกำหนด 15 กันยายน 2569" in missing.reason and "16 กันยายน 2569" in missing.reason
    assert "15 กันยายน 2569" in missing.text  # the seed's "15 กันยายน 2562" written for the year


def test_new_sub_district_levels_at_6_and_12_months() -> None:
    assert level("new", 6, {"new-6-area-study"}) == 3
    assert level("new", 6, {"new-6-area-study", "new-6-selection"}) == 4
    assert level("new", 6, {"new-6-area-study", "new-6-selection", "new-6-coordination"}) == 5
    three = {"new-12-resources", "new-12-consultation", "new-12-readiness", "new-12-joint-plan"}
    assert level("new", 12, three - {"new-12-readiness"}) is None  # all four parts of level 3
    assert level("new", 12, three) == 3
    assert level("new", 12, three | {"new-12-activities-complete"}) == 4
    assert level("new", 12, three | {"new-12-activities-complete", "new-12-mou"}) == 5


def test_the_deadline_is_configuration() -> None:
    earlier = parse_config(CONFIG_TEXT.replace("deadline_day = 15", "deadline_day = 10"))
    report = ReportFacts((), date(2026, 9, 12))
    review = {"existing-12-joint-review"}
    assert level("existing", 12, review, report) == 5
    assert level("existing", 12, review, report, config=earlier) == 4
    assert earlier.annual_report.deadline(2570) == date(2027, 9, 10)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (
            ('level = 5\ntext = "จัดทำ MOU', 'level = 6\ntext = "จัดทำ MOU'),
            "criteria[15] (new-12-mou).level",
        ),
        (("deadline_day = 15", "deadline_day = 31"), "วันที่ 31 เดือน 9"),
        (
            (
                'key = "new-6-coordination"\nkind = "new"\nmonths = 6\nlevel = 5',
                'key = "new-6-coordination"\nkind = "new"\nmonths = 6\nlevel = 4',
            ),
            "พื้นที่ตำบลใหม่ รอบ 6 เดือน: ไม่มีเงื่อนไขของระดับ 5",
        ),
        (
            ('check = "report_on_time"', 'check = "report_late"'),
            "criteria[6] (existing-12-report-on-time).check",
        ),
        (('key = "new-12-mou"', 'key = "new-12-joint-plan"'), "รหัสเงื่อนไขซ้ำ: new-12-joint-plan"),
        (("[annual_report]", "[annual_report"), "รูปแบบ TOML ไม่ถูกต้อง"),
    ],
)
def test_a_broken_configuration_is_refused_by_name(change: tuple[str, str], named: str) -> None:
    assert change[0] in CONFIG_TEXT
    with pytest.raises(ConfigRefused) as refused:
        parse_config(CONFIG_TEXT.replace(*change, 1))
    assert named in str(refused.value)


def test_the_shipped_configuration_cites_seed_003() -> None:
    seed_lines = CONFIG_FILE.parents[3] / "shared" / "seeds" / "003_pdca_model_subdistrict.txt"
    if seed_lines.exists():
        lines = seed_lines.read_text(encoding="utf-8").splitlines()
        for c in ALL.criteria:
            first_words = c.text.split()[0].replace("{deadline}", "")
            assert first_words[:6] in lines[c.source_line - 1], c.key
        for s in ALL.annual_report.sections:
            assert s.title.split()[0] in lines[s.source_line - 1], s.key
    assert [s.key for s in ALL.annual_report.sections][-1] == "illustrations"
    assert len(ALL.annual_report.sections) == 12
    assert [g.key for g in ALL.goals] == ["smart", "sufficiency", "safety", "smile"]


# --------------------------------------------------------------------------- on the engine


@pytest.fixture
def committee_id(engine: Engine, people: dict[str, User]) -> int:
    with Session(engine) as session:
        committee = seed_subdistrict_committee(session, people)
        session.commit()
        return committee.id  # type: ignore[return-value]


def register(
    engine: Engine, people: dict[str, User], committee_id: int, kind: str
) -> ModelSubdistrict:
    return service.register(
        engine,
        user_id=people[OFFICER].id,  # type: ignore[arg-type]
        name=f"ตำบลทดสอบ {kind}",
        kind=kind,
        fiscal_year=2569,
        committee_id=committee_id,
    )


def the_step(engine: Engine, sub_id: int) -> HumanStep:
    with Session(engine) as session:
        return session.exec(
            select(HumanStep)
            .where(HumanStep.case_id == sub_id, HumanStep.case_type == "pdca-model-subdistrict")
            .order_by(HumanStep.id.desc())  # type: ignore[union-attr]
        ).first()  # type: ignore[return-value]


def vote(
    engine: Engine, people: dict[str, User], step_id: int, who: str, outcome: str = "approve"
) -> bool:
    return decide_step(
        engine,
        step_id=step_id,
        user_id=people[who].id,
        data={"outcome": outcome},  # type: ignore[arg-type]
    ).closed_now


def accepted(engine: Engine, assessment_id: int) -> SelfAssessment:
    with Session(engine) as session:
        return session.get(SelfAssessment, assessment_id)  # type: ignore[return-value]


def test_the_committee_accepts_its_self_assessment_by_quorum(
    engine: Engine, people: dict[str, User], committee_id: int
) -> None:
    sub = register(engine, people, committee_id, "new")
    a = service.open_assessment(engine, user_id=people[OFFICER].id, subdistrict_id=sub.id, months=6)  # type: ignore[arg-type]
    step = the_step(engine, sub.id)  # type: ignore[arg-type]
    assert step.assignee_kind == "committee" and step.committee_id == committee_id
    result = service.record_answers(
        engine,
        user_id=people["wanna"].id,  # type: ignore[arg-type]
        assessment_id=a.id,  # type: ignore[arg-type]
        answers=answers("new", 6, {"new-6-area-study", "new-6-selection"}),
    )
    assert result.level == 4
    with pytest.raises(NotEntitled):  # not a member of the committee
        service.record_answers(engine, user_id=people["somchai"].id, assessment_id=a.id, answers={})  # type: ignore[arg-type]
    with pytest.raises(NotEntitled):
        vote(engine, people, step.id, "somchai")  # type: ignore[arg-type]
    assert not vote(engine, people, step.id, "sompong")  # type: ignore[arg-type]
    with pytest.raises(Conflict):  # a member voted: the answers stand as voted on
        service.record_answers(
            engine,
            user_id=people["wanna"].id,
            assessment_id=a.id,
            answers=answers("new", 6, set()),  # type: ignore[arg-type]
        )
    assert not vote(engine, people, step.id, "wanna")  # type: ignore[arg-type]
    assert accepted(engine, a.id).status == "in_review"  # type: ignore[arg-type]
    assert vote(engine, people, step.id, "sunee")  # type: ignore[arg-type]  (quorum 3)
    done = accepted(engine, a.id)  # type: ignore[arg-type]
    assert (done.status, done.level) == ("accepted", 4)


def test_a_returned_self_assessment_opens_a_new_round(
    engine: Engine, people: dict[str, User], committee_id: int
) -> None:
    sub = register(engine, people, committee_id, "existing")
    a = service.open_assessment(engine, user_id=people[OFFICER].id, subdistrict_id=sub.id, months=6)  # type: ignore[arg-type]
    first = the_step(engine, sub.id)  # type: ignore[arg-type]
    for who in ("sompong", "wanna", "ratana"):
        vote(engine, people, first.id, who, "return")  # type: ignore[arg-type]
    second = the_step(engine, sub.id)  # type: ignore[arg-type]
    assert second.id != first.id and second.round == 2 and second.status == StepStatus.open
    service.record_answers(
        engine,
        user_id=people["sunee"].id,  # type: ignore[arg-type]
        assessment_id=a.id,  # type: ignore[arg-type]
        answers=answers("existing", 6, {"existing-6-mou-plan"}),
    )
    for who in ("sompong", "wanna", "ratana"):
        vote(engine, people, second.id, who)  # type: ignore[arg-type]
    assert accepted(engine, a.id).level == 3  # type: ignore[arg-type]


def test_met_needs_evidence_and_unknown_criteria_are_named(
    engine: Engine, people: dict[str, User], committee_id: int
) -> None:
    sub = register(engine, people, committee_id, "new")
    a = service.open_assessment(engine, user_id=people[OFFICER].id, subdistrict_id=sub.id, months=6)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput) as refused:
        service.record_answers(
            engine,
            user_id=people["wanna"].id,  # type: ignore[arg-type]
            assessment_id=a.id,  # type: ignore[arg-type]
            answers={"new-6-area-study": (True, "  "), "existing-6-mou-plan": (True, "x")},
        )
    assert "ต้องระบุหลักฐาน" in refused.value.message
    assert "ไม่มีเงื่อนไข existing-6-mou-plan" in refused.value.message
    with Session(engine) as session:
        assert (
            service.subdistrict_view(session, session.get(ModelSubdistrict, sub.id))
            .assessments[6]
            .answers
            == {}
        )  # type: ignore[arg-type]


def test_12_months_level_from_the_report_as_sent(
    engine: Engine, people: dict[str, User], committee_id: int
) -> None:
    """Complete but late: level 4; the report cannot be sent incomplete."""
    sub = register(engine, people, committee_id, "existing")
    officer = people[OFFICER].id
    a = service.open_assessment(engine, user_id=officer, subdistrict_id=sub.id, months=12)  # type: ignore[arg-type]
    service.record_answers(
        engine,
        user_id=officer,
        assessment_id=a.id,
        answers=answers("existing", 12, {"existing-12-joint-review"}),  # type: ignore[arg-type]
    )
    partial = {k: v for k, v in REPORT_SECTIONS.items() if k != "results"}
    service.save_report(engine, user_id=officer, subdistrict_id=sub.id, sections=partial)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput) as refused:
        service.submit_report(
            engine, user_id=officer, subdistrict_id=sub.id, submitted_on=date(2026, 9, 1)
        )  # type: ignore[arg-type]
    assert "ผลการดำเนินงานตามโครงการ" in refused.value.message
    service.save_report(engine, user_id=officer, subdistrict_id=sub.id, sections={"results": "ผลดี"})  # type: ignore[arg-type]
    service.submit_report(
        engine, user_id=officer, subdistrict_id=sub.id, submitted_on=date(2026, 9, 18)
    )  # type: ignore[arg-type]
    with pytest.raises(Conflict):
        service.save_report(
            engine, user_id=officer, subdistrict_id=sub.id, sections={"results": "แก้"}
        )  # type: ignore[arg-type]
    step = the_step(engine, sub.id)  # type: ignore[arg-type]
    for who in ("sompong", "wanna", "sunee"):
        vote(engine, people, step.id, who)  # type: ignore[arg-type]
    assert accepted(engine, a.id).level == 4  # type: ignore[arg-type]


def test_the_demo_has_an_existing_sub_district_at_level_5_and_a_new_one_at_3(
    engine: Engine, people: dict[str, User]
) -> None:
    assert seed_demo_model_subdistricts(engine) == 2
    assert seed_demo_model_subdistricts(engine) == 0
    with Session(engine) as session:
        levels = {
            (s.kind, a.months): (a.status, a.level)
            for s in session.exec(select(ModelSubdistrict))
            for a in session.exec(
                select(SelfAssessment).where(SelfAssessment.subdistrict_id == s.id)
            )
        }
    assert levels == {
        ("existing", 6): ("accepted", 5),
        ("existing", 12): ("accepted", 5),
        ("new", 6): ("accepted", 3),
        ("new", 12): ("in_review", None),
    }


# --------------------------------------------------------------------------- pages and API


def test_pages_the_step_form_and_the_annual_report(
    client: TestClient, engine: Engine, seeded: dict[str, User]
) -> None:
    seed_demo_model_subdistricts(engine)
    with Session(engine) as session:
        existing = session.exec(
            select(ModelSubdistrict).where(ModelSubdistrict.kind == "existing")
        ).one()
        new = session.exec(select(ModelSubdistrict).where(ModelSubdistrict.kind == "new")).one()
    sign_in(client, "wanna")
    page = client.get(f"/pages/pdca/model-subdistricts/{existing.id}/annual-report")
    assert page.status_code == 200
    for number, section in enumerate(ALL.annual_report.sections, start=1):
        assert f"{number}. {section.title}" in page.text
    assert "10 กันยายน 2569" in page.text and "15 กันยายน 2569" in page.text
    assert REPORT_SECTIONS["results"] in page.text and "ระดับ 5" in page.text

    # the new sub-district's 12-month step: the member answers on the step's page, then votes
    step = the_step(engine, new.id)  # type: ignore[arg-type]
    page = client.get(f"/pages/steps/{step.id}")
    assert page.status_code == 200
    assert "แบบประเมินตนเอง รอบ 12 เดือน" in page.text and "ระดมทรัพยากร" in page.text
    assert "ยังไม่ถึงระดับ 3" in page.text
    form = {"csrf": csrf_of(page.text), "outcome": ""}
    for key in ("new-12-resources", "new-12-consultation", "new-12-readiness", "new-12-joint-plan"):
        form |= {f"met-{key}": "1", f"evidence-{key}": "บันทึกการประชุม 2/2569"}
    posted = client.post(
        f"/pages/pdca/model-subdistricts/assessments/{_assessment_id(engine, new.id, 12)}/answers",
        data=form,
        follow_redirects=False,
    )
    assert posted.status_code == 303 and posted.headers["location"] == f"/pages/steps/{step.id}"
    page = client.get(f"/pages/steps/{step.id}")
    assert "ผลตามเกณฑ์ขณะนี้: ระดับ 3" in page.text
    assert "ยังไม่ถึงระดับ 4 เพราะ" in page.text and "จัดกิจกรรมตามแผนที่วางแผนครบถ้วน" in page.text

    detail = client.get(f"/pages/pdca/model-subdistricts/{existing.id}")
    assert detail.status_code == 200 and "ทันกำหนด" in detail.text
    listing = client.get("/pages/pdca/model-subdistricts")
    assert listing.text.count("ระดับ 5") == 2 and "ระดับ 3" in listing.text

    # the API: the level with what the next one lacks
    headers = login(client, "sunee")
    detail_json = client.get(f"/api/pdca/model-subdistricts/{new.id}", headers=headers).json()
    twelve = next(a for a in detail_json["assessments"] if a["months"] == 12)
    assert twelve["score"]["level"] == 3 and twelve["score"]["next_level"] == 4
    assert [m["key"] for m in twelve["score"]["missing"]] == ["new-12-activities-complete"]
    assert (
        client.get(
            f"/api/pdca/model-subdistricts/{new.id}", headers=login(client, "somchai")
        ).status_code
        == 403
    )


def test_a_page_form_with_a_bad_date_names_it(
    client: TestClient, engine: Engine, seeded: dict[str, User]
) -> None:
    seed_demo_model_subdistricts(engine)
    with Session(engine) as session:
        new = session.exec(select(ModelSubdistrict).where(ModelSubdistrict.kind == "new")).one()
    sign_in(client, OFFICER)
    page = client.get(f"/pages/pdca/model-subdistricts/{new.id}")
    r = client.post(
        f"/pages/pdca/model-subdistricts/{new.id}/plan-items",
        data={
            "csrf": csrf_of(page.text),
            "target": "สำรวจข้อมูล",
            "owner": "ฝ่ายสังคมสงเคราะห์",
            "starts_on": "32/13/2569",
            "ends_on": "1 ก.ย. 2569",
            "budget": "1,000",
        },
    )
    assert r.status_code == 422 and "วันเริ่ม: รูปแบบวันที่ไม่ถูกต้อง" in r.text
    r = client.post(
        f"/pages/pdca/model-subdistricts/{new.id}/plan-items",
        data={
            "csrf": csrf_of(page.text),
            "target": "สำรวจข้อมูล",
            "owner": "ฝ่ายสังคมสงเคราะห์",
            "starts_on": "1 ต.ค. 2568",
            "ends_on": "1 ก.ย. 2569",
            "budget": "1,000.50",
        },
    )
    assert r.status_code == 200 and "100,050" not in r.text and re.search(r"1,000\.50", r.text)


def _assessment_id(engine: Engine, sub_id: int, months: int) -> int:
    with Session(engine) as session:
        return session.exec(
            select(SelfAssessment.id).where(
                SelfAssessment.subdistrict_id == sub_id, SelfAssessment.months == months
            )
        ).one()  # type: ignore[return-value]
