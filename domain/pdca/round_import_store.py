"""Putting an imported report's rows into a round: the round's projects as import targets, and
the rows written onto their result lines (status, reason, disbursed, note, date of the data)."""

from collections.abc import Iterable
from datetime import date

from sqlmodel import Session, col, select

from core.db import utcnow
from domain.pdca.round_import import ReportTable
from domain.pdca.round_import_match import Match, Target
from models.pdca import PlanDimension, PlanMission, PlanProject
from models.pdca_round import (
    DivisionReport,
    ProjectResult,
    ProjectStatus,
    ReportingRound,
    ReportSource,
)
from models.people import Division, User


def round_targets(
    session: Session, round_: ReportingRound, *, report_ids: Iterable[int] | None = None
) -> dict[int, Target]:
    """The round's projects by number, each with its result line and division report (of
    ``report_ids`` only, when given: the rest are not import targets)."""
    query = (
        select(ProjectResult, PlanProject, PlanDimension.no, DivisionReport, Division.name)
        .join(PlanProject, col(PlanProject.id) == col(ProjectResult.project_id))
        .join(PlanMission, col(PlanMission.id) == col(PlanProject.mission_id))
        .join(PlanDimension, col(PlanDimension.id) == col(PlanMission.dimension_id))
        .join(DivisionReport, col(DivisionReport.id) == col(ProjectResult.division_report_id))
        .join(Division, col(Division.id) == col(ProjectResult.division_id))
        .where(ProjectResult.round_id == round_.id)
    )
    if report_ids is not None:
        query = query.where(col(DivisionReport.id).in_(list(report_ids)))
    return {
        project.no: Target(
            project=project,
            dimension_no=dimension_no,
            division_id=result.division_id,
            division_name=division_name,
            budget_satang=result.budget_satang,
            result=result,
            report=report,
        )
        for result, project, dimension_no, report, division_name in session.exec(query)
    }


def write_result(
    result: ProjectResult, match: Match, *, actor: User, data_as_of: date | None
) -> None:
    """A row onto its result line. Blank disbursed: nothing reported (0). The note is หมายเหตุ;
    for a project that could not be done it is also the reason."""
    row = match.row
    result.status = row.status
    result.reason = row.note if row.status == ProjectStatus.not_done else ""
    result.note = row.note
    result.disbursed_satang = row.disbursed or 0
    result.data_as_of = data_as_of
    result.updated_at = utcnow()
    result.updated_by_id = actor.id


def fill_results(
    session: Session,
    matches: list[Match],
    *,
    table: ReportTable,
    actor: User,
    data_as_of: date | None,
) -> list[DivisionReport]:
    """Write every matched row; the division reports concerned (their source: the file's
    format, their data date) in division order."""
    reports: dict[int, DivisionReport] = {}
    for match in matches:
        result, report = match.target.result, match.target.report
        assert result is not None and report is not None
        write_result(result, match, actor=actor, data_as_of=data_as_of)
        session.add(result)
        reports[report.id] = report  # type: ignore[index]
    for report in reports.values():
        report.source = ReportSource(table.format)
        report.data_as_of = data_as_of
        session.add(report)
    session.flush()
    return sorted(reports.values(), key=lambda r: r.division_id)


def status_counts(matches: list[Match]) -> dict[str, int]:
    counts = {status.value: 0 for status in ProjectStatus}
    for match in matches:
        counts[match.row.status.value] += 1
    return counts
