"""The Check on the real system (ops/run.py: Prefect server, workers, API, SMTP capture): once
every division's report is approved, the round's flow run suspends on the consolidated report's
steps (กย.'s submission, each level of [pdca-report], then กย.'s entry of the published results
in E-PlanNACC) and moves past them; the mail to the executives is sent by the run and arrives
once each."""

import re
import time

import pytest

from adapters.mailbox import read_mailbox
from ops.run import LocalSystem
from tests.pdca.test_rounds_system import approved_plan, paused_key, report
from tests.system.test_system import Officer, wait_for

pytestmark = pytest.mark.slow
CASE = "pdca-round"


def test_the_round_flow_follows_the_report_up_to_the_mayor(system: LocalSystem) -> None:
    plan_id = approved_plan(system)
    coordinator = Officer(system, "somchai")
    r = coordinator.http.post(
        "/api/pdca/rounds", json={"plan_id": plan_id, "fiscal_year": 2567, "kind": "12-month"}
    )
    assert r.status_code == 201, r.text
    round_id = r.json()["round"]["id"]
    progress = coordinator.http.get(f"/api/pdca/rounds/{round_id}").json()
    for division in progress["divisions"]:
        report(system, division["report_id"], division["division_code"])

    def suspended_on(what: str) -> bool:
        key = paused_key(system, round_id)
        return key is not None and re.fullmatch(rf"pdca-round-{round_id}-report-{what}-r1", key)

    wait_for(lambda: suspended_on("prepare"), timeout=180, what="the run on กย.'s submission")
    sent = coordinator.http.post(
        f"/api/pdca/rounds/{round_id}/report/submit",
        json={"problems": "ไม่มีปัญหาอุปสรรค", "suggestions": "ดำเนินการต่อเนื่อง"},
    )
    assert sent.status_code == 200 and sent.json()["status"] == "in_review", sent.text
    for level, who in (("director", "malee"), ("perm-sec", "kanya"), ("mayor", "mayor")):
        wait_for(lambda lv=level: suspended_on(lv), timeout=120, what=f"the run on {level}")
        officer = Officer(system, who)
        step = next(
            i["step"]
            for i in officer.http.get("/api/inbox").json()
            if i["step"]["case_type"] == CASE and i["step"]["case_id"] == round_id
        )
        decided = officer.http.post(
            f"/api/steps/{step['id']}/decision", json={"outcome": "approve", "comment": "เห็นชอบ"}
        )
        assert decided.status_code == 201, decided.text
    # Published: the run now waits for กย. to enter the results in E-PlanNACC.
    wait_for(lambda: suspended_on("enacc"), timeout=120, what="the run on the E-PlanNACC entry")
    entry = next(
        i["step"]
        for i in coordinator.http.get("/api/inbox").json()
        if i["step"]["case_type"] == CASE and i["step"]["case_id"] == round_id
    )
    recorded = coordinator.http.post(
        f"/api/steps/{entry['id']}/decision",
        json={"outcome": "acknowledge", "submitted_on": "2024-11-15", "reference": "EP-2567"},
    )
    assert recorded.status_code == 201, recorded.text

    def past_the_check() -> bool:
        key = paused_key(system, round_id)
        run = system.case_flow_run(CASE, round_id)
        done = run is not None and run["state"]["type"] == "COMPLETED"
        return done or (key is not None and "-report-" not in key)

    wait_for(past_the_check, timeout=120, what="the run past the Check stage")
    public = coordinator.http.get(f"/pdca/rounds/{round_id}/report")
    assert public.status_code == 200 and "รอบ 12 เดือน ปีงบประมาณ พ.ศ. 2567" in public.text

    def report_mails() -> list:
        return [
            m
            for m in read_mailbox(system.var_dir / "mail")
            if "นำแผนไปปฏิบัติร้อยละ" in m.subject and "2567" in m.subject
        ]

    wait_for(lambda: len(report_mails()) >= 3, what="the report mailed to the executives")
    time.sleep(3)  # a repeated send would arrive in this window
    got = sorted(r for m in report_mails() for r in m.rcpt_tos)
    assert got == ["anan@khonkaen.go.th", "kanya@khonkaen.go.th", "mayor@khonkaen.go.th"]
