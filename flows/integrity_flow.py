"""A sealed corruption report's handling, as a Prefect flow: the named officers' assessment,
then (if accepted) the investigation's decision. The flow carries only the report's id; it
never reads the sealed content."""

from prefect import flow
from sqlmodel import Session

from core.db import get_engine
from domain.integrity.rules import ASSESS_STEP, CASE_TYPE, DECIDE_STEP
from flows.common import CASE_FLOW_RETRIES, follow_case, follow_stage
from models.integrity import IntegrityReport


@flow(name="integrity-report", log_prints=True, **CASE_FLOW_RETRIES)
async def integrity_report(report_id: int) -> str:
    """Follow report ``report_id`` until it is decided or not accepted, suspended (no process
    held) while the officers work."""
    await follow_stage(
        CASE_TYPE, report_id, stage="พิจารณารับหรือไม่รับเรื่องไว้ตรวจสอบ", kinds={ASSESS_STEP}
    )
    await follow_stage(CASE_TYPE, report_id, stage="ตรวจสอบข้อเท็จจริงและสรุปผล", kinds={DECIDE_STEP})
    await follow_case(CASE_TYPE, report_id)
    with Session(get_engine()) as session:  # a read: no writers' turn
        report = session.get(IntegrityReport, report_id)
        return report.status if report else "missing"
