"""The Do (D): reporting rounds of the approved plan. Opening a round (6 months: data as of 31
March, due within April; 12 months: as of 30 September, due within October) asks every
division responsible for projects of the plan for its report: one ``DivisionReport`` with one
``ProjectResult`` per project, and a human step for the division's officers due on the round's
due date. The officers fill the results (``rounds_entry``) and submit; the division's director
approves the report (only then does it count) or sends it back to be corrected and submitted
again (config/chains.toml [pdca-round]). Divisions that have not reported by the due date are
chased (``rounds_chase``); the engine reminds before the date as for every step.

The round is the case (case type ``pdca-round``): its steps are the divisions' (each step names
its division), its audit timeline is the round's, and one flow run follows it."""

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from core.db import utcnow
from core.settings import get_settings
from domain.engine import audit
from domain.engine.calendar import BANGKOK, thai_date_text
from domain.engine.chains import LEVEL_STEP, ORIGINATOR, Chain, chain_named, walk
from domain.engine.deadlines import working_calendar
from domain.engine.registry import Audience
from domain.engine.runs import request_flow_run
from domain.engine.statemachine import Transitions
from domain.engine.steps import Assignee, open_step
from domain.errors import Conflict, InvalidInput, NotFound
from domain.pdca.act_kinds import ACT_STEP_KINDS
from domain.pdca.act_kinds import pending as act_pending
from domain.pdca.consolidate_rules import REPORT_KINDS, on_report_step_closed
from domain.pdca.consolidate_rules import pending as report_pending
from domain.pdca.consolidate_rules import start as start_consolidated_report
from domain.pdca.rounds_policy import RoundPolicy, round_policy
from domain.pdca.rounds_results import check_complete
from domain.pdca.rules import check_owner
from models.pdca import Plan, PlanProject, PlanStatus, ProjectBudget
from models.pdca_round import (
    DivisionReport,
    ProjectResult,
    ReportingRound,
    ReportSource,
    ReportStatus,
    RoundKind,
    RoundSource,
    RoundStatus,
)
from models.people import Division, Position, User
from models.steps import Decision, HumanStep, Outcome

CASE_TYPE = "pdca-round"
CHAIN = "pdca-round"
REPORT_STEP = "division-report"
"""Step kind: the division's officers report its projects and submit."""

REPORT_TRANSITIONS = Transitions(
    {
        ReportStatus.requested: frozenset({ReportStatus.submitted}),
        ReportStatus.submitted: frozenset({ReportStatus.approved, ReportStatus.returned}),
        ReportStatus.returned: frozenset({ReportStatus.submitted}),
    }
)
EDITABLE = frozenset({ReportStatus.requested, ReportStatus.returned})
"""A report the division may still change: not yet submitted, or sent back."""


def round_title(rnd: ReportingRound) -> str:
    return f"รายงานผลการดำเนินงาน{RoundKind(rnd.kind).thai} ปีงบประมาณ พ.ศ. {rnd.fiscal_year}"


def chain() -> Chain:
    return chain_named(get_settings().chains_file, CHAIN)


def get_round(session: Session, round_id: int, *, lock: bool = False) -> ReportingRound:
    found = session.get(ReportingRound, round_id, with_for_update=lock)
    if found is None:
        raise NotFound("ไม่พบรอบการรายงานนี้")
    return found


def get_report(session: Session, report_id: int, *, lock: bool = False) -> DivisionReport:
    found = session.get(DivisionReport, report_id, with_for_update=lock)
    if found is None:
        raise NotFound("ไม่พบรายงานของกองนี้")
    return found


def report_of_step(session: Session, step: HumanStep) -> DivisionReport:
    """The division report a round's step belongs to (each step names its division)."""
    found = session.exec(
        select(DivisionReport).where(
            DivisionReport.round_id == step.case_id,
            DivisionReport.division_id == step.assignee_division_id,
        )
    ).first()
    if found is None:
        raise NotFound("ไม่พบรายงานของกองสำหรับขั้นตอนนี้")
    return found


def division_of(session: Session, report: DivisionReport) -> Division:
    division = session.get(Division, report.division_id)
    assert division is not None
    return division


def step_key(rnd: ReportingRound, report: DivisionReport, what: str, round: int) -> str:
    return f"pdca-round-{rnd.id}-d{report.division_id}-{what}-r{round}"


