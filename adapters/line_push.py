"""Sending LINE push messages: the only module that pushes to LINE's Messaging API
(line-bot-sdk v3, ``MessagingApi.push_message`` at ``KKM_LINE_API_HOST``).

``deliver_line_pushes`` drains the ``linepush`` outbox written by
domain/complaints/line_notices.py the way adapters/mail.py drains the mail (adapters/outbox.py:
each row claimed by one deliverer, pushed outside any transaction, marked sent or retried with
backoff). An outage of LINE's API delays pushes and loses none.

Each row is pushed with a retry key (``X-Line-Retry-Key``) derived from its dedupe key: when
a push went through but was not marked sent (a crash, a lost answer), LINE answers the
repeat with 409 instead of sending again, and the row is marked sent. A push LINE refuses for
good (400, 403, 404: a user who blocked the account, a wrong id) is given up at once."""

import logging
import uuid
from datetime import datetime, timedelta
from functools import partial

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

from adapters.outbox import CLAIM_FOR, DeliveryReport, drain
from core.settings import Settings
from models.line_push import LinePush

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10.0
"""How long one push may take (connect and answer)."""
REFUSED_FOR_GOOD = frozenset({400, 403, 404})
"""LINE's answers that a repeat would only get again."""
ALREADY_ACCEPTED = 409
"""LINE's answer to a retry key it has already accepted: the push went through before."""

_RETRY_KEYS = uuid.UUID("6f1d7a52-3c1e-4d5a-9c61-2b0f1f6c8a10")


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
    if not settings.line_channel_access_token:
        return DeliveryReport()

    async def send(row: LinePush) -> None:
        await to_thread.run_sync(
            partial(push, settings, to=row.line_user_id, texts=row.messages, key=retry_key(row))
        )

    return await drain(
        engine,
        LinePush,
        send,
        limit=limit,
        now=now,
        case=case,
        claim_for=max(CLAIM_FOR, timedelta(seconds=3 * TIMEOUT_SECONDS)),
        final=lambda exc: isinstance(exc, PushRefused) and exc.final,
        describe=lambda row: f"{row.id} to {row.line_user_id}",
    )
