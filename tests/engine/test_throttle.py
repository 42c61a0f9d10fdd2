"""The shared throttle: a plain rate limit refuses until its window ends; a growing one holds
back for a delay that doubles, never for the whole window; counts survive the caller's
rollback and are shared through the database."""

from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine

from domain.engine import throttle
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
