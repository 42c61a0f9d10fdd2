"""B4' a year held (issue #14): N suspended flow runs of the real case flows present at once,
built as fast as the system builds them, and with them in place: decide → next step open
(p95 < 100 ms), decide → flow paused on its next key (p50 < 1 s, p95 < 3 s), the RSS of all
the system's processes (< 1.5 GB), the inbox (p95 < 100 ms), the reconcile sweep over every
open case (< 10 s) and the Prefect UI's run list (< 2 s).

The held runs, as the workflows' designs have them: complaints (most of them, ``complaint``
share), each routed by the centre (a complaint holds a run only from its first decision) and
its run suspended on the division's receipt step; memos, each suspended on its first level;
one welfare screening round of ``candidates`` nominations (one run per round, whatever its
size, suspended on the first assessment stage). PDCA reporting rounds (one run
per round, one or two a year) are not built here (see benchmarks/NOTES.md).

How they are built (timed, from the first case created to the last run suspended): the
complaints through the public web form (``POST /api/complaints/public``, 4 client threads),
completed by the API's intake run, then routed by the centre (``decide_step`` as ``nipa``, in
this process: the decisions of weeks) and their runs started in bulk through
``Orchestrator.start_new_cases``; the memos with
``domain.memo.create_memo`` in one transaction, their runs started through
``Orchestrator.start_new_cases`` (the same bulk path); the screening round opened and its
nominations imported as one file, then ``POST …/start-assessment``. The in-process case
worker runs each to its first suspend.

The measurements, with every run held:
- decide: a memo's current level decides through the API (``wichai`` then ``malee``, 2 per
  memo), after a random pause of 0–1 poll interval as in B2; (a) until ``GET /api/memos/{id}``
  returned with the next step open; (b) until Prefect reports the memo's run PAUSED on the
  next step's key (polled every 50 ms by the run's id);
- RSS: the sum of VmRSS over ``LocalSystem``'s processes and their descendants (B4), and
  per component; on PostgreSQL the server's processes are reported beside it as PSS (shared
  buffers counted once);
- inbox: ``GET /api/inbox`` as ``chatchai`` (the street-light division's section head: every
  complaint's receipt step) and as ``wichai`` (every memo's first level);
- reconcile: ``Orchestrator.reconcile()`` (what the ``reconcile-flows`` sweep runs every
  minute) over every unfinished case, timed in the benchmark's process;
- UI run list: ``POST /api/flow_runs/filter`` with ``sort`` and ``limit`` as the UI's runs
  page asks, ``POST /api/flow_runs/paginate`` and ``/api/flow_runs/count``; the slowest.

    python -m benchmarks.b4y_year_held [--n 10000] [--postgres | --sqlite] [--build-timeout S]
"""

import argparse
import asyncio
import random
import threading
import time
from typing import Any

import httpx
from prefect.settings import PREFECT_API_URL, temporary_settings
from sqlmodel import Session, col, select

from benchmarks.b1_intake import Counter, burst, describe, form
from benchmarks.b3_throughput import create_memos
from benchmarks.b4y_catchup import intakes_waiting
from benchmarks.b7_screening_round import setup_round
from benchmarks.common import (
    Officer,
    Row,
    component_rss,
    log,
    median,
    mib,
    new_system,
    pct,
    tree_rss,
    wait_for,
)
from core.db import make_engine
from domain.engine.service import decide_step
from models.people import User
from models.steps import CaseRun, HumanStep, StepStatus
from ops.run import PREFECT

SWEEPS_WHERE = {
    "cases": "every sweep on the case worker",
    "municipal": "every sweep on Prefect's process worker",
}
"""Where the scheduled sweeps ran, by ``--sweeps-pool``."""

GOALS = {
    "open_p95_ms": 100.0,
    "paused_p50_s": 1.0,
    "paused_p95_s": 3.0,
    "rss_bytes": 1.5 * 1024**3,
    "inbox_p95_ms": 100.0,
    "reconcile_s": 10.0,
    "ui_s": 2.0,
}
DECIDERS = ["wichai", "malee"]


def pss_kib(pids: set[int]) -> int:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("Pss:"))
        except (OSError, StopIteration):
            continue
    return total


def count_runs(prefect: httpx.Client, state: str | None = None) -> int:
    flt: dict[str, Any] = {
        "tags": {"any_": ["case:complaint", "case:memo", "case:screening-round"]}
    }
    if state:
        flt["state"] = {"type": {"any_": [state]}}
    try:
        r = prefect.post("/flow_runs/count", json={"flow_runs": flt})
        r.raise_for_status()
    except httpx.HTTPError as exc:
        log(f"B4': Prefect did not count ({type(exc).__name__})")
        return -1
    return int(r.json())


