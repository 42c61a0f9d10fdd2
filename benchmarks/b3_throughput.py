"""B3: decisions applied per second, sustained: ≥ 10/s (200 decisions through the API from a
few threads). Baseline: one flow run per decision, the design where Prefect applies each
decision; measured as trivial flow runs started through the deployment API at once and run by
a process worker (polling every 2 s), throughput = runs / time until the last one completed.

The system: Prefect server, SMTP capture, API with Prefect enabled (each decision's background
task asks Prefect to move the case's flow run), no worker for the memo pool, so the figure is
the API's and the database's, not the worker's load on this small machine. The 200 memos are
created in one transaction with domain.memo.create_memo (their first step is held by the
section head of กย.)."""

import argparse
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
from sqlmodel import Session, col, select

import domain.memo  # noqa: F401  (registers the memo workflow)
import models  # noqa: F401
from benchmarks.common import Officer, Row, log, median, new_system, pct, ratio, wait_for
from core.db import make_engine, session_scope
from core.settings import get_settings
from domain.memo.rules import create_memo
from models.memo import MemoCreate
from models.people import User
from models.steps import HumanStep, StepStatus
from ops.run import PREFECT

GOAL = 10.0


def create_memos(url: str, n: int, *, prefix: str) -> list[int]:
    """``n`` memos by somchai; returns the ids of their open first steps."""
    engine = make_engine(url)
    chains = get_settings().chains_file
    with session_scope(engine) as session:
        author = session.exec(select(User).where(User.username == "somchai")).one()
        memo_ids = [
            create_memo(
                session,
                data=MemoCreate(subject=f"{prefix} {i}", chain="memo-delegated"),
                originator=author,
                chains_file=chains,
            ).id
            for i in range(n)
        ]
    with Session(engine) as session:
        steps = session.exec(
            select(HumanStep.id).where(
                col(HumanStep.case_id).in_(memo_ids), HumanStep.status == StepStatus.open
            )
        ).all()
    engine.dispose()
    return list(steps)


def baseline_runs(system, runs: int) -> float:
    """Flow runs per second: ``runs`` trivial runs created at once, until all completed."""
    system.run([PREFECT, "work-pool", "create", "bench", "--type", "process", "--overwrite"])
    system.run(
        [PREFECT, "--no-prompt", "deploy", "--all", "--prefect-file", "benchmarks/prefect.yaml"]
    )
    system._spawn(
        "bench-worker",
        [
            PREFECT,
            "worker",
            "start",
            "--pool",
            "bench",
            "--type",
            "process",
            "--name",
            "bench-worker",
        ],
    )
    prefect = httpx.Client(base_url=system.prefect_api_url, timeout=30)
    dep = prefect.get("/deployments/name/bench-trivial/bench-trivial").json()["id"]
    time.sleep(5)  # the worker registers and polls once
    t0 = time.monotonic()

    def start(i: int) -> str:
        for _ in range(10):  # a busy SQLite-backed server may answer 503 for a moment
            r = prefect.post(f"/deployments/{dep}/create_flow_run", json={"parameters": {"n": i}})
            if r.status_code < 300:
                return r.json()["id"]
            log(f"B3: create_flow_run answered {r.status_code}: {r.text[:200]}")
            time.sleep(1)
        raise RuntimeError("could not start the baseline flow runs")

    ids = [start(i) for i in range(runs)]

    def done() -> bool:
        found = prefect.post(
            "/flow_runs/filter", json={"flow_runs": {"id": {"any_": ids}}, "limit": runs}
        ).json()
        bad = [r for r in found if r["state"]["type"] in ("FAILED", "CRASHED", "CANCELLED")]
        if bad:
            raise RuntimeError(f"baseline flow run failed: {bad[0]['state']}")
        return sum(r["state"]["type"] == "COMPLETED" for r in found) == runs

    wait_for(done, timeout=240, what="baseline flow runs completed", every=0.2)
    elapsed = time.monotonic() - t0
    log(f"B3: baseline {runs} trivial flow runs completed in {elapsed:.1f}s")
    return runs / elapsed


