"""The read log of protected records (poor households, children, people with HIV): every read,
allowed or refused, with who, when, which record and the purpose given. Written by
``domain.engine.readlog``; read by the data protection officer."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.db import UTCDateTime, utcnow


class ReadLogEntry(SQLModel, table=True):
    __tablename__ = "read_log"
    __table_args__ = (sa.Index("ix_read_log_record", "record_type", "record_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    record_type: str = Field(max_length=60, description="e.g. screening-person")
    record_id: int
    scope: str = Field(default="record", max_length=40, description="e.g. record, hiv-status")
    purpose: str = Field(sa_type=sa.Text, description="Why, as the reader gave it")
    allowed: bool
    reason: str = Field(default="", max_length=300, description="Why refused (Thai)")
    channel: str = Field(default="", max_length=20, description="api, page, ops")
