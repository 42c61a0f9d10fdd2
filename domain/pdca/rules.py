"""The plan's rules: the status table, approval up the engine's chain to the mayor (whose
approval announces and publishes the plan), and the tracked entry in the national system
(E-PlanNACC) by its deadline.

Every import or revision is a new version of the plan's series (``anticorruption-2566-2570``)
that names the version it follows; making versions is ``rules_versions``'s. A version that was
approved keeps its approver when a later one replaces it (status ``superseded``); while a
version is being approved no other can be made."""

from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, col, select

from core.db import utcnow
from core.settings import get_settings
from domain.engine import audit
from domain.engine.calendar import BANGKOK, fiscal_year, fiscal_year_bounds, thai_date_text
from domain.engine.chains import (
    LEVEL_STEP,
    ORIGINATOR,
    REVISION_STEP,
    Chain,
    Level,
    chain_named,
    walk,
)
from domain.engine.notify import queue_email
from domain.engine.registry import Audience
from domain.engine.runs import request_flow_run
from domain.engine.statemachine import Transitions
from domain.engine.steps import Assignee, cancel_open_steps, open_step
from domain.engine.visibility import can_view
from domain.errors import Conflict, InvalidInput, NotEntitled, NotFound
from domain.pdca.forms import ENACC_FORM, TOP_LEVEL_FORM
from models.pdca import (
    Plan,
    PlanProject,
    PlanStatus,
)
from models.people import Division, Position, User
from models.steps import Decision, HumanStep, Outcome, StepStatus

CASE_TYPE = "pdca-plan"
CHAIN = "pdca-plan"
OWNER_DIVISION = "กย."
"""กองยุทธศาสตร์และงบประมาณ owns the plan: imports, revises, submits, records it in E-PlanNACC."""
ENACC_STEP = "enacc-submission"
"""Step kind: the plan's entry in E-PlanNACC, by the Strategy and Budget officers."""
ENACC_DUE_TIME = time(16, 30)
"""A deadline date ends when the office closes."""

TRANSITIONS = Transitions(
    {
        PlanStatus.draft: frozenset({PlanStatus.in_review, PlanStatus.discarded}),
        PlanStatus.in_review: frozenset(
            {PlanStatus.approved, PlanStatus.rejected, PlanStatus.withdrawn}
        ),
        PlanStatus.approved: frozenset({PlanStatus.superseded}),
    }
)
REVISABLE = frozenset(
    {PlanStatus.approved, PlanStatus.rejected, PlanStatus.withdrawn, PlanStatus.superseded}
)


def default_name(first_year: int, last_year: int) -> str:
    return (
        "แผนปฏิบัติการป้องกันการทุจริตเพื่อยกระดับคุณธรรมและความโปร่งใส"
        f"ของเทศบาลนครขอนแก่น (พ.ศ. {first_year}–{last_year})"
    )


def series_for(first_year: int, last_year: int) -> str:
    return f"anticorruption-{first_year}-{last_year}"


def owner_division(session: Session) -> Division:
    division = session.exec(select(Division).where(Division.code == OWNER_DIVISION)).first()
    if division is None:
        raise NotFound(f"ไม่พบหน่วยงาน {OWNER_DIVISION} ผู้รับผิดชอบแผน")
    return division


def check_owner(session: Session, user: User) -> Division:
    """Only the Strategy and Budget division prepares the plan."""
    division = owner_division(session)
    if not user.active or user.division_id != division.id:
        raise NotEntitled(f"เฉพาะบุคลากร{division.name}จัดทำ ปรับปรุง และเสนอแผนได้")
    return division


def get_plan(session: Session, plan_id: int, *, lock: bool = False) -> Plan:
    plan = session.get(Plan, plan_id, with_for_update=lock)
    if plan is None:
        raise NotFound("ไม่พบแผนนี้")
    return plan


def chain_of(session: Session, case_id: int) -> Chain:
    return chain_named(get_settings().chains_file, get_plan(session, case_id).chain)


def versions_of(session: Session, series: str) -> list[Plan]:
    """Every version of a series, newest first."""
    return list(
        session.exec(select(Plan).where(Plan.series == series).order_by(col(Plan.version).desc()))
    )


