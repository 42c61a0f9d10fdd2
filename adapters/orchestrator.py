"""Prefect as the mover of cases. The database already holds every decision; this module makes
each case's flow run catch up with it: start the run a case asked for, resume a run whose
awaited step is closed, and restart a run that was lost (cancelled, crashed, or gone)."""

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from uuid import UUID

from anyio import to_thread
from prefect.client.orchestration import PrefectClient
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from prefect.client.schemas.objects import FlowRun, StateType
from prefect.client.schemas.sorting import FlowRunSort
from prefect.exceptions import ObjectNotFound
from prefect.states import Crashed
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from adapters.prefect_client import prefect_client
from core.db import session_scope, utcnow
from domain.engine.registry import workflow_for
from domain.engine.steps import decisions_of_step
from models.steps import CaseRun, HumanStep, StepStatus

log = logging.getLogger(__name__)

BULK_CREATE_LIMIT = 100
"""Flow runs Prefect creates in one request (its ``/create_flow_run/bulk`` limit)."""
LOST = {StateType.CANCELLED, StateType.CRASHED, StateType.FAILED, StateType.CANCELLING}
NEW_CASE_GRACE = timedelta(minutes=2)
"""A new case's run is the API's to start, in bulk once intake pauses; the sweep starts it
only if it is still missing this long after it was asked for. Starting them one by one
meanwhile, every minute, doubled the work after a burst (B4' in benchmarks/NOTES.md)."""
STALE_RUNNING = timedelta(minutes=15)
"""A run RUNNING this long without a state change lost its process (a killed worker)."""


WITHDRAWN_INPUT = {"outcome": "acknowledge", "comment": "ขั้นตอนถูกยกเลิกหรือเรื่องสิ้นสุดแล้ว"}
"""Resumes a run whose awaited step will never be decided, so the run can finish."""


@dataclass
class SyncReport:
    started: list[str] = field(default_factory=list)
    resumed: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    completed: list[str] = field(default_factory=list)
    in_flight: list[str] = field(default_factory=list)
    """Runs still on their way to a suspend: they may suspend on a step decided meanwhile."""
    not_started: list[str] = field(default_factory=list)
    """New cases Prefect would not start now (busy, or their parameters refused): the next
    sweep tries again."""


@dataclass(frozen=True)
class CaseFacts:
    finished: bool
    resume_with: dict[str, Any] | None
    """The input to resume the case's paused run with (its awaited step closed), else None."""
    run_wanted: bool
    """Whether the case wants a flow run started when it has none: while it is unfinished;
    for a workflow with an intake run, not before its first decision (a case that never had
    a run gets one once decided or finished, to deliver its mail and be marked finished)."""


def resume_input(session: Session, step: HumanStep) -> dict[str, Any]:
    """The closed step's decision in the shape of its form, for Prefect's run input."""
    decisions = decisions_of_step(session, step_id=step.id)  # type: ignore[arg-type]
    final = next((d for d in reversed(decisions) if d.outcome == step.outcome), decisions[-1])
    return {"outcome": step.outcome, "comment": final.comment, **final.fields}


