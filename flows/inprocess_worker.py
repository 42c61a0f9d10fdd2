"""A Prefect worker that runs flows inside its own long-lived process: the case flows, and the
scheduled sweeps beside them.

A case flow does little between two human steps: it reads the database, delivers the case's
mail and suspends again. Prefect's process worker starts a new Python process for every run
and every resume (~3.4 s here, most of the time between a decision and its flow moving on; see
docs/benchmarks.md, B2). This worker is Prefect's own ``BaseWorker`` with a ``run`` that loads
the deployment's flow and runs it with ``prefect.flow_engine.run_flow_async`` in this process:
polling, states, cancellation and the work-pool model are Prefect's; several of them may serve
the same pool. The scheduled sweeps run here too: on Prefect's process worker each run was a
process of 2-3 s of CPU and ~300 MiB while it lived, and the worker itself held ~120 MiB (B4').
Flows are loaded once per worker process: restart the workers after deploying new code.

    python -m flows.inprocess_worker --pool cases
"""

import argparse
import asyncio
import logging
import os
from contextlib import AbstractContextManager, nullcontext
from functools import cache
from typing import Any, Self
from uuid import UUID

import anyio
import anyio.abc
import prefect.flow_engine
import prefect.results
from prefect.client.orchestration import PrefectClient
from prefect.client.schemas.objects import FlowRun, WorkPool
from prefect.client.schemas.responses import WorkerFlowRunResponse
from prefect.exceptions import Pause
from prefect.flow_engine import run_flow_async
from prefect.flows import load_flow_from_flow_run
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
from prefect.workers.base import (
    BaseJobConfiguration,
    BaseVariables,
    BaseWorker,
    BaseWorkerResult,
)

from adapters.prefect_client import share_tls_contexts

log = logging.getLogger(__name__)

WORKER_TYPE = "kkm-inprocess"
RESUMING = "Resuming"
"""The name Prefect's server gives the Scheduled state of a suspended run it resumes."""


class InProcessConfiguration(BaseJobConfiguration):
    """A run in this process needs no job: no command, no environment, no image. Prefect's
    default resolution reads the deployment and the flow and serialises every setting into
    environment variables for each run (two API calls and ~20 % of this worker's CPU in a
    burst, benchmarks/NOTES.md B4'); here the configuration only names the flow run, for the
    worker's events."""

    @classmethod
    async def resolve_for_flow_run(
        cls,
        flow_run: FlowRun,
        *,
        client: PrefectClient,
        work_pool: WorkPool,
        worker_name: str,
        worker_id: UUID | None = None,
        deployment: Any = None,
    ) -> Self:
        configuration = cls()
        configuration._related_objects = {"flow-run": flow_run}
        return configuration


class InProcessResult(BaseWorkerResult):
    pass


class InProcessWorker(BaseWorker[BaseJobConfiguration, BaseVariables, InProcessResult]):
    type = WORKER_TYPE
    job_configuration = InProcessConfiguration
    job_configuration_variables = BaseVariables
    _description = "Runs flow runs inside the worker's own process: no process start per run."
    _display_name = "In-process (เทศบาลนครขอนแก่น)"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._flows: dict[UUID | None, Any] = {}

    async def _flow(self, flow_run: FlowRun) -> Any:
        """The deployment's flow, loaded once per worker process: loading runs the module
        again, which would cost time and memory on every resume."""
        if flow_run.deployment_id not in self._flows:
            self._flows[flow_run.deployment_id] = await load_flow_from_flow_run(
                flow_run, ignore_storage=True
            )
        return self._flows[flow_run.deployment_id]

    async def _get_scheduled_flow_runs(self) -> list[WorkerFlowRunResponse]:
        """Prefect's scheduled runs, resumed ones first. Prefect hands them out by scheduled
        time, so a decision's resume (scheduled when it was made) waited behind every new
        case of a burst; a person is waiting on the resume, nobody yet on a new case's first
        suspend. The order among resumes, and among new runs, stays Prefect's."""
        runs = await super()._get_scheduled_flow_runs()
        return sorted(runs, key=lambda entry: entry.flow_run.state_name != RESUMING)

    async def run(
        self,
        flow_run: FlowRun,
        configuration: InProcessConfiguration,
        task_status: anyio.abc.TaskStatus[int] | None = None,
    ) -> InProcessResult:
        flow = await self._flow(flow_run)
        if task_status is not None:
            task_status.started(os.getpid())
        try:
            await run_flow_async(
                flow, flow_run=flow_run, parameters=flow_run.parameters, return_type="state"
            )
        except Pause:
            pass  # suspended: the run waits in Prefect, not here
        return InProcessResult(identifier=str(os.getpid()), status_code=0)


