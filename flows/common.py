"""What every case flow does: wait, suspended, on the case's open step; when resumed, read
the database again (it already holds the decision) and wait on the next step, until done.

A workflow's flow names its stages in order with ``follow_stage`` (the kinds of step each
stage waits on); a resumed run starts again from the top, and a stage with no open step of
its kinds passes at once, so the run always suspends where the database says the case is.

The reads and the mail here are plain functions, not Prefect tasks: a case flow runs them
again on every resume, and each task run cost Prefect's server and database a task run, its
states and their events (about half of a run's cost in a burst, benchmarks/NOTES.md B4'). A
case flow that fails is retried whole (``CASE_FLOW_RETRIES``): everything it does is safe to
repeat, and the reconcile sweep restarts it if the retries run out."""

from collections.abc import Iterable
from dataclasses import dataclass

from anyio import to_thread
from prefect import get_run_logger
from prefect.flow_runs import suspend_flow_run
from sqlmodel import Session

from adapters.line_push import deliver_line_pushes
from adapters.mail import deliver_outbox
from core.db import get_engine
from core.settings import get_settings
from domain.engine.registry import form_class
from domain.engine.steps import open_steps_of_case

CASE_FLOW_RETRIES = {"retries": 3, "retry_delay_seconds": 5}
"""For ``@flow(**CASE_FLOW_RETRIES)`` on every case flow."""

SWEEP_RETRIES = {"retries": 3, "retry_delay_seconds": 10}
"""For the scheduled sweeps whose next run is an hour or more away (complaint escalation, the
monthly report, the PDCA rounds' opening and chase, the next cycle): one that fails on a busy
database is tried again soon, whole (each does what is due, once, however often it runs)."""


@dataclass(frozen=True)
class Waiting:
    key: str
    form: str
    title: str


def _first_open_step(case_type: str, case_id: int, kinds: frozenset[str] | None) -> Waiting | None:
    with Session(get_engine()) as session:  # a read: no writers' turn
        steps = open_steps_of_case(session, case_type=case_type, case_id=case_id)
    steps = [s for s in steps if kinds is None or s.kind in kinds]
    return Waiting(steps[0].key, steps[0].form, steps[0].title) if steps else None


async def awaited_step(
    case_type: str, case_id: int, kinds: frozenset[str] | None = None
) -> Waiting | None:
    """The case's first open step (of ``kinds``), read fresh from the database on every run
    (in a thread: flows share the event loop in the in-process worker)."""
    return await to_thread.run_sync(_first_open_step, case_type, case_id, kinds)


async def deliver_case_mail(case_type: str, case_id: int) -> int:
    """Send the case's queued mail and LINE pushes; the outboxes make a repeat harmless."""
    report = await deliver_outbox(get_engine(), get_settings(), case=(case_type, case_id))
    pushed = await deliver_line_pushes(get_engine(), get_settings(), case=(case_type, case_id))
    return report.sent + pushed.sent


async def follow_stage(
    case_type: str, case_id: int, *, stage: str, kinds: Iterable[str] | None = None
) -> None:
    """Suspend on each open step of ``kinds`` (every kind: None) in turn; return when the case
    has none left. The decision is already in the database when the run is resumed; what
    Prefect hands back is only logged, so a resume from Prefect's UI decides nothing."""
    logger = get_run_logger()
    wanted = frozenset(kinds) if kinds is not None else None
    while True:
        await deliver_case_mail(case_type, case_id)
        waiting = await awaited_step(case_type, case_id, wanted)
        if waiting is None:
            return
        logger.info("%s — รอการพิจารณา: %s (%s)", stage, waiting.title, waiting.key)
        decision = await suspend_flow_run(
            wait_for_input=form_class(waiting.form), key=waiting.key, timeout=None
        )
        logger.info("ผลการพิจารณา %s: %s", waiting.key, decision)


async def follow_case(case_type: str, case_id: int) -> None:
    """Whatever step the case still has open, whatever its kind, until none is left."""
    await follow_stage(case_type, case_id, stage="ขั้นตอนที่ยังเปิดอยู่")
