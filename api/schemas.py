"""What the API returns: public shapes, never table rows with their private fields."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, computed_field

from domain.engine.calendar import format_thai_date


class PersonRef(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    full_name: str
    position: str


class StepPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    case_type: str
    case_id: int
    key: str
    title: str
    kind: str
    level: str | None
    round: int
    status: str
    outcome: str | None
    form: str
    allowed_outcomes: list[str]
    opened_at: datetime
    due_at: datetime
    closed_at: datetime | None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def due_at_thai(self) -> str:
        return format_thai_date(self.due_at, style="short", with_time=True)


class InboxItem(BaseModel):
    step: StepPublic
    acting_for: PersonRef | None = Field(description="Set when you decide as acting officer")
    overdue: bool


class DecisionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    step_id: int
    user_id: int
    position: str
    acting_for_user_id: int | None
    committee_role: str | None
    outcome: str
    comment: str
    fields: dict[str, Any]
    decided_at: datetime


class DecisionReceipt(BaseModel):
    decision: DecisionPublic
    step: StepPublic
    repeated: bool = Field(description="The same decision was already recorded; nothing changed")
    step_closed: bool


class StepDetail(BaseModel):
    step: StepPublic
    decisions: list[DecisionPublic]
    form_schema: dict[str, Any]


class TimelineEntry(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int
    at: datetime
    action: str
    actor_user_id: int | None
    actor_position: str | None
    acting_for_user_id: int | None
    detail: dict[str, Any]
    hash: str
    prev_hash: str

    @computed_field  # type: ignore[prop-decorator]
    @property
    def at_thai(self) -> str:
        return format_thai_date(self.at, style="short", with_time=True)


class Timeline(BaseModel):
    case_type: str
    case_id: int
    chain_valid: bool = Field(description="Every entry's hash checks out against the one before")
    first_bad_seq: int | None
    entries: list[TimelineEntry]


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"
