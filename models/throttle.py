"""Counters that slow down guessing and flooding (wrong PINs, wrong passwords, public intake),
kept in the database so that every API process shares them."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.db import UTCDateTime, utcnow


class Throttle(SQLModel, table=True):
    """One counter: what is counted (``scope``, e.g. "pin-number") for whom (``key``, e.g. a
    complaint number or a client address) in the window that started at ``window_started_at``;
    ``blocked_until`` holds back the next try."""

    __table_args__ = (sa.UniqueConstraint("scope", "key"),)

    id: int | None = Field(
        default=None,
        # 64-bit on PostgreSQL: every new key draws an id (migration 0022). SQLite's INTEGER
        # PRIMARY KEY is 64-bit, and only that spelling numbers rows by itself.
        sa_column=sa.Column(sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
    )
    scope: str = Field(max_length=32)
    key: str = Field(max_length=200)
    count: int = 0
    window_started_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    blocked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
