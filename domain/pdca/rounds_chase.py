"""The chase of divisions that have not submitted their report by the round's due date: the
engine's ladder (domain/engine/chase.py) set from config/pdca/rounds.toml [chase]: a follow-up
from Strategy and Budget, a first and a second notice, then the mayor is told and the report
goes on the agenda of the next weekly meeting. Each notice once, however often it runs.

The ladder's records name the division's report (``CHASE_CASE_TYPE``, the report's id): a
round has one ladder per division; the audit entry goes to the round's timeline."""

from datetime import datetime

from sqlmodel import Session, col, select

from core.db import utcnow
from domain.engine import chase
from domain.engine.calendar import format_thai_date
from domain.engine.deadlines import working_calendar
from domain.engine.notify import queue_email
from domain.engine.people import holders_of, members_of_division
from domain.pdca.rounds import CASE_TYPE, division_of, record, round_title
from domain.pdca.rounds_policy import RoundPolicy, round_policy
from domain.pdca.rules import owner_division
from models.pdca_round import DivisionReport, ReportingRound, ReportStatus, RoundStatus
from models.people import Position, User

CHASE_CASE_TYPE = "pdca-division-report"
LADDER_CYCLE = 1


def sweep_round_chase(
    session: Session, *, now: datetime | None = None, policy: RoundPolicy | None = None
) -> dict[str, int]:
    """Advance the ladder of every division that has not submitted its report in an open
    round whose due date has passed; the stages claimed, by key."""
    now = now or utcnow()
    policy = policy or round_policy()
    calendar = working_calendar(session)
    sent: dict[str, int] = {}
    late = session.exec(
        select(DivisionReport, ReportingRound)
        .join(ReportingRound, col(ReportingRound.id) == DivisionReport.round_id)
        .where(
            ReportingRound.status == RoundStatus.open,
            DivisionReport.status == ReportStatus.requested,
        )
        .order_by(col(DivisionReport.id))
    ).all()
    for report, rnd in late:
        due_at = policy.due_at(rnd.due_on)
        if now < due_at:
            continue
        claimed = chase.advance(
            session,
            ladder=policy.ladder,
            case_type=CHASE_CASE_TYPE,
            case_id=report.id,  # type: ignore[arg-type]
            cycle=LADDER_CYCLE,
            due_at=due_at,
            now=now,
            division_id=report.division_id,
            calendar=calendar,
        )
        if claimed is None:
            continue
        sent[claimed.stage.key] = sent.get(claimed.stage.key, 0) + 1
        _tell(session, rnd, report, policy, claimed)
    return sent


def _tell(
    session: Session,
    rnd: ReportingRound,
    report: DivisionReport,
    policy: RoundPolicy,
    claimed: chase.Claimed,
) -> None:
    """The round's audit entry and the mail of a stage just claimed: to the division's officers
    and director (and its mailbox); at the top also to the mayor and Strategy and Budget."""
    division = division_of(session, report)
    record(
        session,
        rnd,
        f"pdca_round_{claimed.stage.key}",
        None,
        division_id=division.id,
        division=division.name,
        respond_by=claimed.respond_by,
        meeting_date=claimed.meeting_date,
    )
    people: list[User] = members_of_division(
        session, division.id, (Position.officer, Position.division_director)
    )  # type: ignore[arg-type]
    if claimed.final:
        strategy = owner_division(session)
        people += holders_of(session, policy.ladder.escalation.authority)
        people += holders_of(session, Position.division_director, strategy.id)
    context = {
        "round_title": round_title(rnd),
        "division": division,
        "stage_title": claimed.stage.title,
        "final": claimed.final,
        "due_day": format_thai_date(rnd.due_on),
        "respond_by_day": format_thai_date(claimed.respond_by) if claimed.respond_by else "",
        "meeting_day": format_thai_date(claimed.meeting_date) if claimed.meeting_date else "",
    }
    addresses = {p.email: p for p in people if p.email}
    recipients: list[tuple[str, str]] = [(a, p.full_name) for a, p in addresses.items()]
    if division.email and division.email not in addresses:
        recipients.append((division.email, division.name))
    for address, name in recipients:
        queue_email(
            session,
            dedupe_key=f"pdca-round-chase:{report.id}:{claimed.cycle}:{claimed.stage.key}:{address}",
            to=address,
            template="pdca_round_chase",
            context={**context, "name": name},
            case_type=CASE_TYPE,
            case_id=rnd.id,
        )
