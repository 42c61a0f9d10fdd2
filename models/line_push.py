"""LINE push messages waiting to go out (the LINE counterpart of the mail outbox), written in
the same transaction as the step that caused them; adapters/line_push.py sends them."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.db import UTCDateTime, utcnow
from models.outbox import OutboxStatus


class LinePush(SQLModel, table=True):
    """One push (up to five text messages) to a LINE user, once per ``dedupe_key``."""

    __table_args__ = (sa.Index("ix_linepush_pending", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(
        max_length=200, unique=True, description="Business key: one push per key"
    )
    line_user_id: str = Field(max_length=64, description="The push's recipient (to)")
    messages: list[str] = Field(sa_type=sa.JSON, description="Texts, at most five")
    case_type: str | None = Field(default=None, max_length=32)
    case_id: int | None = None
    status: OutboxStatus = Field(default=OutboxStatus.pending, sa_type=sa.String(16))
    attempts: int = 0
    last_error: str | None = Field(default=None, sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
