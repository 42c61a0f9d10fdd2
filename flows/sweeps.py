"""Scheduled sweeps (prefect.yaml): deadlines, mail delivery, and repair of lost flow runs.

They run on the case worker (pool ``cases``), beside the case flows, so what blocks (the
database, PDFs) runs in threads."""

from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from anyio import to_thread
from prefect import flow, get_run_logger
from sqlmodel import Session

from adapters.line_push import deliver_line_pushes
from adapters.mail import deliver_outbox
from adapters.orchestrator import Orchestrator
from core.db import get_engine, in_transaction
from core.settings import check_secret_key, get_settings
from domain.children.referral_chase import sweep_referral_chase
from domain.complaints import service
from domain.engine import throttle
from domain.engine.deadlines import sweep_deadlines
from domain.integrity.chase import sweep_integrity_chase
from domain.integrity.rules import open_received

T = TypeVar("T")


async def _in_thread(work: Callable[[Session], T]) -> T:
    """``work`` in one transaction, in a thread: the sweeps run in the case worker's process,
    and its event loop carries the case flows' resumes meanwhile."""
    return await to_thread.run_sync(in_transaction, get_engine(), work)


@flow(name="deadline-sweep")
async def deadline_sweep() -> dict[str, int]:
    """Remind, flag overdue and escalate open steps by the deadline policy; each notice once."""
    check_secret_key(get_settings())  # a worker runs these: no guessable key
    # Sealed corruption reports start their handling here, in batches, so that nothing the
    # engine stamps tells when a reporter wrote (domain/integrity/rules.py).
    sealed = await _in_thread(open_received)
    sealed_chased = await _in_thread(sweep_integrity_chase)
    referrals_chased = await _in_thread(sweep_referral_chase)
    counts = await _in_thread(sweep_deadlines)
    report = await deliver_outbox(get_engine(), get_settings(), limit=1000)
    get_run_logger().info(
        "sealed reports opened %d, chased %s; referrals chased %s; notices %s; mail sent %d",
        sealed,
        sealed_chased,
        referrals_chased,
        counts,
        report.sent,
    )
    return {**counts, "sealed_reports_opened": sealed, **sealed_chased, **referrals_chased}


@flow(name="deliver-mail")
async def deliver_mail() -> int:
    """Send queued mail and LINE pushes; what catches up after an SMTP or LINE outage."""
    check_secret_key(get_settings())
    report = await deliver_outbox(get_engine(), get_settings(), limit=1000)
    pushed = await deliver_line_pushes(get_engine(), get_settings(), limit=1000)
    return report.sent + pushed.sent


THROTTLE_MEMORY = timedelta(days=1)
"""Counters of guesses and intake untouched this long are dropped (every limit's window and
delay is shorter)."""


@flow(name="reconcile-flows")
async def reconcile_flows() -> dict[str, list[str] | int]:
    """Complete complaint intakes no flow has taken up yet, then start missing case runs,
    resume runs whose step was decided, restart lost runs."""
    check_secret_key(get_settings())
    intakes = await to_thread.run_sync(service.complete_waiting_intakes, get_engine())
    report = await Orchestrator(get_engine()).reconcile()
    forgotten = await to_thread.run_sync(throttle.forget_older_than, get_engine(), THROTTLE_MEMORY)
    get_run_logger().info(
        "reconcile: %s; complaint intakes completed %d; old throttle counters dropped %d",
        report,
        intakes,
        forgotten,
    )
    return {**vars(report), "intakes_completed": intakes, "throttles_forgotten": forgotten}
