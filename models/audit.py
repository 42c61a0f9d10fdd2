"""The append-only, hash-chained record of every change and decision of every case."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.db import UTCDateTime, utcnow


class AuditEntry(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("case_type", "case_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    case_type: str = Field(max_length=32)
    case_id: int
    seq: int = Field(description="1, 2, 3… within the case; a gap or a repeat is tampering")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    actor_user_id: int | None = Field(default=None, foreign_key="user.id")
    actor_position: str | None = Field(default=None, max_length=40)
    acting_for_user_id: int | None = Field(default=None, foreign_key="user.id")
    action: str = Field(max_length=60)
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    public: bool = Field(default=False, description="Shown on the citizen's timeline")
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)
