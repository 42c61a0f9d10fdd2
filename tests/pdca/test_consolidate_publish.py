"""The consolidated report's approval and publication: Strategy and Budget submits it, the chain
[pdca-report] takes it to the mayor (a send-back on the way comes back to กย.), the mayor's
approval publishes it (the public A4 page, CSV with BOM, JSON) and mails it to the executives,
received by a real SMTP server."""

import csv
import io
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from adapters.mail import deliver_outbox
from core.settings import Settings
from domain.engine.service import decide_step
from domain.engine.steps import open_steps_of_case
from domain.errors import Conflict, NotEntitled
from domain.pdca import consolidate_service as service
from domain.pdca.consolidate_rules import (
    ENACC_RESULTS_STEP,
    PREPARE_STEP,
    REPORT_LEVEL_STEP,
    ROUND_CASE_TYPE,
)
from domain.pdca.rounds import is_finished
from models.outbox import OutboxEmail
from models.pdca_report import ConsolidatedReport, ConsolidatedStatus
from models.people import User
from models.steps import HumanStep
from ops.smtp_capture import SmtpCapture
from tests.helpers import csrf_of, login, sign_in
from tests.pdca.consolidate_script import half_up, plan_rows, played_2569, script_2569

PROBLEMS = "บางโครงการไม่ได้รับจัดสรรงบประมาณ"
SUGGESTIONS = "ควรจัดสรรงบประมาณให้ครบก่อนเริ่มปีงบประมาณ"


@pytest.fixture
def round_2569(engine: Engine, org: dict[str, User]) -> int:
    return played_2569(engine, org)[1]


def open_report_step(engine: Engine, round_id: int) -> HumanStep:
    with Session(engine) as session:
        steps = [
            s
            for s in open_steps_of_case(session, case_type=ROUND_CASE_TYPE, case_id=round_id)
            if s.kind in (PREPARE_STEP, REPORT_LEVEL_STEP)
        ]
    assert len(steps) == 1, steps
    return steps[0]


def decide(engine: Engine, user: User, round_id: int, **form: Any) -> HumanStep:
    step = open_report_step(engine, round_id)
    decide_step(engine, step_id=step.id, user_id=user.id, data=form)  # type: ignore[arg-type]
    return step


def report(engine: Engine, round_id: int) -> ConsolidatedReport:
    with Session(engine) as session:
        return session.exec(
            select(ConsolidatedReport).where(ConsolidatedReport.round_id == round_id)
        ).one()


def submit(engine: Engine, people: dict[str, User], round_id: int) -> None:
    service.submit_report(
        engine,
        user_id=people["somchai"].id,  # type: ignore[arg-type]
        round_id=round_id,
        problems=PROBLEMS,
        suggestions=SUGGESTIONS,
    )


def test_only_strategy_and_budget_submits_and_a_send_back_returns_to_it(
    engine: Engine, org: dict[str, User], round_2569: int
) -> None:
    with pytest.raises(NotEntitled):
        service.save_report_text(
            engine,
            user_id=org["piyawat"].id,
            round_id=round_2569,
            problems="x",
            suggestions="",  # type: ignore[arg-type]
        )
    submit(engine, org, round_2569)
    assert report(engine, round_2569).status == ConsolidatedStatus.in_review
    with pytest.raises(Conflict):  # nothing to submit while it climbs
        submit(engine, org, round_2569)
    assert decide(engine, org["malee"], round_2569, outcome="approve").level == "director"
    step = decide(
        engine, org["kanya"], round_2569, outcome="return", return_to="originator", comment="แก้"
    )
    assert step.level == "perm-sec"
    again = open_report_step(engine, round_2569)
    assert (again.kind, again.round) == (PREPARE_STEP, 2)
    assert report(engine, round_2569).status == ConsolidatedStatus.returned
    service.save_report_text(
        engine,
        user_id=org["suda"].id,  # type: ignore[arg-type]
        round_id=round_2569,
        problems=PROBLEMS + " (แก้ไขแล้ว)",
        suggestions=SUGGESTIONS,
    )
    decide(engine, org["suda"], round_2569, outcome="approve")
    assert open_report_step(engine, round_2569).level == "director"
    assert report(engine, round_2569).problems.endswith("(แก้ไขแล้ว)")


