"""The round import's use cases, each in one unit of work (the JSON API, the pages and the tests
call these): a division's report from its spreadsheet, a whole round's from the coordinator's
(Strategy and Budget, กย.), and a past year's published report as history.

A file fills result lines as a **draft**, whoever imports it: the division's officers still
submit the report (their step in the round) and the division's director approves it, because a
report counts only once its own division has submitted it and its head approved it. The
coordinator's whole-round import saves the divisions the typing, not their approval; the round's
audit timeline records who imported which file (name, SHA-256, rows, statuses) for which
divisions. A broken row anywhere refuses the whole file and nothing is stored."""

import hashlib
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.db import in_transaction
from domain.errors import NotEntitled
from domain.pdca.import_common import ImportProblem, ImportRefused
from domain.pdca.round_import import (
    HISTORY_REQUIRED,
    REPORT_FILE,
    WHAT,
    Column,
    ReportTable,
    read_report,
)
from domain.pdca.round_import_history import import_history_table
from domain.pdca.round_import_match import Match, Notice, match_rows
from domain.pdca.round_import_store import fill_results, round_targets, status_counts
from domain.pdca.rounds import EDITABLE, division_of, get_report, get_round, record
from domain.pdca.rounds_entry import check_editable
from domain.pdca.rules import check_owner
from models.pdca import Plan
from models.pdca_round import DivisionReport, ReportingRound, ReportStatus, RoundKind, RoundStatus
from models.people import User


@dataclass(frozen=True)
class RoundImportResult:
    round_id: int
    report_ids: list[int]
    source: str
    rows: int
    statuses: dict[str, int]
    disbursed_satang: int
    notices: list[Notice] = field(default_factory=list)
    plan_id: int | None = None
    plan_created: bool = False


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise NotEntitled("บัญชีผู้ใช้นี้ใช้งานไม่ได้")
    return user


def _result(
    round_: ReportingRound,
    reports: list[DivisionReport],
    table: ReportTable,
    matches: list[Match],
    notices: list[Notice],
    **more: object,
) -> RoundImportResult:
    return RoundImportResult(
        round_id=round_.id,  # type: ignore[arg-type]
        report_ids=[r.id for r in reports],  # type: ignore[misc]
        source=table.format,
        rows=len(matches),
        statuses=status_counts(matches),
        disbursed_satang=sum(m.row.disbursed or 0 for m in matches),
        notices=notices,
        **more,  # type: ignore[arg-type]
    )


def _audit(
    session: Session,
    round_: ReportingRound,
    action: str,
    actor: User,
    *,
    filename: str | None,
    digest: str,
    table: ReportTable,
    matches: list[Match],
    reports: list[DivisionReport],
) -> None:
    record(
        session,
        round_,
        action,
        actor,
        file=filename,
        sha256=digest,
        format=table.format,
        rows=len(matches),
        statuses=status_counts(matches),
        division_ids=[r.division_id for r in reports],
    )


def import_division_report(
    engine: Engine,
    *,
    user_id: int,
    report_id: int,
    data: bytes,
    filename: str | None = None,
    data_as_of: date | None = None,
) -> RoundImportResult:
    """A division's officers fill their report from their spreadsheet: every row must be one
    of the division's projects in the round. The report stays a draft they submit."""
    digest = hashlib.sha256(data).hexdigest()
    table = read_report(data, filename)

    def work(session: Session) -> RoundImportResult:
        actor = _user(session, user_id)
        report = get_report(session, report_id, lock=True)
        round_ = get_round(session, report.round_id, lock=True)
        check_editable(session, round_, report, actor)
        division = division_of(session, report)
        plan = session.get(Plan, round_.plan_id)
        assert plan is not None
        matches, notices = match_rows(
            table,
            round_targets(session, round_),
            plan_label=f"แผน “{plan.name}”",
            division_id=report.division_id,
            division_name=division.name,
        )
        reports = fill_results(
            session, matches, table=table, actor=actor, data_as_of=data_as_of or round_.as_of
        )
        _audit(
            session,
            round_,
            "pdca_round_results_imported",
            actor,
            filename=filename,
            digest=digest,
            table=table,
            matches=matches,
            reports=reports,
        )
        return _result(round_, reports, table, matches, notices)

    return in_transaction(engine, work)


def _check_reports_editable(session: Session, table: ReportTable, matches: list[Match]) -> None:
    """A whole-round file may not overwrite a report its division already submitted."""
    problems = []
    for match in matches:
        report = match.target.report
        assert report is not None
        if report.status not in EDITABLE:
            problems.append(
                ImportProblem(
                    REPORT_FILE,
                    match.row.row,
                    f"รายงานของ{match.target.division_name}อยู่ในสถานะ "
                    f"“{ReportStatus(report.status).thai}” นำเข้าทับไม่ได้",
                    match.row.no,
                    table.heading(Column.no),
                )
            )
    if problems:
        raise ImportRefused(problems, what=WHAT)


def import_round_results(
    engine: Engine,
    *,
    user_id: int,
    round_id: int,
    data: bytes,
    filename: str | None = None,
    data_as_of: date | None = None,
) -> RoundImportResult:
    """The coordinator (กย.) fills a round's reports from one spreadsheet of several divisions:
    each row goes to its project's division report, as a draft that division submits."""
    digest = hashlib.sha256(data).hexdigest()
    table = read_report(data, filename)

    def work(session: Session) -> RoundImportResult:
        actor = _user(session, user_id)
        check_owner(session, actor)
        round_ = get_round(session, round_id, lock=True)
        if round_.status != RoundStatus.open:
            raise ImportRefused(
                [ImportProblem(REPORT_FILE, 0, "รอบการรายงานนี้ปิดแล้ว นำเข้าผลไม่ได้")], what=WHAT
            )
        plan = session.get(Plan, round_.plan_id)
        assert plan is not None
        matches, notices = match_rows(
            table, round_targets(session, round_), plan_label=f"แผน “{plan.name}”"
        )
        _check_reports_editable(session, table, matches)
        reports = fill_results(
            session, matches, table=table, actor=actor, data_as_of=data_as_of or round_.as_of
        )
        _audit(
            session,
            round_,
            "pdca_round_results_imported",
            actor,
            filename=filename,
            digest=digest,
            table=table,
            matches=matches,
            reports=reports,
        )
        return _result(round_, reports, table, matches, notices)

    return in_transaction(engine, work)


def import_history(
    engine: Engine,
    *,
    user_id: int,
    fiscal_year: int,
    data: bytes,
    filename: str | None = None,
    kind: RoundKind = RoundKind.twelve_month,
) -> RoundImportResult:
    """A past year's published report becomes a closed history round of its own plan
    (``round_import_history``); only Strategy and Budget (กย.) keeps the history."""
    digest = hashlib.sha256(data).hexdigest()
    table = read_report(data, filename, required=HISTORY_REQUIRED)

    def work(session: Session) -> RoundImportResult:
        actor = _user(session, user_id)
        found = import_history_table(
            session,
            table,
            fiscal_year=fiscal_year,
            kind=kind,
            actor=actor,
            filename=filename,
            sha256=digest,
        )
        _audit(
            session,
            found.round,
            "pdca_round_history_imported",
            actor,
            filename=filename,
            digest=digest,
            table=table,
            matches=found.matches,
            reports=found.reports,
        )
        return _result(
            found.round,
            found.reports,
            table,
            found.matches,
            found.notices,
            plan_id=found.plan.id,
            plan_created=found.plan_created,
        )

    return in_transaction(engine, work)
