"""The in-process case worker takes a resumed run before new ones (issue #14): a person waits
on a resume, nobody yet on a new case's first suspend. On the real Prefect server of the
session's system, in a work pool of its own that no worker serves, so the runs stay put."""

import asyncio

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import WorkPoolCreate
from prefect.settings import PREFECT_API_URL, temporary_settings
from prefect.states import Scheduled

from flows.inprocess_worker import RESUMING, WORKER_TYPE, InProcessWorker
from ops.run import LocalSystem

pytestmark = pytest.mark.slow


async def scheduled_order(pool: str) -> tuple[list[str], list[str]]:
    """Three new runs and one resumed run (scheduled last, as a decision's resume is), and
    the order Prefect hands them out in and the order the worker takes them in."""
    async with get_client() as client:
        await client.create_work_pool(
            WorkPoolCreate(
                name=pool,
                type=WORKER_TYPE,
                base_job_template=InProcessWorker.get_default_base_job_template(),
            )
        )
        flow_id = await client.create_flow_from_name("resume-order")
        deployment_id = await client.create_deployment(
            flow_id=flow_id, name="resume-order", work_pool_name=pool
        )
        for i in range(3):
            await client.create_flow_run_from_deployment(deployment_id, name=f"new-{i}")
        await client.create_flow_run_from_deployment(
            deployment_id, name="resumed", state=Scheduled(name=RESUMING)
        )
        prefect_order = [
            entry.flow_run.name
            for entry in await client.get_scheduled_flow_runs_for_work_pool(pool)
        ]
    async with InProcessWorker(work_pool_name=pool) as worker:
        worker_order = [entry.flow_run.name for entry in await worker._get_scheduled_flow_runs()]
    return prefect_order, worker_order


def test_a_resumed_run_is_taken_before_new_ones(system: LocalSystem) -> None:
    with temporary_settings({PREFECT_API_URL: system.prefect_api_url}):
        prefect_order, worker_order = asyncio.run(scheduled_order("resume-order-test"))
    assert prefect_order[-1] == "resumed"  # Prefect's own order: by scheduled time
    assert worker_order[0] == "resumed"
    assert worker_order[1:] == [n for n in prefect_order if n != "resumed"]
