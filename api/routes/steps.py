"""The human step: an officer's inbox, one step with its form, and the decision on it."""

from typing import Any

from fastapi import APIRouter, BackgroundTasks, Body, Response, status

from api.deps import (
    CaseSyncDep,
    CurrentUser,
    EngineDep,
    PathId,
    SessionDep,
    sync_case_later,
)
from api.schemas import (
    DecisionPublic,
    DecisionReceipt,
    InboxItem,
    PersonRef,
    StepDetail,
    StepPublic,
)
from core.db import utcnow
from domain.engine import authority, service
from domain.engine.registry import form_class
from domain.engine.steps import decisions_of_step
from domain.engine.visibility import visible_step

router = APIRouter(prefix="/api", tags=["steps"])


@router.get("/inbox", response_model=list[InboxItem])
def inbox(user: CurrentUser, session: SessionDep) -> list[InboxItem]:
    """Open steps you may decide, yours and those of whom you act for, by due time."""
    now = utcnow()
    return [
        InboxItem(
            step=StepPublic.model_validate(item.step),
            acting_for=PersonRef.model_validate(item.acting_for) if item.acting_for else None,
            overdue=item.step.due_at < now,
        )
        for item in authority.inbox(session, user=user, at=now)
    ]


@router.get("/steps/{step_id}", response_model=StepDetail)
def step_detail(step_id: PathId, user: CurrentUser, session: SessionDep) -> StepDetail:
    step = visible_step(session, user=user, step_id=step_id)
    return StepDetail(
        step=StepPublic.model_validate(step),
        decisions=[
            DecisionPublic.model_validate(d) for d in decisions_of_step(session, step_id=step_id)
        ],
        form_schema=form_class(step.form).model_json_schema(),
    )


@router.post(
    "/steps/{step_id}/decision",
    response_model=DecisionReceipt,
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"description": "The same decision was already recorded"},
        403: {"description": "Not entitled to decide this step"},
        409: {"description": "Decided already, differently"},
        422: {"description": "Invalid form; the step stays open"},
    },
)
def decide_step(
    step_id: PathId,
    user: CurrentUser,
    engine: EngineDep,
    orchestrator: CaseSyncDep,
    background: BackgroundTasks,
    response: Response,
    form: dict[str, Any] = Body(
        examples=[{"outcome": "approve", "comment": "เห็นควรอนุมัติ"}],
        description="The step's form: outcome, comment, and its own fields",
    ),
) -> DecisionReceipt:
    """Decide a step. The decision is recorded (who, position, acting for whom, when, comment)
    and the case moved on before the answer; the flow run catches up right after."""

    result = service.decide_step(engine, step_id=step_id, user_id=user.id, data=form)  # type: ignore[arg-type]
    receipt = DecisionReceipt(
        decision=DecisionPublic.model_validate(result.decision),
        step=StepPublic.model_validate(result.step),
        repeated=result.repeated,
        step_closed=result.closed_now,
    )
    if receipt.repeated:
        response.status_code = status.HTTP_200_OK
    elif receipt.step_closed:
        background.add_task(
            sync_case_later, orchestrator, receipt.step.case_type, receipt.step.case_id
        )
    return receipt
