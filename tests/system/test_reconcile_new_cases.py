"""The reconcile sweep leaves a new case's run to the API's bulk start for a grace period (it
started them one by one, every minute, while the API was starting them in bulk: B4' in
benchmarks/NOTES.md), and starts every run asked for when told to (`ops/sync.py`, which
`make run` calls after seeding: no API queue asked for the seeded cases). A complaint gets no
run of its own until its first decision: the intake run completes it, the sweep leaves it."""

import asyncio
from datetime import timedelta

import httpx
import pytest
import yaml
from prefect.settings import PREFECT_API_URL, temporary_settings
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from adapters.orchestrator import Orchestrator
from core.db import make_engine, session_scope
from core.settings import get_settings
from domain.complaints import service as complaints
from domain.engine.service import decide_step
from domain.engine.steps import open_steps_of_case
from domain.memo.rules import create_memo
from models.complaint import Channel
from models.memo import MemoCreate
from models.people import User
from models.steps import CaseRun, HumanStep
from ops.run import PROJECT_ROOT, LocalSystem
from tests.system.test_system import paused_on, wait_for

pytestmark = pytest.mark.slow


def run_of(engine: Engine, case_type: str, case_id: int) -> str | None:
    with Session(engine) as session:
        return session.exec(
            select(CaseRun.flow_run_id).where(
                CaseRun.case_type == case_type, CaseRun.case_id == case_id
            )
        ).one()


def test_a_new_case_waits_for_the_api_unless_the_sweep_is_told(system: LocalSystem) -> None:
    engine = make_engine(system.env()["KKM_DATABASE_URL"])
    with session_scope(engine) as session:
        author = session.exec(select(User).where(User.username == "somchai")).one()
        memo_id = create_memo(
            session,
            data=MemoCreate(subject="ขออนุมัติจัดซื้อวัสดุสำนักงาน", chain="memo-delegated"),
            originator=author,
            chains_file=get_settings().chains_file,
        ).id

    def flow_run_id() -> str | None:
        return run_of(engine, "memo", memo_id)

    orchestrator = Orchestrator(engine)
    with temporary_settings({PREFECT_API_URL: system.prefect_api_url}):
        asyncio.run(orchestrator.reconcile())
        assert flow_run_id() is None  # asked for a moment ago: the API's to start
        report = asyncio.run(orchestrator.reconcile(new_case_grace=timedelta(0)))
    assert f"memo-{memo_id}" in report.started
    assert flow_run_id() is not None
    engine.dispose()


def test_a_case_prefect_will_not_start_is_left_to_the_sweep_and_the_others_start(
    system: LocalSystem,
) -> None:
    """Prefect refuses a case's run in the bulk request, and again alone (here: parameters its
    schema refuses; in B4' on SQLite: 503 while its file was busy). The batch goes on without
    it, and the case keeps no run for the reconcile sweep to try again."""
    engine = make_engine(system.env()["KKM_DATABASE_URL"])
    with session_scope(engine) as session:
        author = session.exec(select(User).where(User.username == "somchai")).one()
        refused, fine = (
            create_memo(
                session,
                data=MemoCreate(subject=f"ขออนุมัติซ่อมรถบรรทุกขยะ คันที่ {n}", chain="memo-delegated"),
                originator=author,
                chains_file=get_settings().chains_file,
            ).id
            for n in (1, 2)
        )
        run = session.exec(
            select(CaseRun).where(CaseRun.case_type == "memo", CaseRun.case_id == refused)
        ).one()
        run.parameters = {"memo_id": "ไม่ใช่ตัวเลข"}
        session.add(run)

    with temporary_settings({PREFECT_API_URL: system.prefect_api_url}):
        report = asyncio.run(
            Orchestrator(engine).start_new_cases([("memo", refused), ("memo", fine)])
        )
    assert report.started == [f"memo-{fine}"]
    assert report.not_started == [f"memo-{refused}"]
    assert run_of(engine, "memo", fine) is not None
    assert run_of(engine, "memo", refused) is None
    with session_scope(engine) as session:  # not left for the shared system's sweeps
        session.get(CaseRun, run.id).finished = True  # type: ignore[union-attr]
    engine.dispose()