def start_runs(system, engine, cases: list[tuple[str, int]]) -> None:
    """The runs of cases created in bulk, through the API queue's bulk path."""
    from adapters.orchestrator import Orchestrator

    with temporary_settings(updates={PREFECT_API_URL: system.prefect_api_url}):
        asyncio.run(Orchestrator(engine).start_new_cases(cases))


def route_complaints(engine) -> list[int]:
    """The centre routes every complaint waiting on its check (to the category's division)."""
    with Session(engine) as session:
        nipa = session.exec(select(User).where(User.username == "nipa")).one()
        screens = list(
            session.exec(
                select(HumanStep).where(
                    HumanStep.case_type == "complaint",
                    HumanStep.kind == "screen",
                    HumanStep.status == StepStatus.open,
                )
            )
        )
    for step in screens:
        decide_step(engine, step_id=step.id, user_id=nipa.id, data={"outcome": "route"})  # type: ignore[arg-type]
    return [step.case_id for step in screens]


def build(
    system, engine, n: int, complaint_share: float, candidates: int, timeout: float
) -> dict[str, Any]:
    """Every held run created and suspended (or as many as ``timeout`` seconds allow: the
    measurements then run with what is held, and say so); what it took."""
    url = system.env()["KKM_DATABASE_URL"]
    prefect = httpx.Client(base_url=system.prefect_api_url, timeout=60)
    n_complaints = round(n * complaint_share)
    n_memos = n - n_complaints - 1
    t0 = time.monotonic()
    client = httpx.Client(
        base_url=system.api_url,
        timeout=60,
        limits=httpx.Limits(max_connections=16, max_keepalive_connections=16),
    )
    counter = Counter()

    def post(i: int) -> float:
        t = time.perf_counter()
        r = client.post("/api/complaints/public", json=form(i))
        if r.status_code != 201:
            raise RuntimeError(f"HTTP {r.status_code}")
        return time.perf_counter() - t

    t_memos = time.monotonic()
    steps = create_memos(url, n_memos, prefix="บันทึกค้างพิจารณา")
    with Session(engine) as session:
        memo_ids = list(session.exec(select(HumanStep.case_id).where(col(HumanStep.id).in_(steps))))
    start_runs(system, engine, [("memo", m) for m in memo_ids])
    took_memos = time.monotonic() - t_memos
    log(f"B4': {n_memos} memos created and their runs requested in {took_memos:.0f} s")
    t_round = time.monotonic()
    round_id, _ = setup_round(engine, candidates)
    Officer(system.api_url, "sunee").http.post(
        f"/api/screening/rounds/{round_id}/start-assessment"
    ).raise_for_status()
    log(f"B4': screening round of {candidates} opened in {time.monotonic() - t_round:.0f} s")
    intake = burst(post, n_complaints, 4, counter)
    log(f"B4': {n_complaints} complaints posted in {intake['elapsed']:.0f} s: {describe(intake)}")
    wait_for(lambda: intakes_waiting(engine) == 0, timeout, "every complaint's intake completed")
    t_route = time.monotonic()
    routed = route_complaints(engine)
    log(f"B4': {len(routed)} complaints routed in {time.monotonic() - t_route:.0f} s")
    start_runs(system, engine, [("complaint", c) for c in routed])
    total = n_complaints + n_memos + 1
    last_log = time.monotonic()
    while True:
        paused = count_runs(prefect, "PAUSED")
        if paused >= total or time.monotonic() - t0 > timeout:
            break
        if time.monotonic() - last_log > 15:
            last_log = time.monotonic()
            log(f"B4': {paused} of {total} suspended after {last_log - t0:.0f} s")
        time.sleep(1)
    took = time.monotonic() - t0
    log(f"B4': {paused} of {total} runs suspended {took:.0f} s after the first case")
    return {
        "total": total,
        "held": paused,
        "complaints": n_complaints,
        "memos": n_memos,
        "memo_ids": memo_ids,
        "seconds": took,
        "rate": paused / took,
        "intake": describe(intake),
    }


def flow_run_of(engine, case_type: str, case_id: int) -> str:
    with Session(engine) as session:
        run = session.exec(
            select(CaseRun).where(CaseRun.case_type == case_type, CaseRun.case_id == case_id)
        ).one()
        return str(run.flow_run_id)


