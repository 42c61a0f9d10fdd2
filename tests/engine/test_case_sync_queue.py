"""The API's queue to Prefect: decisions are synced at once; new cases are started once intake
pauses, in batches (one per interval), so a burst of intakes does not spend the machine on flow
runs while people wait for answers. (The real Prefect path is in tests/test_system.py and
tests/test_complaint_system.py; here a recorder stands in for the orchestrator to time the
queue's own order.)"""

import asyncio
import time

from adapters.case_sync import CaseSyncQueue
from adapters.orchestrator import SyncReport


class Recorder:
    def __init__(self) -> None:
        self.synced: list[tuple[tuple[str, int], float]] = []
        self.batches: list[int] = []
        self.intakes: list[str] = []
        self.busy = 0

    async def sync_case(self, case_type: str, case_id: int) -> SyncReport:
        self.synced.append(((case_type, case_id), time.monotonic()))
        return SyncReport()

    async def start_new_cases(self, cases: list[tuple[str, int]]) -> SyncReport:
        self.batches.append(len(cases))
        for case in cases:
            await self.sync_case(*case)
        return SyncReport()

    async def start_intake(self, deployment: str) -> bool:
        self.intakes.append(deployment)
        return len(self.intakes) > self.busy  # the first ``busy`` asks find one running


def test_new_cases_are_paced_and_decisions_do_not_wait_behind_them():
    recorder = Recorder()

    async def scenario() -> float:
        queue = CaseSyncQueue(  # type: ignore[arg-type]
            recorder, new_case_interval=0.2, new_case_quiet=0.0, new_case_batch=1
        )
        await queue.start()
        t0 = time.monotonic()
        for case_id in (1, 2, 3, 1):  # the repeat of 1 is still queued: one entry
            queue.request_new("memo", case_id)
        await asyncio.sleep(0.05)
        queue.request("integrity-report", 9)
        await queue.drain()
        await queue.stop()
        return t0

    t0 = asyncio.run(scenario())
    order = [key for key, _ in recorder.synced]
    assert order == [("memo", 1), ("integrity-report", 9), ("memo", 2), ("memo", 3)]
    at = {key: t - t0 for key, t in recorder.synced}
    assert at[("integrity-report", 9)] < 0.15  # not behind the two new cases still waiting
    assert at[("memo", 2)] - at[("memo", 1)] >= 0.19
    assert at[("memo", 3)] - at[("memo", 2)] >= 0.19


def test_new_cases_wait_for_a_pause_in_intake_but_not_for_ever():
    recorder = Recorder()

    async def scenario(max_wait: float) -> float:
        queue = CaseSyncQueue(  # type: ignore[arg-type]
            recorder, new_case_interval=0.0, new_case_quiet=0.3, new_case_max_wait=max_wait
        )
        await queue.start()
        for case_id in range(1, 11):  # one new case every 50 ms for half a second
            queue.request_new("memo", case_id)
            await asyncio.sleep(0.05)
        last_request = time.monotonic()
        await queue.drain()
        await queue.stop()
        return last_request

    last_request = asyncio.run(scenario(max_wait=30))
    starts = [t for _, t in recorder.synced]
    assert len(starts) == 10
    assert min(starts) - last_request >= 0.2  # none while the burst went on

    recorder.synced.clear()
    last_request = asyncio.run(scenario(max_wait=0.2))  # a case waits at most this long
    assert min(t for _, t in recorder.synced) < last_request


def test_new_cases_are_started_in_batches():
    recorder = Recorder()

    async def scenario() -> None:
        queue = CaseSyncQueue(  # type: ignore[arg-type]
            recorder, new_case_interval=0.0, new_case_quiet=0.1, new_case_batch=100
        )
        await queue.start()
        for case_id in range(1, 251):
            queue.request_new("memo", case_id)
        await queue.drain()
        await queue.stop()

    asyncio.run(scenario())
    assert recorder.batches == [100, 100, 50]
    assert [key for key, _ in recorder.synced] == [("memo", i) for i in range(1, 251)]


def test_new_complaints_start_one_intake_run_per_batch_and_no_runs_of_their_own():
    """A complaint's own run starts at its first decision (``Workflow.intake_deployment``):
    a burst of new complaints asks for one intake run per batch, new memos for their runs."""
    recorder = Recorder()

    async def scenario() -> None:
        queue = CaseSyncQueue(  # type: ignore[arg-type]
            recorder, new_case_interval=0.0, new_case_quiet=0.1, new_case_batch=100
        )
        await queue.start()
        for case_id in range(1, 151):
            queue.request_new("complaint", case_id)
        queue.request_new("memo", 7)
        await queue.drain()
        await queue.stop()

    asyncio.run(scenario())
    assert recorder.intakes == ["complaint-intake/complaint-intake"] * 2
    assert recorder.batches == [1]
    assert [key for key, _ in recorder.synced] == [("memo", 7)]


def test_while_the_intake_run_runs_it_is_asked_for_again_once_at_a_time():
    """A running intake run may have read its list: the queue asks again every interval
    until one is started or queued, and never has two asks going for one deployment."""
    recorder = Recorder()
    recorder.busy = 3

    async def scenario() -> float:
        queue = CaseSyncQueue(  # type: ignore[arg-type]
            recorder, new_case_interval=0.0, new_case_quiet=0.0, intake_retry_interval=0.1
        )
        await queue.start()
        t0 = time.monotonic()
        queue.request_new("complaint", 1)
        await asyncio.sleep(0.05)
        queue.request_new("complaint", 2)  # while the first ask is still waiting
        await queue.drain()
        await queue.stop()
        return time.monotonic() - t0

    took = asyncio.run(scenario())
    assert recorder.intakes == ["complaint-intake/complaint-intake"] * 4
    assert took >= 0.3