class Orchestrator:
    """Talks to the Prefect API; every method is safe to call again."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._deployment_ids: dict[str, UUID] = {}
        self._intake_runs: dict[str, UUID] = {}

    async def _deployment_id(self, client: PrefectClient, name: str) -> UUID:
        if name not in self._deployment_ids:
            self._deployment_ids[name] = (await client.read_deployment_by_name(name)).id
        return self._deployment_ids[name]

    async def _start(self, client: PrefectClient, run: CaseRun) -> str:
        """A new flow run for the case; a replacement (the case had one) counts an attempt."""
        attempt = run.attempt + 1 if run.flow_run_id else run.attempt
        flow_run = await client.create_flow_run_from_deployment(
            await self._deployment_id(client, run.deployment),
            parameters=run.parameters,
            name=f"{run.case_type}-{run.case_id}" + (f"-{attempt}" if attempt else ""),
            tags=[f"case:{run.case_type}"],
            idempotency_key=f"{run.case_type}-{run.case_id}-{attempt}",
        )
        await to_thread.run_sync(self._record_start, run.id, str(flow_run.id), attempt)
        return str(flow_run.id)

    def _case_runs(self, cases: list[tuple[str, int]]) -> list[CaseRun]:
        with self._reading() as session:
            found: list[CaseRun] = []
            for case_type in {t for t, _ in cases}:
                ids = [i for t, i in cases if t == case_type]
                found += session.exec(
                    select(CaseRun).where(
                        CaseRun.case_type == case_type,
                        col(CaseRun.case_id).in_(ids),
                        CaseRun.finished == False,  # noqa: E712
                    )
                )
            return found

    def _record_starts(self, started: dict[int, str]) -> None:
        with session_scope(self.engine) as session:
            for row in session.exec(select(CaseRun).where(col(CaseRun.id).in_(started))):
                row.flow_run_id = started[row.id]  # type: ignore[index]
                row.updated_at = utcnow()
                session.add(row)

    async def start_new_cases(self, cases: list[tuple[str, int]]) -> SyncReport:
        """Start the flow runs of new cases in bulk: one request per deployment and
        ``BULK_CREATE_LIMIT`` cases, one transaction to record them (one request and one
        transaction per case took ~0.2 s each: 1,260 complaints waited minutes, B4' in
        benchmarks/NOTES.md). A case that has a run already is synced as after a decision;
        the idempotency keys are ``_start``'s, so a repeat creates nothing twice. A case
        Prefect will not start now stays without a run for the reconcile sweep, and the
        others still start."""
        report = SyncReport()
        runs = await to_thread.run_sync(self._case_runs, cases)
        fresh = [r for r in runs if not r.flow_run_id]
        for run in runs:
            if run.flow_run_id:
                await self.sync_case(run.case_type, run.case_id)
        async with prefect_client() as client:
            for deployment in {r.deployment for r in fresh}:
                mine = [r for r in fresh if r.deployment == deployment]
                deployment_id = await self._deployment_id(client, deployment)
                for i in range(0, len(mine), BULK_CREATE_LIMIT):
                    chunk = mine[i : i + BULK_CREATE_LIMIT]
                    response = await client.request(
                        "POST",
                        "/deployments/{id}/create_flow_run/bulk",  # type: ignore[arg-type]
                        path_params={"id": deployment_id},
                        json=[
                            {
                                "parameters": r.parameters,
                                "name": f"{r.case_type}-{r.case_id}"
                                + (f"-{r.attempt}" if r.attempt else ""),
                                "tags": [f"case:{r.case_type}"],
                                "idempotency_key": f"{r.case_type}-{r.case_id}-{r.attempt}",
                            }
                            for r in chunk
                        ],
                    )
                    response.raise_for_status()
                    started: dict[int, str] = {}
                    refused = []
                    for run, result in zip(chunk, response.json()["results"], strict=True):
                        if result["status"] == "CREATED":
                            started[run.id] = result["flow_run_id"]  # type: ignore[index]
                            report.started.append(f"{run.case_type}-{run.case_id}")
                        else:
                            refused.append((run, result["error"]))
                    await to_thread.run_sync(self._record_starts, started)
                    if refused:  # e.g. Prefect's SQLite busy: one at a time, as before
                        log.warning("bulk start refused %d: %s", len(refused), refused[0][1])
                    for run, _ in refused:
                        try:
                            await self._start(client, run)
                        except Exception:  # still busy, or the case's parameters are wrong
                            log.warning(
                                "could not start %s-%s; the reconcile sweep will try again",
                                run.case_type,
                                run.case_id,
                                exc_info=True,
                            )
                            report.not_started.append(f"{run.case_type}-{run.case_id}")
                            continue
                        report.started.append(f"{run.case_type}-{run.case_id}")
        return report

    async def start_intake(self, deployment: str) -> bool:
        """Have ``deployment``'s intake run (``Workflow.intake_deployment``) take the new cases
        waiting: start one, unless the one started before has not begun (it will take them).
        False while that one is running: it may have read its list already, and a second run
        beside it would only collide with it on the same cases; ask again shortly."""
        async with prefect_client() as client:
            earlier = self._intake_runs.get(deployment)
            if earlier is not None:
                try:
                    state = (await client.read_flow_run(earlier)).state
                except ObjectNotFound:
                    state = None
                if state is not None and state.type in {StateType.SCHEDULED, StateType.PENDING}:
                    return True
                if state is not None and state.type == StateType.RUNNING:
                    return False
            flow_run = await client.create_flow_run_from_deployment(
                await self._deployment_id(client, deployment), tags=["intake"]
            )
        self._intake_runs[deployment] = flow_run.id
        return True

    def _reading(self) -> Session:
        """A read-only session: reads do not take the writers' turn (SQLite) from decisions."""
        return Session(self.engine, expire_on_commit=False)

    def _record_start(self, run_id: int | None, flow_run_id: str, attempt: int) -> None:
        with session_scope(self.engine) as session:
            row = session.get(CaseRun, run_id)
            assert row is not None
            row.flow_run_id = flow_run_id
            row.attempt = attempt
            row.updated_at = utcnow()
            session.add(row)

    def _case_run(self, case_type: str, case_id: int) -> CaseRun | None:
        with self._reading() as session:
            return session.exec(
                select(CaseRun).where(CaseRun.case_type == case_type, CaseRun.case_id == case_id)
            ).first()

    def _unfinished_runs(self) -> list[CaseRun]:
        with self._reading() as session:
            return list(session.exec(select(CaseRun).where(CaseRun.finished == False)))  # noqa: E712

    def _facts(self, pairs: list[tuple[CaseRun, FlowRun | None]]) -> list[CaseFacts]:
        """What the database says of each case beside its flow run, read in one session, the
        awaited steps in one query (a session, a thread and a query per case made the sweep
        over 10,000 held cases minutes long, B4' in benchmarks/NOTES.md)."""
        paused_on = {
            run.id: flow_run.state.state_details.pause_key
            for run, flow_run in pairs
            if flow_run and flow_run.state and flow_run.state.type == StateType.PAUSED
        }
        with self._reading() as session:
            keys = [key for key in paused_on.values() if key]
            steps = {
                step.key: step
                for step in session.exec(select(HumanStep).where(col(HumanStep.key).in_(keys)))
            }
            done: dict[str, set[int]] = {}
            for case_type in {run.case_type for run, _ in pairs}:
                finished_among = workflow_for(case_type).finished_among
                if finished_among is not None:
                    ids = [run.case_id for run, _ in pairs if run.case_type == case_type]
                    done[case_type] = finished_among(session, ids)
            undecided = self._awaiting_first_decision(session, [run for run, _ in pairs])
            facts = []
            for run, _ in pairs:
                if run.case_type in done:
                    finished = run.case_id in done[run.case_type]
                else:
                    finished = workflow_for(run.case_type).is_finished(session, run.case_id)
                run_input = None
                if run.id in paused_on:
                    step = steps.get(paused_on[run.id] or "")
                    run_input = self._input_for_paused(session, step, finished)
                if (run.case_type, run.case_id) in undecided:
                    wanted = finished  # e.g. withdrawn before the centre looked at it
                else:
                    never_ran = not run.flow_run_id and self._deferred(run.case_type)
                    wanted = not finished or never_ran
                facts.append(CaseFacts(finished, run_input, wanted))
            return facts

    @staticmethod
    def _deferred(case_type: str) -> bool:
        """Whether the case type's runs start at a case's first decision, not at intake."""
        return workflow_for(case_type).intake_deployment is not None

    def _awaiting_first_decision(
        self, session: Session, runs: list[CaseRun]
    ) -> set[tuple[str, int]]:
        """The cases among ``runs`` whose run starts at their first decision and that have
        none yet (one query per case type)."""
        waiting: set[tuple[str, int]] = set()
        for case_type in {r.case_type for r in runs if not r.flow_run_id}:
            if not self._deferred(case_type):
                continue
            ids = [r.case_id for r in runs if r.case_type == case_type and not r.flow_run_id]
            decided = set(
                session.exec(
                    select(HumanStep.case_id).where(
                        HumanStep.case_type == case_type,
                        col(HumanStep.case_id).in_(ids),
                        HumanStep.status == StepStatus.decided,
                    )
                )
            )
            waiting |= {(case_type, i) for i in ids if i not in decided}
        return waiting

    @staticmethod
    def _input_for_paused(
        session: Session, step: HumanStep | None, finished: bool
    ) -> dict[str, Any] | None:
        """What to resume a run paused on ``step`` with; None while people still decide."""
        if step is not None and step.status == StepStatus.decided:
            return resume_input(session, step)
        if finished or (step is not None and step.status == StepStatus.cancelled):
            return WITHDRAWN_INPUT
        return None

    @staticmethod
    async def _flow_runs_of(client: PrefectClient, chunk: list[CaseRun]) -> dict[str, FlowRun]:
        ids = [UUID(r.flow_run_id) for r in chunk if r.flow_run_id]
        if not ids:
            return {}
        flow_runs = await client.read_flow_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=ids)),
            limit=len(ids),
            sort=FlowRunSort.ID_DESC,
        )
        return {str(fr.id): fr for fr in flow_runs}

    async def sync_case(self, case_type: str, case_id: int) -> SyncReport:
        """Bring one case's flow run in line with the database (after a decision)."""
        run = await to_thread.run_sync(self._case_run, case_type, case_id)
        report = SyncReport()
        if run is None:
            return report
        async with prefect_client() as client:
            flow_run = None
            if run.flow_run_id:
                try:
                    flow_run = await client.read_flow_run(UUID(run.flow_run_id))
                except ObjectNotFound:
                    flow_run = None
            [facts] = await to_thread.run_sync(self._facts, [(run, flow_run)])
            await self._sync(client, run, flow_run, facts, report)
        return report

    async def reconcile(
        self, *, batch: int = 200, new_case_grace: timedelta = NEW_CASE_GRACE
    ) -> SyncReport:
        """Sweep every unfinished case: the repair for lost runs and missed resumes. Runs
        asked for less than ``new_case_grace`` ago are left to the API's bulk start."""
        report = SyncReport()
        runs = await to_thread.run_sync(self._unfinished_runs)
        missing: list[tuple[str, int]] = []
        chunks = [runs[i : i + batch] for i in range(0, len(runs), batch)]
        async with prefect_client() as client:
            # The next chunk's runs are read from Prefect while this one's facts are read from
            # the database: the two waits overlap.
            reading: asyncio.Task[dict[str, FlowRun]] | None = None
            for n, chunk in enumerate(chunks):
                known = await (reading or self._flow_runs_of(client, chunk))
                reading = None
                if n + 1 < len(chunks):
                    reading = asyncio.create_task(self._flow_runs_of(client, chunks[n + 1]))
                pairs = [
                    (run, known.get(run.flow_run_id) if run.flow_run_id else None) for run in chunk
                ]
                facts = await to_thread.run_sync(self._facts, pairs)
                for (run, flow_run), case in zip(pairs, facts, strict=True):
                    if not run.flow_run_id:
                        if case.run_wanted and run.updated_at <= utcnow() - new_case_grace:
                            missing.append((run.case_type, run.case_id))
                        continue
                    try:
                        await self._sync(client, run, flow_run, case, report)
                    except Exception:  # one broken case must not stop the sweep
                        log.exception("reconcile %s-%s failed", run.case_type, run.case_id)
        if missing:  # in bulk, as the API starts them
            fresh = await self.start_new_cases(missing)
            report.started += fresh.started
            report.not_started += fresh.not_started
        return report

    async def _sync(
        self,
        client: PrefectClient,
        run: CaseRun,
        flow_run: FlowRun | None,
        facts: CaseFacts,
        report: SyncReport,
    ) -> None:
        label = f"{run.case_type}-{run.case_id}"
        finished, run_input = facts.finished, facts.resume_with
        state = flow_run.state if flow_run else None
        if state is None:
            if facts.run_wanted:
                await self._start(client, run)
                (report.repaired if run.flow_run_id else report.started).append(label)
            return
        if state.type == StateType.COMPLETED:
            if finished:
                await to_thread.run_sync(self._mark_finished, run)
                report.completed.append(label)
            else:
                await self._start(client, run)
                report.repaired.append(label)
            return
        if state.type in LOST or self._stale(flow_run):
            if state.type == StateType.RUNNING:
                await client.set_flow_run_state(
                    flow_run.id, Crashed(message="process lost; restarted by reconcile"), force=True
                )
            await self._start(client, run)
            report.repaired.append(label)
            return
        if state.type == StateType.PAUSED:
            if run_input is not None:
                result = await client.resume_flow_run(flow_run.id, run_input=run_input)
                if result.status.value == "ACCEPT":
                    report.resumed.append(label)
                else:
                    log.warning("resume of %s refused: %s", label, result.details)
            return
        report.in_flight.append(label)  # scheduled, pending or running: look again shortly

    @staticmethod
    def _stale(flow_run: FlowRun | None) -> bool:
        if flow_run is None or flow_run.state is None:
            return False
        state = flow_run.state
        return state.type == StateType.RUNNING and state.timestamp < utcnow() - STALE_RUNNING

    def _mark_finished(self, run: CaseRun) -> None:
        with session_scope(self.engine) as session:
            row = session.get(CaseRun, run.id)
            if row is not None:
                row.finished = True
                row.updated_at = utcnow()
                session.add(row)
