"""Catch-up after a burst (issue #14): 1,260 complaints through the public web form in a few
seconds, then the time from the last answer until every complaint is in the complaint centre's
inbox (its intake completed: the duplicate search done, the centre's check open, the receipt
queued). Goal: within 60 s, while intake stays at B1's goal (≥ 200/s, p95 < 50 ms). Then the
first decisions after the burst: the centre routes 20 complaints, each timed from the answer
until the complaint's run is PAUSED on the division's receipt step.

The design as built (``--design intake-run``): the API's new-case line starts one
``complaint-intake`` run for the burst, which completes the intakes and mails the receipts; a
complaint's own run starts at its first decision (``Workflow.intake_deployment``). Beside it,
the design before it as the baseline of the same run (``--design run-per-case``): the
``complaint-intake`` deployment is removed from Prefect before the bursts, and at the last
answer every complaint's own run is started in bulk (``Orchestrator.start_new_cases``, what the
API's line did), each completing its intake as its first act; timed also until every run is
suspended.

The system as deployed (``LocalSystem.start_all``: SMTP capture, Prefect server, the
in-process case worker, the API with Prefect enabled), on SQLite or on
PostgreSQL (``--postgres``: the production shape, application and Prefect each on a fresh
database of ``KKM_BENCH_POSTGRES``'s server). Besides the wall time, the CPU time each of
the system's processes (and the PostgreSQL server's backends, when used) spent from the first
answer to the catch-up, divided by the number of complaints: where the machine time goes.

    python -m benchmarks.b4y_catchup [--postgres] [--complaints 1260]
        [--design intake-run | run-per-case] [--env KEY=VALUE ...]
"""

import argparse
import asyncio
import os
import time
from typing import Any

import httpx
from prefect.settings import PREFECT_API_URL, temporary_settings
from sqlalchemy import func
from sqlmodel import Session, col, select

from adapters.orchestrator import Orchestrator
from benchmarks.b1_intake import Counter, burst, describe, form
from benchmarks.common import (
    Officer,
    Row,
    log,
    median,
    new_system,
    paused_key,
    pct,
    process_tree,
    wait_for,
)
from core.db import make_engine
from domain.engine.steps import open_steps_of_case
from models.complaint import Complaint

INTAKE_RUN = "intake-run"
"""The design as built: one intake run per burst, a complaint's own run at its first decision."""
PER_CASE = "run-per-case"
"""The design before it (the baseline): a run per complaint from intake."""
GOAL_S = 60.0
GOAL_RATE = 200.0
GOAL_P95_MS = 50.0
DECISIONS = 20
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: set[int]) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except OSError:
            continue
    return total / TICK


def postgres_pids() -> set[int]:
    """The PostgreSQL server's processes on this machine (its backends do the databases'
    work; other helpers' databases on the same server are counted too: an upper bound)."""
    pids = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/comm") as f:
                    if f.read().strip() in {"postgres", "postmaster"}:
                        pids.add(int(entry))
            except OSError:
                continue
    return pids


def component_cpu(system, postgres: bool) -> dict[str, float]:
    got = {name: cpu_seconds(process_tree([p.pid])) for name, p in system.procs.items()}
    if postgres:
        got["postgresql"] = cpu_seconds(postgres_pids())
    return got


def count_runs(prefect: httpx.Client, state: str | None = None, tag: str = "case:complaint") -> int:
    """Complaint flow runs (in ``state``); -1 when Prefect does not answer in time."""
    flt: dict[str, Any] = {"tags": {"all_": [tag]}}
    if state:
        flt["state"] = {"type": {"any_": [state]}}
    try:
        r = prefect.post("/flow_runs/count", json={"flow_runs": flt})
        r.raise_for_status()
    except httpx.HTTPError as exc:
        log(f"catch-up: Prefect did not count ({type(exc).__name__})")
        return -1
    return int(r.json())


def intakes_waiting(engine) -> int:
    """Complaints stored whose intake is not complete: not yet in the centre's inbox."""
    with Session(engine) as session:
        return session.exec(
            select(func.count()).where(col(Complaint.intake_completed_at).is_(None))
        ).one()


def complaint_ids(engine) -> list[int]:
    with Session(engine) as session:
        return list(session.exec(select(Complaint.id).order_by(col(Complaint.id))))  # type: ignore[arg-type]


