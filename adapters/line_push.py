"""Sending LINE push messages: the only module that pushes to LINE's Messaging API
(line-bot-sdk v3, ``MessagingApi.push_message`` at ``KKM_LINE_API_HOST``).

``deliver_line_pushes`` drains the ``linepush`` outbox written by
domain/complaints/line_notices.py, the way adapters/mail.py drains the mail: each row is
claimed in its own short committed transaction with a conditional UPDATE, so two deliverers
never take the same row; it is pushed outside any transaction and then marked sent, or
scheduled again with the mail's backoff. An outage of LINE's API delays pushes and loses none.

Each row is pushed with a retry key (``X-Line-Retry-Key``) derived from its dedupe key: when
a push went through but was not marked sent (a crash, a lost answer), LINE answers the
repeat with 409 instead of sending again, and the row is marked sent. A push LINE refuses for
good (400, 403, 404: a user who blocked the account, a wrong id) is given up at once."""

import logging
import uuid
from datetime import datetime, timedelta
from functools import partial

import sqlalchemy as sa
from anyio import to_thread
from linebot.v3.messaging import (
    ApiClient,
    Configuration,
    MessagingApi,
    PushMessageRequest,
    TextMessage,
)
from linebot.v3.messaging.exceptions import ApiException
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from adapters.mail import CLAIM_FOR, MAX_ATTEMPTS, DeliveryReport, backoff
from core.db import session_scope, utcnow
from core.settings import Settings
from models.line_push import LinePush
from models.outbox import OutboxStatus

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10.0
"""How long one push may take (connect and answer)."""
REFUSED_FOR_GOOD = frozenset({400, 403, 404})
"""LINE's answers that a repeat would only get again."""
ALREADY_ACCEPTED = 409
"""LINE's answer to a retry key it has already accepted: the push went through before."""

_RETRY_KEYS = uuid.UUID("6f1d7a52-3c1e-4d5a-9c61-2b0f1f6c8a10")
_table = LinePush.__table__  # type: ignore[attr-defined]


class PushRefused(Exception):
    """LINE refused the push; ``final`` if a repeat cannot succeed."""

    def __init__(self, status: int, body: str, *, final: bool) -> None:
        super().__init__(f"LINE answered {status}: {body[:500]}")
        self.status = status
        self.final = final


def retry_key(row: LinePush) -> str:
    """The same UUID for every attempt of one row (LINE keeps retry keys for 24 hours)."""
    return str(uuid.uuid5(_RETRY_KEYS, row.dedupe_key))


def push(settings: Settings, *, to: str, texts: list[str], key: str) -> None:
    """Push up to five texts to ``to``. Returns once LINE has accepted them (or had accepted
    this retry key before); raises PushRefused on an error answer, and whatever the HTTP
    client raises on a network failure."""
    config = Configuration(
        host=settings.line_api_host, access_token=settings.line_channel_access_token
    )
    messages = [TextMessage(text=t[:5000]) for t in texts[:5]]  # type: ignore[call-arg]
    request = PushMessageRequest(to=to, messages=messages)  # type: ignore[call-arg]
    try:
        with ApiClient(config) as client:
            MessagingApi(client).push_message(
                request, x_line_retry_key=key, _request_timeout=TIMEOUT_SECONDS
            )
    except ApiException as exc:
        status = int(exc.status or 0)
        if status == ALREADY_ACCEPTED:
            log.info("LINE push %s had been accepted before", key)
            return
        body = exc.body.decode("utf-8", "replace") if isinstance(exc.body, bytes) else exc.body
        final = status in REFUSED_FOR_GOOD
        raise PushRefused(status, str(body or exc.reason or ""), final=final) from None


async def deliver_line_pushes(
    engine: Engine,
    settings: Settings,
    *,
    limit: int = 100,
    now: datetime | None = None,
    case: tuple[str, int] | None = None,
) -> DeliveryReport:
    """Push up to ``limit`` due rows (only case ``(case_type, case_id)``'s if given). Without
    ``KKM_LINE_CHANNEL_ACCESS_TOKEN`` nothing is pushed and the rows wait. ``now`` fixes the
    clock (tests)."""
    report = DeliveryReport()
    if not settings.line_channel_access_token:
        return report

    def clock() -> datetime:
        return now if now is not None else utcnow()

    claim_for = max(CLAIM_FOR, timedelta(seconds=3 * TIMEOUT_SECONDS))
    for row_id in await to_thread.run_sync(_due_ids, engine, clock(), limit, case):
        row = await to_thread.run_sync(_claim, engine, row_id, clock(), claim_for)
        if row is None:
            continue  # another deliverer took it, or it is no longer due
        try:
            await to_thread.run_sync(
                partial(push, settings, to=row.line_user_id, texts=row.messages, key=retry_key(row))
            )
        except Exception as exc:
            final = isinstance(exc, PushRefused) and exc.final
            status = await to_thread.run_sync(_record_failure, engine, row, exc, clock(), final)
            if status is OutboxStatus.dead:
                report.dead += 1
                log.error("LINE push %s to %s given up: %s", row.id, row.line_user_id, exc)
            else:
                report.failed += 1
                log.warning("LINE push %s failed, will retry: %s", row.id, exc)
            continue
        await to_thread.run_sync(_mark_sent, engine, row, clock())
        report.sent += 1
    return report


def _unclaimed(now: datetime) -> sa.ColumnElement[bool]:
    return sa.or_(_table.c.claimed_until.is_(None), _table.c.claimed_until < now)


def _due_ids(engine: Engine, now: datetime, limit: int, case: tuple[str, int] | None) -> list[int]:
    query = (
        select(LinePush.id)
        .where(
            LinePush.status == OutboxStatus.pending,
            LinePush.next_attempt_at <= now,
            _unclaimed(now),
        )
        .order_by(col(LinePush.next_attempt_at), col(LinePush.id))
        .limit(limit)
    )
    if case is not None:
        query = query.where(LinePush.case_type == case[0], LinePush.case_id == case[1])
    with session_scope(engine) as session:
        return [i for i in session.exec(query) if i is not None]


def _claim(engine: Engine, row_id: int, now: datetime, claim_for: timedelta) -> LinePush | None:
    """Take the row for ``claim_for`` if it is still due and nobody holds it (one conditional
    UPDATE, committed at once)."""
    claim = (
        sa.update(_table)
        .where(
            _table.c.id == row_id,
            _table.c.status == OutboxStatus.pending.value,
            _table.c.next_attempt_at <= now,
            _unclaimed(now),
        )
        .values(claimed_until=now + claim_for)
    )
    with session_scope(engine) as session:
        if session.connection().execute(claim).rowcount != 1:
            return None
        return session.get(LinePush, row_id)


def _mark_sent(engine: Engine, row: LinePush, now: datetime) -> None:
    done = (
        sa.update(_table)
        .where(_table.c.id == row.id, _table.c.status == OutboxStatus.pending.value)
        .values(status=OutboxStatus.sent.value, sent_at=now, claimed_until=None)
    )
    with session_scope(engine) as session:
        session.connection().execute(done)


def _record_failure(
    engine: Engine, row: LinePush, error: Exception, now: datetime, final: bool
) -> OutboxStatus:
    """Count the failed attempt and schedule the next one; give up after MAX_ATTEMPTS, or at
    once when LINE refused for good."""
    attempts = row.attempts + 1
    dead = final or attempts >= MAX_ATTEMPTS
    status = OutboxStatus.dead if dead else OutboxStatus.pending
    failed = (
        sa.update(_table)
        .where(_table.c.id == row.id, _table.c.status == OutboxStatus.pending.value)
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
