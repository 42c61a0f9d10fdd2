"""The API's line to Prefect (``CaseSyncQueue``): after a decision the case's run catches up
at once; new cases' runs are started in bulk once intake pauses, or their workflow's intake run
once. Everything here only asks the ``Orchestrator``; the reconcile sweep repairs what is lost
when the API stops."""

import asyncio
import logging

from adapters.orchestrator import BULK_CREATE_LIMIT, Orchestrator
from domain.engine.registry import workflow_for

log = logging.getLogger(__name__)


class CaseSyncQueue:
    """The API's single line to Prefect: requests to sync a case are queued (one entry per
    case however many decisions arrive) and a few consumers work them off. A burst of
    decisions therefore never holds database connections or the event loop while Prefect
    answers; a request still queued when the API stops is caught by the reconcile sweep.

    New cases wait in a line of their own: their runs are started once new cases stop
    arriving for ``new_case_quiet`` seconds (or a case has waited ``new_case_max_wait``), in
    bulk (``new_case_batch`` per request to Prefect, then ``new_case_interval``); for a
    workflow with an intake run (complaints), one such run for the batch instead. A burst of
    intakes is thus answered without the API and the Prefect server spending the machine on
    flow runs meanwhile (B1), decisions go first (B2, B3), and the reconcile sweep starts
    whatever is still waiting a minute later."""

    def __init__(
        self,
        orchestrator: Orchestrator,
        *,
        consumers: int = 2,
        new_case_interval: float = 0.1,
        new_case_quiet: float = 0.5,
        new_case_max_wait: float = 30.0,
        new_case_batch: int = BULK_CREATE_LIMIT,
        intake_retry_interval: float = 1.0,
    ) -> None:
        self.orchestrator = orchestrator
        self.consumers = consumers
        self.new_case_interval = new_case_interval
        self.new_case_quiet = new_case_quiet
        self.new_case_max_wait = new_case_max_wait
        self.new_case_batch = new_case_batch
        self._last_new_case = 0.0
        self._queue: asyncio.Queue[tuple[str, int]] = asyncio.Queue()
        self._new_cases: asyncio.Queue[tuple[tuple[str, int], float]] = asyncio.Queue()
        self._pending: set[tuple[str, int]] = set()
        self._pending_new: set[tuple[str, int]] = set()
        self._tasks: list[asyncio.Task[None]] = []
        self._retries: dict[tuple[str, int], int] = {}
        self.follow_up_tries = 60
        self._intake_asks: dict[str, asyncio.Task[None]] = {}
        self.intake_retry_interval = intake_retry_interval
        self.intake_retries = 120

    def _follow_up(self, case_type: str, case_id: int, *, in_flight: bool) -> None:
        """A run still on its way to its suspend may suspend on the step just decided; look
        again in a second (for up to a minute) rather than leave it to the reconcile sweep."""
        key = (case_type, case_id)
        tries = self._retries.pop(key, 0)
        if in_flight and tries < self.follow_up_tries:
            self._retries[key] = tries + 1
            asyncio.get_running_loop().call_later(1.0, self.request, case_type, case_id)

    def request(self, case_type: str, case_id: int) -> None:
        """Ask for the case's flow run to catch up (after a decision); returns at once."""
        key = (case_type, case_id)
        if key not in self._pending:
            self._pending.add(key)
            self._queue.put_nowait(key)

    def request_new(self, case_type: str, case_id: int) -> None:
        """Ask for a new case's flow run to be started, in its turn; returns at once."""
        key = (case_type, case_id)
        self._last_new_case = asyncio.get_running_loop().time()
        if key not in self._pending_new:
            self._pending_new.add(key)
            self._new_cases.put_nowait((key, self._last_new_case))

    async def start(self) -> None:
        self._tasks = [asyncio.create_task(self._consume()) for _ in range(self.consumers)]
        self._tasks.append(asyncio.create_task(self._start_new_cases()))

    async def stop(self) -> None:
        tasks = [*self._tasks, *self._intake_asks.values()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks = []

    async def drain(self) -> None:
        """Wait until everything requested so far has been synced (tests, shutdown)."""
        await self._new_cases.join()
        await self._queue.join()
        await asyncio.gather(*self._intake_asks.values(), return_exceptions=True)

    async def _sync(self, case_type: str, case_id: int) -> None:
        try:
            report = await self.orchestrator.sync_case(case_type, case_id)
            self._follow_up(case_type, case_id, in_flight=bool(report.in_flight))
        except Exception:
            log.warning(
                "could not sync %s-%s with Prefect now; the reconcile sweep will",
                case_type,
                case_id,
                exc_info=True,
            )

    async def _consume(self) -> None:
        while True:
            key = await self._queue.get()
            self._pending.discard(key)
            try:
                await self._sync(*key)
            finally:
                self._queue.task_done()

    async def _start(self, keys: list[tuple[str, int]]) -> None:
        """New cases' runs in bulk; for workflows with an intake run, that run once."""
        intakes = {workflow_for(t).intake_deployment for t, _ in keys} - {None}
        own_runs = [(t, i) for t, i in keys if workflow_for(t).intake_deployment is None]
        for deployment in sorted(intakes):  # type: ignore[type-var]
            self._request_intake(deployment)  # type: ignore[arg-type]
        if not own_runs:
            return
        try:
            await self.orchestrator.start_new_cases(own_runs)
        except Exception:
            log.warning(
                "could not start %d new cases' runs now; the reconcile sweep will",
                len(own_runs),
                exc_info=True,
            )

    def _request_intake(self, deployment: str) -> None:
        """Ask for the intake run, once at a time per deployment; while the last one runs,
        ask again every ``intake_retry_interval`` seconds (for up to ``intake_retries``)."""
        if deployment not in self._intake_asks:
            self._intake_asks[deployment] = asyncio.create_task(self._ask_intake(deployment))

    async def _ask_intake(self, deployment: str) -> None:
        try:
            for _ in range(self.intake_retries):
                try:
                    if await self.orchestrator.start_intake(deployment):
                        return
                except Exception:
                    log.warning(
                        "could not start %s now; the reconcile sweep completes the intakes",
                        deployment,
                        exc_info=True,
                    )
                    return
                await asyncio.sleep(self.intake_retry_interval)
            log.warning("%s still running; the reconcile sweep completes the rest", deployment)
        finally:
            self._intake_asks.pop(deployment, None)

    async def _start_new_cases(self) -> None:
        """Once new cases pause, start every one waiting, in bulk (``new_case_batch`` at a
        time, then ``new_case_interval`` for the decisions' line)."""
        loop = asyncio.get_running_loop()
        while True:
            first = await self._new_cases.get()
            batch = [first]
            try:
                latest = first[1] + self.new_case_max_wait
                while (quiet := loop.time() - self._last_new_case) < self.new_case_quiet:
                    if loop.time() >= latest:
                        break
                    await asyncio.sleep(self.new_case_quiet - quiet)
                while len(batch) < self.new_case_batch and not self._new_cases.empty():
                    batch.append(self._new_cases.get_nowait())
                keys = [key for key, _ in batch]
                self._pending_new.difference_update(keys)
                await self._start(keys)
                await asyncio.sleep(self.new_case_interval)
            finally:
                for _ in batch:
                    self._new_cases.task_done()