def remove_intake_deployment(prefect: httpx.Client) -> None:
    """The baseline: without ``complaint-intake`` the API's start of it fails (logged) and the
    complaints wait for runs of their own, as before."""
    found = prefect.get("/deployments/name/complaint-intake/complaint-intake")
    found.raise_for_status()
    for _ in range(10):  # Prefect on SQLite answers 503 while its file is busy
        if prefect.delete(f"/deployments/{found.json()['id']}").status_code < 300:
            return
        time.sleep(1)
    raise RuntimeError("Prefect did not remove the complaint-intake deployment")


def start_own_runs(system, engine, ids: list[int]) -> None:
    """The baseline's start of every complaint's own run, in bulk as the API's line did."""
    with temporary_settings(updates={PREFECT_API_URL: system.prefect_api_url}):
        asyncio.run(Orchestrator(engine).start_new_cases([("complaint", i) for i in ids]))


def first_decisions(system, engine, prefect: httpx.Client, ids: list[int]) -> list[float]:
    """The centre routes each complaint; seconds from the answer until the complaint's run is
    PAUSED on the division's receipt step (started by the decision, or resumed by it)."""
    centre = Officer(system.api_url, "nipa")
    took = []
    for cid in ids:
        with Session(engine) as session:
            [screen] = [
                s
                for s in open_steps_of_case(session, case_type="complaint", case_id=cid)
                if s.kind == "screen"
            ]
        t0 = time.monotonic()
        centre.decide(screen.id, "route").raise_for_status()
        with Session(engine) as session:
            [receipt] = [
                s
                for s in open_steps_of_case(session, case_type="complaint", case_id=cid)
                if s.kind == "receipt"
            ]
        wait_for(
            lambda c=cid, k=receipt.key: paused_key(prefect, c, "complaint") == k,
            60,
            f"complaint-{cid} paused on its receipt step",
            every=0.05,
        )
        took.append(time.monotonic() - t0)
    return took


def measure(
    complaints: int = 1260,
    *,
    postgres: bool = False,
    threads: int = 4,
    bursts: int = 3,
    extra_env: dict[str, str] | None = None,
    timeout: float = 600,
    design: str = INTAKE_RUN,
) -> dict[str, Any]:
    baseline = design == PER_CASE
    system = new_system("b4y-catchup", postgres=postgres, extra_env=extra_env)
    counter = Counter()
    try:
        system.start_all(demo=False)
        engine = make_engine(system.database_url or f"sqlite:///{system.var_dir / 'app.db'}")
        client = httpx.Client(
            base_url=system.api_url,
            timeout=60,
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=64),
        )
        prefect = httpx.Client(base_url=system.prefect_api_url, timeout=60)
        if baseline:
            remove_intake_deployment(prefect)

        def ours(i: int) -> float:
            t0 = time.perf_counter()
            r = client.post("/api/complaints/public", json=form(i))
            if r.status_code != 201:
                raise RuntimeError(f"HTTP {r.status_code}")
            return time.perf_counter() - t0

        for _ in range(5):  # warm up: imports, the worker's first flow load
            ours(counter.next())
        if baseline:
            start_own_runs(system, engine, complaint_ids(engine))
            wait_for(lambda: count_runs(prefect, "PAUSED") >= 5, 120, "warm-up runs suspended")
        else:
            wait_for(lambda: intakes_waiting(engine) == 0, 120, "warm-up intakes completed")
        warm = counter.n
        runs_before = count_runs(prefect, tag="case:complaint") + count_runs(prefect, tag="intake")
        cpu0 = component_cpu(system, postgres)
        per_burst = complaints // bursts
        results = []
        t_first = time.monotonic()
        for b in range(bursts):
            n = per_burst if b < bursts - 1 else complaints - per_burst * (bursts - 1)
            results.append(burst(ours, n, threads, counter))
        t_last = time.monotonic()
        log(f"catch-up: bursts {[describe(r) for r in results]} in {t_last - t_first:.1f} s")
        ids = complaint_ids(engine)
        if baseline:
            start_own_runs(system, engine, ids[warm:])
            log(f"catch-up: own runs started {time.monotonic() - t_last:.1f} s after the burst")
        total = warm + complaints
        paused_at = in_inbox_at = None
        progress = time.monotonic()
        while time.monotonic() - t_last < timeout:
            if in_inbox_at is None and intakes_waiting(engine) == 0:
                in_inbox_at = time.monotonic() - t_last
                if not baseline:
                    break
            if time.monotonic() - progress > 10:
                progress = time.monotonic()
                log(f"catch-up: {progress - t_last:.0f} s: {intakes_waiting(engine)} waiting")
            if baseline and count_runs(prefect, "PAUSED") >= total:
                paused_at = time.monotonic() - t_last
                if in_inbox_at is not None:
                    break
            time.sleep(0.5)
        cpu1 = component_cpu(system, postgres)
        runs_after = count_runs(prefect, tag="case:complaint") + count_runs(prefect, tag="intake")
        decided = first_decisions(system, engine, prefect, ids[-DECISIONS:])
    finally:
        system.stop()
    cpu_ms = {k: (cpu1.get(k, 0) - cpu0.get(k, 0)) * 1000 / complaints for k in cpu1}
    intake = {
        "rate": complaints / sum(r["elapsed"] for r in results),
        "p95": max(r["p95"] for r in results),
        "bursts": [describe(r) for r in results],
        "errors": sum(len(r["errors"]) for r in results),
        "seconds": t_last - t_first,
    }
    out = {
        "design": design,
        "in_inbox_s": in_inbox_at,
        "postgres": postgres,
        "env": extra_env or {},
        "complaints": complaints,
        "intake": intake,
        "runs_created": runs_after - runs_before,
        "paused_s": paused_at,
        "first_decision_p50_s": median(decided),
        "first_decision_p95_s": pct(decided, 95),
        "cpu_ms_per_complaint": {k: round(v, 1) for k, v in cpu_ms.items()},
    }
    log(f"catch-up: {out}")
    return out


