"""B2: from the decide call returning to the next step being open, p50 < 1 s and p95 < 3 s.

(a) The next step open in the database/API: our design opens it in the decision's own
    transaction, so one GET right after the call already shows it.
(b) The Prefect flow run visibly PAUSED on the next step's key: the API resumes the run
    through its queue after the response; the in-process case worker (flows/inprocess_worker.py,
    pool ``cases``) picks the run up at its next poll (PREFECT_WORKER_QUERY_SECONDS as
    LocalSystem deploys it) and runs it in its own process until it suspends on the next key.

Baseline, measured in the same run: Prefect's default poll (10 s) with the naive design where
the next step exists only once the resumed flow has run, i.e. the time of (b) on a system
started with PREFECT_WORKER_QUERY_SECONDS=10 (same in-process worker; the process worker
that was here before added ~3.4 s per resume on top).

Each memo (chain memo-delegated) gives two samples: section head → director, director →
permanent secretary. Decisions are taken one at a time, each after the run has suspended and a
random pause of 0 to one poll interval (so that they fall anywhere in the poll cycle)."""

import argparse
import random
import time

import httpx

from benchmarks.common import (
    Officer,
    Row,
    log,
    median,
    new_system,
    paused_key,
    pct,
    ratio,
    temp_dir,
    wait_for,
)
from ops.run import LocalSystem

POLL = float(LocalSystem(var_dir=temp_dir("b2-env")).env()["PREFECT_WORKER_QUERY_SECONDS"])
DECIDERS = ["wichai", "malee"]  # section head and director of กย.; kanya ends the chain


def measure(
    query_seconds: float | None, memos: int, *, postgres: bool = False
) -> tuple[list[float], list[float]]:
    """(to next step open in the API, to flow run PAUSED on its key) in seconds.
    ``query_seconds``: the workers' poll; None keeps LocalSystem's (as deployed, 0.5 s).
    ``postgres``: the scale-out shape (PostgreSQL for both, two workers of each kind)."""
    env = {} if query_seconds is None else {"PREFECT_WORKER_QUERY_SECONDS": str(query_seconds)}
    system = new_system(
        f"b2-q{query_seconds or 'default'}" + ("-pg" if postgres else ""),
        extra_env=env,
        postgres=postgres,
        workers=2 if postgres else 1,
    )
    query_seconds = float(system.env()["PREFECT_WORKER_QUERY_SECONDS"])
    api_times: list[float] = []
    flow_times: list[float] = []
    try:
        t = time.monotonic()
        system.start_all(demo=False)
        log(
            f"B2: system with worker polling every {query_seconds}s up in "
            f"{time.monotonic() - t:.0f}s ({system.var_dir})"
        )
        author = Officer(system.api_url, "somchai")
        officers = {u: Officer(system.api_url, u) for u in DECIDERS}
        prefect = httpx.Client(base_url=system.prefect_api_url, timeout=30)
        ids = []
        for i in range(memos):
            r = author.http.post(
                "/api/memos",
                json={"subject": f"ขออนุมัติโครงการทดสอบ {i}", "chain": "memo-delegated"},
            )
            r.raise_for_status()
            ids.append(r.json()["id"])
        for memo_id in ids:
            first = author.open_step(memo_id)
            assert first is not None
            wait_for(
                lambda m=memo_id, k=first["key"]: paused_key(prefect, m) == k,
                timeout=180,
                what=f"memo {memo_id} suspended on its first step",
            )
        log(f"B2: {memos} memos suspended on their first step")
        for memo_id in ids:
            for username in DECIDERS:
                step = author.open_step(memo_id)
                assert step is not None
                # People decide at moments unrelated to the workers' poll; deciding right
                # after the previous suspend would always wait (almost) a whole poll.
                time.sleep(random.uniform(0, query_seconds))
                r = officers[username].decide(step["id"])
                returned = time.monotonic()
                assert r.status_code == 201, r.text
                nxt = author.open_step(memo_id)
                open_at = time.monotonic()
                assert nxt is not None and nxt["id"] != step["id"], "next step not open"
                api_times.append(open_at - returned)
                wait_for(
                    lambda m=memo_id, k=nxt["key"]: paused_key(prefect, m) == k,
                    timeout=120,
                    what=f"memo {memo_id} paused on {nxt['key']}",
                    every=0.05,
                )
                flow_times.append(time.monotonic() - returned)
                log(
                    f"B2 q={query_seconds}: memo {memo_id} {step['level']}→{nxt['level']}: "
                    f"API {api_times[-1] * 1000:.0f} ms, flow {flow_times[-1]:.1f} s"
                )
        return api_times, flow_times
    finally:
        system.stop()


