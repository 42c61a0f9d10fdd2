"""The plan's approval on the real system (ops/run.py: Prefect server, workers, API): its flow
run suspends on each level of the chain, then on the E-PlanNACC entry, and completes."""

import pytest

from ops.run import LocalSystem
from tests.pdca.helpers import PLAN_CSV, RISKS_CSV
from tests.system.test_system import Officer, completed, paused_on, wait_for

pytestmark = pytest.mark.slow
CASE = "pdca-plan"


def open_step(officer: Officer, plan_id: int) -> dict:
    steps = officer.http.get(f"/api/pdca/plans/{plan_id}").json()["steps"]
    return next(s for s in steps if s["status"] == "open")


def decide(officer: Officer, plan_id: int, **form: str) -> dict:
    step = open_step(officer, plan_id)
    r = officer.http.post(f"/api/steps/{step['id']}/decision", json=form)
    assert r.status_code == 201, r.text
    return step


def test_the_plan_flow_follows_the_chain_and_the_e_plannacc_entry(system: LocalSystem) -> None:
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

    committee = open_step(officer, plan_id)
    wait_for(lambda: paused_on(system, plan_id, committee["key"], CASE), what="on the committee")
    for member in ("ratana", "pornthip", "wanna"):
        decide(Officer(system, member), plan_id, outcome="approve")
    for who in ("malee", "kanya"):
        step = open_step(officer, plan_id)
        wait_for(lambda s=step: paused_on(system, plan_id, s["key"], CASE), what=step["level"])
        decide(Officer(system, who), plan_id, outcome="approve")
    mayor = open_step(officer, plan_id)
    wait_for(lambda: paused_on(system, plan_id, mayor["key"], CASE), what="on the mayor")
    decide(Officer(system, "mayor"), plan_id, outcome="approve", announced_on="2022-09-29")

    enacc = open_step(officer, plan_id)
    assert enacc["kind"] == "enacc-submission"
    wait_for(lambda: paused_on(system, plan_id, enacc["key"], CASE), what="on E-PlanNACC")
    r = officer.http.post(
        f"/api/pdca/plans/{plan_id}/enacc",
        json={"submitted_on": "2022-09-30", "reference": "EPN-1"},
    )
    assert r.status_code == 200, r.text
    wait_for(lambda: completed(system, plan_id, CASE), what="the flow run completed")
    public = officer.http.get("/pdca/plan")
    assert public.status_code == 200 and "24,623,948" in public.text