def figure(result: dict[str, Any]) -> str:
    inbox = result["in_inbox_s"]
    text = f"{inbox:.0f} s" if inbox is not None else f"> {600:.0f} s"
    text += f" ({result['runs_created']:,} flow runs created for the burst"
    if result["design"] == PER_CASE:
        paused = result["paused_s"]
        text += f", every one suspended after {paused:.0f} s" if paused else ", not all suspended"
    return text + ")"


def row(result: dict[str, Any], shape: str, baseline: dict[str, Any] | None) -> Row:
    """The design's row, its ratio against the baseline measured in the same run."""
    intake = result["intake"]
    cpu = ", ".join(f"{k} {v:.0f}" for k, v in result["cpu_ms_per_complaint"].items())
    n = result["complaints"]
    done = result["in_inbox_s"]
    base_s = baseline["in_inbox_s"] if baseline else None
    design = "intake run per burst" if result["design"] == INTAKE_RUN else "run per complaint"
    return Row(
        "B4'",
        f"catch-up after {n:,} complaints in {intake['seconds']:.0f} s, {shape}, {design}: "
        "last answer → every complaint in the centre's inbox",
        figure(result),
        f"< {GOAL_S:.0f} s, intake ≥ {GOAL_RATE:.0f}/s, p95 < {GOAL_P95_MS:.0f} ms",
        f"run per complaint (the design before), same run: {base_s:.0f} s" if base_s else "-",
        f"{base_s / done:.1f}×" if done and base_s else "-",
        done is not None
        and done < GOAL_S
        and intake["rate"] >= GOAL_RATE
        and intake["p95"] < GOAL_P95_MS,
        note=f"intake during the bursts {intake['rate']:.0f}/s, p95 {intake['p95']:.0f} ms "
        f"({'; '.join(intake['bursts'])}); then {DECISIONS} first decisions, decide → paused "
        f"on the receipt step p50 {result['first_decision_p50_s']:.2f} s, p95 "
        f"{result['first_decision_p95_s']:.2f} s; CPU ms per complaint: {cpu}",
    )


def run(complaints: int = 1260) -> list[Row]:
    rows = []
    for postgres in (False, True):
        shape = "PostgreSQL (application and Prefect)" if postgres else "SQLite"
        before = measure(complaints, postgres=postgres, design=PER_CASE)
        built = measure(complaints, postgres=postgres)
        rows += [row(built, shape, before), row(before, shape, None)]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--complaints", type=int, default=1260)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--env", nargs="*", default=[], help="KEY=VALUE for the system")
    parser.add_argument("--design", choices=[INTAKE_RUN, PER_CASE], default=INTAKE_RUN)
    args = parser.parse_args()
    env = dict(e.split("=", 1) for e in args.env)
    measure(
        args.complaints,
        postgres=args.postgres,
        threads=args.threads,
        extra_env=env,
        design=args.design,
    )


if __name__ == "__main__":
    main()
