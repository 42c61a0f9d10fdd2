"""A reporting round on the real system (ops/run.py: Prefect server, workers, API): one flow run
follows the round (its Do stage reads each division in a mapped task; the SQLite Prefect server
here does not record task runs, so the test sees the run, not its tasks): it suspends on a
division still waiting and, once every division's report is approved, moves on to the round's
next stage."""

import re

import pytest

from domain.pdca.rounds import DIVISION_STEP_KEY
from ops.demo_pdca_rounds import DIRECTORS, REPORTERS
from ops.run import LocalSystem
from tests.pdca.helpers import PLAN_CSV, RISKS_CSV
from tests.pdca.test_pdca_system import decide
from tests.system.test_system import Officer, flow_run_of, wait_for

pytestmark = pytest.mark.slow
CASE = "pdca-round"


def approved_plan(system: LocalSystem) -> int:
    officer = Officer(system, "somchai")
    r = officer.http.post(
        "/api/pdca/plans/import",
        files={
            "projects": ("plan.csv", PLAN_CSV, "text/csv"),
            "risks": ("risks.csv", RISKS_CSV, "text/csv"),
        },
    )
    assert r.status_code == 201, r.text
    plan_id = r.json()["plan"]["id"]
    assert officer.http.post(f"/api/pdca/plans/{plan_id}/submit").status_code == 200
    for who in ("ratana", "pornthip", "wanna", "malee", "kanya"):
        decide(Officer(system, who), plan_id, outcome="approve")
    decide(Officer(system, "mayor"), plan_id, outcome="approve", announced_on="2022-09-29")
    return plan_id


def paused_key(system: LocalSystem, round_id: int) -> str | None:
    run = flow_run_of(system, round_id, CASE)
    if run is None or run["state"]["type"] != "PAUSED":
        return None
    return run["state"]["state_details"].get("pause_key")


def report(system: LocalSystem, report_id: int, code: str) -> None:
    officer = Officer(system, REPORTERS[code])
    body = officer.http.get(f"/api/pdca/reports/{report_id}").json()
    entry = {
        "results": [
            {
                "project_no": r["project_no"],
                "status": "completed",
                "disbursed_satang": r["budget_satang"],
                "indicators": [
                    {"indicator_id": i["indicator_id"], "value": i["target"]}
                    for i in r["indicators"]
                ],
            }
            for r in body["results"]
        ]
    }
    sent = officer.http.post(f"/api/pdca/reports/{report_id}/submit", json={"entry": entry})
    assert sent.status_code == 200, sent.text
    director = Officer(system, DIRECTORS[code])
    step = next(
        i["step"]
        for i in director.http.get("/api/inbox").json()
        if i["step"]["case_type"] == CASE and i["step"]["case_id"] == body["round"]["id"]
    )
    r = director.http.post(f"/api/steps/{step['id']}/decision", json={"outcome": "approve"})
    assert r.status_code == 201, r.text


def test_the_round_flow_maps_a_task_per_division_and_follows_every_report(
    system: LocalSystem,
) -> None:
    plan_id = approved_plan(system)
    coordinator = Officer(system, "somchai")
    r = coordinator.http.post(
        "/api/pdca/rounds", json={"plan_id": plan_id, "fiscal_year": 2566, "kind": "12-month"}
    )
    assert r.status_code == 201, r.text
    round_id = r.json()["round"]["id"]

    def on_a_division() -> bool:
        key = paused_key(system, round_id)
        return key is not None and DIVISION_STEP_KEY.fullmatch(key) is not None

    wait_for(on_a_division, what="the round's run suspended on a division's step")
    progress = coordinator.http.get(f"/api/pdca/rounds/{round_id}").json()
    for division in progress["divisions"]:
        report(system, division["report_id"], division["division_code"])
    done = coordinator.http.get(f"/api/pdca/rounds/{round_id}").json()
    assert done["complete"] and done["round"]["status"] == "closed"

    def past_the_divisions() -> bool:
        run = flow_run_of(system, round_id, CASE)
        if run is None:
            return False
        key = paused_key(system, round_id)
        if run["state"]["type"] == "COMPLETED":
            return True
        return key is not None and not re.fullmatch(DIVISION_STEP_KEY, key)

    wait_for(past_the_divisions, timeout=180, what="the run past the Do stage")
