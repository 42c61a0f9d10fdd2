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

    python -m benchmarks.b4y_catchup [--postgres] [--complaints 1260] [--env KEY=VALUE ...]
"""

import argparse
import os
import time
from typing import Any

import httpx

from benchmarks.b1_intake import Counter, burst, describe, form
from benchmarks.common import Row, log, new_system, process_tree, wait_for

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


def measure(
    complaints: int = 1260,
    *,
    postgres: bool = False,
    threads: int = 4,
    bursts: int = 3,
    extra_env: dict[str, str] | None = None,
    timeout: float = 600,
) -> dict[str, Any]:
    system = new_system("b4y-catchup", postgres=postgres, extra_env=extra_env)
    counter = Counter()
    try:
        system.start_all(demo=False)
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
        wait_for(lambda: count_runs(prefect, "PAUSED") >= 5, 120, "warm-up runs suspended")
        warm = counter.n
        cpu0 = component_cpu(system, postgres)
        per_burst = complaints // bursts
        results = []
        t_first = time.monotonic()
        for b in range(bursts):
            n = per_burst if b < bursts - 1 else complaints - per_burst * (bursts - 1)
            results.append(burst(ours, n, threads, counter))
        t_last = time.monotonic()
        log(f"catch-up: bursts {[describe(r) for r in results]} in {t_last - t_first:.1f} s")
        total = warm + complaints
        created_at = paused_at = None
        progress = time.monotonic()
        while time.monotonic() - t_last < timeout:
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
        paused = count_runs(prefect, "PAUSED") - warm
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
    if result["paused_s"] is None:
        return f"> {600:.0f} s ({result['paused']} of {result['complaints']} suspended)"
    return f"{result['paused_s']:.0f} s (all runs created after {result['created_s']:.0f} s)"


def run(complaints: int = 1260) -> list[Row]:
    rows = []
    for postgres in (False, True):
        result = measure(complaints, postgres=postgres)
        shape = "PostgreSQL (application and Prefect)" if postgres else "SQLite"
        intake = result["intake"]
        cpu = ", ".join(f"{k} {v:.0f}" for k, v in result["cpu_ms_per_complaint"].items())
        rows.append(
            Row(
                "B4'",
                f"catch-up after {complaints:,} complaints in {intake['seconds']:.0f} s, "
                f"{shape}: last answer → every run suspended on its first step",
                figure(result),
                f"< {GOAL_S:.0f} s, intake ≥ {GOAL_RATE:.0f}/s, p95 < {GOAL_P95_MS:.0f} ms",
                "234 s before this round (SQLite, runs created only, no worker)",
                f"{234 / result['paused_s']:.1f}×" if result["paused_s"] else "-",
                result["paused_s"] is not None
                and result["paused_s"] < GOAL_S
                and intake["rate"] >= GOAL_RATE
                and intake["p95"] < GOAL_P95_MS,
                note=f"intake during the bursts {intake['rate']:.0f}/s, p95 "
                f"{intake['p95']:.0f} ms ({'; '.join(intake['bursts'])}); CPU ms per "
                f"complaint: {cpu}",
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--complaints", type=int, default=1260)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--env", nargs="*", default=[], help="KEY=VALUE for the system")
    args = parser.parse_args()
    env = dict(e.split("=", 1) for e in args.env)
    measure(args.complaints, postgres=args.postgres, threads=args.threads, extra_env=env)


if __name__ == "__main__":
    main()
