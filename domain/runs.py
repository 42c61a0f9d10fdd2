"""Which cases need a Prefect flow run. The row is written with the case; the orchestrator
starts the run after commit, and the reconcile sweep restarts runs that were lost."""

from typing import Any

from sqlmodel import Session, select

from core.db import utcnow
from domain.workflows import workflow_for
from models.steps import CaseRun


def request_flow_run(
    session: Session, *, case_type: str, case_id: int, parameters: dict[str, Any]
) -> CaseRun:
    existing = session.exec(
        select(CaseRun).where(CaseRun.case_type == case_type, CaseRun.case_id == case_id)
    ).first()
    if existing:
        return existing
    run = CaseRun(
        case_type=case_type,
        case_id=case_id,
        deployment=workflow_for(case_type).deployment,
        parameters=parameters,
        updated_at=utcnow(),
    )
    session.add(run)
    session.flush()
    return run
