"""The use cases of at-risk children, each one unit of work: the JSON routes, the pages,
the flow and ``ops`` call these. Recording a stage writes its protected entry and decides the
step (the engine audits who, in what role, acting for whom) in the same transaction."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.db import in_transaction, utcnow
from domain.children import register_history, roster, screening
from domain.children.admin_access import require_enrol
from domain.children.path import get_case, open_steps_by_kind
from domain.children.protection import may_read_case
from domain.children.states import (
    CASE_TYPE,
    CONFERENCE_STEP,
    FOLLOW_UP_STEP,
    HOME_VISIT_STEP,
    MEDICAL_STEP,
    PLAN_STEP,
)
from domain.engine import audit
from domain.engine.steps import DecisionResult, decide
from domain.errors import Conflict, InvalidInput, NotEntitled, NotFound
from models.children import ActionStatus, CaseEntry, CaseStatus, ChildCase, PlanAction, Pupil
from models.people import User
from models.screening import Household, Person
from models.steps import HumanStep, Outcome

T = TypeVar("T")
MAX_TEXT = 4000


def as_user(engine: Engine, user_id: int, work: Callable[[Session, User], T]) -> T:
    def run(session: Session) -> T:
        user = session.get(User, user_id)
        if user is None or not user.active:
            raise NotEntitled("บัญชีผู้ใช้นี้ใช้งานไม่ได้")
        return work(session, user)

    return in_transaction(engine, run)


def screen_class(
    engine: Engine, *, user_id: int, data: screening.ClassScreening
) -> list[screening.Screened]:
    return as_user(engine, user_id, lambda s, u: screening.screen_class(s, data, teacher=u))


def _text(value: str, label: str, *, required: bool = True) -> str:
    value = value.strip()
    if required and not value:
        raise InvalidInput(f"กรุณาระบุ{label}", field=label)
    if len(value) > MAX_TEXT:
        raise InvalidInput(f"{label}: ยาวเกินไป (ไม่เกิน {MAX_TEXT} ตัวอักษร)", field=label)
    return value


def _open_step(session: Session, case: ChildCase, kind: str, what: str) -> HumanStep:
    step = open_steps_by_kind(session, case.id).get(kind)  # type: ignore[arg-type]
    if step is None:
        raise Conflict(f"กรณีนี้ไม่ได้อยู่ในขั้นตอน{what} (ขั้นตอนปัจจุบัน: {CaseStatus(case.status).thai})")
    return step


def _entry(
    session: Session,
    case: ChildCase,
    *,
    kind: str,
    step: HumanStep | None,
    author: User,
    findings: str,
    details: dict[str, Any] | None = None,
) -> CaseEntry:
    entry = CaseEntry(
        case_id=case.id,  # type: ignore[arg-type]
        kind=kind,
        step_id=step.id if step else None,
        findings=findings,
        details=details or {},
        author_id=author.id,  # type: ignore[arg-type]
    )
    session.add(entry)
    session.flush()
    audit.record(
        session,
        case_type=CASE_TYPE,
        case_id=case.id,  # type: ignore[arg-type]
        action="child_case_entry",
        actor=author,
        detail={"entry_id": entry.id, "kind": kind},
    )
    return entry


def _decide(session: Session, step: HumanStep, user: User, data: dict[str, Any]) -> DecisionResult:
    return decide(session, step_id=step.id, user=user, data=data)  # type: ignore[arg-type]


def _record_stage(
    session: Session,
    user: User,
    case_id: int,
    *,
    step_kind: str,
    what: str,
    entry_kind: str,
    findings: str,
    findings_title: str,
    details: dict[str, Any],
    data: dict[str, Any],
) -> DecisionResult:
    """A stage whose findings are one protected entry, then the step decided: the entry is
    written first, in the decision's transaction, since the step does not close without it."""
    case = get_case(session, case_id, lock=True)
    step = _open_step(session, case, step_kind, what)
    text = _text(findings, findings_title)
    _entry(session, case, kind=entry_kind, step=step, author=user, findings=text, details=details)
    return _decide(session, step, user, data)


def record_medical_assessment(
    engine: Engine, *, case_id: int, user_id: int, findings: str, refer_to_hospital: bool = False
) -> DecisionResult:
    """The health staff's assessment in school (findings kept protected)."""

    def work(session: Session, user: User) -> DecisionResult:
        return _record_stage(
            session,
            user,
            case_id,
            step_kind=MEDICAL_STEP,
            what="ตรวจประเมินทางการแพทย์",
            entry_kind="medical",
            findings=findings,
            findings_title="ผลการตรวจประเมิน",
            details={"refer_to_hospital": refer_to_hospital},
            data={"outcome": Outcome.acknowledge.value, "refer_to_hospital": refer_to_hospital},
        )

    return as_user(engine, user_id, work)


