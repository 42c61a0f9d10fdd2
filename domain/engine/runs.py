"""Which cases need a Prefect flow run. The row is written with the case; the orchestrator
starts the run after commit, and the reconcile sweep restarts runs that were lost."""

from typing import Any

from sqlmodel import Session

from core.db import insert_ignoring_duplicates, utcnow
from domain.engine.registry import workflow_for
from models.steps import CaseRun


def request_flow_run(
    session: Session, *, case_type: str, case_id: int, parameters: dict[str, Any]
) -> bool:
    """Ask for the case's flow run (one statement); False if it was asked for already."""
    deployment = workflow_for(case_type).deployment
    if deployment is None:
        raise ValueError(f"workflow {case_type!r} runs no flow")
    return insert_ignoring_duplicates(
        session,
        CaseRun.__table__,  # type: ignore[attr-defined]
        {
            "case_type": case_type,
            "case_id": case_id,
            "deployment": deployment,
            "parameters": parameters,
            "flow_run_id": None,
            "attempt": 0,
            "finished": False,
            "updated_at": utcnow(),
        },
        ["case_type", "case_id"],
    )
