"""Where B1's time goes (not part of `make bench`; `python -m benchmarks.b1_breakdown`):

1. intake in-process: ``receive_complaint`` + commit in one writer transaction on a fresh
   SQLite file (what the API does before answering, inside its BEGIN IMMEDIATE, i.e. while it
   holds SQLite's single write lock), timed and profiled with cProfile (top functions by
   cumulative time); ``register_complaint`` (both stages of intake, as without Prefect) timed
   beside it;
2. the whole intake batched: ``batch`` complaints per transaction (group commit), per complaint;
3. the HTTP ceiling of the API on this machine: GET /api/complaints/public/categories (one
   small read, no write) from 8 client threads, API alone (KKM_PREFECT_ENABLED=false)."""

import cProfile
import io
import pstats
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
from sqlmodel import Session

from benchmarks.appdb import fresh_database
from benchmarks.b1_intake import form
from benchmarks.common import median, new_system, pct, temp_dir
from core.db import session_scope
from domain.complaints.intake import receive_complaint, register_complaint
from models.complaint import Channel
from ops.seed_complaints import seed_complaints


def in_process(n: int = 300, batch: int = 20) -> None:
    engine, _url, _users = fresh_database(temp_dir("b1-breakdown"))
    with Session(engine) as session:
        seed_complaints(session)
        session.commit()
    from core.db import in_transaction

    def whole(i: int) -> None:
        in_transaction(engine, lambda s: register_complaint(s, data=form(i), channel=Channel.web))

    def one(i: int) -> None:
        in_transaction(engine, lambda s: receive_complaint(s, data=form(i), channel=Channel.web))

    for label, intake, base in (("received", one, 1000), ("received and completed", whole, 3000)):
        for i in range(10):
            intake(base + n + i)
        times = []
        for i in range(n):
            t = time.perf_counter()
            intake(base + i)
            times.append(time.perf_counter() - t)
        print(
            f"in-process, {label}, one per transaction: p50 {median(times) * 1000:.1f} ms, "
            f"p95 {pct(times, 95) * 1000:.1f} ms → at most {1 / median(times):.0f}/s "
            "with the write lock held for all of it"
        )
    prof = cProfile.Profile()
    prof.enable()
    for i in range(n):
        one(5000 + i)
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(28)
    print(out.getvalue())
    t = time.perf_counter()
    for b in range(n // batch):
        with session_scope(engine) as session:
            for i in range(batch):
                register_complaint(session, data=form(9000 + b * batch + i), channel=Channel.web)
    per = (time.perf_counter() - t) / (n // batch * batch)
    print(f"in-process, {batch} per transaction: {per * 1000:.1f} ms each → {1 / per:.0f}/s")
    engine.dispose()


def http_ceiling(n: int = 1000, threads: int = 8) -> None:
    system = new_system("b1-http", extra_env={"KKM_PREFECT_ENABLED": "false"})
    try:
        system.prepare_database(demo=False)
        system.start_api()
        client = httpx.Client(base_url=system.api_url, timeout=30)
        lock = threading.Lock()
        lat: list[float] = []

        def get(_: int) -> None:
            t = time.perf_counter()
            r = client.get("/api/complaints/public/categories")
            r.raise_for_status()
            with lock:
                lat.append(time.perf_counter() - t)

        for i in range(20):
            get(i)
        lat.clear()
        t0 = time.perf_counter()
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(get, range(n)))
        rate = n / (time.perf_counter() - t0)
        print(
            f"HTTP ceiling, GET categories from {threads} threads: {rate:.0f}/s, "
            f"p50 {median(lat) * 1000:.0f} ms, p95 {pct(lat, 95) * 1000:.0f} ms"
        )
    finally:
        system.stop()


if __name__ == "__main__":
    in_process()
    http_ceiling()
