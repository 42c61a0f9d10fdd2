"""The consolidated report's rules (Check): Strategy and Budget (กย.) prepares it (problems and
suggestions) and submits it by deciding its step; the chain ``[pdca-report]`` (the Strategy and
Budget director, the permanent secretary, the mayor) is walked with the engine's ``walk``; a
level may send it back to a lower level or to the officers of กย., who correct and resubmit.
The mayor's approval publishes it (public page, CSV, JSON) and mails it to the executives.

These steps belong to the round's case (case type ``pdca-round``, case id = the round's id);
the round's ``on_step_closed`` hands steps of ``REPORT_KINDS`` to ``on_report_step_closed``."""

from datetime import date

from sqlmodel import Session, select

from core.db import utcnow
from core.settings import get_settings
from domain.engine import audit
from domain.engine.calendar import BANGKOK
from domain.engine.chains import LEVEL_STEP, ORIGINATOR, Chain, Level, chain_named, walk
from domain.engine.notify import queue_email
from domain.engine.people import holders_of
from domain.engine.runs import request_flow_run
from domain.engine.statemachine import Transitions
from domain.engine.steps import Assignee, open_step
from domain.errors import Conflict, InvalidInput, NotFound
from domain.pdca.consolidate import Counts, consolidate, percent_text
from domain.pdca.consolidate_forms import SUBMISSION_FORM, TEXT_LIMIT
from domain.pdca.forms import ENACC_FORM
from domain.pdca.money import baht_text
from domain.pdca.rules import check_owner, owner_division
from models.pdca import Plan
from models.pdca_report import ConsolidatedReport, ConsolidatedStatus
from models.pdca_round import ProjectStatus, ReportingRound, RoundKind, RoundSource
from models.people import Position, User
from models.steps import CaseRun, Decision, HumanStep, Outcome, StepStatus

ROUND_CASE_TYPE = "pdca-round"
"""The round's case type (domain/pdca/rounds*.py); the report's steps are the round's."""
CHAIN = "pdca-report"
PREPARE_STEP = "report-prepare"
"""Step kind: กย. officers write problems and suggestions and submit (again after a return)."""
REPORT_LEVEL_STEP = "report-level"
"""Step kind: a level of the ``[pdca-report]`` chain."""
ENACC_RESULTS_STEP = "report-enacc"
"""Strategy and Budget enters the published results in E-PlanNACC, as it entered the plan."""
ENACC_RESULTS_WORKING_DAYS = 15
"""The seeds set no date for entering results in E-PlanNACC: three weeks after publication."""
REPORT_KINDS = frozenset({PREPARE_STEP, REPORT_LEVEL_STEP, ENACC_RESULTS_STEP})
PREPARE_DUE_WORKING_DAYS = 10
EXECUTIVE_POSITIONS = (Position.mayor, Position.deputy_mayor, Position.permanent_secretary)
"""Who receives the published report (คณะผู้บริหาร), as the complaints' monthly report."""

TRANSITIONS = Transitions(
    {
        ConsolidatedStatus.draft: frozenset({ConsolidatedStatus.in_review}),
        ConsolidatedStatus.in_review: frozenset(
            {ConsolidatedStatus.approved, ConsolidatedStatus.returned}
        ),
        ConsolidatedStatus.returned: frozenset({ConsolidatedStatus.in_review}),
        ConsolidatedStatus.approved: frozenset({ConsolidatedStatus.published}),
    }
)
EDITABLE = frozenset({ConsolidatedStatus.draft, ConsolidatedStatus.returned})

EVENT_TITLES = {
    "pdca_report_started": "เริ่มจัดทำรายงานสรุปผลการดำเนินงาน",
    "pdca_report_saved": "บันทึกปัญหาอุปสรรคและข้อเสนอแนะ",
    "pdca_report_submitted": "เสนอรายงานสรุปผลการดำเนินงาน",
    "pdca_report_returned": "ส่งรายงานสรุปผลกลับแก้ไข",
    "pdca_report_published": "นายกเทศมนตรีเห็นชอบ เผยแพร่และส่งรายงานสรุปผลถึงผู้บริหาร",
    "pdca_report_enacc_recorded": "บันทึกรายงานผลการดำเนินงานในระบบ E-PlanNACC แล้ว",
}