async def test_the_mayor_publishes_and_the_executives_receive_it(
    engine: Engine, org: dict[str, User], round_2569: int, client: TestClient, tmp_path
) -> None:
    assert client.get(f"/pdca/rounds/{round_2569}/report").status_code == 404  # not yet
    submit(engine, org, round_2569)
    for who in ("malee", "kanya"):
        decide(engine, org[who], round_2569, outcome="approve", comment="เห็นควรเสนอ")
    decide(engine, org["mayor"], round_2569, outcome="approve", comment="เห็นชอบ เผยแพร่")
    done = report(engine, round_2569)
    assert done.status == ConsolidatedStatus.published
    assert done.approved_by_id == org["mayor"].id and done.published_at and done.mailed_at
    with Session(engine) as session:
        mails = session.exec(
            select(OutboxEmail).where(
                OutboxEmail.case_type == ROUND_CASE_TYPE, OutboxEmail.case_id == round_2569
            )
        ).all()
        report_mails = [m for m in mails if m.dedupe_key.startswith("pdca-report-published")]
    assert sorted(m.to_address for m in report_mails) == [
        "anan@khonkaen.go.th",
        "kanya@khonkaen.go.th",
        "mayor@khonkaen.go.th",
    ]

    planned = plan_rows(2569)
    budget = sum(p.budget for p in planned.values())
    paid = sum(script_2569(p)[1] for p in planned.values())
    share_text = f"{half_up(paid, budget):.2f}"
    with SmtpCapture(port=0, directory=tmp_path / "mail") as smtp:
        settings = Settings(smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_timeout_seconds=5)
        await deliver_outbox(engine, settings, case=(ROUND_CASE_TYPE, round_2569))
        received = [m for m in smtp.messages if "นำแผนไปปฏิบัติร้อยละ" in m.subject]
    assert sorted(r for m in received for r in m.rcpt_tos) == [
        "anan@khonkaen.go.th",
        "kanya@khonkaen.go.th",
        "mayor@khonkaen.go.th",
    ]
    assert f"เบิกจ่ายร้อยละ {share_text}" in received[0].subject
    assert PROBLEMS in received[0].text and "เบิกจ่ายเกินงบประมาณ" in received[0].text

    page = client.get(f"/pdca/rounds/{round_2569}/report")
    assert page.status_code == 200
    assert "รายงานผลการดำเนินงาน" in page.text and f"ร้อยละ {share_text}" in page.text
    assert "นายกเทศมนตรีนครขอนแก่น" in page.text and SUGGESTIONS in page.text
    assert "<script>" not in page.text

    raw = client.get(f"/pdca/rounds/{round_2569}/report.csv")
    assert raw.status_code == 200 and raw.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.content.decode("utf-8-sig"))))
    assert rows[0][:6] == ["ลำดับ", "รายการโครงการ", "มิติ", "หน่วยงาน", "งบประมาณ", "เบิกจ่าย"]
    assert len(rows) == 1 + 56 + 1
    assert rows[40][0] == "40" and rows[40][5] == "7512345.67" and rows[40][8] == "✓"
    assert rows[-1][4:6] == [
        f"{budget // 100}.{budget % 100:02d}",
        f"{paid // 100}.{paid % 100:02d}",
    ]

    data = client.get(f"/pdca/rounds/{round_2569}/report.json").json()
    assert data["overall"]["budget_satang"] == budget
    assert data["overall"]["disbursed_satang"] == paid
    assert data["overall"]["disbursed_share_percent"] == share_text
    assert {a["kind"] for a in data["anomalies"]} >= {"over_budget", "late_report"}


def test_the_published_results_are_entered_in_e_plannacc_as_a_tracked_step(
    engine: Engine, org: dict[str, User], round_2569: int, client: TestClient
) -> None:
    submit(engine, org, round_2569)
    for who in ("malee", "kanya", "mayor"):
        decide(engine, org[who], round_2569, outcome="approve", comment="เห็นชอบ")
    with Session(engine) as session:
        [entry] = [
            s
            for s in open_steps_of_case(session, case_type=ROUND_CASE_TYPE, case_id=round_2569)
            if s.kind == ENACC_RESULTS_STEP
        ]
        assert "E-PlanNACC" in entry.title
        assert not is_finished(session, round_2569)  # the round waits for the entry
    no_date = {"outcome": "acknowledge"}
    with pytest.raises(ValidationError):  # the date is required
        decide_step(engine, step_id=entry.id, user_id=org["somchai"].id, data=no_date)  # type: ignore[arg-type]
    decide_step(
        engine,
        step_id=entry.id,  # type: ignore[arg-type]
        user_id=org["suda"].id,  # type: ignore[arg-type]
        data={"outcome": "acknowledge", "submitted_on": "2026-11-20", "reference": "EP-2569-12"},
    )
    done = report(engine, round_2569)
    assert (done.enacc_submitted_on, done.enacc_reference) == (date(2026, 11, 20), "EP-2569-12")
    with Session(engine) as session:
        assert is_finished(session, round_2569)


def test_the_officers_page_shows_charts_and_takes_the_submission(
    engine: Engine, org: dict[str, User], round_2569: int, client: TestClient
) -> None:
    sign_in(client, "somchai")
    page = client.get(f"/pages/pdca/rounds/{round_2569}/report")
    assert page.status_code == 200
    assert page.text.count('<svg class="bar"') == 9 + 4  # divisions and dimensions
    assert "เบิกจ่ายเกินงบประมาณ" in page.text and "รายงานผลล่าช้า" in page.text
    assert f"/api/pdca/rounds/{round_2569}/report.csv" in page.text
    r = client.post(
        f"/pages/pdca/rounds/{round_2569}/report/save",
        data={
            "csrf": csrf_of(page.text),
            "problems": PROBLEMS,
            "suggestions": SUGGESTIONS,
            "action": "submit",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    assert report(engine, round_2569).status == ConsolidatedStatus.in_review
    step = open_report_step(engine, round_2569)
    assert step.level == "director"
    sign_in(client, "malee")
    step_page = client.get(f"/pages/steps/{step.id}")
    assert step_page.status_code == 200
    assert "เปิดรายงานฉบับเต็ม" in step_page.text and PROBLEMS in step_page.text

    headers = login(client, "malee")
    got = client.get(f"/api/pdca/rounds/{round_2569}/report.csv", headers=headers)
    assert got.status_code == 200 and got.content.startswith("\ufeff".encode())
    assert (
        client.get(f"/api/pdca/rounds/{round_2569}/report", headers=headers).json()["report"][
            "problems"
        ]
        == PROBLEMS
    )
    outsider = login(client, "piyawat")  # an Engineering officer: the round's audience
    assert client.get(f"/api/pdca/rounds/{round_2569}/report", headers=outsider).status_code == 200
