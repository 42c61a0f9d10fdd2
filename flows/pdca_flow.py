"""The anti-corruption action plan's PDCA cycle as Prefect flows, in the order of the cycle:

- **Plan**: ``pdca-plan-approval``, one run per plan version: the working committee and the
  chain up to the mayor (whose approval announces and publishes the plan), then its entry in
  the national system E-PlanNACC by the deadline.
- **Do → Check → Act**: ``pdca-round``, one run per reporting round (6 or 12 months): every
  division reports its projects and its director approves (one Prefect task per division,
  mapped, not one process per division); then the round's consolidated report; then the
  carry-over of projects not done.
- The schedule: ``pdca-round-opening`` opens each round when its data date has passed (6 months
  from 1 April, 12 months from 1 October); ``pdca-round-chase`` chases the divisions that have
  not reported by the due date.

Human steps are the engine's: a run suspends on a step and the decision, made through the API
or the pages, is already in the database when it resumes."""

from dataclasses import dataclass
from datetime import date

from anyio import to_thread
from prefect import flow, get_run_logger, task, unmapped
from prefect.cache_policies import NO_CACHE
from prefect.flow_runs import suspend_flow_run
from sqlmodel import Session, col, select

from adapters.mail import deliver_outbox
from core.db import get_engine
from core.settings import check_secret_key, get_settings
from domain.engine.chains import LEVEL_STEP, REVISION_STEP
from domain.engine.registry import form_class
from domain.engine.steps import open_steps_of_case
from domain.pdca import act_service, rounds, rounds_service
from domain.pdca.act_kinds import ACT_STEP_KINDS
from domain.pdca.consolidate_rules import REPORT_KINDS
from domain.pdca.rules import CASE_TYPE, ENACC_STEP
from flows.common import (
    CASE_FLOW_RETRIES,
    SWEEP_RETRIES,
    deliver_case_mail,
    follow_case,
    follow_stage,
)
from models.pdca import Plan
from models.pdca_round import DivisionReport, ReportingRound, ReportStatus
from models.people import Division

# --------------------------------------------------------------------------- Plan


@flow(name="pdca-plan-approval", log_prints=True, **CASE_FLOW_RETRIES)
async def pdca_plan_approval(plan_id: int) -> str:
    """Follow plan ``plan_id`` from its submission to its record in E-PlanNACC, suspended (no
    process held) while each level decides."""
    await follow_stage(
        CASE_TYPE,
        plan_id,
        stage="คณะทำงานพิจารณาและเสนอตามสายการบังคับบัญชาถึงนายกเทศมนตรี",
        kinds={LEVEL_STEP, REVISION_STEP},
    )
    await follow_stage(
        CASE_TYPE, plan_id, stage="บันทึกแผนในระบบ E-PlanNACC ภายในกำหนด", kinds={ENACC_STEP}
    )
    await follow_case(CASE_TYPE, plan_id)
    with Session(get_engine()) as session:  # a read: no writers' turn
        plan = session.get(Plan, plan_id)
        return plan.status if plan else "missing"


# --------------------------------------------------------------------------- Do


@dataclass(frozen=True)
class DivisionState:
    division: str
    status: str
    step_key: str | None
    """The step the division's report waits on (its officers' or its director's), if any."""
    step_form: str | None
    step_title: str | None


def _report_ids(round_id: int) -> list[int]:
    with Session(get_engine()) as session:  # a read: no writers' turn
        return list(
            session.exec(
                select(DivisionReport.id)
                .where(DivisionReport.round_id == round_id)
                .order_by(col(DivisionReport.id))
            )
        )  # type: ignore[arg-type]


@task(cache_policy=NO_CACHE, retries=3, retry_delay_seconds=2)
def division_report(round_id: int, report_id: int) -> DivisionState:
    """Where one division's report stands and the step it waits on, read fresh."""
    with Session(get_engine()) as session:  # a read: no writers' turn
        report = session.get(DivisionReport, report_id)
        assert report is not None
        division = session.get(Division, report.division_id)
        step = next(
            (
                s
                for s in open_steps_of_case(session, case_type=rounds.CASE_TYPE, case_id=round_id)
                if s.assignee_division_id == report.division_id and rounds.is_division_step(s)
            ),
            None,
        )
        return DivisionState(
            division=division.name if division else str(report.division_id),
            status=ReportStatus(report.status).thai,
            step_key=step.key if step else None,
            step_form=step.form if step else None,
            step_title=step.title if step else None,
        )


