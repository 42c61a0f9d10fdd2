"""Mail waiting to go out, written in the same transaction as the decision that caused it."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.db import UTCDateTime, utcnow


class OutboxStatus(StrEnum):
    pending = "pending"
    sent = "sent"
    dead = "dead"


class OutboxEmail(SQLModel, table=True):
    __table_args__ = (sa.Index("ix_outbox_pending", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(
        max_length=200, unique=True, description="Business key: one mail per key"
    )
    to_address: str = Field(max_length=300)
    subject: str = Field(max_length=300)
    body_text: str = Field(sa_type=sa.Text)
    body_html: str = Field(sa_type=sa.Text)
    case_type: str | None = Field(default=None, max_length=32)
    case_id: int | None = None
    status: OutboxStatus = Field(default=OutboxStatus.pending, sa_type=sa.String(16))
    attempts: int = 0
    last_error: str | None = Field(default=None, sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attachment_name: str | None = Field(default=None, max_length=200)
    attachment_pdf: bytes | None = Field(default=None, sa_type=sa.LargeBinary)
    """A PDF sent with the mail (the monthly report), rendered when the mail was queued: the
    reader files the document as it stood that day."""
