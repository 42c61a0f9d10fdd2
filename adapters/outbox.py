"""Draining an outbox table (mail, LINE pushes): the claim, send, mark-sent-or-retry loop both
deliverers share.

Each row is claimed in its own short committed transaction with a conditional UPDATE, so two
deliverers (two flow runs, two processes) never take the same row; it is sent outside any
transaction and then marked sent, or scheduled again with exponential backoff. An outage of the
receiving service delays messages and loses none; a row marked sent is never sent again.

An outbox table has the columns ``id``, ``status`` (``OutboxStatus``), ``attempts``,
``next_attempt_at``, ``claimed_until``, ``sent_at``, ``last_error``, ``case_type`` and
``case_id`` (models/outbox.py, models/line_push.py)."""

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from anyio import to_thread
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel, col, select

from core.db import session_scope, utcnow
from models.outbox import OutboxStatus

log = logging.getLogger(__name__)

CLAIM_FOR = timedelta(minutes=2)
"""How long a deliverer owns a claimed row; an abandoned claim (crash) lapses after this."""
MAX_ATTEMPTS = 8
"""Failed sends after which a row is given up (status dead)."""
MAX_BACKOFF = timedelta(minutes=60)


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    """Sends that failed and will be tried again later."""
    dead: int = 0
    """Sends that failed for the last time (MAX_ATTEMPTS reached, or refused for good)."""


def backoff(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failure: 1, 2, 4, … minutes, at most 60."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


async def drain(
    engine: Engine,
    model: type[SQLModel],
    send: Callable[[Any], Awaitable[None]],
    *,
    limit: int,
    now: datetime | None,
    case: tuple[str, int] | None,
    claim_for: timedelta,
    final: Callable[[Exception], bool] = lambda exc: False,
    describe: Callable[[Any], str] = lambda row: f"{row.id}",
) -> DeliveryReport:
    """Send up to ``limit`` due rows of ``model`` (only case ``(case_type, case_id)``'s if
    given) with ``send(row)``; ``final(exc)``: a failure a repeat would only get again.
    ``now`` fixes the clock (tests); by default each row is claimed at the current time."""
    table = model.__table__  # type: ignore[attr-defined]

    def clock() -> datetime:
        return now if now is not None else utcnow()

    report = DeliveryReport()
    # The database steps run in a worker thread: a writer waiting on SQLite's lock must not
    # hold up the event loop (other flows share it in the in-process worker).
    for row_id in await to_thread.run_sync(_due_ids, engine, model, clock(), limit, case):
        row = await to_thread.run_sync(_claim, engine, model, table, row_id, clock(), claim_for)
        if row is None:
            continue  # another deliverer took it, or it is no longer due
        try:
            await send(row)
        except Exception as exc:
            status = await to_thread.run_sync(
                _record_failure, engine, table, row, exc, clock(), final(exc)
            )
            if status is OutboxStatus.dead:
                report.dead += 1
                log.error("%s %s given up: %s", table.name, describe(row), exc)
            else:
                report.failed += 1
                log.warning("%s %s failed, will retry: %s", table.name, describe(row), exc)
            continue
        await to_thread.run_sync(_mark_sent, engine, table, row, clock())
        report.sent += 1
    return report


def _unclaimed(table: sa.Table, now: datetime) -> sa.ColumnElement[bool]:
    return sa.or_(table.c.claimed_until.is_(None), table.c.claimed_until < now)


def _due_ids(
    engine: Engine,
    model: type[SQLModel],
    now: datetime,
    limit: int,
    case: tuple[str, int] | None,
) -> list[int]:
    table = model.__table__  # type: ignore[attr-defined]
    query = (
        select(table.c.id)
        .where(
            table.c.status == OutboxStatus.pending.value,
            table.c.next_attempt_at <= now,
            _unclaimed(table, now),
        )
        .order_by(col(table.c.next_attempt_at), col(table.c.id))
        .limit(limit)
    )
    if case is not None:
        query = query.where(table.c.case_type == case[0], table.c.case_id == case[1])
    with session_scope(engine) as session:
        return [i for i in session.exec(query) if i is not None]


def _claim(
    engine: Engine,
    model: type[SQLModel],
    table: sa.Table,
    row_id: int,
    now: datetime,
    claim_for: timedelta,
) -> Any:
    """Take the row for ``claim_for`` if it is still due and nobody holds it; the database
    decides (one conditional UPDATE, committed at once), not an earlier SELECT."""
    claim = (
        sa.update(table)
        .where(
            table.c.id == row_id,
            table.c.status == OutboxStatus.pending.value,
            table.c.next_attempt_at <= now,
            _unclaimed(table, now),
        )
        .values(claimed_until=now + claim_for)
    )
    with session_scope(engine) as session:
        if session.connection().execute(claim).rowcount != 1:
            return None
        return session.get(model, row_id)


def _mark_sent(engine: Engine, table: sa.Table, row: Any, now: datetime) -> None:
    done = (
        sa.update(table)
        .where(table.c.id == row.id, table.c.status == OutboxStatus.pending.value)
        .values(status=OutboxStatus.sent.value, sent_at=now, claimed_until=None)
    )
    with session_scope(engine) as session:
        session.connection().execute(done)


def _record_failure(
    engine: Engine, table: sa.Table, row: Any, error: Exception, now: datetime, final: bool
) -> OutboxStatus:
    """Count the failed attempt and schedule the next one; give up after MAX_ATTEMPTS, or at
    once when the failure is ``final``."""
    attempts = row.attempts + 1
    dead = final or attempts >= MAX_ATTEMPTS
    status = OutboxStatus.dead if dead else OutboxStatus.pending
    failed = (
        sa.update(table)
        .where(table.c.id == row.id, table.c.status == OutboxStatus.pending.value)
        .values(
            attempts=attempts,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            next_attempt_at=now + backoff(attempts),
            claimed_until=None,
            status=status.value,
        )
    )
    with session_scope(engine) as session:
        session.connection().execute(failed)
    return status