def decide(system, engine, memo_ids: list[int], memos: int) -> tuple[list[float], list[float]]:
    author = Officer(system.api_url, "somchai")
    officers = {u: Officer(system.api_url, u) for u in DECIDERS}
    prefect = httpx.Client(base_url=system.prefect_api_url, timeout=30)
    poll = float(system.env()["PREFECT_WORKER_QUERY_SECONDS"])
    open_s, paused_s = [], []
    for memo_id in random.sample(memo_ids, memos):
        run_id = flow_run_of(engine, "memo", memo_id)
        first = author.open_step(memo_id)
        assert first is not None

        def paused_on(key: str, run_id: str = run_id) -> bool:
            state = prefect.get(f"/flow_runs/{run_id}").json()["state"]
            return state["type"] == "PAUSED" and state["state_details"]["pause_key"] == key

        wait_for(lambda k=first["key"]: paused_on(k), 600, f"memo {memo_id} suspended")
        for username in DECIDERS:
            step = author.open_step(memo_id)
            assert step is not None
            time.sleep(random.uniform(0, poll))
            r = officers[username].decide(step["id"])
            returned = time.monotonic()
            assert r.status_code == 201, r.text
            nxt = author.open_step(memo_id)
            open_s.append(time.monotonic() - returned)
            assert nxt is not None and nxt["id"] != step["id"], "next step not open"
            key = nxt["key"]
            try:
                wait_for(lambda k=key: paused_on(k), 120, f"memo {memo_id} on {key}", every=0.05)
            except TimeoutError:  # counted as 120 s: a missed sample, not a crash
                log(f"B4': memo {memo_id} not paused on {key} within 120 s")
            paused_s.append(time.monotonic() - returned)
            log(
                f"B4': memo {memo_id}: open {open_s[-1] * 1000:.0f} ms, paused {paused_s[-1]:.2f} s"
            )
    return open_s, paused_s


def inbox(system, username: str, calls: int) -> tuple[list[float], int]:
    officer = Officer(system.api_url, username)
    times = []
    for _ in range(calls + 2):
        t = time.perf_counter()
        r = officer.http.get("/api/inbox")
        times.append((time.perf_counter() - t) * 1000)
        r.raise_for_status()
    return times[2:], len(r.json())


def reconcile(system, engine) -> tuple[float, Any]:
    from adapters.orchestrator import Orchestrator

    with temporary_settings(updates={PREFECT_API_URL: system.prefect_api_url}):
        t = time.monotonic()
        report = asyncio.run(Orchestrator(engine).reconcile())
        return time.monotonic() - t, report


def ui_run_list(system, calls: int = 5) -> dict[str, float]:
    """Seconds (the slowest of ``calls``) of what the UI's runs page asks."""
    prefect = httpx.Client(base_url=system.prefect_api_url, timeout=120)
    asks = {
        "filter": ("/flow_runs/filter", {"sort": "START_TIME_DESC", "limit": 100, "offset": 0}),
        "paginate": ("/flow_runs/paginate", {"sort": "START_TIME_DESC", "limit": 10, "page": 1}),
        "count": ("/flow_runs/count", {}),
        "history": (
            "/flow_runs/filter",
            {
                "sort": "EXPECTED_START_TIME_DESC",
                "limit": 200,
                "flow_runs": {"state": {"type": {"any_": ["PAUSED"]}}},
            },
        ),
    }
    got = {}
    for name, (path, body) in asks.items():
        times = []
        for _ in range(calls):
            t = time.perf_counter()
            prefect.post(path, json=body).raise_for_status()
            times.append(time.perf_counter() - t)
        got[name] = max(times)
    return got


BASELINE_POOL = "municipal"


def sweeps_on_process_worker(system) -> None:
    """The baseline: every scheduled sweep on Prefect's process worker (a process per run),
    pool ``municipal``, polling every 10 s, as before they all moved to the case worker."""
    system.run([PREFECT, "work-pool", "create", BASELINE_POOL, "--type", "process", "--overwrite"])
    system._spawn(
        "worker",
        [PREFECT, "worker", "start", "--pool", BASELINE_POOL, "--type", "process"],
        env={"PREFECT_WORKER_QUERY_SECONDS": "10"},
    )
    prefect = httpx.Client(base_url=system.prefect_api_url, timeout=60)
    deployments = prefect.post("/deployments/filter", json={}).json()
    sweeps = [d for d in deployments if d["schedules"]]
    for deployment in sweeps:
        prefect.patch(
            f"/deployments/{deployment['id']}", json={"work_pool_name": BASELINE_POOL}
        ).raise_for_status()
    log(f"B4': {', '.join(d['name'] for d in sweeps)} moved to pool {BASELINE_POOL}")


