"""B1: complaint intake through the public web form (POST /api/complaints/public): latency of
one submission and submissions per second from a few threads. The brief gives no goal for B1;
the figures are recorded for the next comparison. No baseline is measured.

The system: Prefect server, SMTP capture and the API with Prefect enabled (each complaint's
flow run is requested in a background task after the answer), no worker: the figure is the
API's and the database's."""

import argparse
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from benchmarks.common import Row, log, median, new_system, pct
from ops.run import PYTHON

FORM = {
    "category": "street-light",
    "description": "ไฟฟ้าส่องสว่างหน้าบ้านเลขที่ 12 ดับมา 3 คืนแล้ว",
    "address": "ซอยมิตรภาพ 5 ถนนมิตรภาพ ต.ในเมือง อ.เมืองขอนแก่น",
    "latitude": 16.4419,
    "longitude": 102.8360,
    "complainant": {"name": "นายสมหมาย ใจงาม", "phone": "0812345678", "email": None},
    "photos": [],
}


def run(sequential: int = 50, concurrent: int = 200, threads: int = 4) -> list[Row]:
    system = new_system("b1")
    try:
        system.start_smtp()
        system.start_prefect_server()
        system.prepare_database(demo=False)
        system.run([PYTHON, "-m", "ops.seed_complaints"])
        system.deploy()
        system.start_api()
        client = httpx.Client(base_url=system.api_url, timeout=60)

        def submit(i: int) -> float:
            form = dict(
                FORM,
                description=f"{FORM['description']} (ครั้งที่ {i})",
                latitude=16.40 + (i % 500) * 0.001,
            )
            t0 = time.perf_counter()
            r = client.post("/api/complaints/public", json=form)
            assert r.status_code == 201, r.text
            return time.perf_counter() - t0

        for i in range(5):
            submit(-i - 1)  # warm up
        one = [submit(i) for i in range(sequential)]
        lock = threading.Lock()
        many: list[float] = []

        def timed(i: int) -> None:
            dt = submit(sequential + i)
            with lock:
                many.append(dt)

        t0 = time.perf_counter()
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(timed, range(concurrent)))
        rate = concurrent / (time.perf_counter() - t0)
        log(
            f"B1: one at a time p50 {median(one) * 1000:.0f} ms p95 {pct(one, 95) * 1000:.0f} "
            f"ms; {threads} threads {rate:.1f}/s"
        )
    finally:
        system.stop()
    return [
        Row(
            "B1",
            f"complaint intake (web form), one at a time, p50 / p95 (n={sequential})",
            f"{median(one) * 1000:.0f} / {pct(one, 95) * 1000:.0f} ms",
            "none given",
            "-",
            "-",
            None,
        ),
        Row(
            "B1",
            f"complaint intake, {concurrent} from {threads} threads",
            f"{rate:.1f} /s (call p95 {pct(many, 95) * 1000:.0f} ms)",
            "none given",
            "-",
            "-",
            None,
        ),
    ]


def main() -> list[Row]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sequential", type=int, default=50)
    parser.add_argument("--concurrent", type=int, default=200)
    args = parser.parse_args()
    rows = run(args.sequential, args.concurrent)
    for row in rows:
        row.print()
    return rows


if __name__ == "__main__":
    main()
