"""Catch-up after a burst (issue #14): 1,260 complaints through the public web form in a few
seconds, then the time from the last answer until every complaint's flow run exists and has
reached its first suspend (PAUSED on the centre's screening step). Goal: within 60 s, while
intake stays at B1's goal (≥ 200/s, p95 < 50 ms).

The system as deployed (``LocalSystem.start_all``: SMTP capture, Prefect server, the sweeps'
process worker, the in-process case worker, the API with Prefect enabled), on SQLite or on
PostgreSQL (``--postgres``: the production shape, application and Prefect each on a fresh
database of ``KKM_BENCH_POSTGRES``'s server). Besides the wall time, the CPU time each of
the system's processes (and the PostgreSQL server's backends, when used) spent from the first
answer to the catch-up, divided by the number of complaints: where the machine time goes.

Beside it, the alternative design (``--design batch-intake``): the same bursts into a system
whose case runs do not move (no workers), then one batch completes every waiting intake as a
run per burst would (the ``reconcile-flows`` sweep's intake code, in this process); timed until
every complaint is in the centre's inbox, the figure a person waiting on a burst sees. Each
complaint's own run would start at its first decision, so no run is built in the burst.

    python -m benchmarks.b4y_catchup [--postgres] [--complaints 1260] [--design batch-intake]
        [--env KEY=VALUE ...]
"""

import argparse
import os
import time
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import func
from sqlmodel import Session, col, select

from benchmarks.b1_intake import Counter, burst, describe, form
from benchmarks.common import Row, log, new_system, process_tree, wait_for
from core.db import make_engine
from domain.complaints import service
from models.complaint import Complaint

PER_CASE = "run-per-case"
BATCH = "batch-intake"
"""The alternative measured beside the design (issue #14): new complaints' intakes completed
by one run per burst, each complaint's own run started at its first decision."""
GOAL_S = 60.0
GOAL_RATE = 200.0
GOAL_P95_MS = 50.0
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


def count_runs(prefect: httpx.Client, state: str | None = None) -> int:
    """Complaint flow runs (in ``state``); -1 when Prefect does not answer in time."""
    flt: dict[str, Any] = {"tags": {"all_": ["case:complaint"]}}
    if state:
        flt["state"] = {"type": {"any_": [state]}}
    try:
        r = prefect.post("/flow_runs/count", json={"flow_runs": flt})
        r.raise_for_status()
    except httpx.HTTPError as exc:
        log(f"catch-up: Prefect did not count ({type(exc).__name__})")
        return -1
    return int(r.json())


def complete_intakes(engine) -> None:
    """The alternative design's batch run: one run completes every waiting intake, each in its
    own short transaction, as the ``reconcile-flows`` sweep's first part does (run here, in the
    benchmark's process: one flow run's own cost, a few hundred ms, is left out)."""
    while service.complete_waiting_intakes(engine, older_than=timedelta(0)):
        pass


def intakes_waiting(engine) -> int:
    """Complaints stored whose intake is not complete: not yet in the centre's inbox."""
    with Session(engine) as session:
        return session.exec(
            select(func.count()).where(col(Complaint.intake_completed_at).is_(None))
        ).one()