def no_outside_suspension(*_args: Any, **_kwargs: Any) -> AbstractContextManager[None]:
    """Stands in for Prefect's ``observe_flow_run_suspension`` in this worker. For every run of
    a deployment Prefect 3.8 starts a thread with an event loop, a client and an events
    subscription, to notice a suspension requested from outside the flow (the UI's "Suspend"),
    and blocks the worker's event loop until the subscription is up: in a burst that was a
    quarter of this worker's CPU and serialised the starts (benchmarks/NOTES.md B4'). Case
    flows suspend themselves, on their steps; people decide through the application."""
    return nullcontext()


def read_result_storage_once() -> None:
    """Prefect asks the server for its default result storage at the start of every flow run,
    with a synchronous client, inside the worker's event loop: while the server answers, no
    other run in this process moves (after a burst that was most of the wait, B4' in
    benchmarks/NOTES.md). Case flows keep no results; the answer is read once per process."""
    reader = prefect.results._read_server_default_result_storage_block_id
    prefect.results._read_server_default_result_storage_block_id = cache(reader)  # type: ignore[attr-defined]


RESTART_AFTER = 5.0
"""Seconds before the worker starts again after Prefect's server could not be reached."""

RUNS_AT_ONCE = 40
"""Flow runs one case worker runs at a time unless ``KKM_CASE_WORKER_LIMIT`` says otherwise
(0: no limit); the others wait in Prefect as Scheduled, resumed runs first. Without a limit
the worker took every run of a 10,000-case build at once, 3,260 running in one process, and
its rate fell from 4 to under 0.5 runs suspended per second (B4' in benchmarks/NOTES.md). 40 is
anyio's thread pool, where every run's database work is done."""

NO_HEARTBEATS = {PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}
"""Prefect 3.8.8 gives every running flow run a thread that wakes each second to send a
heartbeat event every 180 s. In one process that takes a burst's runs at once it was 1,800
threads, and nothing here reads heartbeats (no automation; the reconcile sweep finds a crashed
run from the database: B4' in benchmarks/NOTES.md). The setting cannot be turned off by
environment variable (it must be at least 30), only in the process."""


async def serve(pool: str, name: str | None, limit: int | None) -> None:
    """Serve ``pool`` until stopped. The Prefect clients the flow runs create share one TLS
    context (``adapters.prefect_client``), no run watches for a suspension from outside, and
    none sends heartbeats (``NO_HEARTBEATS``).

    Prefect's ``BaseWorker`` ends when its server fails it while it hands a run over (the
    deployment read is unguarded; the error escapes its task group): in B4' on SQLite the
    server was restarted after a deadlock and the worker went with it. This worker starts
    again instead; the runs it was moving crash, and the reconcile sweep starts them again
    (tests/system/test_prefect_restart.py)."""
    share_tls_contexts()
    read_result_storage_once()
    prefect.flow_engine.observe_flow_run_suspension = no_outside_suspension  # type: ignore[assignment]
    with temporary_settings(updates=NO_HEARTBEATS):  # the runs started here inherit it
        while True:
            try:
                async with InProcessWorker(work_pool_name=pool, name=name, limit=limit) as worker:
                    await worker.start()
                return
            except Exception:
                log.warning(
                    "worker stopped; starting again in %.0f s", RESTART_AFTER, exc_info=True
                )
                await asyncio.sleep(RESTART_AFTER)


async def create_pool(pool: str) -> None:
    """Create the work pool (before `prefect deploy`, which needs it to exist)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectAlreadyExists

    async with get_client() as client:
        try:
            await client.create_work_pool(
                WorkPoolCreate(
                    name=pool,
                    type=WORKER_TYPE,
                    base_job_template=InProcessWorker.get_default_base_job_template(),
                    description="Case flows and scheduled sweeps, run in long-lived processes",
                )
            )
        except ObjectAlreadyExists:
            pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pool", default="cases")
    parser.add_argument("--name", default=None)
    parser.add_argument("--create-pool", action="store_true", help="create the pool and exit")
    parser.add_argument(
        "--limit",
        type=int,
        default=int(os.environ.get("KKM_CASE_WORKER_LIMIT", RUNS_AT_ONCE)) or None,
        help=f"flow runs at once in this process (default KKM_CASE_WORKER_LIMIT, else "
        f"{RUNS_AT_ONCE}; 0: no limit)",
    )
    args = parser.parse_args()
    if not args.create_pool:
        from core.settings import check_secret_key, get_settings

        check_secret_key(get_settings())  # no start on a guessable key outside development
    asyncio.run(
        create_pool(args.pool) if args.create_pool else serve(args.pool, args.name, args.limit)
    )


if __name__ == "__main__":
    main()
