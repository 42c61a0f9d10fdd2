"""Reporting rounds as people read them: a round's progress by division (who has reported,
who is late and how far the chase has gone) and one division's report with its projects,
indicators and evidence. Reads only."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, func, select

from core.db import utcnow
from domain.engine.visibility import can_view
from domain.errors import DomainError, NotEntitled, NotFound
from domain.pdca.rounds import CASE_TYPE, EDITABLE, get_report, get_round, reports_of
from domain.pdca.rounds_chase import CHASE_CASE_TYPE, LADDER_CYCLE
from domain.pdca.rounds_entry import check_editable
from domain.pdca.rounds_policy import round_policy
from domain.pdca.rounds_results import results_of
from models.chase import ChaseNotice
from models.pdca import Plan, PlanProject, ProjectIndicator
from models.pdca_round import (
    DivisionReport,
    IndicatorResult,
    ProjectResult,
    ProjectStatus,
    ReportingRound,
    ReportStatus,
    ResultEvidence,
)
from models.people import Division, User


def readable_round(session: Session, user: User, round_id: int) -> ReportingRound:
    """The round, if ``user`` may read it: Strategy and Budget, the divisions asked to report,
    the executives and the holders of its steps (``domain.engine.visibility``)."""
    rnd = get_round(session, round_id)
    if not can_view(session, user=user, case_type=CASE_TYPE, case_id=round_id):
        raise NotEntitled("ท่านไม่มีสิทธิ์ดูรอบการรายงานนี้")
    return rnd


def readable_report(session: Session, user: User, report_id: int) -> DivisionReport:
    report = get_report(session, report_id)
    readable_round(session, user, report.round_id)
    return report


def readable_evidence(session: Session, user: User, evidence_id: int) -> ResultEvidence:
    evidence = session.get(ResultEvidence, evidence_id)
    if evidence is None:
        raise NotFound("ไม่พบไฟล์หลักฐานนี้")
    result = session.get(ProjectResult, evidence.project_result_id)
    assert result is not None
    readable_round(session, user, result.round_id)
    return evidence


@dataclass(frozen=True)
class DivisionProgress:
    report: DivisionReport
    division: Division
    projects: int
    counts: dict[ProjectStatus, int]
    overdue: bool
    """Not submitted and the due date has passed."""
    submitted_late: bool
    chase_stage: str | None
    """The last stage of the chase claimed for it (its title), if any."""


@dataclass(frozen=True)
class RoundProgress:
    round: ReportingRound
    plan: Plan
    due_at: datetime
    divisions: list[DivisionProgress]

    @property
    def approved(self) -> int:
        return sum(1 for d in self.divisions if d.report.status == ReportStatus.approved)

    @property
    def submitted(self) -> int:
        return sum(
            1
            for d in self.divisions
            if d.report.status in (ReportStatus.submitted, ReportStatus.approved)
        )

    @property
    def late(self) -> int:
        return sum(1 for d in self.divisions if d.overdue)

    @property
    def complete(self) -> bool:
        return bool(self.divisions) and self.approved == len(self.divisions)


def round_progress(
    session: Session, rnd: ReportingRound, now: datetime | None = None
) -> RoundProgress:
    now = now or utcnow()
    policy = round_policy()
    due_at = policy.due_at(rnd.due_on)
    plan = session.get(Plan, rnd.plan_id)
    assert plan is not None
    counts: dict[int, dict[ProjectStatus, int]] = {}
    for report_id, status, number in session.exec(
        select(ProjectResult.division_report_id, ProjectResult.status, func.count())
        .where(ProjectResult.round_id == rnd.id)
        .group_by(col(ProjectResult.division_report_id), col(ProjectResult.status))
    ).all():
        counts.setdefault(report_id, {})[ProjectStatus(status)] = number
    titles = {s.key: s.title for s in policy.ladder.steps}
    stages: dict[int, str] = {}
    for notice in session.exec(
        select(ChaseNotice)
        .where(ChaseNotice.case_type == CHASE_CASE_TYPE, ChaseNotice.cycle == LADDER_CYCLE)
        .order_by(col(ChaseNotice.id))
    ):
        stages[notice.case_id] = titles.get(notice.stage, notice.stage)
    divisions = {d.id: d for d in session.exec(select(Division))}
    found = []
    for report in reports_of(session, rnd.id):  # type: ignore[arg-type]
        mine = counts.get(report.id, {})  # type: ignore[arg-type]
        submitted_at = report.submitted_at
        found.append(
            DivisionProgress(
                report=report,
                division=divisions[report.division_id],
                projects=sum(mine.values()),
                counts={s: mine.get(s, 0) for s in ProjectStatus},
                overdue=report.status in EDITABLE and now > due_at,
                submitted_late=submitted_at is not None and submitted_at > due_at,
                chase_stage=stages.get(report.id),  # type: ignore[arg-type]
            )
        )
    found.sort(
        key=lambda d: (not d.overdue, d.report.status == ReportStatus.approved, d.division.code)
    )
    return RoundProgress(round=rnd, plan=plan, due_at=due_at, divisions=found)


@dataclass(frozen=True)
class IndicatorLine:
    indicator: ProjectIndicator
    result: IndicatorResult | None


@dataclass(frozen=True)
class ProjectLine:
    project: PlanProject
    result: ProjectResult
    indicators: list[IndicatorLine]
    evidence: list[ResultEvidence] = field(default_factory=list)


@dataclass(frozen=True)
class ReportView:
    round: ReportingRound
    report: DivisionReport
    division: Division
    lines: list[ProjectLine]
    editable_by: bool
    """Whether the reader may change it now (its division, not submitted, round open)."""

    @property
    def budget_satang(self) -> int:
        return sum(line.result.budget_satang for line in self.lines)

    @property
    def disbursed_satang(self) -> int:
        return sum(line.result.disbursed_satang for line in self.lines)


def report_view(session: Session, report: DivisionReport, user: User | None = None) -> ReportView:
    rnd = get_round(session, report.round_id)
    pairs = results_of(session, report)
    project_ids = [p.id for _, p in pairs]
    result_ids = [r.id for r, _ in pairs]
    indicators: dict[int, list[ProjectIndicator]] = {}
    for indicator in session.exec(
        select(ProjectIndicator)
        .where(col(ProjectIndicator.project_id).in_(project_ids))
        .order_by(col(ProjectIndicator.seq))
    ):
        indicators.setdefault(indicator.project_id, []).append(indicator)
    values = {
        (v.project_result_id, v.indicator_id): v
        for v in session.exec(
            select(IndicatorResult).where(col(IndicatorResult.project_result_id).in_(result_ids))
        )
    }
    evidence: dict[int, list[ResultEvidence]] = {}
    for item in session.exec(
        select(ResultEvidence)
        .where(col(ResultEvidence.project_result_id).in_(result_ids))
        .order_by(col(ResultEvidence.id))
    ):
        evidence.setdefault(item.project_result_id, []).append(item)
    editable = False
    if user is not None:
        try:
            check_editable(session, rnd, report, user)
            editable = True
        except DomainError:
            editable = False
    division = session.get(Division, report.division_id)
    assert division is not None
    return ReportView(
        round=rnd,
        report=report,
        division=division,
        lines=[
            ProjectLine(
                project=project,
                result=result,
                indicators=[
                    IndicatorLine(i, values.get((result.id, i.id)))  # type: ignore[arg-type]
                    for i in indicators.get(project.id, [])  # type: ignore[arg-type]
                ],
                evidence=evidence.get(result.id, []),  # type: ignore[arg-type]
            )
            for result, project in pairs
        ],
        editable_by=editable,
    )