def burst(api_url: str, steps: list[int], threads: int) -> dict:
    """Decide every step in ``steps`` from ``threads`` threads; rate counts 201 answers."""
    officers = [Officer(api_url, "wichai") for _ in range(threads)]
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def decide(i: int) -> None:
        t = time.perf_counter()
        try:
            r = officers[i % threads].decide(steps[i])
            ok, why = r.status_code == 201, f"HTTP {r.status_code}"
        except httpx.HTTPError as exc:
            ok, why = False, type(exc).__name__
        with lock:
            if ok:
                latencies.append(time.perf_counter() - t)
            else:
                errors.append(why)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(decide, range(len(steps))))
    elapsed = time.perf_counter() - t0
    return {
        "rate": len(latencies) / elapsed,
        "elapsed": elapsed,
        "ok": len(latencies),
        "errors": errors,
        "p50": median(latencies) * 1000 if latencies else float("nan"),
        "p95": pct(latencies, 95) * 1000,
    }


def describe(r: dict) -> str:
    text = f"{r['rate']:.1f} /s (call p50 {r['p50']:.0f} ms, p95 {r['p95']:.0f} ms)"
    if r["errors"]:
        text += f"; {len(r['errors'])} failed ({', '.join(sorted(set(r['errors'])))})"
    return text


def run(
    decisions: int = 200,
    threads: int = 4,
    baseline: int = 10,
    with_prefect: int = 200,
    *,
    postgres: bool = False,
) -> list[Row]:
    """``postgres``: the same on PostgreSQL for the application and Prefect (the scale-out
    shape; still no worker for the memo pool during the bursts, as on SQLite)."""
    system = new_system("b3-pg" if postgres else "b3", postgres=postgres)
    shape = "scale-out (PostgreSQL app + Prefect): " if postgres else ""
    source = "pg" if postgres else ""
    try:
        system.start_smtp()
        system.start_prefect_server()
        system.prepare_database(demo=False)
        system.deploy()
        url = system.env()["KKM_DATABASE_URL"]
        steps = create_memos(url, decisions + with_prefect + 10, prefix="ขออนุมัติทดสอบปริมาณ")
        warm, steps = steps[:10], steps[10:]
        # 1. The API as deployed: each decision's background task moves the case in Prefect.
        system.start_api()
        officer = Officer(system.api_url, "wichai")
        for step_id in warm[:5]:  # the first calls pay imports and the deployment lookup
            assert officer.decide(step_id).status_code == 201
        on = burst(system.api_url, steps[decisions:], threads)
        log(f"B3: with Prefect sync: {describe(on)} in {on['elapsed']:.1f}s")
        # 2. The decision path alone (KKM_PREFECT_ENABLED=false: reconcile moves the runs).
        system.kill("api")
        time.sleep(5)  # let the Prefect server finish what the API asked of it
        system.extra_env["KKM_PREFECT_ENABLED"] = "false"
        system.start_api()
        for step_id in warm[5:]:
            assert officer.decide(step_id).status_code == 201
        off = burst(system.api_url, steps[:decisions], threads)
        log(f"B3: decisions only: {describe(off)} in {off['elapsed']:.1f}s")
        base = baseline_runs(system, baseline)
    finally:
        system.stop()
    return [
        Row(
            "B3",
            f"{shape}decisions applied via API, {decisions} from {threads} threads, "
            "API without Prefect calls (KKM_PREFECT_ENABLED=false)",
            describe(off),
            f"≥ {GOAL:.0f} /s",
            f"{base:.2f} /s (one flow run per decision: {baseline} trivial runs at once, "
            "process worker)",
            ratio(1 / base, 1 / off["rate"]) if off["rate"] else "-",
            off["rate"] >= GOAL and not off["errors"],
            source=source,
        ),
        Row(
            "B3",
            f"{shape}the same as deployed (Prefect enabled: decisions queued to Prefect "
            f"by CaseSyncQueue), {with_prefect} from {threads} threads",
            describe(on),
            f"≥ {GOAL:.0f} /s, no errors",
            f"{base:.2f} /s (as above)",
            ratio(1 / base, 1 / on["rate"]) if on["rate"] else "-",
            on["rate"] >= GOAL and not on["errors"],
            source=source,
        ),
    ]


def main() -> list[Row]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--decisions", type=int, default=200)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--baseline", type=int, default=10)
    parser.add_argument("--with-prefect", type=int, default=200)
    args = parser.parse_args()
    rows = run(args.decisions, args.threads, args.baseline, args.with_prefect)
    for row in rows:
        row.print()
    return rows


if __name__ == "__main__":
    main()