def round_title(round_: ReportingRound) -> str:
    return f"{RoundKind(round_.kind).thai} ปีงบประมาณ พ.ศ. {round_.fiscal_year}"


def get_round(session: Session, round_id: int, *, lock: bool = False) -> ReportingRound:
    found = session.get(ReportingRound, round_id, with_for_update=lock)
    if found is None:
        raise NotFound("ไม่พบรอบการรายงานนี้")
    return found


def _record(
    session: Session, round_: ReportingRound, action: str, actor: User | None, **detail: object
) -> None:
    audit.record(
        session,
        case_type=ROUND_CASE_TYPE,
        case_id=round_.id,  # type: ignore[arg-type]
        action=action,
        actor=actor,
        detail=detail,
        public=True,
    )


def report_for(session: Session, round_id: int) -> ConsolidatedReport:
    report = session.exec(
        select(ConsolidatedReport).where(ConsolidatedReport.round_id == round_id)
    ).first()
    if report is None:
        raise NotFound("รอบนี้ยังไม่ได้เริ่มจัดทำรายงานสรุปผล")
    return report


def _step_key(round_: ReportingRound, what: str, round_no: int) -> str:
    return f"pdca-round-{round_.id}-report-{what}-r{round_no}"


def _open_prepare(session: Session, round_: ReportingRound, report: ConsolidatedReport) -> None:
    division = owner_division(session)
    open_step(
        session,
        case_type=ROUND_CASE_TYPE,
        case_id=round_.id,  # type: ignore[arg-type]
        key=_step_key(round_, "prepare", report.returns_count + 1),
        title=f"จัดทำและเสนอรายงานสรุปผลการดำเนินงาน {round_title(round_)}",
        assignee=Assignee.holder_of(Position.officer, division.id),
        form=SUBMISSION_FORM,
        allowed_outcomes=[Outcome.approve],
        due_in_working_days=PREPARE_DUE_WORKING_DAYS,
        kind=PREPARE_STEP,
        round=report.returns_count + 1,
    )


def _open_level(
    session: Session, round_: ReportingRound, report: ConsolidatedReport, level: Level
) -> None:
    top = chain_named(get_settings().chains_file, CHAIN).after(level.key) is None
    what = "เห็นชอบและเผยแพร่" if top else "พิจารณา"
    open_step(
        session,
        case_type=ROUND_CASE_TYPE,
        case_id=round_.id,  # type: ignore[arg-type]
        key=_step_key(round_, level.key, report.returns_count + 1),
        title=f"{level.title}{what}รายงานสรุปผลการดำเนินงาน {round_title(round_)}",
        assignee=level.assignee(session, division_id=owner_division(session).id),  # type: ignore[arg-type]
        form="chain-decision",
        allowed_outcomes=list(level.outcomes),
        due_in_working_days=level.due_working_days,
        kind=REPORT_LEVEL_STEP,
        level=level.key,
        round=report.returns_count + 1,
    )


def _follow(session: Session, round_: ReportingRound) -> None:
    """The round's flow follows the report's steps: asked for, or asked again if it ended."""
    if not request_flow_run(
        session,
        case_type=ROUND_CASE_TYPE,
        case_id=round_.id,  # type: ignore[arg-type]
        parameters={"round_id": round_.id},
    ):
        run = session.exec(
            select(CaseRun).where(
                CaseRun.case_type == ROUND_CASE_TYPE, CaseRun.case_id == round_.id
            )
        ).one()
        if run.finished:
            run.finished = False
            run.updated_at = utcnow()
            session.add(run)


def start(
    session: Session, round_: ReportingRound, *, actor: User | None
) -> ConsolidatedReport | None:
    """Begin the round's report (once): a draft and the กย. officers' step to submit it; by an
    officer of กย., or (``actor`` None) when the round completes. A history round was published
    before the system: it is consolidated, not approved again (None)."""
    if actor is not None:
        check_owner(session, actor)
    if RoundSource(round_.source) is RoundSource.history:
        if actor is None:
            return None
        raise Conflict("รอบที่นำเข้าจากรายงานย้อนหลังเผยแพร่แล้ว ไม่ต้องเสนออนุมัติอีก")
    existing = session.exec(
        select(ConsolidatedReport).where(ConsolidatedReport.round_id == round_.id)
    ).first()
    if existing is not None:
        return existing
    report = ConsolidatedReport(round_id=round_.id, created_by_id=actor.id if actor else None)  # type: ignore[arg-type]
    session.add(report)
    session.flush()
    _open_prepare(session, round_, report)
    _record(session, round_, "pdca_report_started", actor)
    _follow(session, round_)
    return report


