"""The chase ladder's record (domain/engine/chase.py), for any workflow: each notice sent to a
division that has not done what it owes, and the cases escalated onto a meeting's agenda.

A case is named by ``(case_type, case_id)`` like a human step, so complaints, PDCA report
rounds and whatever comes next share these tables. ``cycle`` restarts the ladder when a case
is given more time; the unique keys are what make each notice and agenda entry happen once,
however often or concurrently a sweep runs."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.db import UTCDateTime, utcnow


class ChaseNotice(SQLModel, table=True):
    """One stage of the ladder claimed for a case in a cycle (the final stage included)."""

    __table_args__ = (sa.UniqueConstraint("case_type", "case_id", "cycle", "stage"),)

    id: int | None = Field(default=None, primary_key=True)
    case_type: str = Field(max_length=32)
    case_id: int
    cycle: int = Field(description="Ladder cycle; a negative one for one-off notices")
    stage: str = Field(max_length=40, description="The ladder stage's key, e.g. 'follow_up'")
    division_id: int | None = Field(default=None, foreign_key="division.id")
    respond_by: datetime | None = Field(
        default=None, sa_type=UTCDateTime, description="When the next stage falls due"
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AgendaItem(SQLModel, table=True):
    """A case escalated at the top of the ladder, on a meeting's agenda, with the division's
    explanation once it gives one."""

    __table_args__ = (sa.UniqueConstraint("case_type", "case_id", "cycle"),)

    id: int | None = Field(default=None, primary_key=True)
    case_type: str = Field(max_length=32)
    case_id: int
    cycle: int
    division_id: int | None = Field(default=None, foreign_key="division.id")
    meeting_date: date = Field(index=True)
    added_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    explanation: str | None = Field(default=None, sa_type=sa.Text)
    explained_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    explained_by_user_id: int | None = Field(default=None, foreign_key="user.id")