class PrefectKept(threading.Thread):
    """What ``make run`` does every 10 s (``LocalSystem.restart_stalled_prefect``), beside the
    benchmark: Prefect's server on SQLite can deadlock under this load (B4' in NOTES.md)."""

    def __init__(self, system) -> None:
        super().__init__(daemon=True)
        self.system, self.restarts, self.done = system, [], threading.Event()

    def run(self) -> None:
        while not self.done.wait(10):
            if self.system.restart_stalled_prefect():
                self.restarts.append(time.strftime("%H:%M:%S"))
                log(f"B4': Prefect's server stopped answering; restarted ({len(self.restarts)})")


def peak_rss(system, seconds: float) -> tuple[int, int, dict[str, int]]:
    """The largest sum of VmRSS seen, sampled every 0.5 s for ``seconds`` while nothing but
    the scheduled sweeps runs (two minutes see every sweep of the minute twice): the sum, the
    number of processes then and the split by component then."""
    peak: tuple[int, int, dict[str, int]] = (0, 0, {})
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        total, procs = tree_rss(system)
        if total > peak[0]:
            peak = (total, procs, component_rss(system))
        time.sleep(0.5)
    return peak


def measure(
    n: int = 1000,
    *,
    postgres: bool = True,
    complaint_share: float = 0.85,
    candidates: int = 2900,
    memos: int = 5,
    inbox_calls: int = 30,
    build_timeout: float = 3600,
    memory_window: float = 130,
    sweeps_pool: str = "cases",
) -> dict[str, Any]:
    system = new_system(f"b4y-held-{n}" + ("-pg" if postgres else ""), postgres=postgres)
    kept = PrefectKept(system)
    try:
        system.start_all(demo=False)
        kept.start()
        if sweeps_pool == BASELINE_POOL:
            sweeps_on_process_worker(system)
        engine = make_engine(system.env()["KKM_DATABASE_URL"])
        built = build(system, engine, n, complaint_share, candidates, build_timeout)
        time.sleep(5)
        rss, procs, by_component = peak_rss(system, memory_window)
        pg = 0
        if postgres:
            from benchmarks.b4y_catchup import postgres_pids

            pg = pss_kib(postgres_pids())
        open_s, paused_s = decide(system, engine, built["memo_ids"], memos)
        division, division_shown = inbox(system, "chatchai", inbox_calls)
        wichai, wichai_shown = inbox(system, "wichai", inbox_calls)
        sweep_s, report = reconcile(system, engine)
        ui = ui_run_list(system)
        rss_after, _ = tree_rss(system)
        engine.dispose()
    finally:
        kept.done.set()
        if kept.is_alive():
            kept.join()
        system.stop()
    out = {
        "n": n,
        "postgres": postgres,
        "built": {k: v for k, v in built.items() if k != "memo_ids"},
        "open_ms": [round(x * 1000) for x in open_s],
        "paused_s": [round(x, 2) for x in paused_s],
        "rss_kib": max(rss, rss_after),
        "procs": procs,
        "memory_window_s": memory_window,
        "sweeps_pool": sweeps_pool,
        "rss_by_component_kib": by_component,
        "pg_pss_kib": pg,
        "inbox_division_ms": (median(division), pct(division, 95), division_shown),
        "inbox_wichai_ms": (median(wichai), pct(wichai, 95), wichai_shown),
        "reconcile_s": sweep_s,
        "reconcile": {k: len(v) for k, v in vars(report).items()},
        "ui_s": ui,
        "prefect_restarts": kept.restarts,
    }
    log(f"B4': {out}")
    return out


