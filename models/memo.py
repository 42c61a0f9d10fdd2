"""A memo (บันทึกข้อความ) that climbs an approval chain: the demo workflow of the foundation."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.db import UTCDateTime, utcnow


class MemoStatus(StrEnum):
    in_review = "in_review"
    approved = "approved"
    rejected = "rejected"
    withdrawn = "withdrawn"

    @property
    def thai(self) -> str:
        return MEMO_STATUS_TITLES[self]


MEMO_STATUS_TITLES = {
    MemoStatus.in_review: "อยู่ระหว่างพิจารณา",
    MemoStatus.approved: "อนุมัติแล้ว",
    MemoStatus.rejected: "ไม่อนุมัติ",
    MemoStatus.withdrawn: "ผู้เสนอถอนเรื่อง",
}


class MemoBase(SQLModel):
    subject: str = Field(min_length=3, max_length=300)
    body: str = Field(default="", sa_type=sa.Text, max_length=20000)
    chain: str = Field(default="memo", max_length=60)


class MemoCreate(MemoBase):
    pass


class Memo(MemoBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    division_id: int = Field(foreign_key="division.id")
    originator_id: int = Field(foreign_key="user.id")
    status: MemoStatus = Field(default=MemoStatus.in_review, sa_type=sa.String(16))
    returns_count: int = Field(default=0, description="Times the memo was sent back for revision")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class MemoPublic(MemoBase):
    id: int
    division_id: int
    originator_id: int
    status: MemoStatus
    returns_count: int
    created_at: datetime
    finished_at: datetime | None
