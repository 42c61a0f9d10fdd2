"""Sending mail: the only module that speaks SMTP (aiosmtplib).

``deliver_outbox`` drains the outbox written by domain/notify.py. Each row is claimed in its own
short committed transaction with a conditional UPDATE, so two deliverers (two flow runs, two
processes) never take the same row; it is sent outside any transaction and then marked sent,
or scheduled again with exponential backoff. An SMTP outage delays mail and loses none; a row
marked sent is never sent again. A crash between the SMTP "250" and the "sent" mark may send
that one mail twice, with the same Message-ID, so receiving systems can recognise the repeat."""

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from zoneinfo import ZoneInfo

import aiosmtplib
import sqlalchemy as sa
from anyio import to_thread
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from core.db import session_scope, utcnow
from core.settings import Settings
from models.outbox import OutboxEmail, OutboxStatus

log = logging.getLogger(__name__)

CLAIM_FOR = timedelta(minutes=2)
"""How long a deliverer owns a claimed row; an abandoned claim (crash) lapses after this."""
MAX_ATTEMPTS = 8
"""Failed sends after which a row is given up (status dead)."""
MAX_BACKOFF = timedelta(minutes=60)

_BANGKOK = ZoneInfo("Asia/Bangkok")
_outbox = OutboxEmail.__table__  # type: ignore[attr-defined]


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    """Sends that failed and will be tried again later."""
    dead: int = 0
    """Sends that failed for the last time (MAX_ATTEMPTS reached): given up."""


async def send_email(
    settings: Settings, *, to: str, subject: str, text: str, html: str, message_id: str
) -> None:
    """Send one mail (text and HTML alternatives, UTF-8) through the configured SMTP server.
    Raises on any failure (aiosmtplib.SMTPException, OSError, TimeoutError)."""
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(utcnow().astimezone(_BANGKOK))
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text, subtype="plain", charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    await aiosmtplib.send(
        message,
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_username or None,
        password=settings.smtp_password or None,
        start_tls=settings.smtp_starttls,
        timeout=settings.smtp_timeout_seconds,
    )


def message_id_for(settings: Settings, row: OutboxEmail) -> str:
    """A Message-ID stable across retries of the same outbox row."""
    address = parseaddr(settings.mail_from)[1]
    domain = address.rpartition("@")[2] or "localhost"
    digest = hashlib.sha256(row.dedupe_key.encode()).hexdigest()[:16]
    return f"<kkm-outbox-{row.id}-{digest}@{domain}>"


def backoff(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failure: 1, 2, 4, … minutes, at most 60."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


async def deliver_outbox(
    engine: Engine,
    settings: Settings,
    *,
    limit: int = 100,
    now: datetime | None = None,
    case: tuple[str, int] | None = None,
) -> DeliveryReport:
    """Send up to ``limit`` due outbox mails (only case ``(case_type, case_id)``'s if given).
    ``now`` fixes the clock (tests); by default each row is claimed at the current time."""

    def clock() -> datetime:
        return now if now is not None else utcnow()

    # Send attempts can take several SMTP timeouts (connect, each command): the claim outlives them.
    claim_for = max(CLAIM_FOR, timedelta(seconds=10 * settings.smtp_timeout_seconds))
    report = DeliveryReport()
    # The database steps run in a worker thread: a writer waiting on SQLite's lock must not
    # hold up the event loop (other flows share it in the in-process worker).
    for row_id in await to_thread.run_sync(_due_ids, engine, clock(), limit, case):
        row = await to_thread.run_sync(_claim, engine, row_id, clock(), claim_for)
        if row is None:
            continue  # another deliverer took it, or it is no longer due
        try:
            await send_email(
                settings,
                to=row.to_address,
                subject=row.subject,
                text=row.body_text,
                html=row.body_html,
                message_id=message_id_for(settings, row),
            )
        except Exception as exc:
            status = await to_thread.run_sync(_record_failure, engine, row, exc, clock())
            if status is OutboxStatus.dead:
                report.dead += 1
                log.error("mail %s to %s given up: %s", row.id, row.to_address, exc)
            else:
                report.failed += 1
                log.warning("mail %s to %s failed, will retry: %s", row.id, row.to_address, exc)
            continue
        await to_thread.run_sync(_mark_sent, engine, row, clock())
        report.sent += 1
    return report


def _unclaimed(now: datetime) -> sa.ColumnElement[bool]:
    return sa.or_(_outbox.c.claimed_until.is_(None), _outbox.c.claimed_until < now)


def _due_ids(engine: Engine, now: datetime, limit: int, case: tuple[str, int] | None) -> list[int]:
    query = (
        select(OutboxEmail.id)
        .where(
            OutboxEmail.status == OutboxStatus.pending,
            OutboxEmail.next_attempt_at <= now,
            _unclaimed(now),
        )
        .order_by(col(OutboxEmail.next_attempt_at), col(OutboxEmail.id))
        .limit(limit)
    )
    if case is not None:
        query = query.where(OutboxEmail.case_type == case[0], OutboxEmail.case_id == case[1])
    with session_scope(engine) as session:
        return [i for i in session.exec(query) if i is not None]


def _claim(engine: Engine, row_id: int, now: datetime, claim_for: timedelta) -> OutboxEmail | None:
    """Take the row for ``claim_for`` if it is still due and nobody holds it; the database
    decides (one conditional UPDATE, committed at once), not an earlier SELECT."""
    claim = (
        sa.update(_outbox)
        .where(
            _outbox.c.id == row_id,
            _outbox.c.status == OutboxStatus.pending.value,
            _outbox.c.next_attempt_at <= now,
            _unclaimed(now),
        )
        .values(claimed_until=now + claim_for)
    )
    with session_scope(engine) as session:
        if session.connection().execute(claim).rowcount != 1:
            return None
        return session.get(OutboxEmail, row_id)


def _mark_sent(engine: Engine, row: OutboxEmail, now: datetime) -> None:
    done = (
        sa.update(_outbox)
        .where(_outbox.c.id == row.id, _outbox.c.status == OutboxStatus.pending.value)
        .values(status=OutboxStatus.sent.value, sent_at=now, claimed_until=None)
    )
    with session_scope(engine) as session:
        session.connection().execute(done)


def _record_failure(
    engine: Engine, row: OutboxEmail, error: Exception, now: datetime
) -> OutboxStatus:
    """Count the failed attempt and schedule the next one, or give up after MAX_ATTEMPTS."""
    attempts = row.attempts + 1
    status = OutboxStatus.dead if attempts >= MAX_ATTEMPTS else OutboxStatus.pending
    failed = (
        sa.update(_outbox)
        .where(_outbox.c.id == row.id, _outbox.c.status == OutboxStatus.pending.value)
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