@dataclass(frozen=True)
class HomeVisit:
    findings: str
    lives_with: str
    conference_needed: bool
    skip_reason: str = ""
    address: str = ""
    members_count: int | None = None
    monthly_income_satang: int | None = None


def _household(session: Session, child: Person, visit: HomeVisit) -> None:
    """The child's household as seen at the visit (the screening's household row, shared)."""
    if not (visit.address.strip() or visit.members_count is not None):
        return
    household = session.get(Household, child.household_id) if child.household_id else None
    if household is None:
        household = Household(community_id=child.community_id)
    if visit.address.strip():
        household.address = visit.address.strip()[:500]
    if visit.members_count is not None:
        if visit.members_count < 1:
            raise InvalidInput("จำนวนสมาชิกในครัวเรือนต้องมากกว่า 0", field="members_count")
        household.members_count = visit.members_count
    if visit.monthly_income_satang is not None:
        household.monthly_income_satang = visit.monthly_income_satang
    session.add(household)
    session.flush()
    child.household_id = household.id
    session.add(child)


def record_home_visit(
    engine: Engine, *, case_id: int, user_id: int, visit: HomeVisit
) -> DecisionResult:
    """The core person's home visit: findings, who the child lives with, the household; a
    case conference is asked for, or skipped with a reason."""

    def work(session: Session, user: User) -> DecisionResult:
        case = get_case(session, case_id, lock=True)
        step = _open_step(session, case, HOME_VISIT_STEP, "เยี่ยมบ้าน")
        child = session.get(Person, case.person_id)
        assert child is not None
        _household(session, child, visit)
        details = {"lives_with": _text(visit.lives_with, "ผู้ที่เด็กอาศัยอยู่ด้วย")}
        _entry(
            session,
            case,
            kind="home_visit",
            step=step,
            author=user,
            findings=_text(visit.findings, "ผลการเยี่ยมบ้าน"),
            details=details,
        )
        if not visit.conference_needed:
            reason = _text(visit.skip_reason, "เหตุผลที่ไม่ต้องประชุมรายกรณี")
            _entry(
                session, case, kind="conference_skipped", step=step, author=user, findings=reason
            )
        data = {
            "outcome": Outcome.acknowledge.value,
            "conference_needed": visit.conference_needed,
        }
        return _decide(session, step, user, data)

    return as_user(engine, user_id, work)


def record_conference(
    engine: Engine, *, case_id: int, user_id: int, summary: str, attendees: str
) -> DecisionResult:
    def work(session: Session, user: User) -> DecisionResult:
        case = get_case(session, case_id, lock=True)
        step = _open_step(session, case, CONFERENCE_STEP, "ประชุมรายกรณี")
        _entry(
            session,
            case,
            kind="conference",
            step=step,
            author=user,
            findings=_text(summary, "สรุปการประชุม"),
            details={"attendees": _text(attendees, "ผู้เข้าร่วมประชุม")},
        )
        return _decide(session, step, user, {"outcome": Outcome.acknowledge.value})

    return as_user(engine, user_id, work)


def _require_core_person(case: ChildCase, user: User) -> None:
    if user.id != case.core_person_id:
        raise NotEntitled("เฉพาะผู้รับผิดชอบหลักของกรณีนี้แก้ไขแผนการดูแลได้")


def add_plan_action(
    engine: Engine,
    *,
    case_id: int,
    user_id: int,
    title: str,
    due_on: date,
    owner_user_id: int | None = None,
    owner_name: str = "",
) -> PlanAction:
    """A named action of the care plan with its owner (a user, or someone outside by name)
    and due date; the core person's."""

    def work(session: Session, user: User) -> PlanAction:
        case = get_case(session, case_id, lock=True)
        _require_core_person(case, user)
        if case.status == CaseStatus.closed:
            raise Conflict("กรณีนี้ปิดแล้ว")
        if owner_user_id is not None and session.get(User, owner_user_id) is None:
            raise InvalidInput("ไม่พบผู้รับผิดชอบกิจกรรม", field="owner_user_id")
        if owner_user_id is None and not owner_name.strip():
            raise InvalidInput("กรุณาระบุผู้รับผิดชอบกิจกรรม", field="owner_name")
        if due_on < utcnow().date():
            raise InvalidInput("กำหนดเสร็จต้องไม่ก่อนวันนี้", field="due_on")
        action = PlanAction(
            case_id=case_id,
            title=_text(title, "กิจกรรม")[:300],
            owner_user_id=owner_user_id,
            owner_name=owner_name.strip()[:200],
            due_on=due_on,
            created_by_id=user.id,  # type: ignore[arg-type]
        )
        session.add(action)
        session.flush()
        audit.record(
            session,
            case_type=CASE_TYPE,
            case_id=case_id,
            action="child_plan_action_added",
            actor=user,
            detail={"action_id": action.id, "due_on": due_on.isoformat()},
        )
        return action

    return as_user(engine, user_id, work)