def current_plan(session: Session, series: str | None = None) -> Plan | None:
    """The plan in force: the approved version (of ``series``, or the one whose years reach
    furthest)."""
    query = select(Plan).where(Plan.status == PlanStatus.approved)
    if series is not None:
        query = query.where(Plan.series == series)
    return session.exec(
        query.order_by(col(Plan.fiscal_year_to).desc(), col(Plan.version).desc())
    ).first()


def _record(
    session: Session, plan: Plan, action: str, actor: User | None, **detail: object
) -> None:
    audit.record(
        session,
        case_type=CASE_TYPE,
        case_id=plan.id,  # type: ignore[arg-type]
        action=action,
        actor=actor,
        detail={"version": plan.version, **detail},
        public=True,
    )


# --------------------------------------------------------------------------- approval


def submit(session: Session, plan: Plan, *, actor: User) -> Plan:
    """Send a draft up its chain: the working committee first. Only the latest version of its
    series, with at least one project."""
    check_owner(session, actor)
    latest = versions_of(session, plan.series)[0]
    if latest.id != plan.id:
        raise Conflict(f"มีแผนฉบับที่ {latest.version} ที่ใหม่กว่าแล้ว")
    has_projects = session.exec(
        select(PlanProject.id).where(PlanProject.plan_id == plan.id).limit(1)
    ).first()
    if has_projects is None:
        raise InvalidInput("แผนนี้ยังไม่มีโครงการ")
    plan.status = TRANSITIONS.check(plan.status, PlanStatus.in_review)
    plan.submitted_by_id = actor.id
    plan.submitted_at = utcnow()
    session.add(plan)
    _record(session, plan, "pdca_plan_submitted", actor, name=plan.name)
    chain = chain_named(get_settings().chains_file, plan.chain)
    _open_level(session, plan, chain, chain.first())
    request_flow_run(
        session,
        case_type=CASE_TYPE,
        case_id=plan.id,  # type: ignore[arg-type]
        parameters={"plan_id": plan.id},
    )
    return plan


def step_key(plan: Plan, what: str, round: int | None = None) -> str:
    return f"pdca-plan-{plan.id}-{what}" + (f"-r{round}" if round is not None else "")


def _title(plan: Plan, what: str) -> str:
    return f"{what}: {plan.name} ฉบับที่ {plan.version}"


def _open_level(session: Session, plan: Plan, chain: Chain, level: Level) -> HumanStep:
    top = chain.after(level.key) is None
    round = plan.returns_count + 1
    return open_step(
        session,
        case_type=CASE_TYPE,
        case_id=plan.id,  # type: ignore[arg-type]
        key=step_key(plan, level.key, round),
        title=_title(plan, f"{level.title}{'อนุมัติและประกาศใช้' if top else 'พิจารณา'}"),
        assignee=level.assignee(session, division_id=plan.division_id),
        form=TOP_LEVEL_FORM if top else "chain-decision",
        allowed_outcomes=list(level.outcomes),
        due_in_working_days=level.due_working_days,
        kind=LEVEL_STEP,
        level=level.key,
        round=round,
    )


def _open_revision(session: Session, plan: Plan) -> HumanStep:
    """Back to the officer who submitted it: correct (a new file may replace the content),
    then resubmit (approve) or withdraw (reject)."""
    round = plan.returns_count + 1
    return open_step(
        session,
        case_type=CASE_TYPE,
        case_id=plan.id,  # type: ignore[arg-type]
        key=step_key(plan, ORIGINATOR, round),
        title=_title(plan, "แก้ไขแผนและเสนอใหม่"),
        assignee=Assignee.person(plan.submitted_by_id),  # type: ignore[arg-type]
        form="chain-decision",
        allowed_outcomes=[Outcome.approve, Outcome.reject],
        due_in_working_days=5,
        kind=REVISION_STEP,
        level=ORIGINATOR,
        round=round,
    )


def enacc_deadline(session: Session, plan: Plan, approved_on: date) -> date:
    """When the plan must be in E-PlanNACC: 30 September before its first fiscal year (the
    2566–2570 plan: 30 ก.ย. 2565). A revision approved once an earlier version was in force:
    by the 30 September that ends the fiscal year it was approved in."""
    statutory = fiscal_year_bounds(plan.fiscal_year_from)[0] - timedelta(days=1)
    earlier = session.exec(
        select(Plan.id).where(
            Plan.series == plan.series,
            Plan.id != plan.id,
            col(Plan.approved_at).is_not(None),
        )
    ).first()
    if earlier is None or approved_on <= statutory:
        return statutory
    return fiscal_year_bounds(fiscal_year(approved_on))[1]


