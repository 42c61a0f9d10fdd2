"""LINE Official Account intake: POST /line/webhook (LINE Messaging API, line-bot-sdk v3).

Off (404) until ``KKM_LINE_CHANNEL_SECRET`` and ``KKM_LINE_CHANNEL_ACCESS_TOKEN`` are set. The
body must carry a valid ``X-Line-Signature`` (HMAC-SHA256 of the body with the channel secret,
base64); otherwise 400 and nothing is stored.

The message events of one webhook call are grouped by sender, in order, and each sender's are
added to their conversation (``domain.complaints.line_intake``): texts, a location and images
sent over several calls make one complaint (channel ``line``) once there is a description and
a location. An event already taken in (its ``webhookEventId``) contributes nothing and gets
no second reply.

The answer (what is missing, once, then the number and PIN) goes back with the reply API,
through the ``get_line_replier`` dependency, after the webhook has answered 200. Later steps
of the complaint are pushed (``adapters/line_push.py``)."""

import logging
from collections.abc import Callable
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
from domain.complaints.line_intake import LineBatch, LineLocation, LineMessage, take_in_line
from domain.complaints.states import CASE_TYPE

log = logging.getLogger(__name__)
router = APIRouter(prefix="/line", tags=["line"])

LineReplier = Callable[[str, list[str]], None]
"""(reply token, texts) -> None: sends up to five text messages as the reply."""


def get_line_replier(settings: SettingsDep) -> LineReplier:
    """The real reply sender: ``MessagingApi.reply_message`` at ``KKM_LINE_API_HOST`` (LINE's
    platform; in tests a local stand-in, or this dependency replaced by a recorder)."""
    from linebot.v3.messaging import (
        ApiClient,
        Configuration,
        MessagingApi,
        ReplyMessageRequest,
        TextMessage,
    )

    def reply(reply_token: str, texts: list[str]) -> None:
        config = Configuration(
            host=settings.line_api_host, access_token=settings.line_channel_access_token
        )
        try:
            with ApiClient(config) as client:
                MessagingApi(client).reply_message(
                    ReplyMessageRequest(
                        reply_token=reply_token,
                        messages=[TextMessage(text=t[:5000]) for t in texts[:5]],
                    ),
                    _request_timeout=10,
                )
        except Exception:
            log.warning("LINE reply failed", exc_info=True)

    return reply


LineReplierDep = Annotated[LineReplier, Depends(get_line_replier)]


def _sender(event: MessageEvent) -> tuple[str, str | None]:
    """(the key events are grouped by, whom the conversation is with: the user, or the group
    or room when LINE does not give the user)."""
    source: Any = event.source
    user = getattr(source, "user_id", None)
    where = getattr(source, "group_id", None) or getattr(source, "room_id", None)
    return f"{where or ''}:{user}", user or where


def _message(event: MessageEvent) -> LineMessage:
    content = event.message
    common = {"event_id": event.webhook_event_id, "reply_token": event.reply_token}
    if isinstance(content, TextMessageContent):
        return LineMessage(**common, text=content.text)
    if isinstance(content, LocationMessageContent):
        where = LineLocation(content.latitude, content.longitude, content.title, content.address)
        return LineMessage(**common, location=where)
    if isinstance(content, ImageMessageContent):
        return LineMessage(**common, image_id=content.id)
    return LineMessage(**common)  # a sticker, a video…: taken in, adds nothing


def group_events(events: list[Any]) -> list[LineBatch]:
    """The message events of one call, by sender, each sender's in LINE's order."""
    batches: dict[str, LineBatch] = {}
    for event in events:
        if not isinstance(event, MessageEvent):
            continue
        key, who = _sender(event)
        batches.setdefault(key, LineBatch(user_id=who)).messages.append(_message(event))
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
    """LINE's webhook: verify the signature, add each sender's messages to their conversation
    (registering the complaint once complete) and reply."""
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
        answer = await run_in_threadpool(take_in_line, engine, batch)
        if answer.complaint_id is not None:
            registered.append(answer.complaint_id)
            background.add_task(sync_case_later, orchestrator, CASE_TYPE, answer.complaint_id)
        if answer.reply_token and answer.reply is not None:
            background.add_task(replier, answer.reply_token, [answer.reply])
    return {"status": "ok", "registered": len(registered)}
