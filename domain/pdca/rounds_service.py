"""The reporting rounds' use cases, each in one unit of work: the JSON API, the pages, the
scheduled flows, the demo data and the tests call these."""

from datetime import date, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.db import in_transaction, utcnow
from domain.engine.calendar import BANGKOK
from domain.engine.steps import DecisionResult, decide, open_steps_of_case
from domain.errors import Conflict, NotEntitled
from domain.pdca import rounds
from domain.pdca.rounds_chase import sweep_round_chase
from domain.pdca.rounds_entry import ReportEntry, add_evidence, check_editable, save_entry
from domain.pdca.rounds_policy import round_policy
from domain.pdca.rules import get_plan
from models.pdca import Plan, PlanStatus
from models.pdca_round import (
    DivisionReport,
    ProjectResult,
    ReportingRound,
    ResultEvidence,
    RoundKind,
)
from models.people import User
from models.steps import Outcome


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise NotEntitled("บัญชีผู้ใช้นี้ใช้งานไม่ได้")
    return user


def open_round(
    engine: Engine,
    *,
    user_id: int,
    plan_id: int,
    fiscal_year: int,
    kind: RoundKind,
    now: datetime | None = None,
) -> rounds.Opened:
    """Strategy and Budget opens a round of the approved plan (the round already open comes
    back unchanged)."""

    def work(session: Session) -> rounds.Opened:
        actor = _user(session, user_id)
        plan = get_plan(session, plan_id, lock=True)
        return rounds.open_round(
            session, plan=plan, fiscal_year=fiscal_year, kind=kind, actor=actor, now=now
        )

    return in_transaction(engine, work)


def open_due_rounds(engine: Engine, *, today: date | None = None) -> list[ReportingRound]:
    """The schedule's work: for each approved plan, open the round due on ``today`` (6 months
    from 1 April, 12 months from 1 October) unless it is open already. The rounds opened now."""
    policy = round_policy()

    def work(session: Session) -> list[ReportingRound]:
        now = utcnow()
        day = today or now.astimezone(BANGKOK).date()
        opened = []
        plans = session.exec(
            select(Plan).where(Plan.status == PlanStatus.approved).order_by(col(Plan.id))
        )
        for plan in plans:
            due = rounds.due_round(plan, day, policy)
            if due is None:
                continue
            result = rounds.open_round(
                session, plan=plan, fiscal_year=due[0], kind=due[1], actor=None, today=day, now=now
            )
            if result.created:
                opened.append(result.round)
        return opened

    return in_transaction(engine, work)


def save_report(
    engine: Engine,
    *,
    user_id: int,
    report_id: int,
    entry: ReportEntry,
    now: datetime | None = None,
) -> list[ProjectResult]:
    """The division saves results (all or some of its projects); checked whole."""

    def work(session: Session) -> list[ProjectResult]:
        actor = _user(session, user_id)
        report = rounds.get_report(session, report_id, lock=True)
        rnd = rounds.get_round(session, report.round_id)
        return save_entry(
            session, rnd=rnd, report=report, user=actor, entry=entry, now=now or utcnow()
        )

    return in_transaction(engine, work)


def report_step(session: Session, report: DivisionReport, kind: str) -> int:
    """The division's open step of ``kind`` (the report, or the director's approval)."""
    for step in open_steps_of_case(session, case_type=rounds.CASE_TYPE, case_id=report.round_id):
        if step.assignee_division_id == report.division_id and step.kind == kind:
            return step.id  # type: ignore[return-value]
    division = rounds.division_of(session, report)
    raise Conflict(f"รายงานของ{division.name}ไม่มีขั้นตอนนี้ที่รอดำเนินการ")


def submit_report(
    engine: Engine,
    *,
    user_id: int,
    report_id: int,
    entry: ReportEntry | None = None,
    comment: str = "",
    now: datetime | None = None,
) -> DecisionResult:
    """The division's officers submit the report to the director (saving ``entry`` first, in
    the same unit of work): decides the division's report step, so who may submit is the
    engine's rule, and an incomplete report is refused with nothing stored."""

    def work(session: Session) -> DecisionResult:
        actor = _user(session, user_id)
        report = rounds.get_report(session, report_id, lock=True)
        rnd = rounds.get_round(session, report.round_id)
        moment = now or utcnow()
        if entry is not None:
            save_entry(session, rnd=rnd, report=report, user=actor, entry=entry, now=moment)
        else:
            check_editable(session, rnd, report, actor)
        return decide(
            session,
            step_id=report_step(session, report, rounds.REPORT_STEP),
            user=actor,
            data={"outcome": Outcome.acknowledge.value, "comment": comment},
            now=moment,
        )

    return in_transaction(engine, work)


def upload_evidence(
    engine: Engine,
    *,
    user_id: int,
    report_id: int,
    project_no: int,
    filename: str,
    content_type: str,
    data: bytes,
) -> ResultEvidence:
    def work(session: Session) -> ResultEvidence:
        actor = _user(session, user_id)
        report = rounds.get_report(session, report_id, lock=True)
        rnd = rounds.get_round(session, report.round_id)
        return add_evidence(
            session,
            rnd=rnd,
            report=report,
            user=actor,
            project_no=project_no,
            filename=filename,
            content_type=content_type,
            data=data,
            policy=round_policy(),
            now=utcnow(),
        )

    return in_transaction(engine, work)


def chase_late_divisions(engine: Engine, *, now: datetime | None = None) -> dict[str, int]:
    """The scheduled chase of divisions that have not reported by the due date."""
    return in_transaction(engine, lambda session: sweep_round_chase(session, now=now))
