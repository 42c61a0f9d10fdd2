"""B4: waiting at scale. 10,000 open human steps hold no process and no memory each (goal: all
system processes together < 1.5 GB), and the inbox of an officer with many open steps answers
with p95 < 100 ms. Baseline for the inbox: a naive inbox that loads every open step and keeps
those authority.is_holder accepts.

Memory is the sum of VmRSS over LocalSystem's processes and all their descendants (SMTP
capture, Prefect server, process worker, API), measured
  1. with no open step,
  2. after N memos submitted through the API have their flow runs suspended (a suspended run
     is a row in Prefect's database: its process has exited),
  3. after 10,000 more memos were created with domain.memo.create_memo in one transaction and
     the inbox was read.
10,000 suspended flow runs are not created: through the process worker each costs a new
Python process (several seconds of CPU on this machine), i.e. hours here; step 2 shows the
memory per suspended run instead. So that the worker's scheduled sweeps do not start 10,000
flow runs or send 10,000 mails during the measurement, the bulk memos' CaseRun rows are marked
finished and their queued mails sent (the sweeps' own cost is B5's and B3's subject)."""

import argparse
import time

import httpx
import sqlalchemy as sa
from sqlmodel import Session, col, select

from benchmarks.b3_throughput import create_memos
from benchmarks.common import (
    Officer,
    Row,
    log,
    median,
    mib,
    new_system,
    paused_key,
    pct,
    ratio,
    tree_rss,
    wait_for,
)
from core.db import make_engine, session_scope, utcnow
from domain.engine import authority
from models.outbox import OutboxEmail, OutboxStatus
from models.people import User
from models.steps import CaseRun, HumanStep, StepStatus

GOAL_BYTES = 1.5 * 1024**3
GOAL_INBOX_MS = 100.0


def naive_inbox(session: Session, user: User, limit: int = 200) -> list[HumanStep]:
    """The baseline: every open step loaded, filtered in Python."""
    steps = session.exec(select(HumanStep).where(HumanStep.status == StepStatus.open)).all()
    mine = [s for s in steps if authority.is_holder(session, user=user, step=s)]
    return sorted(mine, key=lambda s: (s.due_at, s.id))[:limit]


def settle_rss(system, seconds: float = 5) -> tuple[int, int]:
    time.sleep(seconds)
    return tree_rss(system)