def update_plan_action(
    engine: Engine, *, action_id: int, user_id: int, status: ActionStatus, note: str = ""
) -> PlanAction:
    def work(session: Session, user: User) -> PlanAction:
        action = session.get(PlanAction, action_id)
        if action is None:
            raise NotFound("ไม่พบกิจกรรมนี้")
        case = get_case(session, action.case_id, lock=True)
        if user.id != case.core_person_id and user.id != action.owner_user_id:
            raise NotEntitled("เฉพาะผู้รับผิดชอบหลักหรือผู้รับผิดชอบกิจกรรมปรับสถานะได้")
        action.status = status
        action.note = _text(note, "หมายเหตุ", required=False)
        action.done_at = utcnow() if status == ActionStatus.done else None
        session.add(action)
        audit.record(
            session,
            case_type=CASE_TYPE,
            case_id=case.id,  # type: ignore[arg-type]
            action="child_plan_action_updated",
            actor=user,
            detail={"action_id": action.id, "status": status.value},
        )
        return action

    return as_user(engine, user_id, work)


def approve_plan(engine: Engine, *, case_id: int, user_id: int) -> DecisionResult:
    """The core person settles the plan (at least one action); follow-ups start."""

    def work(session: Session, user: User) -> DecisionResult:
        case = get_case(session, case_id, lock=True)
        step = _open_step(session, case, PLAN_STEP, "จัดทำแผนการดูแล")
        return _decide(session, step, user, {"outcome": Outcome.approve.value})

    return as_user(engine, user_id, work)


def record_follow_up(
    engine: Engine, *, case_id: int, user_id: int, findings: str, close: bool = False
) -> DecisionResult:
    """A follow-up on schedule: what was seen; the next follow-up, or the case closed."""

    def work(session: Session, user: User) -> DecisionResult:
        outcome = Outcome.close if close else Outcome.acknowledge
        return _record_stage(
            session,
            user,
            case_id,
            step_kind=FOLLOW_UP_STEP,
            what="ติดตามผล",
            entry_kind="follow_up",
            findings=findings,
            findings_title="ผลการติดตาม",
            details={"close": close},
            data={"outcome": outcome.value},
        )

    return as_user(engine, user_id, work)


def cases_for(engine: Engine, *, user_id: int) -> list[tuple[ChildCase, str]]:
    """The cases a user may read, by number and status only (no names, no labels): opening
    one is a logged read."""
    with Session(engine) as session:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound("ไม่พบผู้ใช้")
        cases = session.exec(select(ChildCase).order_by(col(ChildCase.id).desc())).all()
        return [
            (case, CaseStatus(case.status).thai)
            for case in cases
            if may_read_case(session, user, case)
        ]


def enrol_pupil(
    engine: Engine,
    *,
    user_id: int,
    pupil: roster.PupilInput,
    guardians: Sequence[roster.GuardianInput] = (),
) -> Pupil:
    """A teacher of the class enrols a child (found by Thai ID or added) with the parents."""

    def work(session: Session, user: User) -> Pupil:
        require_enrol(session, user, pupil.school_id, pupil.class_name.strip())
        row = roster.enrol(session, pupil, actor=user)
        for guardian in guardians:
            roster.add_guardian(session, child_id=row.person_id, data=guardian, actor=user)
        register_history.record(
            session,
            school_id=pupil.school_id,
            action="child_pupil_enrolled",
            actor=user,
            title=f"1 คน {register_history.class_text(row.class_name)}"
            f" ปีการศึกษา {row.academic_year}",
            person_id=row.person_id,
            class_name=row.class_name,
            year=row.academic_year,
        )
        return row

    return as_user(engine, user_id, work)
