"""The scholarship's follow-up and renewal (seed 000, ภารกิจที่ 8): a mentor for each recipient,
the mentor's reports during the year, and the scholarship committee's renewal meeting the next
year, whose decisions carry renewed recipients into the next fiscal year's round."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.db import UTCDateTime, utcnow


class MentorAssignment(SQLModel, table=True):
    """The mentor (พี่เลี้ยง) of one recipient: a user, or a named outside person."""

    __tablename__ = "screening_mentor_assignment"

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="screening_round.id", index=True)
    candidate_id: int = Field(foreign_key="screening_candidate.id", unique=True)
    mentor_user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    mentor_name: str = Field(default="", max_length=200, description="An outside mentor")
    mentor_contact: str = Field(default="", max_length=200)
    assigned_by_id: int = Field(foreign_key="user.id")
    assigned_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class MentorReport(SQLModel, table=True):
    """One report of the mentor during the year: attendance, grades, situation, and whether
    the scholarship should continue."""

    __tablename__ = "screening_mentor_report"

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="screening_mentor_assignment.id", index=True)
    candidate_id: int = Field(foreign_key="screening_candidate.id", index=True)
    reported_on: date
    attendance_percent: int = Field(ge=0, le=100)
    grade_average_hundredths: int | None = Field(
        default=None, ge=0, le=400, description="Grade point average × 100 (3.25 → 325)"
    )
    situation: str = Field(sa_type=sa.Text)
    recommend_continue: bool
    recorded_by_id: int = Field(foreign_key="user.id")
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class RenewalMeeting(SQLModel, table=True):
    """The committee's renewal step of a round, and its meeting once recorded."""

    __tablename__ = "screening_renewal_meeting"

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="screening_round.id", index=True)
    step_id: int = Field(foreign_key="humanstep.id", unique=True)
    next_round_id: int = Field(foreign_key="screening_round.id")
    committee_id: int = Field(foreign_key="committee.id")
    meeting_date: date | None = None
    resolution_number: str = Field(default="", max_length=100)
    members_present: list[int] = Field(default_factory=list, sa_type=sa.JSON)
    quorum: int = 0
    quorum_reached: bool = False
    recorded_by_id: int | None = Field(default=None, foreign_key="user.id")
    recorded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class RenewalDecision(SQLModel, table=True):
    """Renew or not, for one recipient, on the mentor's latest report; a renewed recipient's
    candidacy in the next round is ``carried_candidate_id``."""

    __tablename__ = "screening_renewal_decision"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="screening_renewal_meeting.id", index=True)
    candidate_id: int = Field(foreign_key="screening_candidate.id", unique=True)
    report_id: int = Field(foreign_key="screening_mentor_report.id")
    renew: bool
    reason: str = Field(default="", sa_type=sa.Text)
    carried_candidate_id: int | None = Field(
        default=None, foreign_key="screening_candidate.id", index=True
    )
