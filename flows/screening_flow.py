"""A welfare screening round as a Prefect flow ("คนขอนแก่นไม่ทอดทิ้งกัน", seed 000): nominate →
assess twice → reconcile → certify → notify → benefits → follow up.

ONE flow run per round, whatever its size: each assessment round is one engine step held by
its team (every candidate's assessment a record against it), the joint surveys and the
committee's certification are steps the run waits on, suspended; the automatic work on every
candidate (reconciliation) is Prefect tasks mapped over batches of candidates. The programme
(welfare, scholarship, white family) decides by configuration which stages exist and who does
them (config/screening/programmes.toml); a stage a programme lacks passes at once."""

from anyio import to_thread
from prefect import flow, get_run_logger, task, unmapped
from prefect.cache_policies import NO_CACHE
from sqlmodel import Session

from core.db import get_engine
from domain.engine.steps import open_steps_of_case
from domain.screening import assessment_service, benefits, followup, letters
from domain.screening.programmes import stages_of
from domain.screening.reconcile import (
    BATCH,
    candidates_to_reconcile,
    finish_reconciliation,
    reconcile_batch,
)
from domain.screening.rounds import get_round
from domain.screening.states import CASE_TYPE
from flows.common import CASE_FLOW_RETRIES, deliver_case_mail, follow_case, follow_stage
from models.screening import RoundStatus

SETTLING = {RoundStatus.reconciling, RoundStatus.certifying}


def _stage_keys(round_id: int, *kinds: str) -> set[str]:
    with Session(get_engine()) as session:  # a read: no writers' turn
        return {s.key for s in stages_of(get_round(session, round_id)).stages if s.kind in kinds}


async def stages(round_id: int, *kinds: str) -> set[str]:
    """The round's programme's stage keys (= its step kinds) of ``kinds``."""
    return await to_thread.run_sync(_stage_keys, round_id, *kinds)


async def status(round_id: int) -> str:
    return await to_thread.run_sync(
        lambda: assessment_service.round_status(get_engine(), round_id=round_id)
    )


@task(cache_policy=NO_CACHE, retries=3, retry_delay_seconds=2)
def reconcile_candidates(round_id: int, candidate_ids: list[int]) -> dict:
    """Settle a batch of candidates from their assessments (idempotent)."""
    return reconcile_batch(get_engine(), round_id=round_id, candidate_ids=candidate_ids)


async def reconcile(round_id: int) -> None:
    """Reconcile every candidate (mapped over batches), then open the joint surveys' and the
    confirmation's steps as the results say."""
    ids = await to_thread.run_sync(_to_reconcile, round_id)
    batches = [ids[i : i + BATCH] for i in range(0, len(ids), BATCH)]
    if batches:
        futures = reconcile_candidates.map(unmapped(round_id), batches)
        reached = await to_thread.run_sync(futures.result)
        get_run_logger().info("สรุปผลการประเมิน %d ราย: %s", len(ids), reached)
    await to_thread.run_sync(lambda: finish_reconciliation(get_engine(), round_id=round_id))


def _to_reconcile(round_id: int) -> list[int]:
    with Session(get_engine()) as session:
        return candidates_to_reconcile(session, round_id)


@task(cache_policy=NO_CACHE, retries=3, retry_delay_seconds=5)
async def notify(round_id: int) -> str:
    """Every candidate told, pass or fail: letters, mail, LINE (each once; a repeat is a no-op)."""
    return repr(await to_thread.run_sync(letters.notify_round, get_engine(), round_id))


@task(cache_policy=NO_CACHE, retries=3, retry_delay_seconds=5)
async def assign_benefits(round_id: int) -> str:
    """Each certified person's benefits by the configured rules and funding sources."""
    return repr(await to_thread.run_sync(benefits.assign_round, get_engine(), round_id))


@task(cache_policy=NO_CACHE, retries=3, retry_delay_seconds=5)
async def schedule_follow_up(round_id: int) -> str:
    """Home visits by urgency (every working day at 15:00) and the yearly reassessments."""
    return repr(await to_thread.run_sync(followup.schedule_round, get_engine(), round_id))


@task(cache_policy=NO_CACHE, retries=3, retry_delay_seconds=2)
async def enter_follow_up(round_id: int) -> str:
    return await to_thread.run_sync(
        lambda: assessment_service.enter_follow_up(get_engine(), round_id=round_id)
    )


@flow(name="screening-round", log_prints=True, **CASE_FLOW_RETRIES)
async def screening_round(round_id: int) -> str:
    """Follow round ``round_id`` from the close of its nominations (the coordinator's
    ``start_assessment`` asks for this run) to the start of its follow-up."""
    case = (CASE_TYPE, round_id)
    # 1. Nominate: the coordinator's pages and imports, before this run.
    # 2. Assess twice: each team's stage, open until the team closes it (the deadline is the
    #    round's); the volunteers' round 2 sees round 1.
    await follow_stage(
        *case, stage="ประเมินครั้งที่ 1 และครั้งที่ 2", kinds=await stages(round_id, "assessment")
    )
    while await status(round_id) in SETTLING:
        # 3. Reconcile: agreement settles a candidate; a disagreement opens a joint survey.
        await reconcile(round_id)
        await follow_stage(
            *case, stage="สำรวจร่วมกรณีผลไม่ตรงกัน", kinds=await stages(round_id, "joint-survey")
        )
        # 4. The welfare division confirms the list; the committee certifies it at a meeting
        #    (a list not certified comes back to the confirmation: the loop).
        await follow_stage(*case, stage="ยืนยันรายชื่อ", kinds=await stages(round_id, "confirmation"))
        await follow_stage(*case, stage="รับรองรายชื่อ", kinds=await stages(round_id, "certification"))
        if (
            not await to_thread.run_sync(_has_open_steps, round_id)
            and await status(round_id) in SETTLING
        ):
            break  # nothing to wait on: the sweep starts the run again when a step opens
    if await status(round_id) == RoundStatus.notifying:
        # 5. Notify every candidate; 6. award benefits; 7. book the follow-up visits.
        await notify(round_id)
        await assign_benefits(round_id)
        await schedule_follow_up(round_id)
        await enter_follow_up(round_id)
    await follow_case(*case)
    await deliver_case_mail(*case)
    return await status(round_id)


def _has_open_steps(round_id: int) -> bool:
    with Session(get_engine()) as session:
        return bool(open_steps_of_case(session, case_type=CASE_TYPE, case_id=round_id))