def measure(
    complaints: int = 1260,
    *,
    postgres: bool = False,
    threads: int = 4,
    bursts: int = 3,
    extra_env: dict[str, str] | None = None,
    timeout: float = 600,
    design: str = PER_CASE,
) -> dict[str, Any]:
    batch = design == BATCH
    system = new_system("b4y-catchup", postgres=postgres, extra_env=extra_env)
    counter = Counter()
    try:
        if batch:
            # No workers: no case run moves. The API still answers as deployed (intake in two
            # stages) and still creates a run per complaint, which the alternative would not:
            # its figures carry that cost.
            system.start_smtp()
            system.start_prefect_server()
            system.prepare_database(demo=False)
            system.deploy()
            system.start_api()
        else:
            system.start_all(demo=False)
        engine = make_engine(system.database_url or f"sqlite:///{system.var_dir / 'app.db'}")
        client = httpx.Client(
            base_url=system.api_url,
            timeout=60,
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=64),
        )
        prefect = httpx.Client(base_url=system.prefect_api_url, timeout=60)

        def ours(i: int) -> float:
            t0 = time.perf_counter()
            r = client.post("/api/complaints/public", json=form(i))
            if r.status_code != 201:
                raise RuntimeError(f"HTTP {r.status_code}")
            return time.perf_counter() - t0

        for _ in range(5):  # warm up: imports, the worker's first flow load
            ours(counter.next())
        if batch:
            complete_intakes(engine)
        else:
            wait_for(lambda: count_runs(prefect, "PAUSED") >= 5, 120, "warm-up runs suspended")
        warm = counter.n
        cpu0 = component_cpu(system, postgres)
        here0 = time.process_time()
        per_burst = complaints // bursts
        results = []
        t_first = time.monotonic()
        for b in range(bursts):
            n = per_burst if b < bursts - 1 else complaints - per_burst * (bursts - 1)
            results.append(burst(ours, n, threads, counter))
        t_last = time.monotonic()
        log(f"catch-up: bursts {[describe(r) for r in results]} in {t_last - t_first:.1f} s")
        total = warm + complaints
        created_at = paused_at = in_inbox_at = None
        if batch:
            complete_intakes(engine)
            in_inbox_at = time.monotonic() - t_last
        progress = time.monotonic()
        while not batch and time.monotonic() - t_last < timeout:
            if in_inbox_at is None and intakes_waiting(engine) == 0:
                in_inbox_at = time.monotonic() - t_last
            if time.monotonic() - progress > 10:
                progress = time.monotonic()
                log(f"catch-up: {progress - t_last:.0f} s: {count_runs(prefect, 'PAUSED')} paused")
            if created_at is None and count_runs(prefect) >= total:
                created_at = time.monotonic() - t_last
            if count_runs(prefect, "PAUSED") >= total:
                paused_at = time.monotonic() - t_last
                created_at = created_at or paused_at
                break
            time.sleep(0.5)
        cpu1 = component_cpu(system, postgres)
        cpu1["batch run (this process)"] = time.process_time() - here0
        cpu0["batch run (this process)"] = 0.0
        paused = 0 if batch else count_runs(prefect, "PAUSED") - warm
        if in_inbox_at is None and intakes_waiting(engine) == 0:
            in_inbox_at = time.monotonic() - t_last
    finally:
        system.stop()
    cpu_ms = {k: (cpu1.get(k, 0) - cpu0.get(k, 0)) * 1000 / complaints for k in cpu1}
    if not batch:
        cpu_ms.pop("batch run (this process)")
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
        "created_s": created_at,
        "paused_s": paused_at,
        "paused": paused,
        "cpu_ms_per_complaint": {k: round(v, 1) for k, v in cpu_ms.items()},
    }
    log(f"catch-up: {out}")
    return out


def figure(result: dict[str, Any]) -> str:
    inbox = result["in_inbox_s"]
    in_inbox = f"every complaint in the centre's inbox after {inbox:.0f} s" if inbox else ""
    if result["design"] == BATCH:
        return f"{inbox:.0f} s" if inbox is not None else "> 600 s"
    if result["paused_s"] is None:
        return f"> {600:.0f} s ({result['paused']} of {result['complaints']} suspended)"
    return (
        f"{result['paused_s']:.0f} s (all runs created after {result['created_s']:.0f} s; "
        f"{in_inbox})"
    )


def row(result: dict[str, Any], shape: str, baseline: dict[str, Any] | None) -> Row:
    """One design's row; the alternative's ratio is against the design's own run."""
    intake = result["intake"]
    cpu = ", ".join(f"{k} {v:.0f}" for k, v in result["cpu_ms_per_complaint"].items())
    n = result["complaints"]
    if baseline is None:
        what = "last answer → every run suspended on its first step"
        done = result["paused_s"]
        base_text, base_s = "234 s before this round (SQLite, runs created only, no worker)", 234
    else:
        what = (
            "alternative design, one run per burst completes the intakes (each complaint's "
            "run starts at its first decision): last answer → every complaint in the centre's "
            "inbox"
        )
        done = result["in_inbox_s"]
        base_s = baseline["in_inbox_s"] or baseline["paused_s"]
        base_text = f"run per case, same run: in the inbox after {base_s:.0f} s" if base_s else ""
    return Row(
        "B4'",
        f"catch-up after {n:,} complaints in {intake['seconds']:.0f} s, {shape}: {what}",
        figure(result),
        f"< {GOAL_S:.0f} s, intake ≥ {GOAL_RATE:.0f}/s, p95 < {GOAL_P95_MS:.0f} ms",
        base_text,
        f"{base_s / done:.1f}×" if done and base_s else "-",
        done is not None
        and done < GOAL_S
        and intake["rate"] >= GOAL_RATE
        and intake["p95"] < GOAL_P95_MS,
        note=f"intake during the bursts {intake['rate']:.0f}/s, p95 {intake['p95']:.0f} ms "
        f"({'; '.join(intake['bursts'])}); CPU ms per complaint: {cpu}",
    )


def run(complaints: int = 1260) -> list[Row]:
    rows = []
    for postgres in (False, True):
        shape = "PostgreSQL (application and Prefect)" if postgres else "SQLite"
        per_case = measure(complaints, postgres=postgres)
        batch = measure(complaints, postgres=postgres, design=BATCH)
        rows += [row(per_case, shape, None), row(batch, shape, per_case)]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--complaints", type=int, default=1260)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--env", nargs="*", default=[], help="KEY=VALUE for the system")
    parser.add_argument("--design", choices=[PER_CASE, BATCH], default=PER_CASE)
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
