"""The officers' administration of the children's register and cases (seed 002): a teacher
linked to a school or class (the coordinator); a case handed to another core person, or closed
before its path ends, each with its reason, in the case's audit chain. A case closed early
has no open step left, so its flow run (``flows/children_flow.py``, following the open steps)
ends when next resumed."""

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from domain.children import register_history, roster
from domain.children.admin_access import require_manage_case
from domain.children.notices import notify_parents
from domain.children.path import get_case
from domain.children.referral_access import require_coordinator
from domain.children.service import MAX_TEXT, as_user
from domain.children.states import CASE_TYPE, set_status
from domain.engine import audit
from domain.engine.steps import cancel_open_steps
from domain.errors import Conflict, InvalidInput, NotFound
from models.children import CaseStatus, ChildCase, SchoolTeacher
from models.people import User
from models.steps import AssigneeKind, HumanStep, StepStatus


def _reason(text: str) -> str:
    reason = " ".join(text.split())
    if not reason:
        raise InvalidInput("กรุณาระบุเหตุผล", field="reason")
    if len(reason) > MAX_TEXT:
        raise InvalidInput(f"เหตุผลยาวเกินไป (ไม่เกิน {MAX_TEXT} ตัวอักษร)", field="reason")
    return reason


def _active_user(session: Session, username: str) -> User:
    user = session.exec(select(User).where(User.username == username.strip())).first()
    if user is None or not user.active:
        raise NotFound(f"ไม่พบผู้ใช้ “{username.strip()}” ที่ใช้งานได้")
    return user


def link_teacher(
    engine: Engine, *, user_id: int, teacher_username: str, school_id: int, class_name: str = ""
) -> User:
    """The coordinator links a teacher to a school's class ("" = every class)."""

    def work(session: Session, user: User) -> User:
        require_coordinator(session, user)
        teacher = _active_user(session, teacher_username)
        linked = roster.link_teacher(
            session,
            user_id=teacher.id,  # type: ignore[arg-type]
            school_id=school_id,
            class_name=class_name,
        )
        if linked:
            register_history.record(
                session,
                school_id=school_id,
                action="child_teacher_linked",
                actor=user,
                title=f"{teacher.full_name} ({teacher.username}) · "
                + register_history.class_text(class_name.strip()),
                teacher_id=teacher.id,
                class_name=class_name.strip(),
            )
        return teacher

    return as_user(engine, user_id, work)


def change_core_person(
    engine: Engine, *, user_id: int, case_id: int, core_username: str, reason: str
) -> ChildCase:
    """Hand the case to another core person: the steps waiting on the old one go to the new."""

    def work(session: Session, user: User) -> ChildCase:
        case = get_case(session, case_id, lock=True)
        require_manage_case(session, user, case)
        if case.status == CaseStatus.closed:
            raise Conflict("กรณีนี้ปิดแล้ว เปลี่ยนผู้รับผิดชอบหลักไม่ได้")
        why = _reason(reason)
        new_core = _active_user(session, core_username)
        previous = case.core_person_id
        if new_core.id == previous:
            raise InvalidInput("ผู้รับผิดชอบหลักคนใหม่ต้องไม่ใช่คนเดิม", field="core_username")
        steps = session.exec(
            select(HumanStep).where(
                HumanStep.case_type == CASE_TYPE,
                HumanStep.case_id == case_id,
                HumanStep.status == StepStatus.open,
                HumanStep.assignee_kind == AssigneeKind.user,
                HumanStep.assignee_user_id == previous,
            )
        ).all()
        for step in steps:
            step.assignee_user_id = new_core.id
            session.add(step)
        case.core_person_id = new_core.id  # type: ignore[assignment]
        session.add(case)
        audit.record(
            session,
            case_type=CASE_TYPE,
            case_id=case_id,
            action="child_case_core_person_changed",
            actor=user,
            detail={
                "from": previous,
                "to": new_core.id,
                "title": f"เป็น {new_core.full_name}",
                "reason": why,
                "steps": sorted(s.id for s in steps),  # type: ignore[type-var]
            },
        )
        return case

    return as_user(engine, user_id, work)


def close_early(engine: Engine, *, user_id: int, case_id: int, reason: str) -> ChildCase:
    """Close the case before its path ends (moved away, cared for elsewhere…): the open steps
    are cancelled with the reason, the parents told the case is closed."""

    def work(session: Session, user: User) -> ChildCase:
        case = get_case(session, case_id, lock=True)
        require_manage_case(session, user, case)
        if case.status == CaseStatus.closed:
            raise Conflict("กรณีนี้ปิดแล้ว")
        why = _reason(reason)
        cancel_open_steps(session, case_type=CASE_TYPE, case_id=case_id, reason=why)
        set_status(session, case, CaseStatus.closed, actor=user)
        audit.record(
            session,
            case_type=CASE_TYPE,
            case_id=case_id,
            action="child_case_closed_early",
            actor=user,
            detail={"reason": why},
        )
        notify_parents(session, case, "closed")
        return case

    return as_user(engine, user_id, work)


def teachers_of_school(session: Session, school_id: int) -> list[tuple[User, str]]:
    """The teachers linked to a school and their class ("" = every class)."""
    rows = session.exec(
        select(User, SchoolTeacher.class_name)
        .join(SchoolTeacher, col(SchoolTeacher.user_id) == User.id)
        .where(SchoolTeacher.school_id == school_id)
        .order_by(col(User.username), col(SchoolTeacher.class_name))
    ).all()
    return [(u, c) for u, c in rows]
