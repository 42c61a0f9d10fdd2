"""A school's register history: who linked which teacher, and who enrolled or imported pupils,
when. A teacher's link opens a class's children's records to that teacher, and an enrolment
brings a child's record into the system, so each is kept in the school's audit chain
(tamper-evident, as a case's is) and shown on the register page. No child's name is kept in
it: the page it is shown on is read by every teacher of the school."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from domain.engine import audit
from models.audit import AuditEntry
from models.people import User

SCHOOL_REGISTER = "child_school"
"""The audit chain's case type; its case id is the school's."""

ACTIONS = {
    "child_teacher_linked": "เชื่อมครูกับโรงเรียน",
    "child_pupil_enrolled": "เพิ่มนักเรียน",
    "child_roster_imported": "นำเข้ารายชื่อนักเรียน",
}


def class_text(class_name: str) -> str:
    return f"ห้อง {class_name}" if class_name else "ทุกห้อง"


def record(
    session: Session, *, school_id: int, action: str, actor: User, title: str, **detail: Any
) -> None:
    """One change of the register, with the line the page shows (``title``)."""
    assert action in ACTIONS, action
    audit.record(
        session,
        case_type=SCHOOL_REGISTER,
        case_id=school_id,
        action=action,
        actor=actor,
        detail={"title": title, **detail},
    )


@dataclass(frozen=True)
class RegisterEvent:
    at: datetime
    who: str
    what: str
    title: str


def history(session: Session, school_id: int, *, limit: int = 30) -> list[RegisterEvent]:
    """The school's latest register changes, newest first."""
    rows = session.exec(
        select(AuditEntry, User.full_name)
        .join(User, col(User.id) == AuditEntry.actor_user_id, isouter=True)
        .where(AuditEntry.case_type == SCHOOL_REGISTER, AuditEntry.case_id == school_id)
        .order_by(col(AuditEntry.seq).desc())
        .limit(limit)
    ).all()
    return [
        RegisterEvent(
            at=entry.at,
            who=name or "ระบบ",
            what=ACTIONS.get(entry.action, entry.action),
            title=str(entry.detail.get("title", "")),
        )
        for entry, name in rows
    ]
