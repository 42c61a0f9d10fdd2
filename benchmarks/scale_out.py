"""The scale-out shape (what `make run-scaled` starts): PostgreSQL for the application and for
Prefect, two case workers and two API processes; B2 and B3 measured there too. Fresh databases
kkm_bench_app and kkm_bench_prefect on KKM_BENCH_POSTGRES (default
postgresql://kkm:kkm@127.0.0.1:55432/postgres) each run (DROP … WITH (FORCE); CREATE).
Samples are smaller than the SQLite rows' so that the whole takes a few minutes."""

import argparse

from benchmarks import b2_decision_latency, b3_throughput
from benchmarks.common import Row


def run(memos: int = 3, decisions: int = 200, with_prefect: int = 200) -> list[Row]:
    rows = b2_decision_latency.run_postgres(memos)
    for row in rows:
        row.print()
    rows += b3_throughput.run(decisions, 4, 10, with_prefect, postgres=True)
    return rows


def main() -> list[Row]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--memos", type=int, default=3)
    parser.add_argument("--decisions", type=int, default=200)
    parser.add_argument("--with-prefect", type=int, default=200)
    args = parser.parse_args()
    rows = run(args.memos, args.decisions, args.with_prefect)
    for row in rows:
        row.print()
    return rows


if __name__ == "__main__":
    main()