def run(bulk: int = 10_000, suspended: int = 20, inbox_calls: int = 50) -> list[Row]:
    system = new_system("b4")
    try:
        system.start_all(demo=False)
        author = Officer(system.api_url, "somchai")
        wichai = Officer(system.api_url, "wichai")
        for _ in range(3):
            wichai.http.get("/api/inbox").raise_for_status()
        rss0, procs0 = settle_rss(system, 10)
        log(f"B4: 0 open steps: {mib(rss0)} in {procs0} processes")

        prefect = httpx.Client(base_url=system.prefect_api_url, timeout=30)
        ids = []
        for i in range(suspended):
            # Spaced out: back to back, the API's background Prefect calls pile up and exhaust
            # its database pool (see B3 in docs/benchmarks.md).
            r = author.http.post("/api/memos", json={"subject": f"รอพิจารณา {i}"})
            r.raise_for_status()
            ids.append(r.json()["id"])
            time.sleep(1.5)
        keys = {m: author.open_step(m)["key"] for m in ids}  # type: ignore[index]
        peak = 0
        t = time.monotonic()

        def all_suspended() -> bool:
            nonlocal peak
            peak = max(peak, tree_rss(system)[0])
            return all(paused_key(prefect, m) == k for m, k in keys.items())

        wait_for(all_suspended, timeout=300, what=f"{suspended} flow runs suspended", every=1)
        log(
            f"B4: {suspended} flow runs suspended in {time.monotonic() - t:.0f}s; "
            f"peak while running {mib(peak)}"
        )
        rss1, procs1 = settle_rss(system, 10)
        per_run = (rss1 - rss0) / suspended
        log(
            f"B4: {suspended} suspended runs: {mib(rss1)} in {procs1} processes "
            f"({per_run:.0f} KiB per run)"
        )

        url = system.env()["KKM_DATABASE_URL"]
        t = time.monotonic()
        step_ids = create_memos(url, bulk, prefix="บันทึกรอพิจารณา")
        created_s = time.monotonic() - t
        engine = make_engine(url)
        with session_scope(engine) as session:
            bulk_cases = select(HumanStep.case_id).where(col(HumanStep.id).in_(step_ids))
            session.execute(
                sa.update(CaseRun)
                .where(CaseRun.case_type == "memo", col(CaseRun.case_id).in_(bulk_cases))
                .values(finished=True)
            )
            session.execute(
                sa.update(OutboxEmail)
                .where(OutboxEmail.case_type == "memo", col(OutboxEmail.case_id).in_(bulk_cases))
                .values(status=OutboxStatus.sent, sent_at=utcnow())
            )
        with Session(engine) as session:
            open_total = session.exec(
                select(sa.func.count())
                .select_from(HumanStep)
                .where(HumanStep.status == StepStatus.open)
            ).one()
        log(f"B4: {bulk} memos created in {created_s:.0f}s; {open_total} open steps")

        times = []
        for _ in range(inbox_calls):
            t0 = time.perf_counter()
            r = wichai.http.get("/api/inbox")
            times.append((time.perf_counter() - t0) * 1000)
            r.raise_for_status()
        shown = len(r.json())
        log(
            f"B4: inbox over HTTP p50 {median(times):.0f} ms p95 {pct(times, 95):.0f} ms "
            f"({shown} items shown)"
        )

        ours_ms, naive_ms = [], []
        with Session(engine) as session:
            user = session.exec(select(User).where(User.username == "wichai")).one()
            for _ in range(10):
                t0 = time.perf_counter()
                authority.inbox(session, user=user)
                ours_ms.append((time.perf_counter() - t0) * 1000)
                session.expunge_all()
            for _ in range(3):
                t0 = time.perf_counter()
                naive_inbox(session, user)
                naive_ms.append((time.perf_counter() - t0) * 1000)
                session.expunge_all()
        engine.dispose()
        log(
            f"B4: in-process inbox p50 {median(ours_ms):.0f} ms; naive p50 "
            f"{median(naive_ms):.0f} ms"
        )
        rss2, procs2 = settle_rss(system, 5)
        log(f"B4: {open_total} open steps: {mib(rss2)} in {procs2} processes")
    finally:
        system.stop()
    return [
        Row(
            "B4",
            f"RSS of all system processes, {open_total:,} open steps ({procs2} processes)",
            mib(rss2),
            "< 1.5 GB",
            f"{mib(rss0)} with 0 open steps ({procs0} processes)",
            f"+{(rss2 - rss1) / 1024:.0f} MiB for {bulk:,} steps",
            rss2 < GOAL_BYTES / 1024,
        ),
        Row(
            "B4",
            f"memory per suspended flow run ({suspended} suspended via the API)",
            f"{per_run:.0f} KiB/run ({mib(rss1)} total, {procs1} processes)",
            "no process held (≈ 0)",
            f"{mib(rss0)} before; peak while they ran {mib(peak)}",
            "-",
            procs1 == procs0,
            note="10,000 suspended runs not created here (each is a flow run to its first suspend)",
        ),
        Row(
            "B4",
            f"GET /api/inbox, wichai holds {open_total:,} open steps (shows {shown}), "
            f"p50 / p95 (n={inbox_calls})",
            f"{median(times):.0f} / {pct(times, 95):.0f} ms",
            f"p95 < {GOAL_INBOX_MS:.0f} ms",
            f"{median(naive_ms):.0f} ms naive in-process (ours in-process {median(ours_ms):.0f}"
            " ms)",
            ratio(median(naive_ms), median(ours_ms)),
            pct(times, 95) < GOAL_INBOX_MS,
        ),
    ]


def main() -> list[Row]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bulk", type=int, default=10_000)
    parser.add_argument("--suspended", type=int, default=20)
    args = parser.parse_args()
    rows = run(args.bulk, args.suspended)
    for row in rows:
        row.print()
    return rows


if __name__ == "__main__":
    main()
