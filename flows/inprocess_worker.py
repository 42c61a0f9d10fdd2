"""A Prefect worker that runs case flows inside its own long-lived process.

A case flow does little between two human steps: it reads the database, delivers the case's
mail and suspends again. Prefect's process worker starts a new Python process for every run
and every resume (~3.4 s here, most of the time between a decision and its flow moving on; see
docs/benchmarks.md, B2). This worker is Prefect's own ``BaseWorker`` with a ``run`` that loads
the deployment's flow and runs it with ``prefect.flow_engine.run_flow_async`` in this process:
polling, states, cancellation and the work-pool model are Prefect's; several of them may serve
the same pool. The scheduled sweeps stay on the process worker (``municipal`` pool). Flows are
loaded once per worker process: restart the workers after deploying new code.

    python -m flows.inprocess_worker --pool cases
"""

import argparse
import asyncio
import os
from typing import Any
from uuid import UUID

import anyio
import anyio.abc
from prefect.client.schemas.objects import FlowRun
from prefect.exceptions import Pause
from prefect.flow_engine import run_flow_async
from prefect.flows import load_flow_from_flow_run
from prefect.workers.base import (
    BaseJobConfiguration,
    BaseVariables,
    BaseWorker,
    BaseWorkerResult,
)

WORKER_TYPE = "kkm-inprocess"


class InProcessResult(BaseWorkerResult):
    pass


class InProcessWorker(BaseWorker[BaseJobConfiguration, BaseVariables, InProcessResult]):
    type = WORKER_TYPE
    job_configuration = BaseJobConfiguration
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

    async def run(
        self,
        flow_run: FlowRun,
        configuration: BaseJobConfiguration,
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


async def serve(pool: str, name: str | None) -> None:
    async with InProcessWorker(work_pool_name=pool, name=name) as worker:
        await worker.start()


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
                    description="Case flows (memos, complaints), run in long-lived processes",
                )
            )
        except ObjectAlreadyExists:
            pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pool", default="cases")
    parser.add_argument("--name", default=None)
    parser.add_argument("--create-pool", action="store_true", help="create the pool and exit")
    args = parser.parse_args()
    if not args.create_pool:
        from core.settings import check_secret_key, get_settings

        check_secret_key(get_settings())  # no start on a guessable key outside development
    asyncio.run(create_pool(args.pool) if args.create_pool else serve(args.pool, args.name))


if __name__ == "__main__":
    main()