def save_text(
    session: Session, round_: ReportingRound, *, actor: User, problems: str, suggestions: str
) -> ConsolidatedReport:
    """กย. writes problems and suggestions while the report is a draft or sent back."""
    check_owner(session, actor)
    report = report_for(session, round_.id)  # type: ignore[arg-type]
    if ConsolidatedStatus(report.status) not in EDITABLE:
        raise Conflict("แก้ไขได้เฉพาะรายงานฉบับร่างหรือที่ถูกส่งกลับแก้ไข")
    for text, label in ((problems, "ปัญหาและอุปสรรค"), (suggestions, "ข้อเสนอแนะ")):
        if len(text) > TEXT_LIMIT:
            raise InvalidInput(f"{label}ยาวเกิน {TEXT_LIMIT:,} ตัวอักษร")
    report.problems, report.suggestions = problems.strip(), suggestions.strip()
    session.add(report)
    _record(session, round_, "pdca_report_saved", actor)
    return report


def _submitted(
    session: Session, round_: ReportingRound, report: ConsolidatedReport, decision: Decision
) -> None:
    fields = decision.fields
    report.problems = str(fields.get("problems") or report.problems).strip()
    report.suggestions = str(fields.get("suggestions") or report.suggestions).strip()
    report.status = TRANSITIONS.check(report.status, ConsolidatedStatus.in_review)
    report.submitted_by_id = decision.principal_user_id
    report.submitted_at = decision.decided_at
    session.add(report)
    _record(session, round_, "pdca_report_submitted", None, decision_id=decision.id)
    chain = chain_named(get_settings().chains_file, report.chain)
    _open_level(session, round_, report, chain.first())


def on_report_step_closed(session: Session, step: HumanStep, decision: Decision) -> None:
    """The round's ``on_step_closed`` for the report's steps."""
    round_ = get_round(session, step.case_id, lock=True)
    report = report_for(session, round_.id)  # type: ignore[arg-type]
    if step.kind == PREPARE_STEP:
        _submitted(session, round_, report, decision)
        return
    if step.kind == ENACC_RESULTS_STEP:
        report.enacc_submitted_on = date.fromisoformat(str(decision.fields["submitted_on"]))
        report.enacc_reference = decision.fields.get("reference")
        session.add(report)
        _record(
            session,
            round_,
            "pdca_report_enacc_recorded",
            None,
            submitted_on=report.enacc_submitted_on,
            reference=report.enacc_reference,
        )
        return
    chain: Chain = chain_named(get_settings().chains_file, report.chain)
    outcome = Outcome(str(step.outcome))
    return_to = None
    if outcome is Outcome.return_for_revision:
        return_to = str(decision.fields.get("return_to") or ORIGINATOR)
    move = walk(
        chain, step_kind=LEVEL_STEP, level_key=step.level, outcome=outcome, return_to=return_to
    )
    if move.finish == "approved":
        publish(session, round_, report, decision)
        return
    if outcome is Outcome.return_for_revision:
        report.returns_count += 1
        _record(
            session, round_, "pdca_report_returned", None, **{"from": step.level, "to": return_to}
        )
    if move.revise:
        report.status = TRANSITIONS.check(report.status, ConsolidatedStatus.returned)
        session.add(report)
        _open_prepare(session, round_, report)
    elif move.open_level is not None:
        session.add(report)
        _open_level(session, round_, report, move.open_level)


def executives(session: Session) -> list[User]:
    found = [u for p in EXECUTIVE_POSITIONS for u in holders_of(session, p)]
    return [u for u in found if u.email]


