"""A child's care case as a Prefect flow, read as the process (seed 002, Application Care):
screened at school → medical assessment in school → home visit → case conference (if needed)
→ care plan → follow-ups on schedule → closed. The flow carries only the case's number; it
never reads the child's protected record."""

from prefect import flow
from sqlmodel import Session

from core.db import get_engine
from domain.children.states import (
    CASE_TYPE,
    CONFERENCE_STEP,
    FOLLOW_UP_STEP,
    HOME_VISIT_STEP,
    MEDICAL_STEP,
    PLAN_STEP,
)
from flows.common import CASE_FLOW_RETRIES, follow_case, follow_stage
from models.children import ChildCase


@flow(name="child-care", log_prints=True, **CASE_FLOW_RETRIES)
async def child_care(case_id: int) -> str:
    """Follow case ``case_id`` until it is closed, suspended (no process held) while the
    health staff, the core person and the teachers work."""
    await follow_stage(
        CASE_TYPE, case_id, stage="ตรวจประเมินทางการแพทย์ในโรงเรียน", kinds={MEDICAL_STEP}
    )
    await follow_stage(CASE_TYPE, case_id, stage="เยี่ยมบ้าน", kinds={HOME_VISIT_STEP})
    await follow_stage(CASE_TYPE, case_id, stage="ประชุมรายกรณี (ถ้าจำเป็น)", kinds={CONFERENCE_STEP})
    await follow_stage(CASE_TYPE, case_id, stage="จัดทำแผนการดูแล", kinds={PLAN_STEP})
    await follow_stage(CASE_TYPE, case_id, stage="ติดตามผลตามกำหนด", kinds={FOLLOW_UP_STEP})
    await follow_case(CASE_TYPE, case_id)
    with Session(get_engine()) as session:  # a read: no writers' turn
        case = session.get(ChildCase, case_id)
        return case.status if case else "missing"