DIVISION_STEP_KEY = re.compile(r"pdca-round-\d+-d\d+-[a-z-]+-r\d+")


def is_division_step(step: HumanStep) -> bool:
    """A division's report or its director's approval (not the round's Check or Act steps)."""
    return step.kind in (REPORT_STEP, LEVEL_STEP) and bool(DIVISION_STEP_KEY.fullmatch(step.key))


def record(
    session: Session, rnd: ReportingRound, action: str, actor: User | None, **detail: object
) -> None:
    audit.record(
        session,
        case_type=CASE_TYPE,
        case_id=rnd.id,  # type: ignore[arg-type]
        action=action,
        actor=actor,
        detail={"fiscal_year": rnd.fiscal_year, "kind": str(rnd.kind), **detail},
        public=True,
    )


# --------------------------------------------------------------------------- opening


def due_round(plan: Plan, today: date, policy: RoundPolicy) -> tuple[int, RoundKind] | None:
    """The round that should be open on ``today``: the latest of the plan's rounds whose data
    date has passed (6 months from 1 April, 12 months from 1 October); None before the first."""
    found: tuple[date, int, RoundKind] | None = None
    for year in range(plan.fiscal_year_from, plan.fiscal_year_to + 1):
        for kind in RoundKind:
            as_of, _ = policy.dates(year, kind)
            if as_of < today and (found is None or as_of > found[0]):
                found = (as_of, year, kind)
    return (found[1], found[2]) if found else None


def existing_round(
    session: Session, plan_id: int, fiscal_year: int, kind: RoundKind
) -> ReportingRound | None:
    return session.exec(
        select(ReportingRound).where(
            ReportingRound.plan_id == plan_id,
            ReportingRound.fiscal_year == fiscal_year,
            ReportingRound.kind == kind,
        )
    ).first()


def check_year(plan: Plan, fiscal_year: int) -> None:
    if not plan.fiscal_year_from <= fiscal_year <= plan.fiscal_year_to:
        raise InvalidInput(
            f"แผนนี้ครอบคลุมปีงบประมาณ {plan.fiscal_year_from}–{plan.fiscal_year_to} "
            f"ไม่มีปี {fiscal_year}",
            field="fiscal_year",
        )


def create_round_rows(
    session: Session,
    *,
    plan: Plan,
    fiscal_year: int,
    kind: RoundKind,
    source: RoundSource = RoundSource.system,
    report_source: ReportSource = ReportSource.page,
    opened_by: User | None = None,
    now: datetime | None = None,
    policy: RoundPolicy | None = None,
) -> ReportingRound:
    """The round's rows without its steps: the round, one report per division responsible for
    projects of the plan, one result (awaiting) per project with the year's budget. Used by
    ``open_round`` and by imports of past years' reports (``source`` history)."""
    policy = policy or round_policy()
    check_year(plan, fiscal_year)
    as_of, due_on = policy.dates(fiscal_year, kind)
    rnd = ReportingRound(
        plan_id=plan.id,  # type: ignore[arg-type]
        fiscal_year=fiscal_year,
        kind=kind,
        as_of=as_of,
        due_on=due_on,
        source=source,
        opened_at=now or utcnow(),
        opened_by_id=opened_by.id if opened_by else None,
    )
    session.add(rnd)
    session.flush()
    projects = list(
        session.exec(
            select(PlanProject).where(PlanProject.plan_id == plan.id).order_by(col(PlanProject.no))
        )
    )
    budgets = {
        b.project_id: b.amount_satang
        for b in session.exec(
            select(ProjectBudget).where(
                col(ProjectBudget.project_id).in_([p.id for p in projects]),
                ProjectBudget.fiscal_year == fiscal_year,
            )
        )
    }
    divisions = {d.code: d for d in session.exec(select(Division))}
    reports: dict[str, DivisionReport] = {}
    for project in projects:
        code = project.division_code
        if code not in reports:
            reports[code] = DivisionReport(
                round_id=rnd.id,  # type: ignore[arg-type]
                division_id=divisions[code].id,  # type: ignore[arg-type]
                source=report_source,
            )
            session.add(reports[code])
            session.flush()
        session.add(
            ProjectResult(
                round_id=rnd.id,  # type: ignore[arg-type]
                project_id=project.id,  # type: ignore[arg-type]
                division_report_id=reports[code].id,  # type: ignore[arg-type]
                division_id=reports[code].division_id,
                budget_satang=budgets.get(project.id, 0),  # type: ignore[arg-type]
            )
        )
    session.flush()
    return rnd


