"""Complaints as Prefect flows: ``complaint-handling`` follows one complaint through its human
steps (the database decides; the flow waits, suspended, and delivers the complaint's mail), and
``complaint-escalation`` is the scheduled chase of divisions that have not reported."""

from anyio import to_thread
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from sqlalchemy.engine import Engine

from adapters.mail import deliver_outbox
from core.db import get_engine, session_scope
from core.settings import get_settings
from domain.complaints import CASE_TYPE, complete_intake, sweep_escalations
from flows.common import deliver_case_mail, follow_case
from models.complaint import Complaint


def complete_intake_of(complaint_id: int, engine: Engine | None = None) -> bool:
    """Complete one complaint's intake in its own transaction; False if already done."""
    with session_scope(engine) as session:
        complaint = session.get(Complaint, complaint_id)
        return complaint is not None and complete_intake(session, complaint) is not None


@task(cache_policy=NO_CACHE, retries=3, retry_delay_seconds=2)
async def complete_complaint_intake(complaint_id: int) -> bool:
    """The rest of intake after the API stored the complaint (a no-op if already done)."""
    return await to_thread.run_sync(complete_intake_of, complaint_id)


@flow(name="complaint-handling", log_prints=True)
async def complaint_handling(complaint_id: int) -> str:
    """Follow complaint ``complaint_id``: complete its intake, then the jurisdiction check,
    the division's receipt, schedule and result, the centre's decisions; suspended while
    people decide."""
    await complete_complaint_intake(complaint_id)
    await follow_case(CASE_TYPE, complaint_id)
    await deliver_case_mail(CASE_TYPE, complaint_id)
    with session_scope() as session:
        complaint = session.get(Complaint, complaint_id)
        return complaint.status if complaint else "missing"


@task(cache_policy=NO_CACHE, retries=3, retry_delay_seconds=10)
def chase_divisions() -> dict[str, int]:
    """Record and queue the notices that are due (each once, whatever the schedule)."""
    with session_scope() as session:
        return sweep_escalations(session)


@flow(name="complaint-escalation")
async def complaint_escalation() -> dict[str, int]:
    """Tell the centre of receipts not confirmed in a working day; chase divisions that have
    not reported: follow-up, first and second notice, then the mayor and the meeting agenda."""
    counts = chase_divisions()
    report = await deliver_outbox(get_engine(), get_settings(), limit=1000)
    get_run_logger().info("complaint notices %s; mail sent %d", counts, report.sent)
    return counts


@task(cache_policy=NO_CACHE, retries=3, retry_delay_seconds=10)
def queue_complaint_report(year_be: int, month: int) -> dict[str, int]:
    """Build the month's report and queue it for the executives (once per month and person)."""
    from domain.complaint_report import build_monthly_report, executives, queue_monthly_report

    with session_scope() as session:
        report = build_monthly_report(session, year_be=year_be, month=month)
        queued = queue_monthly_report(session, report=report, recipients=executives(session))
        return {"complaints": report.total, "queued": queued}


@flow(name="complaint-monthly-report")
async def complaint_monthly_report(year_be: int | None = None, month: int | None = None) -> dict:
    """The monthly complaint report to the mayor, deputy mayors and permanent secretary: the
    previous month (Bangkok time) unless a month is given; mailed at once, each person once."""
    from domain.complaint_report import REPORT_CASE_TYPE, previous_month

    if year_be is None or month is None:
        year_be, month = previous_month()
    counts = queue_complaint_report(year_be, month)
    report = await deliver_outbox(
        get_engine(), get_settings(), case=(REPORT_CASE_TYPE, year_be * 100 + month)
    )
    get_run_logger().info(
        "complaint report %d-%02d %s; mail sent %d", year_be, month, counts, report.sent
    )
    return {**counts, "sent": report.sent, "year_be": year_be, "month": month}
