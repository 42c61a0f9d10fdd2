"""People and authority: divisions, users and their positions, committees, acting assignments."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.db import UTCDateTime, utcnow


class Position(StrEnum):
    """The municipal hierarchy, lowest first (seed 004 memos)."""

    officer = "officer"
    section_head = "section_head"
    division_director = "division_director"
    deputy_permanent_secretary = "deputy_permanent_secretary"
    permanent_secretary = "permanent_secretary"
    deputy_mayor = "deputy_mayor"
    mayor = "mayor"

    @property
    def rank(self) -> int:
        return list(Position).index(self)

    @property
    def thai(self) -> str:
        return POSITION_TITLES[self]

    @property
    def within_division(self) -> bool:
        """Positions held inside one division; the rest act for the whole municipality."""
        return self in (Position.officer, Position.section_head, Position.division_director)


POSITION_TITLES = {
    Position.officer: "เจ้าหน้าที่",
    Position.section_head: "หัวหน้าฝ่าย",
    Position.division_director: "ผู้อำนวยการกอง/สำนัก",
    Position.deputy_permanent_secretary: "รองปลัดเทศบาล",
    Position.permanent_secretary: "ปลัดเทศบาล",
    Position.deputy_mayor: "รองนายกเทศมนตรี",
    Position.mayor: "นายกเทศมนตรี",
}


class CommitteeRole(StrEnum):
    chair = "chair"
    member = "member"
    secretary = "secretary"


class Division(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(
        max_length=16, unique=True, description="Short name used in documents, e.g. สป."
    )
    name: str = Field(max_length=200)
    email: str | None = Field(default=None, max_length=200)


class UserBase(SQLModel):
    username: str = Field(max_length=64, unique=True, index=True)
    full_name: str = Field(max_length=200)
    email: str | None = Field(default=None, max_length=200)
    position: Position = Field(sa_type=sa.String(40))
    division_id: int | None = Field(default=None, foreign_key="division.id")


class User(UserBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    password_hash: str = Field(max_length=300)
    active: bool = True
    token_version: int = Field(
        default=0, description="Raised by logout and deactivation: older tokens stop working"
    )


class UserPublic(UserBase):
    id: int


class Committee(SQLModel, table=True):
    """A committee appointed by order (คำสั่ง); decides by quorum."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=300)
    order_ref: str | None = Field(default=None, max_length=200, description="e.g. คำสั่งที่ 123/2566")
    quorum: int = Field(ge=1, description="Votes that must be cast before the committee decides.")


class CommitteeMember(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("committee_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    committee_id: int = Field(foreign_key="committee.id", index=True)
    user_id: int = Field(foreign_key="user.id")
    role: CommitteeRole = Field(sa_type=sa.String(16))


class ActingAssignment(SQLModel, table=True):
    """Who acts for whom (รักษาราชการแทน), from when to when, on whose order."""

    id: int | None = Field(default=None, primary_key=True)
    acting_user_id: int = Field(foreign_key="user.id", index=True)
    for_user_id: int = Field(foreign_key="user.id", index=True)
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    order_ref: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
