"""The consolidated report's use cases, each in one unit of work (the JSON API, the pages, the
benchmark and the tests call these), and the reads: who may see a round's report, and the
report as the pages, the files and the public page read it."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.db import in_transaction, utcnow
from domain.engine.calendar import BANGKOK
from domain.engine.steps import DecisionResult, decide, open_steps_of_case
from domain.engine.visibility import can_view
from domain.errors import Conflict, NotEntitled, NotFound
from domain.pdca import consolidate_rules as report_rules
from domain.pdca.consolidate import Consolidated, consolidate
from domain.pdca.consolidate_yoy import YearOnYear, year_on_year
from domain.pdca.rules import OWNER_DIVISION
from models.pdca_report import ConsolidatedReport, ConsolidatedStatus
from models.pdca_round import ReportingRound, RoundSource
from models.people import Division, Position, User

EXECUTIVES = frozenset(
    {
        Position.mayor,
        Position.deputy_mayor,
        Position.permanent_secretary,
        Position.deputy_permanent_secretary,
    }
)


@dataclass
class ReportView:
    figures: Consolidated
    yoy: YearOnYear

    @property
    def round(self) -> ReportingRound:
        return self.figures.round

    @property
    def report(self) -> ConsolidatedReport | None:
        return self.figures.report

    @property
    def title(self) -> str:
        return report_rules.round_title(self.figures.round)

    @property
    def published(self) -> bool:
        return self.published_or_history(self.figures.round, self.figures.report)

    @staticmethod
    def published_or_history(round_: ReportingRound, report: ConsolidatedReport | None) -> bool:
        if RoundSource(round_.source) is RoundSource.history:
            return True
        return report is not None and report.status == ConsolidatedStatus.published


def today_in_bangkok() -> date:
    return utcnow().astimezone(BANGKOK).date()


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise NotEntitled("บัญชีผู้ใช้นี้ใช้งานไม่ได้")
    return user


def report_view(
    session: Session, round_: ReportingRound, *, today: date | None = None
) -> ReportView:
    figures = consolidate(session, round_, today=today or today_in_bangkok())
    return ReportView(figures, year_on_year(session, round_, figures.lines))


def may_read(session: Session, user: User, round_: ReportingRound) -> bool:
    """Officers of กย., the executives, the divisions of the round and its step holders
    (the round case's audience); a published report: every officer."""
    if ReportView.published_or_history(round_, _report_or_none(session, round_.id)):  # type: ignore[arg-type]
        return True
    if user.position in EXECUTIVES:
        return True
    division = session.get(Division, user.division_id) if user.division_id else None
    if division is not None and division.code == OWNER_DIVISION:
        return True
    return can_view(
        session,
        user=user,
        case_type=report_rules.ROUND_CASE_TYPE,
        case_id=round_.id,  # type: ignore[arg-type]
    )


def _report_or_none(session: Session, round_id: int) -> ConsolidatedReport | None:
    try:
        return report_rules.report_for(session, round_id)
    except NotFound:
        return None


def readable_round(session: Session, user: User, round_id: int) -> ReportingRound:
    round_ = report_rules.get_round(session, round_id)
    if not may_read(session, user, round_):
        raise NotEntitled("ท่านไม่มีสิทธิ์ดูรายงานสรุปผลของรอบนี้")
    return round_


def public_round(session: Session, round_id: int) -> ReportingRound:
    """A round whose report the public may read: published by the mayor, or history."""
    round_ = session.get(ReportingRound, round_id)
    if round_ is None or not ReportView.published_or_history(
        round_, _report_or_none(session, round_id)
    ):
        raise NotFound("ยังไม่มีรายงานสรุปผลที่เผยแพร่ของรอบนี้")
    return round_


def start_report(engine: Engine, *, user_id: int, round_id: int) -> ConsolidatedReport:
    """กย. begins the round's consolidated report (a draft and its submission step)."""

    def work(session: Session) -> ConsolidatedReport:
        actor = _user(session, user_id)
        round_ = report_rules.get_round(session, round_id, lock=True)
        report = report_rules.start(session, round_, actor=actor)
        assert report is not None  # an officer's start of a history round is refused
        return report

    return in_transaction(engine, work)


def save_report_text(
    engine: Engine, *, user_id: int, round_id: int, problems: str, suggestions: str
) -> ConsolidatedReport:
    def work(session: Session) -> ConsolidatedReport:
        actor = _user(session, user_id)
        round_ = report_rules.get_round(session, round_id, lock=True)
        return report_rules.save_text(
            session, round_, actor=actor, problems=problems, suggestions=suggestions
        )

    return in_transaction(engine, work)


def submit_report(
    engine: Engine,
    *,
    user_id: int,
    round_id: int,
    problems: str,
    suggestions: str,
    comment: str = "",
) -> DecisionResult:
    """กย. submits (or resubmits after a return): decides the open preparation step."""

    def work(session: Session) -> DecisionResult:
        actor = _user(session, user_id)
        step = next(
            (
                s
                for s in open_steps_of_case(
                    session, case_type=report_rules.ROUND_CASE_TYPE, case_id=round_id
                )
                if s.kind == report_rules.PREPARE_STEP
            ),
            None,
        )
        if step is None:
            raise Conflict("รายงานสรุปผลของรอบนี้ไม่ได้รอการเสนอ")
        return decide(
            session,
            step_id=step.id,  # type: ignore[arg-type]
            user=actor,
            data={
                "outcome": "approve",
                "comment": comment,
                "problems": problems,
                "suggestions": suggestions,
            },
        )

    return in_transaction(engine, work)
