"""The case worker's flow runs send no heartbeats (``flows.inprocess_worker.NO_HEARTBEATS``):
Prefect 3.8.8 otherwise starts a thread per running flow run, 1,800 of them in one process
after a burst (B4' in benchmarks/NOTES.md). Prefect's own engine is asked here, so an upgrade
that renames or reinterprets the setting fails this test."""

import threading

from prefect import flow
from prefect.flow_engine import AsyncFlowRunEngine, _send_heartbeats
from prefect.settings import temporary_settings

from flows.inprocess_worker import NO_HEARTBEATS


@flow
async def probe() -> None:
    """A flow for the engine to be built around; never run."""


def heartbeat_threads_started() -> int:
    engine = AsyncFlowRunEngine(flow=probe)
    before = threading.active_count()
    with _send_heartbeats(engine, join_on_exit=False):
        return threading.active_count() - before


def test_prefect_would_start_a_heartbeat_thread_per_run() -> None:
    assert heartbeat_threads_started() == 1


def test_the_case_workers_runs_start_none() -> None:
    with temporary_settings(updates=NO_HEARTBEATS):
        assert heartbeat_threads_started() == 0
