"""Sending mail: the only module that speaks SMTP (aiosmtplib).

``deliver_outbox`` drains the outbox written by domain/engine/notify.py (adapters/outbox.py:
each row claimed by one deliverer, sent outside any transaction, marked sent or retried with
backoff). An SMTP outage delays mail and loses none; a row marked sent is never sent again. A
crash between the SMTP "250" and the "sent" mark may send that one mail twice, with the same
Message-ID, so receiving systems can recognise the repeat."""

import hashlib
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from zoneinfo import ZoneInfo

import aiosmtplib
from sqlalchemy.engine import Engine

from adapters.outbox import CLAIM_FOR, MAX_ATTEMPTS, DeliveryReport, backoff, drain
from core.db import utcnow
from core.settings import Settings
from models.outbox import OutboxEmail

__all__ = ["MAX_ATTEMPTS", "DeliveryReport", "backoff", "deliver_outbox", "send_email"]


_BANGKOK = ZoneInfo("Asia/Bangkok")


async def send_email(
    settings: Settings,
    *,
    to: str,
    subject: str,
    text: str,
    html: str,
    message_id: str,
    attachment: tuple[str, bytes] | None = None,
) -> None:
    """Send one mail (text and HTML alternatives, UTF-8, and a PDF ``(filename, content)`` if
    given) through the configured SMTP server. Raises on any failure
    (aiosmtplib.SMTPException, OSError, TimeoutError)."""
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(utcnow().astimezone(_BANGKOK))
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text, subtype="plain", charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    if attachment is not None:
        filename, content = attachment
        message.add_attachment(content, maintype="application", subtype="pdf", filename=filename)
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

    async def send(row: OutboxEmail) -> None:
        await send_email(
            settings,
            to=row.to_address,
            subject=row.subject,
            text=row.body_text,
            html=row.body_html,
            message_id=message_id_for(settings, row),
            attachment=(
                (row.attachment_name or "document.pdf", row.attachment_pdf)
                if row.attachment_pdf is not None
                else None
            ),
        )

    return await drain(
        engine,
        OutboxEmail,
        send,
        limit=limit,
        now=now,
        case=case,
        # Send attempts can take several SMTP timeouts (connect, each command): the claim
        # outlives them.
        claim_for=max(CLAIM_FOR, timedelta(seconds=10 * settings.smtp_timeout_seconds)),
        describe=lambda row: f"{row.id} to {row.to_address}",
    )
