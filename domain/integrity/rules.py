"""The sealed channel's handling on the engine: who the named officers are, the two steps
(assessment, then the investigation's decision), what each outcome does, and when a report
starts being handled.

Why a report is not handled at once: the engine stamps what it writes (the step's opening,
its audit entry, the officers' mail) with the time. So the submission stores only the sealed
report with its *date*, and a sweep (``open_received``, every few minutes) opens the
assessment for every report waiting: those times are the sweep's, shared by every report of
that batch, and say nothing of when a reporter wrote."""

from datetime import date, datetime

from sqlmodel import Session, col, select

from core.db import utcnow
from domain.engine import audit
from domain.engine.calendar import BANGKOK
from domain.engine.notify import queue_email
from domain.engine.people import holders_of
from domain.engine.registry import Audience
from domain.engine.runs import request_flow_run
from domain.engine.steps import Assignee, open_step, open_steps_of_case
from domain.errors import NotEntitled, NotFound
from domain.integrity.forms import ASSESS_FORM, DECIDE_FORM
from domain.integrity.policy import integrity_policy
from models.integrity import IntegrityOutcome, IntegrityReport, IntegrityStatus
from models.people import Committee, CommitteeMember, Position, User
from models.steps import Decision, HumanStep, Outcome

CASE_TYPE = "integrity-report"
ASSESS_STEP = "integrity-assess"
DECIDE_STEP = "integrity-decide"
FINISHED = frozenset({IntegrityStatus.decided, IntegrityStatus.not_accepted})


def today(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(BANGKOK).date()


def channel_committee(session: Session) -> Committee:
    name = integrity_policy().committee
    found = session.exec(select(Committee).where(Committee.name == name)).first()
    if found is None:
        raise NotFound(f"ยังไม่ได้แต่งตั้ง{name} (ops/seed.py หรือคำสั่งแต่งตั้ง)")
    return found


def named_officer_ids(session: Session) -> frozenset[int]:
    committee = session.exec(
        select(Committee).where(Committee.name == integrity_policy().committee)
    ).first()
    if committee is None:
        return frozenset()
    members = session.exec(
        select(CommitteeMember.user_id).where(CommitteeMember.committee_id == committee.id)
    )
    return frozenset(members)


def require_named_officer(session: Session, user: User) -> None:
    if not user.active or user.id not in named_officer_ids(session):
        raise NotEntitled("เฉพาะเจ้าหน้าที่ผู้รับผิดชอบเรื่องร้องเรียนการทุจริตที่ได้รับแต่งตั้งเท่านั้นที่เข้าถึงเรื่องนี้ได้")


def get_report(session: Session, report_id: int, *, lock: bool = False) -> IntegrityReport:
    query = select(IntegrityReport).where(IntegrityReport.id == report_id)
    report = session.exec(query.with_for_update() if lock else query).first()
    if report is None:
        raise NotFound("ไม่พบเรื่องร้องเรียนการทุจริตนี้")
    return report


def audience(session: Session, case_id: int) -> Audience | None:
    """The named officers alone: ``Workflow.sealed`` keeps the executives out too."""
    if session.get(IntegrityReport, case_id) is None:
        return None
    return Audience(user_ids=named_officer_ids(session))


def is_finished(session: Session, case_id: int) -> bool:
    report = session.get(IntegrityReport, case_id)
    return report is None or report.status in FINISHED


def step_title(report: IntegrityReport, what: str) -> str:
    """Step titles name the report by its internal number, never by content or receipt code."""
    return f"{what} (เรื่องร้องเรียนการทุจริต ทจ. {report.id})"


def open_received(session: Session, *, now: datetime | None = None) -> int:
    """Open the assessment of every report still waiting for one (the intake sweep)."""
    now = now or utcnow()
    waiting = session.exec(
        select(IntegrityReport)
        .where(IntegrityReport.status == IntegrityStatus.received)
        .order_by(col(IntegrityReport.id))
    ).all()
    opened = 0
    for report in waiting:
        key = f"integrity-{report.id}-assess"
        if session.exec(select(HumanStep.id).where(HumanStep.key == key)).first() is not None:
            continue
        audit.record(session, case_type=CASE_TYPE, case_id=report.id, action="integrity_received")  # type: ignore[arg-type]
        open_step(
            session,
            case_type=CASE_TYPE,
            case_id=report.id,  # type: ignore[arg-type]
            key=key,
            title=step_title(report, "พิจารณารับหรือไม่รับเรื่องไว้ตรวจสอบ"),
            assignee=Assignee.committee(channel_committee(session).id),  # type: ignore[arg-type]
            kind=ASSESS_STEP,
            form=ASSESS_FORM,
            allowed_outcomes=[Outcome.receive, Outcome.decline],
            due_in_working_days=integrity_policy().assess_working_days,
            now=now,
        )
        request_flow_run(
            session,
            case_type=CASE_TYPE,
            case_id=report.id,
            parameters={"report_id": report.id},  # type: ignore[arg-type]
        )
        opened += 1
    return opened


def on_step_closed(session: Session, step: HumanStep, decision: Decision) -> None:
    report = get_report(session, step.case_id, lock=True)
    outcome = Outcome(decision.outcome)
    if step.kind == ASSESS_STEP and outcome == Outcome.receive:
        report.status = IntegrityStatus.investigating
        open_step(
            session,
            case_type=CASE_TYPE,
            case_id=step.case_id,
            key=f"integrity-{report.id}-decide",
            title=step_title(report, "ตรวจสอบข้อเท็จจริงและสรุปผล"),
            assignee=Assignee.committee(step.committee_id),  # type: ignore[arg-type]
            kind=DECIDE_STEP,
            form=DECIDE_FORM,
            allowed_outcomes=[Outcome.substantiated, Outcome.unsubstantiated],
            due_in_working_days=integrity_policy().investigate_working_days,
        )
    elif step.kind == ASSESS_STEP:
        report.status = IntegrityStatus.not_accepted
        report.outcome = IntegrityOutcome.not_accepted
        report.decided_on = today()
    elif step.kind == DECIDE_STEP:
        report.status = IntegrityStatus.decided
        report.outcome = IntegrityOutcome(outcome.value)
        report.action_stage = (decision.fields or {}).get("action_stage")
        report.decided_on = today()
    session.add(report)
    audit.record(
        session,
        case_type=CASE_TYPE,
        case_id=step.case_id,
        action="integrity_status",
        detail={"status": report.status, "outcome": report.outcome},
    )
    if report.status in FINISHED:
        tell_executives(session, report)


def tell_executives(session: Session, report: IntegrityReport) -> None:
    """The result goes to the executives: outcome and stage of action, no identity, no text."""
    for name in integrity_policy().result_to_positions:
        for person in holders_of(session, Position(name)):
            queue_email(
                session,
                dedupe_key=f"integrity-result:{report.id}:{person.id}",
                to=person.email,
                template="integrity_result",
                context={"report": report, "person": person},
                case_type=CASE_TYPE,
                case_id=report.id,
            )


def open_step_of(session: Session, report_id: int) -> HumanStep | None:
    steps = open_steps_of_case(session, case_type=CASE_TYPE, case_id=report_id)
    return steps[0] if steps else None
