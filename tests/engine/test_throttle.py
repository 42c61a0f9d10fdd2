"""The shared throttle: a plain rate limit refuses until its window ends; a growing one holds
back for a delay that doubles, never for the whole window; counts survive the caller's
rollback and are shared through the database."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from domain.engine import throttle
from domain.engine.guessing import admit
from domain.engine.throttle import Limit

T0 = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)
RATE = Limit("test-rate", attempts=3, window=timedelta(minutes=1))
GUESS = Limit("test-guess", attempts=2, window=timedelta(minutes=15), growing=True)


def test_rate_limit_holds_until_the_window_ends(engine: Engine) -> None:
    for i in range(3):
        assert throttle.count(engine, RATE, "client-a", now=T0 + timedelta(seconds=i)) == i + 1
        assert throttle.wait_needed(engine, RATE, "client-a", now=T0 + timedelta(seconds=i)) is None
    assert throttle.count(engine, RATE, "client-a", now=T0 + timedelta(seconds=10)) == 4
    wait = throttle.wait_needed(engine, RATE, "client-a", now=T0 + timedelta(seconds=10))
    assert wait == timedelta(seconds=50)
    assert throttle.wait_needed(engine, RATE, "client-b", now=T0 + timedelta(seconds=10)) is None
    later = T0 + timedelta(minutes=1, seconds=1)
    assert throttle.wait_needed(engine, RATE, "client-a", now=later) is None
    assert throttle.count(engine, RATE, "client-a", now=later) == 1  # a new window


def test_a_burst_on_a_plain_limit_counts_every_try_once(engine: Engine) -> None:
    """The plain limit counts in one statement (public intake's three counters per complaint):
    tries at once from 8 threads each get their own count, none lost or repeated, and the
    ones past the limit hold the key to the window's end."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        counts = list(pool.map(lambda _: throttle.count(engine, RATE, "burst", now=T0), range(24)))
    assert sorted(counts) == list(range(1, 25))
    assert throttle.wait_needed(engine, RATE, "burst", now=T0) == RATE.window


def test_counting_goes_on_past_32_bit_ids(engine: Engine) -> None:
    """Every key counted for the first time draws an id; a flood from new client addresses
    must not run a 32-bit id out and stop public intake (migration 0022)."""
    throttle.count(engine, RATE, "seen-before", now=T0)
    past_32_bits = 2**31 + 10
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT setval('throttle_id_seq', :id)"), {"id": past_32_bits})
        else:  # SQLite numbers the next row after the highest id
            conn.execute(sa.text("UPDATE throttle SET id = :id"), {"id": past_32_bits})
    for i in range(RATE.attempts + 1):
        assert throttle.count(engine, RATE, "new-address", now=T0) == i + 1
    assert throttle.wait_needed(engine, RATE, "new-address", now=T0) == RATE.window
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT max(id) FROM throttle")).scalar_one() > 2**31


def test_growing_delay_doubles_and_is_capped(engine: Engine) -> None:
    waits = []
    for i in range(8):
        now = T0 + timedelta(minutes=i)
        throttle.count(engine, GUESS, "KKC-2569-000001", now=now)
        waits.append(throttle.wait_needed(engine, GUESS, "KKC-2569-000001", now=now))
    assert waits[:2] == [None, None]
    assert waits[2:7] == [timedelta(seconds=s) for s in (2, 4, 8, 16, 32)]
    capped = Limit(
        "test-cap",
        attempts=0,
        window=timedelta(hours=1),
        growing=True,
        max_delay=timedelta(seconds=10),
    )
    for _ in range(6):
        throttle.count(engine, capped, "k", now=T0)
    assert throttle.wait_needed(engine, capped, "k", now=T0) == timedelta(seconds=10)


def test_clear_and_forget(engine: Engine) -> None:
    for _ in range(5):
        throttle.count(engine, RATE, "x", now=T0)
    throttle.clear(engine, RATE, "x")
    assert throttle.wait_needed(engine, RATE, "x", now=T0) is None
    throttle.count(engine, RATE, "old", now=T0)
    throttle.count(engine, RATE, "new", now=T0 + timedelta(days=2))
    assert throttle.forget_older_than(engine, timedelta(days=1), now=T0 + timedelta(days=2)) == 1


def test_a_try_admitted_late_sees_the_hold_the_others_set(engine: Engine) -> None:
    """The interleaving behind a rare CI failure on PostgreSQL, forced: one try has begun
    (its first statement on the counter ran) when other tries of the burst arrive. Before,
    that first statement was a locking read that found no counter and locked nothing, so the
    others used up the free tries and set the hold meanwhile, and the late try was counted
    and let in anyway: 3 tries in where 2 are free and 1 starts the delay. Now the first
    statement creates or finds the counter and the others wait on it, whoever goes first."""
    late, statements = threading.Event(), []
    others: list[timedelta | None] = []

    def burst() -> None:
        others.extend(admit(engine, GUESS, "KKC-2569-000009", now=T0) for _ in range(3))

    def between_statements(conn, cursor, statement: str, *args: object) -> None:  # type: ignore[no-untyped-def]
        if threading.current_thread().name != "late-try" or "throttle" not in statement:
            return
        statements.append(statement)
        if len(statements) == 2:  # the late try's first statement has run: let the burst in
            racer = threading.Thread(target=burst)
            racer.start()
            racer.join(timeout=2)  # it waits on the late try's counter, or finishes first
            late.set()

    sa.event.listen(engine, "before_cursor_execute", between_statements)
    try:
        answer: list[timedelta | None] = []
        worker = threading.Thread(
            target=lambda: answer.append(admit(engine, GUESS, "KKC-2569-000009", now=T0)),
            name="late-try",
        )
        worker.start()
        worker.join(timeout=30)
        assert late.is_set()
        deadline = time.monotonic() + 30
        while len(others) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        sa.event.remove(engine, "before_cursor_execute", between_statements)
    admitted = [wait for wait in answer + others if wait is None]
    assert len(answer + others) == 4 and len(admitted) == 3  # 2 free, 1 starts the delay
