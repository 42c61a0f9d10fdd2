"""Slowing down guessing and flooding, shared by every API process (table ``throttle``).

A ``Limit`` allows ``attempts`` counted events per key in a ``window``; past that, the next
try must wait: until the window ends (``growing=False``: a plain rate limit, answered 429), or
a delay that doubles with every further event up to ``max_delay`` (``growing=True``: for
wrong PINs and passwords, so that guessing becomes hopeless while the rightful person is
slowed for seconds, never locked out for long). Counts are written in their own short
transaction, so a refused request that rolls back its own work still counts."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, delete, select

from core.db import UTCDateTime, in_transaction, insert_ignoring_duplicates, utcnow
from models.throttle import Throttle


@dataclass(frozen=True)
class Limit:
    scope: str
    attempts: int
    window: timedelta
    growing: bool = False
    base_delay: timedelta = timedelta(seconds=2)
    max_delay: timedelta = timedelta(minutes=15)

    def delay(self, count: int) -> timedelta:
        """How long to hold back after the ``count``-th event of a window."""
        over = count - self.attempts
        if over <= 0:
            return timedelta(0)
        if not self.growing:
            return self.window
        return min(self.max_delay, self.base_delay * 2 ** min(over - 1, 30))


def _key(key: str) -> str:
    return key[:200]


def wait_needed(
    engine: Engine, limit: Limit, key: str, *, now: datetime | None = None
) -> timedelta | None:
    """How long ``key`` must still wait before its next try under ``limit``; None: go."""
    now = now or utcnow()
    with Session(engine) as session:  # a read: no writers' turn
        row = session.exec(
            select(Throttle).where(Throttle.scope == limit.scope, Throttle.key == _key(key))
        ).first()
    if row is None or row.blocked_until is None or row.blocked_until <= now:
        return None
    return row.blocked_until - now


def count(engine: Engine, limit: Limit, key: str, *, now: datetime | None = None) -> int:
    """Count one event for ``key`` (its own transaction); returns the count in the window."""
    return in_transaction(
        engine, lambda session: count_in(session, limit, key, now=now).count, attempts=8
    )


@dataclass(frozen=True)
class Counted:
    count: int
    """Events counted in the window, this one included."""
    blocked_until: datetime | None


def count_in(session: Session, limit: Limit, key: str, *, now: datetime | None = None) -> Counted:
    """Count one event for ``key`` in the caller's transaction. The row stays locked until
    the caller commits, and a rollback undoes the count: for a plain rate limit checked
    before the caller's own writes (public intake), which then costs no transaction of its
    own."""
    now = now or utcnow()
    if not limit.growing:
        return _count_plain(session, limit, key, now=now)
    row = count_locked(session, locked_counter(session, limit, key, now=now), limit, now=now)
    return Counted(row.count, row.blocked_until)


_COUNTED_ON = """
    count = CASE WHEN throttle.window_started_at <= :expired THEN 1 ELSE throttle.count + 1 END,
    window_started_at = CASE WHEN throttle.window_started_at <= :expired
        THEN :now ELSE throttle.window_started_at END,
    blocked_until = CASE WHEN throttle.window_started_at <= :expired
        THEN NULL ELSE throttle.blocked_until END,
    updated_at = :now
"""
"""One more event on an existing counter, or the first of a new window once it has passed."""


def _counting(sql: str) -> sa.TextClause:
    return (
        sa.text(sql)
        .bindparams(
            sa.bindparam("now", type_=UTCDateTime), sa.bindparam("expired", type_=UTCDateTime)
        )
        .columns(
            sa.column("id", sa.BigInteger),
            sa.column("count", sa.Integer),
            sa.column("window_started_at", UTCDateTime),
            sa.column("blocked_until", UTCDateTime),
        )
    )


_COUNT_EXISTING = _counting(
    f"UPDATE throttle SET {_COUNTED_ON} WHERE scope = :scope AND key = :key"
    " RETURNING id, count, window_started_at, blocked_until"
)
_COUNT_NEW = _counting(
    "INSERT INTO throttle (scope, key, count, window_started_at, blocked_until, updated_at)"
    " VALUES (:scope, :key, 1, :now, NULL, :now)"
    f" ON CONFLICT (scope, key) DO UPDATE SET {_COUNTED_ON}"
    " RETURNING id, count, window_started_at, blocked_until"
)


def _count_plain(session: Session, limit: Limit, key: str, *, now: datetime) -> Counted:
    """A plain limit's count in one statement, the same on SQLite and PostgreSQL: the counter
    counted on, or started again when its window has passed, by the database under the row's
    lock (no read that could race); a key seen for the first time is inserted, or counted on if
    a concurrent try inserted it first. Public intake counts three limits per complaint inside
    SQLite's one write lock: created if missing, read under a lock and updated, they took 5.1
    ms per complaint in-process; as one statement each, 1.8 ms (benchmarks/b1_counters.py).
    The update comes first so that PostgreSQL draws an id from the sequence only for a new
    key (an INSERT draws one even when it conflicts)."""
    values = {"scope": limit.scope, "key": _key(key), "now": now, "expired": now - limit.window}
    row = session.execute(_COUNT_EXISTING, values).first()
    row_id, counted, started, blocked = row or session.execute(_COUNT_NEW, values).one()
    if counted > limit.attempts and blocked != started + limit.window:  # held to the window's end
        blocked = started + limit.window
        session.execute(
            sa.update(Throttle).where(col(Throttle.id) == row_id).values(blocked_until=blocked)
        )
    return Counted(counted, blocked)


def locked_counter(session: Session, limit: Limit, key: str, *, now: datetime) -> Throttle:
    """``key``'s counter, created at zero if missing, locked until the caller commits. The row
    is inserted (or found) before it is locked because ``SELECT … FOR UPDATE`` of a missing
    row locks nothing: the first tries of a burst would each see "no counter", and one of
    them could be let in after the others had already held the key back."""
    insert_ignoring_duplicates(
        session,
        Throttle.__table__,  # type: ignore[arg-type]
        {
            "scope": limit.scope,
            "key": _key(key),
            "count": 0,
            "window_started_at": now,
            "blocked_until": None,
            "updated_at": now,
        },
        unique=["scope", "key"],
    )
    return session.exec(
        select(Throttle)
        .where(Throttle.scope == limit.scope, Throttle.key == _key(key))
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def count_locked(session: Session, row: Throttle, limit: Limit, *, now: datetime) -> Throttle:
    """Count one event on a counter the caller holds locked (``locked_counter``)."""
    if row.window_started_at <= now - limit.window:
        row.count, row.window_started_at, row.blocked_until = 0, now, None
    row.count += 1
    held = limit.delay(row.count)
    if held:
        end = row.window_started_at + limit.window if not limit.growing else now + held
        row.blocked_until = max(row.blocked_until or now, end)
    row.updated_at = now
    session.add(row)
    return row


def clear(engine: Engine, limit: Limit, key: str) -> None:
    """Forget ``key``'s count (e.g. after a correct password)."""
    in_transaction(
        engine,
        lambda session: session.execute(
            delete(Throttle).where(
                col(Throttle.scope) == limit.scope, col(Throttle.key) == _key(key)
            )
        ),
    )


def forget_older_than(engine: Engine, age: timedelta, *, now: datetime | None = None) -> int:
    """Drop counters untouched for ``age`` (the reconcile sweep keeps the table small)."""
    cutoff = (now or utcnow()) - age
    return in_transaction(
        engine,
        lambda session: (
            session.execute(delete(Throttle).where(col(Throttle.updated_at) < cutoff)).rowcount
        ),  # type: ignore[attr-defined]
    )
