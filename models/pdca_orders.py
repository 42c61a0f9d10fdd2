"""PDCA committees appointed by order (คำสั่งเทศบาลนครขอนแก่น): the mayor's order appoints the
plan's steering committee (คณะกรรมการฝ่ายอำนวยการ: 12 members, the mayor as chair, the Strategy
and Budget director as secretary) and an operating team in each division (คณะทำงานฝ่ายดำเนินการ,
seed 004, the order of 7 Feb 2566). A new order replaces the one before it from its effective
date; every order stays on record. The steering members who have an account make up the
engine's ``Committee`` while their order is in force (``domain.pdca.orders``)."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.db import UTCDateTime, utcnow


class OrderRole(StrEnum):
    chair = "chair"
    vice_chair = "vice_chair"
    member = "member"
    secretary = "secretary"
    assistant_secretary = "assistant_secretary"

    @property
    def thai(self) -> str:
        return ORDER_ROLE_TITLES[self]


ORDER_ROLE_TITLES = {
    OrderRole.chair: "ประธานกรรมการ",
    OrderRole.vice_chair: "รองประธานกรรมการ",
    OrderRole.member: "กรรมการ",
    OrderRole.secretary: "กรรมการและเลขานุการ",
    OrderRole.assistant_secretary: "กรรมการและผู้ช่วยเลขานุการ",
}


class AppointmentOrder(SQLModel, table=True):
    """One appointment order. ``replaces_id`` names the order it cancels (ยกเลิกคำสั่งเดิม) from
    ``effective_from``; ``applied_at`` is when its members first became the committee's."""

    __tablename__ = "pdca_appointment_order"

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=40, unique=True, description="เลขที่คำสั่ง, e.g. 2566/2566")
    subject: str = Field(sa_type=sa.Text, description="เรื่อง")
    signed_on: date = Field(description="สั่ง ณ วันที่")
    effective_from: date = Field(description="มีผลตั้งแต่วันที่")
    signed_by_id: int = Field(foreign_key="user.id", description="The mayor who signed it")
    committee_id: int = Field(foreign_key="committee.id", index=True)
    replaces_id: int | None = Field(default=None, foreign_key="pdca_appointment_order.id")
    quorum: int = Field(ge=1, description="องค์ประชุม: at least half the steering members")
    created_by_id: int = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    applied_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class OrderMember(SQLModel, table=True):
    """A member named by an order: an officer with an account (``user_id``) or a person by name
    and title. ``division_code`` set: a member of that division's operating team; unset: of
    the steering committee."""

    __tablename__ = "pdca_order_member"
    __table_args__ = (sa.UniqueConstraint("order_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="pdca_appointment_order.id", index=True)
    seq: int = Field(description="Order of listing in the order")
    user_id: int | None = Field(default=None, foreign_key="user.id")
    name: str = Field(max_length=200)
    title: str = Field(max_length=300, description="ตำแหน่ง")
    role: OrderRole = Field(sa_type=sa.String(24))
    division_code: str | None = Field(default=None, max_length=16, foreign_key="division.code")