def _open_enacc(session: Session, plan: Plan, now: datetime) -> HumanStep:
    """The tracked entry in E-PlanNACC, for the Strategy and Budget officers, due at the close
    of its deadline date."""
    assert plan.enacc_due_on is not None
    due_at = datetime.combine(plan.enacc_due_on, ENACC_DUE_TIME, tzinfo=BANGKOK).astimezone(UTC)
    return open_step(
        session,
        case_type=CASE_TYPE,
        case_id=plan.id,  # type: ignore[arg-type]
        key=step_key(plan, "enacc"),
        title=_title(plan, f"บันทึกแผนในระบบ E-PlanNACC ภายใน {thai_date_text(plan.enacc_due_on)}"),
        assignee=Assignee.holder_of(Position.officer, plan.division_id),
        form=ENACC_FORM,
        allowed_outcomes=[Outcome.acknowledge],
        due_at=due_at,  # the date the law sets, not a count of working days
        kind=ENACC_STEP,
        now=now,
    )


def on_step_closed(session: Session, step: HumanStep, decision: Decision) -> None:
    plan = get_plan(session, step.case_id, lock=True)
    if step.kind == ENACC_STEP:
        _record_enacc(session, plan, decision)
        return
    chain = chain_named(get_settings().chains_file, plan.chain)
    outcome = Outcome(str(step.outcome))
    return_to = None
    if outcome is Outcome.return_for_revision:
        # A committee's send-back is the majority's; the closing vote may not carry a target.
        # The committee is the first level, so the only place below it is the originator.
        return_to = str(decision.fields.get("return_to") or ORIGINATOR)
    move = walk(
        chain, step_kind=step.kind, level_key=step.level, outcome=outcome, return_to=return_to
    )
    if move.finish is not None:
        _finish(session, plan, PlanStatus(move.finish), decision)
        return
    if outcome is Outcome.return_for_revision:
        plan.returns_count += 1
        session.add(plan)
        _record(session, plan, "pdca_plan_returned", None, **{"from": step.level, "to": return_to})
    if move.revise:
        _open_revision(session, plan)
    elif move.open_level is not None:
        if step.kind == REVISION_STEP:
            _record(session, plan, "pdca_plan_resubmitted", None)
        _open_level(session, plan, chain, move.open_level)


def _finish(session: Session, plan: Plan, status: PlanStatus, decision: Decision) -> None:
    now = utcnow()
    plan.status = TRANSITIONS.check(plan.status, status)
    if status is PlanStatus.approved:
        announced = decision.fields.get("announced_on")
        plan.approved_by_id = decision.principal_user_id
        plan.approved_at = decision.decided_at
        plan.announced_on = (
            date.fromisoformat(str(announced))
            if announced
            else decision.decided_at.astimezone(BANGKOK).date()
        )
        plan.published_at = now
        plan.enacc_due_on = enacc_deadline(
            session, plan, decision.decided_at.astimezone(BANGKOK).date()
        )
        for earlier in session.exec(
            select(Plan).where(
                Plan.series == plan.series,
                Plan.id != plan.id,
                Plan.status == PlanStatus.approved,
            )
        ):
            earlier.status = TRANSITIONS.check(earlier.status, PlanStatus.superseded)
            earlier.finished_at = earlier.finished_at or now
            session.add(earlier)
            cancel_open_steps(
                session,
                case_type=CASE_TYPE,
                case_id=earlier.id,  # type: ignore[arg-type]
                reason=f"แทนที่ด้วยแผนฉบับที่ {plan.version}",
            )
            _record(session, earlier, "pdca_plan_superseded", None, by_version=plan.version)
    else:
        plan.finished_at = now
    session.add(plan)
    session.flush()
    _record(
        session,
        plan,
        f"pdca_plan_{status.value}",
        None,
        decision_id=decision.id,
        approved_by=plan.approved_by_id,
        announced_on=plan.announced_on.isoformat() if plan.announced_on else None,
    )
    if status is PlanStatus.approved:
        _open_enacc(session, plan, now)
        _record(
            session,
            plan,
            "pdca_enacc_due",
            None,
            due_on=plan.enacc_due_on.isoformat(),  # type: ignore[union-attr]
        )
    submitter = session.get(User, plan.submitted_by_id)
    if submitter is not None:
        queue_email(
            session,
            dedupe_key=f"pdca-plan-finished:{plan.id}",
            to=submitter.email,
            template="pdca_plan_finished",
            context={"plan": plan, "person": submitter, "decision": decision},
            case_type=CASE_TYPE,
            case_id=plan.id,
        )


