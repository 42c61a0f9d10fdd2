"""SQLModel tables; importing this package registers every table on SQLModel.metadata."""

from models.audit import AuditEntry
from models.calendar import DeclaredHoliday
from models.chase import AgendaItem, ChaseNotice
from models.complaint import (
    Complaint,
    ComplaintCategory,
    ComplaintPhoto,
    ComplaintRating,
    ComplaintSchedule,
    ComplaintSequence,
    ComplaintStatus,
    LineConversation,
    LineWebhookEvent,
)
from models.line_push import LinePush
from models.memo import Memo, MemoStatus
from models.outbox import OutboxEmail, OutboxStatus
from models.pdca import (
    ImportDiscrepancy,
    Plan,
    PlanDimension,
    PlanMission,
    PlanProject,
    ProjectBudget,
    ProjectIndicator,
    RiskControl,
    RiskItem,
)
from models.people import (
    ActingAssignment,
    Committee,
    CommitteeMember,
    CommitteeRole,
    Division,
    Position,
    User,
)
from models.steps import (
    AssigneeKind,
    CaseRun,
    Decision,
    HumanStep,
    NoticeKind,
    Outcome,
    StepNotice,
    StepStatus,
)
from models.throttle import Throttle

__all__ = [
    "LinePush",
    "Throttle",
    "LineConversation",
    "ActingAssignment",
    "AgendaItem",
    "AssigneeKind",
    "AuditEntry",
    "CaseRun",
    "ChaseNotice",
    "Complaint",
    "ComplaintCategory",
    "ComplaintPhoto",
    "ComplaintRating",
    "ComplaintSchedule",
    "ComplaintSequence",
    "ComplaintStatus",
    "Committee",
    "CommitteeMember",
    "CommitteeRole",
    "DeclaredHoliday",
    "Decision",
    "Division",
    "HumanStep",
    "LineWebhookEvent",
    "Memo",
    "MemoStatus",
    "NoticeKind",
    "Outcome",
    "OutboxEmail",
    "OutboxStatus",
    "ImportDiscrepancy",
    "Plan",
    "PlanDimension",
    "PlanMission",
    "PlanProject",
    "ProjectBudget",
    "ProjectIndicator",
    "RiskControl",
    "RiskItem",
    "Position",
    "StepNotice",
    "StepStatus",
    "User",
]