def publish(
    session: Session, round_: ReportingRound, report: ConsolidatedReport, decision: Decision
) -> None:
    """The mayor approved: published (public page, CSV, JSON) and mailed to the executives."""
    now = utcnow()
    report.status = TRANSITIONS.check(report.status, ConsolidatedStatus.approved)
    report.approved_by_id = decision.principal_user_id
    report.approved_at = decision.decided_at
    report.status = TRANSITIONS.check(report.status, ConsolidatedStatus.published)
    report.published_by_id = decision.principal_user_id
    report.published_at = now
    session.add(report)
    session.flush()
    today = decision.decided_at.astimezone(BANGKOK).date()
    _mail_executives(session, round_, report, today)
    report.mailed_at = now
    session.add(report)
    _record(
        session,
        round_,
        "pdca_report_published",
        None,
        decision_id=decision.id,
        approved_by=report.approved_by_id,
    )
    _open_enacc_results(session, round_)


def _open_enacc_results(session: Session, round_: ReportingRound) -> None:
    """The tracked entry of the published results in E-PlanNACC, for the officers of กย.;
    the file to upload is the report's CSV, linked on the step's page."""
    open_step(
        session,
        case_type=ROUND_CASE_TYPE,
        case_id=round_.id,  # type: ignore[arg-type]
        key=_step_key(round_, "enacc", 1),
        title=f"บันทึกรายงานผลการดำเนินงาน {round_title(round_)} ในระบบ E-PlanNACC",
        assignee=Assignee.holder_of(Position.officer, owner_division(session).id),
        form=ENACC_FORM,
        allowed_outcomes=[Outcome.acknowledge],
        due_in_working_days=ENACC_RESULTS_WORKING_DAYS,
        kind=ENACC_RESULTS_STEP,
    )


def _mail_executives(
    session: Session, round_: ReportingRound, report: ConsolidatedReport, today: date
) -> None:
    figures = consolidate(session, round_, today=today)
    plan = session.get(Plan, round_.plan_id)
    base = get_settings().public_base_url
    for person in executives(session):
        queue_email(
            session,
            dedupe_key=f"pdca-report-published:{report.id}:{person.id}",
            to=person.email,
            template="pdca_report_published",
            context={
                "person": person,
                "plan_name": plan.name if plan else "",
                "round_title": round_title(round_),
                "overall": _mail_counts(figures.overall),
                "dimensions": [_mail_counts(d) for d in figures.dimensions],
                "indicators": f"{figures.indicators_met} จาก {figures.indicators_total} ตัวชี้วัด",
                "anomalies": [f"{a.title}: {a.division} {a.detail}" for a in figures.anomalies],
                "problems": report.problems,
                "suggestions": report.suggestions,
                "approved_at": report.approved_at,
                "public_url": f"{base}/pdca/rounds/{round_.id}/report",
                "page_url": f"{base}/pages/pdca/rounds/{round_.id}/report",
            },
            case_type=ROUND_CASE_TYPE,
            case_id=round_.id,
        )


def _mail_counts(c: Counts) -> dict[str, str]:
    """A group's figures as the mail shows them (the mail's templates format nothing)."""
    return {
        "title": c.title,
        "projects": str(c.projects),
        "completed": str(c.by_status[ProjectStatus.completed]),
        "in_progress": str(c.by_status[ProjectStatus.in_progress]),
        "not_done": str(c.by_status[ProjectStatus.not_done]),
        "awaiting": str(c.by_status[ProjectStatus.awaiting]),
        "budget": baht_text(c.budget_satang),
        "disbursed": baht_text(c.disbursed_satang),
        "disbursed_share": percent_text(c.disbursed_share),
        "practice_share": percent_text(c.practice_share),
    }


def pending(session: Session, round_id: int) -> bool:
    """Whether the round's report is started and not yet published, or published and not yet
    entered in E-PlanNACC (its case is not done)."""
    report = session.exec(
        select(ConsolidatedReport).where(ConsolidatedReport.round_id == round_id)
    ).first()
    if report is None:
        return False
    if ConsolidatedStatus(report.status) is not ConsolidatedStatus.published:
        return True
    waiting = session.exec(
        select(HumanStep.id).where(
            HumanStep.case_type == ROUND_CASE_TYPE,
            HumanStep.case_id == round_id,
            HumanStep.kind == ENACC_RESULTS_STEP,
            HumanStep.status == StepStatus.open,
        )
    ).first()
    return waiting is not None