def _record_enacc(session: Session, plan: Plan, decision: Decision) -> None:
    submitted = date.fromisoformat(str(decision.fields["submitted_on"]))
    today = decision.decided_at.astimezone(BANGKOK).date()
    if submitted > today:
        raise InvalidInput("วันที่บันทึกในระบบ E-PlanNACC ต้องไม่เกินวันนี้", field="submitted_on")
    if plan.approved_at is not None and submitted < plan.approved_at.astimezone(BANGKOK).date():
        if plan.announced_on is None or submitted < plan.announced_on:
            raise InvalidInput(
                "วันที่บันทึกในระบบ E-PlanNACC ต้องไม่ก่อนวันที่ประกาศใช้แผน", field="submitted_on"
            )
    plan.enacc_submitted_on = submitted
    plan.enacc_reference = decision.fields.get("reference") or None
    plan.enacc_recorded_by_id = decision.principal_user_id
    plan.finished_at = utcnow()
    session.add(plan)
    late = plan.enacc_due_on is not None and submitted > plan.enacc_due_on
    _record(
        session,
        plan,
        "pdca_enacc_recorded",
        None,
        submitted_on=submitted.isoformat(),
        due_on=plan.enacc_due_on.isoformat() if plan.enacc_due_on else None,
        late=late,
        reference=plan.enacc_reference,
    )


def enacc_step(session: Session, plan: Plan) -> HumanStep | None:
    """The plan's E-PlanNACC step, open or done."""
    return session.exec(
        select(HumanStep).where(
            HumanStep.case_type == CASE_TYPE,
            HumanStep.case_id == plan.id,
            HumanStep.kind == ENACC_STEP,
        )
    ).first()


def open_enacc_step(session: Session, plan: Plan) -> HumanStep:
    step = enacc_step(session, plan)
    if step is None or step.status != StepStatus.open:
        raise Conflict("แผนนี้ไม่มีขั้นตอนบันทึกในระบบ E-PlanNACC ที่รอดำเนินการ")
    return step


# --------------------------------------------------------------------------- the engine's hooks


def audience(session: Session, case_id: int) -> Audience | None:
    """The Strategy and Budget division (the plan's own) and whoever made or submitted it;
    the executives see every case (``domain.engine.visibility``)."""
    plan = session.get(Plan, case_id)
    if plan is None:
        return None
    people = {plan.created_by_id} | ({plan.submitted_by_id} if plan.submitted_by_id else set())
    return Audience(user_ids=frozenset(people), division_ids=frozenset({plan.division_id}))


def is_finished(session: Session, case_id: int) -> bool:
    """Done once decided, and for an approved plan once it is recorded in E-PlanNACC."""
    plan = session.get(Plan, case_id)
    if plan is None:
        return True
    if plan.status == PlanStatus.approved:
        return plan.enacc_submitted_on is not None
    return plan.status != PlanStatus.in_review


PUBLIC_STATUSES = frozenset({PlanStatus.approved, PlanStatus.superseded})
"""Versions every officer may read (and the public page shows the approved one)."""


def may_read(session: Session, user: User, plan: Plan) -> bool:
    """Published versions: every officer; the others: the plan's audience (the engine's rule)."""
    return plan.status in PUBLIC_STATUSES or can_view(
        session,
        user=user,
        case_type=CASE_TYPE,
        case_id=plan.id,  # type: ignore[arg-type]
    )


def readable_plan(session: Session, user: User, plan_id: int) -> Plan:
    plan = get_plan(session, plan_id)
    if not may_read(session, user, plan):
        raise NotEntitled("ท่านไม่มีสิทธิ์ดูแผนฉบับนี้")
    return plan
