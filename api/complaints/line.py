"""LINE Official Account intake: POST /line/webhook (LINE Messaging API, line-bot-sdk v3).

Off (404) until ``KKM_LINE_CHANNEL_SECRET`` and ``KKM_LINE_CHANNEL_ACCESS_TOKEN`` are set. The
body must carry a valid ``X-Line-Signature`` (HMAC-SHA256 of the body with the channel secret,
base64); otherwise 400 and nothing is stored.

The message events of one webhook call are grouped by sender; each sender's texts, location
and images become one complaint (channel ``line``):

* texts, joined, are the description; a telephone number found in them becomes the contact
  (and is taken out of the description, which is public); without one, the contact recorded is
  the sender's LINE user id (``LINE: U…``) in the complainant's address, as LINE is how the
  centre can reach them;
* a location message gives the coordinates and address (required: without it the sender is
  asked to send the description together with a location, and nothing is stored);
* an image is noted by its LINE message id in the description: downloading the content needs
  the LINE platform, which the server may not reach at intake; the centre fetches it later;
* the category is guessed from the text (see :func:`guess_category`).

An event LINE delivers again (its ``webhookEventId`` already taken in) makes no second
complaint and gets no second reply.

The answer (number and PIN, or what is missing) goes back with the reply API, through the
``get_line_replier`` dependency, after the webhook has answered 200."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, Header, HTTPException, Request
from linebot.v3 import WebhookParser
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.webhooks import (
    ImageMessageContent,
    LocationMessageContent,
    MessageEvent,
    TextMessageContent,
)
from starlette.concurrency import run_in_threadpool

from api.deps import CaseSyncDep, EngineDep, SettingsDep, sync_case_later
from domain.complaints.line_intake import LineBatch, LineLocation, take_in_line
from domain.complaints.states import CASE_TYPE

log = logging.getLogger(__name__)
router = APIRouter(prefix="/line", tags=["line"])

LineReplier = Callable[[str, list[str]], None]
"""(reply token, texts) -> None: sends up to five text messages as the reply."""


def get_line_replier(settings: SettingsDep) -> LineReplier:
    """The real reply sender: ``MessagingApi.reply_message`` (needs the LINE platform over the
    network; tests override this dependency with a recorder, since the platform is not
    reachable from the test environment)."""
    from linebot.v3.messaging import (
        ApiClient,
        Configuration,
        MessagingApi,
        ReplyMessageRequest,
        TextMessage,
    )

    def reply(reply_token: str, texts: list[str]) -> None:
        config = Configuration(access_token=settings.line_channel_access_token)
        try:
            with ApiClient(config) as client:
                MessagingApi(client).reply_message(
                    ReplyMessageRequest(
                        reply_token=reply_token,
                        messages=[TextMessage(text=t[:5000]) for t in texts[:5]],
                    )
                )
        except Exception:
            log.warning("LINE reply failed", exc_info=True)

    return reply


LineReplierDep = Annotated[LineReplier, Depends(get_line_replier)]


@dataclass
class Batch:
    """What one sender sent in one webhook call, and the token to reply with."""

    reply_token: str | None
    message: LineBatch


def _sender(event: MessageEvent) -> tuple[str, str | None]:
    source: Any = event.source
    user = getattr(source, "user_id", None)
    where = getattr(source, "group_id", None) or getattr(source, "room_id", None) or ""
    return f"{where}:{user}", user


def group_events(events: list[Any]) -> list[Batch]:
    batches: dict[str, Batch] = {}
    for event in events:
        if not isinstance(event, MessageEvent):
            continue
        key, user = _sender(event)
        batch = batches.setdefault(key, Batch(None, LineBatch(user_id=user)))
        batch.reply_token = batch.reply_token or event.reply_token
        sent = batch.message
        if event.webhook_event_id:
            sent.event_ids.append(event.webhook_event_id)
        message = event.message
        if isinstance(message, TextMessageContent):
            sent.texts.append(message.text)
        elif isinstance(message, LocationMessageContent):
            sent.location = LineLocation(
                message.latitude, message.longitude, message.title, message.address
            )
        elif isinstance(message, ImageMessageContent):
            sent.images.append(message.id)
    return list(batches.values())


@router.post("/webhook")
async def webhook(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    orchestrator: CaseSyncDep,
    replier: LineReplierDep,
    background: BackgroundTasks,
    x_line_signature: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    """LINE's webhook: verify the signature, register one complaint per sender and reply."""
    if not (settings.line_channel_secret and settings.line_channel_access_token):
        raise HTTPException(404, detail="ยังไม่ได้เปิดใช้ช่องทาง LINE")
    body = (await request.body()).decode("utf-8", errors="replace")
    if not x_line_signature:
        raise HTTPException(400, detail="ไม่มีลายมือชื่อ X-Line-Signature")
    try:
        events = WebhookParser(settings.line_channel_secret).parse(body, x_line_signature)
    except InvalidSignatureError:
        raise HTTPException(400, detail="ลายมือชื่อ X-Line-Signature ไม่ถูกต้อง") from None
    except (ValueError, KeyError, TypeError):
        raise HTTPException(400, detail="ข้อมูลจาก LINE ไม่ถูกต้อง") from None
    registered = []
    for batch in group_events(events):
        complaint_id, reply = await run_in_threadpool(take_in_line, engine, batch.message)
        if complaint_id is not None:
            registered.append(complaint_id)
            background.add_task(sync_case_later, orchestrator, CASE_TYPE, complaint_id)
        if batch.reply_token and reply is not None:
            background.add_task(replier, batch.reply_token, [reply])
    return {"status": "ok", "registered": len(registered)}