async def follow_divisions(round_id: int) -> None:
    """Do: every division's report, one mapped task per division. The run suspends on the
    step of the first division still waiting and, resumed, reads them all again; it goes on
    once no division has a step left (every report approved)."""
    logger = get_run_logger()
    while True:
        await deliver_case_mail(rounds.CASE_TYPE, round_id)
        report_ids = await to_thread.run_sync(_report_ids, round_id)
        futures = division_report.map(unmapped(round_id), report_ids)
        states: list[DivisionState] = await to_thread.run_sync(futures.result)
        for state in states:
            logger.info("%s: %s", state.division, state.status)
        waiting = [s for s in states if s.step_key is not None]
        if not waiting:
            return
        first = waiting[0]
        logger.info("รอ %d กอง — พักรอ: %s (%s)", len(waiting), first.step_title, first.step_key)
        decision = await suspend_flow_run(
            wait_for_input=form_class(str(first.step_form)), key=first.step_key, timeout=None
        )
        logger.info("ผลการพิจารณา %s: %s", first.step_key, decision)


# --------------------------------------------------------------------------- Do → Check → Act


@flow(name="pdca-round", log_prints=True, **CASE_FLOW_RETRIES)
async def pdca_round(round_id: int) -> str:
    """Follow reporting round ``round_id`` from its opening through the divisions' reports
    (Do), the consolidated report (Check) and the carry-over decisions (Act)."""
    await follow_divisions(round_id)
    await follow_stage(
        rounds.CASE_TYPE,
        round_id,
        stage="รายงานผลการดำเนินงานในภาพรวม เสนอตามสายการบังคับบัญชาถึงนายกเทศมนตรี",
        kinds=REPORT_KINDS,
    )
    proposed = await to_thread.run_sync(
        lambda: act_service.open_act_stage(get_engine(), round_id=round_id)
    )
    get_run_logger().info("การปรับปรุง (Act): %s", proposed)
    await follow_stage(
        rounds.CASE_TYPE,
        round_id,
        stage="คณะกรรมการพิจารณาโครงการที่ดำเนินการไม่ได้ เพื่อยกไปปีถัดไป",
        kinds=ACT_STEP_KINDS,
    )
    await follow_case(rounds.CASE_TYPE, round_id)
    with Session(get_engine()) as session:  # a read: no writers' turn
        rnd = session.get(ReportingRound, round_id)
        return rnd.status if rnd else "missing"


# --------------------------------------------------------------------------- the schedule


@flow(name="pdca-round-opening", **SWEEP_RETRIES)
async def pdca_round_opening(today: date | None = None) -> list[int]:
    """Open each approved plan's round whose data date has passed (6 months from 1 April,
    12 months from 1 October), once; the divisions are told by mail and the round's flow run
    is started by the reconcile sweep."""
    check_secret_key(get_settings())  # a worker runs this: no guessable key
    opened = await to_thread.run_sync(
        lambda: rounds_service.open_due_rounds(get_engine(), today=today)
    )
    report = await deliver_outbox(get_engine(), get_settings(), limit=1000)
    get_run_logger().info(
        "rounds opened: %s; mail sent %d", [rounds.round_title(r) for r in opened], report.sent
    )
    return [r.id for r in opened]  # type: ignore[misc]


@flow(name="pdca-round-chase", **SWEEP_RETRIES)
async def pdca_round_chase() -> dict[str, int]:
    """Chase the divisions that have not reported by a round's due date up the ladder
    (config/pdca/rounds.toml); each notice once however often it runs."""
    check_secret_key(get_settings())
    counts = await to_thread.run_sync(lambda: rounds_service.chase_late_divisions(get_engine()))
    report = await deliver_outbox(get_engine(), get_settings(), limit=1000)
    get_run_logger().info("chase notices %s; mail sent %d", counts, report.sent)
    return counts
