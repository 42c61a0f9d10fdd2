"""B1, one part of intake: public intake's rate-limit counters (per client, per contact, in
all), counted in the intake's own transaction on SQLite, in-process: what they add to every
complaint, inside the database's single write lock, where B1's rate is decided.

Ours: a plain limit's count as one statement (``throttle.count_in`` → ``INSERT … ON CONFLICT
DO UPDATE … RETURNING``). Baseline, in the same run: the path the growing limits (wrong PINs,
passwords) still take, and the plain ones took before: the counter created if missing, read
under a lock, then updated (``locked_counter`` and ``count_locked``, three statements).
Both count the same three counters per complaint, a transaction each, committed.

    python -m benchmarks.b1_counters [--n 3000]
"""

import argparse
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from sqlmodel import Session

from benchmarks.appdb import fresh_database
from benchmarks.common import Row, log, temp_dir
from core.db import session_scope, utcnow
from domain.complaints import service
from domain.complaints.policy import IntakeLimits, complaint_policy
from domain.engine import throttle


def plain_counts(session: Session, i: int) -> None:
    """What intake does: ``check_intake_limits`` (limits raised, so nothing is refused)."""
    service.check_intake_limits(session, client=f"203.0.113.{i % 200}", phone=f"08{i % 900:08d}")


def locked_counts(session: Session, i: int) -> None:
    """The same three counters, each created if missing, read under a lock and updated."""
    limits = complaint_policy().intake_limits
    now = utcnow()
    for limit, key in (
        (limits.client_limit, f"client:203.0.113.{i % 200}"),
        (limits.contact_limit, f"phone:08{i % 900:08d}"),
        (limits.overall_limit, "all"),
    ):
        assert limit is not None
        row = throttle.locked_counter(session, limit, key, now=now)
        throttle.count_locked(session, row, limit, now=now)


def per_intake_ms(engine, count: Callable[[Session, int], None], n: int) -> float:
    t = time.perf_counter()
    for i in range(n):
        with session_scope(engine) as session:
            count(session, i)
    return (time.perf_counter() - t) / n * 1000


def run(n: int = 3000, directory: Path | None = None) -> list[Row]:
    engine, _, _ = fresh_database(directory or temp_dir("b1c"))
    policy = complaint_policy()
    unlimited = IntakeLimits(per_client=10**9, per_contact=10**9, overall=10**9)
    service.complaint_policy = lambda: replace(policy, intake_limits=unlimited)  # type: ignore[assignment]
    try:
        warm = min(200, n)  # both paths once: statements compiled, rows there
        per_intake_ms(engine, plain_counts, warm)
        per_intake_ms(engine, locked_counts, warm)
        ours = min(per_intake_ms(engine, plain_counts, n) for _ in range(2))
        baseline = min(per_intake_ms(engine, locked_counts, n) for _ in range(2))
    finally:
        service.complaint_policy = complaint_policy  # type: ignore[assignment]
    log(f"B1 counters: {ours:.2f} ms vs {baseline:.2f} ms per intake")
    return [
        Row(
            "B1",
            f"public intake's 3 rate-limit counters in the intake's transaction, in-process, "
            f"SQLite, per complaint committed (best of 2 × {n:,})",
            f"{ours:.2f} ms",
            "report (B1: ≥ 200 /s through HTTP)",
            f"{baseline:.2f} ms (each created if missing, read under a lock, updated)",
            f"{baseline / ours:.1f}×",
            None,
        )
    ]


def main() -> list[Row]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=3000)
    rows = run(parser.parse_args().n)
    for row in rows:
        row.print()
    return rows


if __name__ == "__main__":
    main()
