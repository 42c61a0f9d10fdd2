"""The Application Care path on the engine (seed 002): a case opens with the medical
assessment in school (health staff), then the core person's home visit, a case conference
where needed, the care plan, and a follow-up every N working days until the case is closed.

Each step is a human step of the engine; what was found is a protected entry of the case,
written by ``domain.children.service`` in the same transaction as the decision, and a step
does not close without it. Other modules add step kinds on a child's case with
``open_case_step`` and a line in ``STEP_HANDLERS``."""

import importlib
from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session, col, select

from domain.children.config import care_config
from domain.children.forms import (
    CONFERENCE_FORM,
    FOLLOW_UP_FORM,
    HOME_VISIT_FORM,
    MEDICAL_FORM,
    PLAN_FORM,
)
from domain.children.notices import notify_parents
from domain.children.states import (
    CASE_TYPE,
    CONFERENCE_STEP,
    FOLLOW_UP_STEP,
    HOME_VISIT_STEP,
    MEDICAL_STEP,
    PLAN_STEP,
    case_label,
    set_status,
)
from domain.engine import audit
from domain.engine.people import division_by_code
from domain.engine.runs import request_flow_run
from domain.engine.steps import Assignee, open_step
from domain.errors import Conflict, InvalidInput, NotFound
from models.children import ActionStatus, CaseEntry, CaseStatus, ChildCase, PlanAction
from models.people import Position, User
from models.steps import Decision, HumanStep, Outcome, StepStatus

StepHandler = Callable[[Session, HumanStep, Decision], None]

STEP_HANDLERS: dict[str, str] = {
    MEDICAL_STEP: "domain.children.path:after_medical_assessment",
    HOME_VISIT_STEP: "domain.children.path:after_home_visit",
    CONFERENCE_STEP: "domain.children.path:after_conference",
    PLAN_STEP: "domain.children.path:after_plan",
    FOLLOW_UP_STEP: "domain.children.path:after_follow_up",
}
"""Step kind on a ``child-care`` case -> "module:function" applying the closed step."""


def get_case(session: Session, case_id: int, *, lock: bool = False) -> ChildCase:
    query = select(ChildCase).where(ChildCase.id == case_id)
    case = session.exec(query.with_for_update() if lock else query).first()
    if case is None:
        raise NotFound("ไม่พบกรณีดูแลเด็กนี้")
    return case


def open_case_step(
    session: Session,
    case: ChildCase,
    *,
    kind: str,
    key: str,
    what: str,
    assignee: Assignee,
    form: str,
    allowed_outcomes: list[Outcome],
    due_in_working_days: int,
    now: datetime | None = None,
) -> HumanStep:
    """A human step on the child's case; its key is ``child-<case id>-<key>`` and its title
    names the case by number only (``what`` and the case label)."""
    return open_step(
        session,
        case_type=CASE_TYPE,
        case_id=case.id,  # type: ignore[arg-type]
        key=f"child-{case.id}-{key}",
        title=f"{what} ({case_label(case)})",
        assignee=assignee,
        kind=kind,
        form=form,
        allowed_outcomes=allowed_outcomes,
        due_in_working_days=due_in_working_days,
        now=now,
    )


def open_case(
    session: Session,
    *,
    person_id: int,
    band: str,
    core_person_id: int,
    actor: User | None,
    school_id: int | None = None,
    screening_result_id: int | None = None,
    now: datetime | None = None,
) -> ChildCase:
    """Open a child's care case (the child has no open one), owned by the core person; the
    medical assessment in school is the first step; the parents are told; the case's flow
    run is asked for."""
    if open_case_of(session, person_id) is not None:
        raise Conflict("เด็กคนนี้มีกรณีดูแลที่ยังไม่ปิดอยู่แล้ว")
    if session.get(User, core_person_id) is None:
        raise InvalidInput("ไม่พบผู้รับผิดชอบหลัก", field="core_person_id")
    case = ChildCase(
        person_id=person_id,
        school_id=school_id,
        screening_result_id=screening_result_id,
        band=band,
        core_person_id=core_person_id,
        opened_by_id=actor.id if actor else None,
    )
    session.add(case)
    session.flush()
    audit.record(
        session,
        case_type=CASE_TYPE,
        case_id=case.id,  # type: ignore[arg-type]
        action="child_case_opened",
        actor=actor,
        detail={"core_person_id": core_person_id, "screening_result_id": screening_result_id},
    )
    health = division_by_code(session, care_config().health_division)
    open_case_step(
        session,
        case,
        kind=MEDICAL_STEP,
        key="medical",
        what="ตรวจประเมินทางการแพทย์ในโรงเรียน",
        assignee=Assignee.holder_of(Position.officer, health.id),
        form=MEDICAL_FORM,
        allowed_outcomes=[Outcome.acknowledge],
        due_in_working_days=care_config().medical_assessment_days,
        now=now,
    )
    request_flow_run(
        session,
        case_type=CASE_TYPE,
        case_id=case.id,  # type: ignore[arg-type]
        parameters={"case_id": case.id},
    )
    notify_parents(session, case, "opened")
    return case


