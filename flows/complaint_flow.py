"""Complaints as Prefect flows: ``complaint-intake`` completes the intake of a burst of new
complaints and sends their receipts; ``complaint-handling`` follows one complaint from its first
decision through its human steps (the database decides; the flow waits, suspended, and delivers
the complaint's mail); ``complaint-escalation`` is the scheduled chase of divisions that have
not reported."""

from datetime import timedelta
from functools import partial

from anyio import to_thread
from prefect import flow, get_run_logger

from adapters.complaint_report_pdf import monthly_report_attachment
from adapters.line_push import deliver_line_pushes
from adapters.mail import deliver_outbox
from core.db import get_engine
from core.settings import get_settings
from domain.complaints import service
from domain.complaints.report import REPORT_CASE_TYPE, previous_month
from domain.complaints.states import CASE_TYPE
from flows.common import (
    CASE_FLOW_RETRIES,
    SWEEP_RETRIES,
    deliver_case_mail,
    follow_case,
    follow_stage,
)


async def complete_complaint_intake(complaint_id: int) -> bool:
    """The rest of one complaint's intake (a no-op once the intake run has done it)."""
    return await to_thread.run_sync(service.complete_intake_of, get_engine(), complaint_id)


@flow(name="complaint-intake", log_prints=True, **CASE_FLOW_RETRIES)
async def complaint_intake() -> dict[str, int]:
    """Complete every stored complaint's intake (the duplicate search, the centre's
    jurisdiction check opened, the receipt queued) and send the receipts: one run for a burst
    of new complaints, started by the API once intake pauses. A complaint's own run starts at
    its first decision; until then it waits in the centre's inbox and holds nothing in
    Prefect."""
    completed = await to_thread.run_sync(
        partial(
            service.complete_waiting_intakes,
            get_engine(),
            older_than=timedelta(0),
            until_none_wait=True,
        )
    )
    mail = await deliver_outbox(get_engine(), get_settings(), limit=max(100, 2 * completed))
    pushed = await deliver_line_pushes(get_engine(), get_settings(), limit=max(100, completed))
    get_run_logger().info(
        "รับเรื่องครบ %d เรื่อง; ส่งใบรับ %d ฉบับ, LINE %d", completed, mail.sent, pushed.sent
    )
    return {"completed": completed, "mailed": mail.sent, "pushed": pushed.sent}


@flow(name="complaint-handling", log_prints=True, **CASE_FLOW_RETRIES)
async def complaint_handling(complaint_id: int) -> str:
    """Follow complaint ``complaint_id`` through its stages, suspended while people decide
    (DOMAIN.md §5). Each stage waits on its kinds of step; the database decides which. Started
    at the complaint's first decision (``Workflow.intake_deployment``), so the centre's check
    has usually passed when it first runs."""
    case = (CASE_TYPE, complaint_id)
    # 1. Intake: numbered and answered by the API, completed by complaint-intake (a no-op here
    #    unless that run was lost).
    await complete_complaint_intake(complaint_id)
    # 2. The centre checks jurisdiction: route to a division, forward outside, or merge.
    await follow_stage(*case, stage="ศูนย์ฯ ตรวจสอบอำนาจหน้าที่", kinds={"screen"})
    # 2a. Forwarded outside: the centre records the agency's acknowledgement.
    await follow_stage(*case, stage="หน่วยงานภายนอกตอบรับ", kinds={"agency"})
    # 3. The division confirms receipt, announces a date, reports the result or an obstacle
    #    (which the centre decides: more time, carry on, or close unresolved).
    await follow_stage(
        *case,
        stage="หน่วยงานดำเนินการและรายงานผล",
        kinds={"receipt", "schedule", "result", "obstacle"},
    )
    # 4. Supervisor then complainant were told (mail); a low rating brings the centre's review,
    #    which may send the complaint back to the division.
    await follow_stage(
        *case, stage="ทบทวนผลเมื่อผู้ร้องไม่พึงพอใจ", kinds={"review", "result", "obstacle"}
    )
    await follow_case(*case)
    await deliver_case_mail(*case)
    return await to_thread.run_sync(service.status_of, get_engine(), complaint_id)


@flow(name="complaint-escalation", **SWEEP_RETRIES)
async def complaint_escalation() -> dict[str, int]:
    """Tell the centre of receipts not confirmed in a working day; chase divisions that have
    not reported: follow-up, first and second notice, then the mayor and the meeting agenda.
    Each notice is recorded and queued once, whatever the schedule."""
    counts = await to_thread.run_sync(service.chase_divisions, get_engine())
    report = await deliver_outbox(get_engine(), get_settings(), limit=1000)
    get_run_logger().info("complaint notices %s; mail sent %d", counts, report.sent)
    return counts


@flow(name="complaint-monthly-report", **SWEEP_RETRIES)
async def complaint_monthly_report(year_be: int | None = None, month: int | None = None) -> dict:
    """The monthly complaint report to the mayor, deputy mayors and permanent secretary: the
    previous month (Bangkok time) unless a month is given; mailed at once, each person once."""
    if year_be is None or month is None:
        year_be, month = previous_month()
    # The report is built (its PDF too) and queued once per month and person.
    counts = await to_thread.run_sync(
        partial(
            service.queue_monthly_report,
            get_engine(),
            year_be=year_be,
            month=month,
            attach=monthly_report_attachment,
        )
    )
    report = await deliver_outbox(
        get_engine(), get_settings(), case=(REPORT_CASE_TYPE, year_be * 100 + month)
    )
    get_run_logger().info(
        "complaint report %d-%02d %s; mail sent %d", year_be, month, counts, report.sent
    )
    return {**counts, "sent": report.sent, "year_be": year_be, "month": month}
