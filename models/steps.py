"""Human steps a flow waits on, the decisions taken on them, and the notices sent about them."""

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.db import UTCDateTime, utcnow
from models.people import Position


class StepStatus(StrEnum):
    open = "open"
    decided = "decided"
    cancelled = "cancelled"


class Outcome(StrEnum):
    """What a step's decision was, named for what it is: the engine's approve / reject /
    return / acknowledge, and the workflows' own (a complaint is forwarded, not rejected)."""

    approve = "approve"
    reject = "reject"
    return_for_revision = "return"
    acknowledge = "acknowledge"
    # complaints
    route = "route"
    forward = "forward"
    merge = "merge"
    receive = "receive"
    schedule = "schedule"
    resolved = "resolved"
    obstacle = "obstacle"
    grant = "grant"
    refuse = "refuse"
    close = "close"
    close_unresolved = "close_unresolved"
    reopen = "reopen"
    # PDCA: the steering committee on a project not done
    carry_over = "carry_over"
    drop = "drop"
    # the sealed channel for corruption reports
    decline = "decline"
    substantiated = "substantiated"
    unsubstantiated = "unsubstantiated"

    @property
    def thai(self) -> str:
        return OUTCOME_TITLES[self]


OUTCOME_TITLES = {
    Outcome.approve: "เห็นชอบ/อนุมัติ",
    Outcome.reject: "ไม่อนุมัติ",
    Outcome.return_for_revision: "ส่งกลับแก้ไข",
    Outcome.acknowledge: "ทราบ",
    Outcome.route: "ส่งหน่วยงานภายในดำเนินการ",
    Outcome.forward: "ส่งต่อหน่วยงานภายนอก",
    Outcome.merge: "รวมกับเรื่องที่ซ้ำกัน",
    Outcome.receive: "ยืนยันการรับเรื่อง",
    Outcome.schedule: "แจ้งกำหนดวันดำเนินการ",
    Outcome.resolved: "ดำเนินการแล้วเสร็จ",
    Outcome.obstacle: "มีปัญหาอุปสรรค",
    Outcome.grant: "อนุญาตให้ขยายเวลา",
    Outcome.refuse: "ไม่อนุญาต ให้ดำเนินการต่อ",
    Outcome.close: "ปิดเรื่องพร้อมคำชี้แจง",
    Outcome.close_unresolved: "ยุติเรื่องโดยแก้ไขไม่ได้",
    Outcome.reopen: "ส่งกลับหน่วยงานแก้ไขใหม่",
    Outcome.carry_over: "ยกไปดำเนินการในปีงบประมาณถัดไป",
    Outcome.drop: "ไม่ยกไปปีงบประมาณถัดไป",
    Outcome.decline: "ไม่รับไว้พิจารณา",
    Outcome.substantiated: "มีมูล",
    Outcome.unsubstantiated: "ไม่มีมูล",
}


class AssigneeKind(StrEnum):
    user = "user"
    position = "position"
    committee = "committee"


class HumanStep(SQLModel, table=True):
    """One wait on people. Whoever may decide is named by a user, a position or a committee."""

    __table_args__ = (
        sa.Index("ix_humanstep_case", "case_type", "case_id"),
        sa.Index("ix_humanstep_open_due", "status", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_type: str = Field(max_length=32)
    case_id: int
    key: str = Field(max_length=120, unique=True, description="Prefect pause key: [a-z0-9-]")
    title: str = Field(max_length=300)
    kind: str = Field(
        default="decision", max_length=40, description="What the step is for, e.g. 'chain-level'"
    )
    level: str | None = Field(default=None, max_length=60, description="Chain level key, if any")
    round: int = 1
    assignee_kind: AssigneeKind = Field(sa_type=sa.String(16))
    assignee_user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    assignee_position: Position | None = Field(default=None, sa_type=sa.String(40))
    assignee_division_id: int | None = Field(default=None, foreign_key="division.id")
    committee_id: int | None = Field(default=None, foreign_key="committee.id")
    form: str = Field(max_length=60, description="Decision form (registry.form_class)")
    allowed_outcomes: list[str] = Field(sa_type=sa.JSON)
    status: StepStatus = Field(default=StepStatus.open, sa_type=sa.String(16))
    outcome: str | None = Field(default=None, max_length=16)
    opened_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    due_at: datetime = Field(sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Decision(SQLModel, table=True):
    """Who decided, in what role, acting for whom, when and why; committee votes too."""

    __table_args__ = (sa.UniqueConstraint("step_id", "principal_user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    step_id: int = Field(foreign_key="humanstep.id", index=True)
    user_id: int = Field(foreign_key="user.id", description="Who signed")
    position: Position = Field(sa_type=sa.String(40), description="The signer's own position")
    acting_for_user_id: int | None = Field(default=None, foreign_key="user.id")
    principal_user_id: int = Field(
        foreign_key="user.id", description="In whose name: the signer, or whom they act for"
    )
    committee_role: str | None = Field(default=None, max_length=16)
    outcome: Outcome = Field(sa_type=sa.String(16))
    comment: str = Field(default="", sa_type=sa.Text)
    fields: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    decided_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class NoticeKind(StrEnum):
    reminder = "reminder"
    overdue = "overdue"
    escalation = "escalation"
    orphaned = "orphaned"
    """Nobody can decide the step (no active holder, nobody acting): its division's director
    and the workflow's contacts are alerted. Removed again once someone can decide it, so a
    step orphaned a second time is alerted again."""


class StepNotice(SQLModel, table=True):
    """A deadline notice about a step; the unique key makes the sweep send each one once."""

    __table_args__ = (sa.UniqueConstraint("step_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    step_id: int = Field(foreign_key="humanstep.id", index=True)
    kind: NoticeKind = Field(sa_type=sa.String(16))
    recipient_user_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CaseRun(SQLModel, table=True):
    """The Prefect flow run that moves a case; the reconcile sweep repairs lost ones."""

    __table_args__ = (sa.UniqueConstraint("case_type", "case_id"),)

    id: int | None = Field(default=None, primary_key=True)
    case_type: str = Field(max_length=32)
    case_id: int
    deployment: str = Field(max_length=200, description="flow-name/deployment-name")
    parameters: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    flow_run_id: str | None = Field(default=None, max_length=36)
    attempt: int = 0
    finished: bool = False
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