def open_case_of(session: Session, person_id: int) -> ChildCase | None:
    return session.exec(
        select(ChildCase).where(
            ChildCase.person_id == person_id, ChildCase.status != CaseStatus.closed
        )
    ).first()


def entry_for(session: Session, step: HumanStep, kind: str) -> CaseEntry | None:
    return session.exec(
        select(CaseEntry).where(CaseEntry.step_id == step.id, CaseEntry.kind == kind)
    ).first()


def _require_entry(session: Session, step: HumanStep, kind: str) -> CaseEntry:
    entry = entry_for(session, step, kind)
    if entry is None:
        raise InvalidInput("กรุณาบันทึกผลในหน้ากรณีดูแลเด็กก่อนปิดขั้นตอนนี้")
    return entry


def _core(case: ChildCase) -> Assignee:
    return Assignee.person(case.core_person_id)


def _open_plan(session: Session, case: ChildCase) -> None:
    set_status(session, case, CaseStatus.care_plan)
    open_case_step(
        session,
        case,
        kind=PLAN_STEP,
        key="plan",
        what="จัดทำแผนการดูแล",
        assignee=_core(case),
        form=PLAN_FORM,
        allowed_outcomes=[Outcome.approve],
        due_in_working_days=care_config().care_plan_days,
    )


def open_follow_up(session: Session, case: ChildCase) -> HumanStep:
    number = case.follow_ups_done + 1
    return open_case_step(
        session,
        case,
        kind=FOLLOW_UP_STEP,
        key=f"follow-up-{number}",
        what=f"ติดตามผลครั้งที่ {number}",
        assignee=_core(case),
        form=FOLLOW_UP_FORM,
        allowed_outcomes=[Outcome.acknowledge, Outcome.close],
        due_in_working_days=care_config().follow_up_every_days,
    )


def after_medical_assessment(session: Session, step: HumanStep, _decision: Decision) -> None:
    _require_entry(session, step, "medical")
    case = get_case(session, step.case_id)
    set_status(session, case, CaseStatus.home_visit)
    open_case_step(
        session,
        case,
        kind=HOME_VISIT_STEP,
        key="home-visit",
        what="เยี่ยมบ้าน",
        assignee=_core(case),
        form=HOME_VISIT_FORM,
        allowed_outcomes=[Outcome.acknowledge],
        due_in_working_days=care_config().home_visit_days,
    )


def after_home_visit(session: Session, step: HumanStep, decision: Decision) -> None:
    _require_entry(session, step, "home_visit")
    case = get_case(session, step.case_id)
    notify_parents(session, case, "home_visit")
    if decision.fields.get("conference_needed"):
        set_status(session, case, CaseStatus.case_conference)
        open_case_step(
            session,
            case,
            kind=CONFERENCE_STEP,
            key="conference",
            what="ประชุมรายกรณี",
            assignee=_core(case),
            form=CONFERENCE_FORM,
            allowed_outcomes=[Outcome.acknowledge],
            due_in_working_days=care_config().case_conference_days,
        )
        return
    _require_entry(session, step, "conference_skipped")
    _open_plan(session, case)


def after_conference(session: Session, step: HumanStep, _decision: Decision) -> None:
    _require_entry(session, step, "conference")
    _open_plan(session, get_case(session, step.case_id))


def after_plan(session: Session, step: HumanStep, _decision: Decision) -> None:
    case = get_case(session, step.case_id)
    has_action = session.exec(
        select(PlanAction.id).where(
            PlanAction.case_id == case.id, PlanAction.status == ActionStatus.open
        )
    ).first()
    if has_action is None:
        raise InvalidInput("แผนการดูแลต้องมีกิจกรรมอย่างน้อยหนึ่งรายการ (ผู้รับผิดชอบและกำหนดเสร็จ)")
    set_status(session, case, CaseStatus.follow_up)
    notify_parents(session, case, "plan")
    open_follow_up(session, case)


def after_follow_up(session: Session, step: HumanStep, decision: Decision) -> None:
    _require_entry(session, step, "follow_up")
    case = get_case(session, step.case_id)
    case.follow_ups_done += 1
    session.add(case)
    if Outcome(decision.outcome) == Outcome.close:
        set_status(session, case, CaseStatus.closed)
        notify_parents(session, case, "closed")
        return
    open_follow_up(session, case)


def on_step_closed(session: Session, step: HumanStep, decision: Decision) -> None:
    try:
        module_name, function = STEP_HANDLERS[step.kind].split(":")
    except KeyError:
        raise InvalidInput(f"ไม่รู้จักขั้นตอน {step.kind} ของกรณีดูแลเด็ก") from None
    handler: StepHandler = getattr(importlib.import_module(module_name), function)
    handler(session, step, decision)


def is_finished(session: Session, case_id: int) -> bool:
    case = session.get(ChildCase, case_id)
    return case is None or case.status == CaseStatus.closed


def open_steps_by_kind(session: Session, case_id: int) -> dict[str, HumanStep]:
    steps = session.exec(
        select(HumanStep)
        .where(
            HumanStep.case_type == CASE_TYPE,
            HumanStep.case_id == case_id,
            HumanStep.status == StepStatus.open,
        )
        .order_by(col(HumanStep.id))
    ).all()
    return {step.kind: step for step in steps}