@dataclass(frozen=True)
class Opened:
    round: ReportingRound
    created: bool


def open_round(
    session: Session,
    *,
    plan: Plan,
    fiscal_year: int,
    kind: RoundKind,
    actor: User | None,
    today: date | None = None,
    now: datetime | None = None,
) -> Opened:
    """Open a round of an approved plan (Strategy and Budget, or the schedule when ``actor``
    is None): safe to repeat, the round already open comes back. Not before its data date."""
    if actor is not None:
        check_owner(session, actor)
    now = now or utcnow()
    today = today or now.astimezone(BANGKOK).date()
    policy = round_policy()
    found = existing_round(session, plan.id, fiscal_year, kind)  # type: ignore[arg-type]
    if found is not None:
        return Opened(found, created=False)
    if plan.status != PlanStatus.approved:
        raise Conflict("เปิดรอบการรายงานได้เฉพาะแผนที่อนุมัติและประกาศใช้แล้ว", plan_id=plan.id)
    check_year(plan, fiscal_year)
    as_of, _ = policy.dates(fiscal_year, kind)
    if today <= as_of:
        raise Conflict(
            f"ยังเปิด{RoundKind(kind).thai} ปีงบประมาณ {fiscal_year} ไม่ได้: ข้อมูลของรอบนี้ถึงวันที่ "
            f"{thai_date_text(as_of)} เปิดรอบได้ตั้งแต่วันถัดไป"
        )
    rnd = create_round_rows(
        session, plan=plan, fiscal_year=fiscal_year, kind=kind, opened_by=actor, now=now
    )
    reports = reports_of(session, rnd.id)  # type: ignore[arg-type]
    for report in reports:
        open_report_step(session, rnd, report, now=now, policy=policy)
    record(
        session,
        rnd,
        "pdca_round_opened",
        actor,
        plan_id=plan.id,
        as_of=rnd.as_of.isoformat(),
        due_on=rnd.due_on.isoformat(),
        divisions=len(reports),
        by_schedule=actor is None,
    )
    request_flow_run(
        session,
        case_type=CASE_TYPE,
        case_id=rnd.id,  # type: ignore[arg-type]
        parameters={"round_id": rnd.id},
    )
    return Opened(rnd, created=True)


def reports_of(session: Session, round_id: int) -> list[DivisionReport]:
    return list(
        session.exec(
            select(DivisionReport)
            .where(DivisionReport.round_id == round_id)
            .order_by(col(DivisionReport.id))
        )
    )


# --------------------------------------------------------------------------- steps


def open_report_step(
    session: Session,
    rnd: ReportingRound,
    report: DivisionReport,
    *,
    now: datetime,
    policy: RoundPolicy,
) -> HumanStep:
    """The division's officers report and submit: due at the close of the round's due date;
    after a send-back, within the days to correct it if that is later."""
    attempt = report.returns_count + 1
    due_at = policy.due_at(rnd.due_on)
    if attempt > 1:
        due_at = max(
            due_at, working_calendar(session).add_working_days(now, policy.resubmit_working_days)
        )
    division = division_of(session, report)
    what = "แก้ไขและส่ง" if attempt > 1 else "กรอกและส่ง"
    return open_step(
        session,
        case_type=CASE_TYPE,
        case_id=rnd.id,  # type: ignore[arg-type]
        key=step_key(rnd, report, "report", attempt),
        title=f"{what}{round_title(rnd)}: {division.name}",
        assignee=Assignee.holder_of(Position.officer, division.id),
        kind=REPORT_STEP,
        form="decision",
        allowed_outcomes=[Outcome.acknowledge],
        due_at=due_at,
        round=attempt,
        now=now,
    )


def _open_approval(session: Session, rnd: ReportingRound, report: DivisionReport) -> HumanStep:
    level = chain().first()
    division = division_of(session, report)
    attempt = report.returns_count + 1
    return open_step(
        session,
        case_type=CASE_TYPE,
        case_id=rnd.id,  # type: ignore[arg-type]
        key=step_key(rnd, report, level.key, attempt),
        title=f"{level.title}เห็นชอบ{round_title(rnd)}: {division.name}",
        assignee=level.assignee(session, division_id=report.division_id),
        kind=LEVEL_STEP,
        form="chain-decision",
        allowed_outcomes=list(level.outcomes),
        due_in_working_days=level.due_working_days,
        level=level.key,
        round=attempt,
    )


