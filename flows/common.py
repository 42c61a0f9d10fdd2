"""What every case flow does: wait, suspended, on the case's open step; when resumed, read
the database again (it already holds the decision) and wait on the next step, until done."""

from dataclasses import dataclass

from anyio import to_thread
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.flow_runs import suspend_flow_run

from adapters.mail import deliver_outbox
from core.db import get_engine, session_scope
from core.settings import get_settings
from domain.forms import form_class
from domain.steps import open_steps_of_case


@dataclass(frozen=True)
class Waiting:
    key: str
    form: str
    title: str


def _first_open_step(case_type: str, case_id: int) -> Waiting | None:
    with session_scope() as session:
        steps = open_steps_of_case(session, case_type=case_type, case_id=case_id)
    return Waiting(steps[0].key, steps[0].form, steps[0].title) if steps else None


@task(cache_policy=NO_CACHE, retries=3, retry_delay_seconds=2)
async def awaited_step(case_type: str, case_id: int) -> Waiting | None:
    """The case's first open step, read fresh from the database on every run (in a thread:
    flows share the event loop in the in-process worker)."""
    return await to_thread.run_sync(_first_open_step, case_type, case_id)


@task(cache_policy=NO_CACHE, retries=3, retry_delay_seconds=5)
async def deliver_case_mail(case_type: str, case_id: int) -> int:
    """Send the case's queued mail; the outbox makes a repeat harmless."""
    report = await deliver_outbox(get_engine(), get_settings(), case=(case_type, case_id))
    return report.sent


async def follow_case(case_type: str, case_id: int) -> None:
    """Suspend on each open step in turn; return when the case has none left."""
    logger = get_run_logger()
    while True:
        await deliver_case_mail(case_type, case_id)
        waiting = await awaited_step(case_type, case_id)
        if waiting is None:
            return
        logger.info("รอการพิจารณา: %s (%s)", waiting.title, waiting.key)
        decision = await suspend_flow_run(
            wait_for_input=form_class(waiting.form), key=waiting.key, timeout=None
        )
        logger.info("ผลการพิจารณา %s: %s", waiting.key, decision)