def test_a_complaint_gets_its_run_at_its_first_decision(system: LocalSystem) -> None:
    engine = make_engine(system.env()["KKM_DATABASE_URL"])
    stored = complaints.submit(
        engine,
        data={
            "category": "street-light",
            "description": "ไฟฟ้าส่องสว่างหน้าตลาดบางลำภูดับ (ทดสอบการเริ่มงานเมื่อตัดสินครั้งแรก)",
            "address": "ถนนกลางเมือง อ.เมืองขอนแก่น",
            "complainant": {"name": "นางสาวทดสอบ ระบบงาน", "phone": "0812345679"},
        },
        channel=Channel.web,
        complete_now=False,
        client="198.51.100.77",
    ).complaint
    cid = stored.id
    assert cid is not None

    def open_steps(kind: str) -> list[HumanStep]:
        with Session(engine) as session:
            steps = open_steps_of_case(session, case_type="complaint", case_id=cid)
        return [s for s in steps if s.kind == kind]

    orchestrator = Orchestrator(engine)
    with temporary_settings({PREFECT_API_URL: system.prefect_api_url}):
        assert asyncio.run(orchestrator.start_intake("complaint-intake/complaint-intake"))
        [step] = wait_for(lambda: open_steps("screen"), what=f"complaint {cid}'s intake run")
        report = asyncio.run(orchestrator.reconcile(new_case_grace=timedelta(0)))
        assert f"complaint-{cid}" not in report.started
        assert run_of(engine, "complaint", cid) is None  # waits in the inbox, no run held

        with Session(engine) as session:
            nipa = session.exec(select(User).where(User.username == "nipa")).one()
        decide_step(
            engine, step_id=step.id, user_id=nipa.id, data={"outcome": "route", "comment": "-"}
        )
        asyncio.run(orchestrator.sync_case("complaint", cid))  # the API's queue does this
    assert run_of(engine, "complaint", cid) is not None
    [receipt] = wait_for(lambda: open_steps("receipt"), what="the division's receipt step")
    wait_for(
        lambda: paused_on(system, cid, receipt.key, case_type="complaint"),
        what=f"complaint-{cid} paused on the division's receipt",
    )
    engine.dispose()


def scheduled_sweeps() -> list[str]:
    """Every deployment of prefect.yaml that runs on a schedule, as ``flow/deployment``."""
    config = yaml.safe_load((PROJECT_ROOT / "prefect.yaml").read_text())
    return [f"{d['name']}/{d['name']}" for d in config["deployments"] if d.get("schedules")]


def test_every_deployment_is_on_the_case_pool() -> None:
    """No process worker is needed: the case worker serves every flow (B4' memory)."""
    config = yaml.safe_load((PROJECT_ROOT / "prefect.yaml").read_text())
    assert {d["work_pool"]["name"] for d in config["deployments"]} == {"cases"}
    assert {"deadline-sweep/deadline-sweep", "pdca-next-cycle/pdca-next-cycle"} <= set(
        scheduled_sweeps()
    )


@pytest.mark.parametrize("name", scheduled_sweeps())
def test_the_scheduled_sweeps_run_on_the_case_worker(system: LocalSystem, name: str) -> None:
    """They moved off Prefect's process worker (a process per run: 2-3 s of CPU and ~300 MiB
    while it lived): a run of each, asked for now, is taken by the case pool's in-process
    worker and completes. (A reconcile run asked for while the minute's own is running is
    cancelled by its concurrency limit: then the minute's own run is the one that must
    complete on the case pool.)"""
    prefect = httpx.Client(base_url=system.prefect_api_url, timeout=30)
    deployment = prefect.get(f"/deployments/name/{name}").json()
    assert deployment["work_pool_name"] == "cases"

    def create() -> dict | None:  # Prefect on SQLite answers 503 while its file is busy
        r = prefect.post(f"/deployments/{deployment['id']}/create_flow_run", json={})
        return r.json() if r.status_code == 201 else None

    asked = wait_for(create, what=f"a {name} run created")

    ended = ["COMPLETED", "FAILED", "CRASHED"]

    def finished(states: list[str], **where: dict) -> list[dict] | None:
        flow_runs = {
            "deployment_id": {"any_": [deployment["id"]]},
            "state": {"type": {"any_": states}},
        }
        r = prefect.post("/flow_runs/filter", json={"flow_runs": flow_runs | where})
        return r.json() if r.status_code == 200 and r.json() else None

    done = wait_for(
        lambda: finished([*ended, "CANCELLED"], id={"any_": [asked["id"]]}),
        timeout=180,
        what=f"the {name} run ended",
    )
    if done[0]["state"]["type"] == "CANCELLED" and name.startswith("reconcile-flows"):
        done = wait_for(  # the minute's own run, after the one it ran beside
            lambda: finished(
                ended,
                id={"not_any_": [asked["id"]]},
                expected_start_time={"after_": asked["expected_start_time"]},
            ),
            timeout=180,
            what=f"a later {name} run ended",
        )
    assert all(run["state"]["type"] == "COMPLETED" for run in done), done
    assert {run["work_pool_name"] for run in done} == {"cases"}
