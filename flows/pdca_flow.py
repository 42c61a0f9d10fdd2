"""The anti-corruption action plan's approval, as a Prefect flow: the working committee and the
chain up to the mayor (whose approval announces and publishes the plan), then its entry in the
national system E-PlanNACC by the deadline."""

from prefect import flow
from sqlmodel import Session

from core.db import get_engine
from domain.engine.chains import LEVEL_STEP, REVISION_STEP
from domain.pdca.rules import CASE_TYPE, ENACC_STEP
from flows.common import follow_case, follow_stage
from models.pdca import Plan


@flow(name="pdca-plan-approval", log_prints=True)
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