def rows(result: dict[str, Any]) -> list[Row]:
    b = result["built"]
    shape = "PostgreSQL" if result["postgres"] else "SQLite"
    n = f"{b['held']:,} of {b['total']:,} cases' runs held ({shape})"
    open_p95 = pct(result["open_ms"], 95)
    p50, p95 = median(result["paused_s"]), pct(result["paused_s"], 95)
    inbox_p95 = max(result["inbox_division_ms"][1], result["inbox_wichai_ms"][1])
    ui = max(result["ui_s"].values())
    rss = result["rss_kib"]
    samples = len(result["paused_s"])
    window = result.get("memory_window_s")  # runs before dcd2cf5 took one sample
    sampled = f"the peak of {window:.0f} s sampled" if window else "one sample"
    return [
        Row(
            "B4'",
            f"{n}: build rate ({b['complaints']:,} complaints via the web form, {b['memos']:,} "
            "memos, 1 screening round), first case → last run suspended",
            f"{b['rate']:.1f} runs/s ({b['seconds']:.0f} s)",
            "as fast as the system can (report)",
            f"intake {b['intake']}"
            + (
                f"; Prefect's server restarted after stalling at {', '.join(restarts)}"
                if (restarts := result.get("prefect_restarts"))
                else ""
            ),
            "-",
            None,
        ),
        Row(
            "B4'",
            f"{n}: decide → next step open (GET), p95 (n={samples})",
            f"{open_p95:.0f} ms",
            f"p95 < {GOALS['open_p95_ms']:.0f} ms",
            "-",
            "-",
            open_p95 < GOALS["open_p95_ms"],
        ),
        Row(
            "B4'",
            f"{n}: decide → flow paused on its next key, p50 / p95 (n={samples})",
            f"{p50:.2f} / {p95:.2f} s",
            "p50 < 1 s, p95 < 3 s",
            "-",
            "-",
            p50 < GOALS["paused_p50_s"] and p95 < GOALS["paused_p95_s"],
        ),
        Row(
            "B4'",
            f"{n}: RSS of all system processes, {sampled} ({result['procs']} processes"
            + (", and the PostgreSQL server's PSS" if result["postgres"] else "")
            + f"; {SWEEPS_WHERE[result['sweeps_pool']]})",
            mib(rss + result["pg_pss_kib"])
            + (
                f" ({mib(rss)} + PostgreSQL {mib(result['pg_pss_kib'])})"
                if result["postgres"]
                else ""
            ),
            "< 1.5 GB (1,536 MiB)",
            "-",
            "-",
            (rss + result["pg_pss_kib"]) * 1024 < GOALS["rss_bytes"],
            note="by component: "
            + ", ".join(f"{k} {mib(v)}" for k, v in result["rss_by_component_kib"].items()),
        ),
        Row(
            "B4'",
            f"{n}: GET /api/inbox p50 / p95: chatchai ({result['inbox_division_ms'][2]} shown), "
            f"wichai ({result['inbox_wichai_ms'][2]} shown)",
            f"{result['inbox_division_ms'][0]:.0f} / {result['inbox_division_ms'][1]:.0f} ms; "
            f"{result['inbox_wichai_ms'][0]:.0f} / {result['inbox_wichai_ms'][1]:.0f} ms",
            "p95 < 100 ms",
            "-",
            "-",
            inbox_p95 < GOALS["inbox_p95_ms"],
        ),
        Row(
            "B4'",
            f"{n}: reconcile sweep over every open case",
            f"{result['reconcile_s']:.1f} s",
            "< 10 s",
            "-",
            "-",
            result["reconcile_s"] < GOALS["reconcile_s"],
            note=f"report {result['reconcile']}",
        ),
        Row(
            "B4'",
            f"{n}: Prefect UI run list (slowest of 5 of each call)",
            f"{ui:.2f} s",
            "< 2 s",
            "-",
            "-",
            ui < GOALS["ui_s"],
            note=", ".join(f"{k} {v:.2f} s" for k, v in result["ui_s"].items()),
        ),
    ]


def run(n: int = 10_000, build_timeout: float = 3600) -> list[Row]:
    """The issue's 10,000 on each database, each build cut at ``build_timeout`` (the rows then
    say how many were held): up to an hour per database on a 2-core machine."""
    out: list[Row] = []
    for postgres in (True, False):
        out += rows(measure(n, postgres=postgres, build_timeout=build_timeout))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--candidates", type=int, default=2900)
    parser.add_argument(
        "--build-timeout", type=float, default=3600, help="measure with what is held by then"
    )
    shape = parser.add_mutually_exclusive_group()
    shape.add_argument("--postgres", action="store_true", help="PostgreSQL only")
    shape.add_argument("--sqlite", action="store_true", help="SQLite only")
    parser.add_argument(
        "--sweeps-pool",
        default="cases",
        choices=("cases", BASELINE_POOL),
        help="pool of the scheduled sweeps (municipal: on Prefect's process worker, the baseline)",
    )
    parser.add_argument("--memory-window", type=float, default=130, help="seconds sampled")
    args = parser.parse_args()
    shapes = [True] if args.postgres else [False] if args.sqlite else [True, False]
    for postgres in shapes:
        result = measure(
            args.n,
            postgres=postgres,
            candidates=args.candidates,
            build_timeout=args.build_timeout,
            memory_window=args.memory_window,
            sweeps_pool=args.sweeps_pool,
        )
        for row in rows(result):
            row.print()


if __name__ == "__main__":
    main()