def run_postgres(memos: int = 3) -> list[Row]:
    """B2 on the scale-out shape; its reference is the SQLite row of the same run."""
    api_t, flow_t = measure(None, memos, postgres=True)
    n = len(flow_t)
    shape = "PostgreSQL (app + Prefect), 2 case workers + 2 sweep workers, poll as deployed"
    return [
        Row(
            "B2",
            f"(a) scale-out: {shape}, decide returned → next step open in API, p50 / p95 (n={n})",
            f"{median(api_t) * 1000:.0f} / {pct(api_t, 95) * 1000:.0f} ms",
            "p50 < 1 s, p95 < 3 s",
            "see the SQLite rows above",
            "-",
            median(api_t) < 1 and pct(api_t, 95) < 3,
            source="pg",
        ),
        Row(
            "B2",
            f"(b) scale-out: {shape}, decide returned → flow run PAUSED on next key, "
            f"p50 / p95 (n={n})",
            f"{median(flow_t):.1f} / {pct(flow_t, 95):.1f} s",
            "p50 < 1 s, p95 < 3 s",
            "see the SQLite rows above",
            "-",
            median(flow_t) < 1 and pct(flow_t, 95) < 3,
            source="pg",
        ),
    ]


def run(memos: int = 4, baseline_memos: int = 3) -> list[Row]:
    api_t, flow_t = measure(None, memos)
    base_api, base_flow = measure(10, baseline_memos)
    n, nb = len(flow_t), len(base_flow)
    b50, b95 = median(base_flow), pct(base_flow, 95)
    rows = [
        Row(
            "B2",
            f"(a) decide returned → next step open in API, p50 / p95 (n={n})",
            f"{median(api_t) * 1000:.0f} / {pct(api_t, 95) * 1000:.0f} ms",
            "p50 < 1 s, p95 < 3 s",
            f"{b50:.1f} / {b95:.1f} s (naive: step opens when the flow runs; 10 s poll; n={nb})",
            ratio(b50, median(api_t)),
            median(api_t) < 1 and pct(api_t, 95) < 3,
        ),
        Row(
            "B2",
            f"(b) decide returned → flow run PAUSED on next key, in-process case worker, poll as "
            f"deployed ({POLL} s), p50 / p95 (n={n})",
            f"{median(flow_t):.1f} / {pct(flow_t, 95):.1f} s",
            "p50 < 1 s, p95 < 3 s",
            f"{b50:.1f} / {b95:.1f} s (worker poll 10 s, Prefect default; n={nb})",
            ratio(b50, median(flow_t)),
            median(flow_t) < 1 and pct(flow_t, 95) < 3,
            note="API side on the 10 s system: "
            f"{median(base_api) * 1000:.0f} / {pct(base_api, 95) * 1000:.0f} ms",
        ),
    ]
    return rows


def main() -> list[Row]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--memos", type=int, default=4)
    parser.add_argument("--baseline-memos", type=int, default=3)
    args = parser.parse_args()
    rows = run(args.memos, args.baseline_memos)
    for row in rows:
        row.print()
    return rows


if __name__ == "__main__":
    main()
