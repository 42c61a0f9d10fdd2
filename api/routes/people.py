"""People and authority: who is who, committees, acting assignments, configured chains."""

from datetime import datetime
from typing import Any

from fastapi import APIRouter, status
from pydantic import BaseModel, Field, model_validator
from sqlmodel import col, select

from api.deps import MAX_ID, CurrentUser, EngineDep, PathId, SessionDep, SettingsDep
from domain.engine import service
from domain.engine.chains import load_chains
from models.people import ActingAssignment, Committee, CommitteeMember, User, UserPublic

router = APIRouter(prefix="/api", tags=["people"])


@router.get("/users", response_model=list[UserPublic])
def list_users(_: CurrentUser, session: SessionDep) -> list[UserPublic]:
    users = session.exec(select(User).where(User.active == True).order_by(col(User.id)))  # noqa: E712
    return [UserPublic.model_validate(u, from_attributes=True) for u in users]


@router.post("/users/{user_id}/deactivate", response_model=UserPublic)
def deactivate_user(user_id: PathId, user: CurrentUser, engine: EngineDep) -> UserPublic:
    """Close an officer's account (the permanent secretary or above): no more sign-in, and
    every token of the user stops working at once."""
    row = service.deactivate_user(engine, actor_id=user.id, user_id=user_id)  # type: ignore[arg-type]
    return UserPublic.model_validate(row, from_attributes=True)


class CommitteePublic(BaseModel):
    id: int
    name: str
    order_ref: str | None
    quorum: int
    members: list[dict[str, Any]]


@router.get("/committees", response_model=list[CommitteePublic])
def list_committees(_: CurrentUser, session: SessionDep) -> list[CommitteePublic]:
    result = []
    for c in session.exec(select(Committee).order_by(col(Committee.id))):
        members = session.exec(
            select(CommitteeMember, User)
            .join(User, col(User.id) == CommitteeMember.user_id)
            .where(CommitteeMember.committee_id == c.id)
        )
        result.append(
            CommitteePublic(
                id=c.id,  # type: ignore[arg-type]
                name=c.name,
                order_ref=c.order_ref,
                quorum=c.quorum,
                members=[
                    {"user_id": u.id, "full_name": u.full_name, "role": m.role} for m, u in members
                ],
            )
        )
    return result


class ActingCreate(BaseModel):
    acting_user_id: int = Field(ge=1, le=MAX_ID)
    for_user_id: int = Field(ge=1, le=MAX_ID)
    starts_at: datetime
    ends_at: datetime
    order_ref: str | None = Field(default=None, max_length=200, description="เลขที่คำสั่ง")

    @model_validator(mode="after")
    def _check(self) -> "ActingCreate":
        if self.starts_at.tzinfo is None or self.ends_at.tzinfo is None:
            raise ValueError("ต้องระบุเขตเวลาของวันเวลา เช่น +07:00")
        if self.ends_at <= self.starts_at:
            raise ValueError("วันสิ้นสุดต้องอยู่หลังวันเริ่มต้น")
        if self.acting_user_id == self.for_user_id:
            raise ValueError("ผู้รักษาราชการแทนต้องไม่ใช่บุคคลเดียวกัน")
        return self


class ActingPublic(ActingCreate):
    id: int


@router.get("/acting-assignments", response_model=list[ActingPublic])
def list_acting(_: CurrentUser, session: SessionDep) -> list[ActingPublic]:
    rows = session.exec(select(ActingAssignment).order_by(col(ActingAssignment.starts_at).desc()))
    return [ActingPublic.model_validate(a, from_attributes=True) for a in rows]


@router.post(
    "/acting-assignments", response_model=ActingPublic, status_code=status.HTTP_201_CREATED
)
def create_acting(data: ActingCreate, user: CurrentUser, engine: EngineDep) -> ActingPublic:
    """Record an order that one officer acts for another. Only the permanent secretary or
    above signs such orders here."""
    row = service.assign_acting(engine, signer_id=user.id, **data.model_dump())  # type: ignore[arg-type]
    return ActingPublic.model_validate(row, from_attributes=True)


@router.get("/chains")
def list_chains(_: CurrentUser, settings: SettingsDep) -> dict[str, Any]:
    """The approval chains configured in config/chains.toml."""
    return {
        name: {
            "title": chain.title,
            "levels": [
                {
                    "key": lv.key,
                    "title": lv.title,
                    "position": lv.position,
                    "user": lv.username,
                    "committee": lv.committee,
                    "due_working_days": lv.due_working_days,
                    "outcomes": [o.value for o in lv.outcomes],
                }
                for lv in chain.levels
            ],
        }
        for name, chain in load_chains(settings.chains_file).items()
    }