def on_step_closed(session: Session, step: HumanStep, decision: Decision) -> None:
    """The officers submitted (the report goes to the director), or the director approved it
    (it counts) or sent it back (the officers correct it)."""
    if step.kind in REPORT_KINDS:  # the Check: the round's consolidated report
        on_report_step_closed(session, step, decision)
        return
    if step.kind in ACT_STEP_KINDS:  # the Act: the steering committee's carry-over decision
        from domain.pdca.act import on_step_closed as on_act_step_closed  # act imports rounds

        on_act_step_closed(session, step, decision)
        return
    rnd = get_round(session, step.case_id, lock=True)
    report = report_of_step(session, step)
    now = decision.decided_at
    if step.kind == REPORT_STEP:
        check_complete(session, report)
        report.status = REPORT_TRANSITIONS.check(report.status, ReportStatus.submitted)
        report.submitted_by_id = decision.user_id
        report.submitted_at = now
        report.data_as_of = report.data_as_of or rnd.as_of
        session.add(report)
        record(
            session,
            rnd,
            "pdca_round_submitted",
            None,
            division_id=report.division_id,
            late=now > round_policy().due_at(rnd.due_on),
            attempt=report.returns_count + 1,
        )
        _open_approval(session, rnd, report)
        return
    move = walk(
        chain(),
        step_kind=step.kind,
        level_key=step.level,
        outcome=Outcome(str(step.outcome)),
        return_to=ORIGINATOR if step.outcome == Outcome.return_for_revision else None,
    )
    if move.finish == "approved":
        report.status = REPORT_TRANSITIONS.check(report.status, ReportStatus.approved)
        report.approved_by_id = decision.principal_user_id
        report.approved_at = now
        session.add(report)
        record(session, rnd, "pdca_round_approved", None, division_id=report.division_id)
        _close_if_complete(session, rnd, now)
    elif move.revise:
        if not decision.comment.strip():
            raise InvalidInput("กรุณาระบุเหตุผลที่ส่งกลับให้แก้ไข", field="comment")
        report.status = REPORT_TRANSITIONS.check(report.status, ReportStatus.returned)
        report.returned_reason = decision.comment.strip()
        report.returns_count += 1
        session.add(report)
        record(
            session,
            rnd,
            "pdca_round_returned",
            None,
            division_id=report.division_id,
            reason=report.returned_reason,
        )
        open_report_step(session, rnd, report, now=now, policy=round_policy())
    else:
        raise InvalidInput("รายงานของกองเลือกได้เฉพาะเห็นชอบ หรือส่งกลับให้แก้ไข", field="outcome")


def _close_if_complete(session: Session, rnd: ReportingRound, now: datetime) -> None:
    """Every division's report approved: the round is complete and closes."""
    pending = session.exec(
        select(DivisionReport.id).where(
            DivisionReport.round_id == rnd.id, DivisionReport.status != ReportStatus.approved
        )
    ).first()
    if pending is not None or rnd.status == RoundStatus.closed:
        return
    rnd.status = RoundStatus.closed
    rnd.closed_at = now
    session.add(rnd)
    record(session, rnd, "pdca_round_complete", None)
    start_consolidated_report(session, rnd, actor=None)


# --------------------------------------------------------------------------- the engine's hooks


def audience(session: Session, case_id: int) -> Audience | None:
    """Strategy and Budget (which runs the round) and every division asked to report; the
    executives see every case (``domain.engine.visibility``)."""
    rnd = session.get(ReportingRound, case_id)
    if rnd is None:
        return None
    plan = session.get(Plan, rnd.plan_id)
    divisions = {r.division_id for r in reports_of(session, case_id)}
    if plan is not None:
        divisions.add(plan.division_id)
    return Audience(division_ids=frozenset(divisions))


def is_finished(session: Session, case_id: int) -> bool:
    rnd = session.get(ReportingRound, case_id)
    if rnd is None:
        return True
    return (
        rnd.status == RoundStatus.closed
        and not report_pending(session, case_id)
        and not act_pending(session, case_id)
    )


def chain_of(session: Session, case_id: int) -> Chain:
    return chain()
