"""Who may read a case and its timeline: one rule for every workflow.

A case is read by its audience (named people and whole divisions, as its workflow says), by
whoever holds or held one of its steps, and by the executives from the deputy permanent
secretary up (except a sealed workflow's: the corruption-report channel). Everyone else gets
403 with the reason."""

from sqlmodel import Session, select

from domain.engine.authority import outranks, standing
from domain.engine.people import holders
from domain.engine.registry import workflow_for
from domain.errors import NotEntitled, NotFound
from models.people import Position, User
from models.steps import HumanStep

EXECUTIVES_FROM = Position.deputy_permanent_secretary


def in_audience(session: Session, *, user: User, case_type: str, case_id: int) -> bool:
    """``can_view`` without the holders of the case's steps: a few queries whatever the
    case's size, for what every page asks (the menu). Step holders reach their steps from the
    inbox."""
    workflow = workflow_for(case_type)
    audience = workflow.audience(session, case_id)
    if audience is None or not user.active:
        return False
    if user.id in audience.user_ids or user.division_id in audience.division_ids:
        return True
    return outranks(user, EXECUTIVES_FROM) and not workflow.sealed


def can_view(session: Session, *, user: User, case_type: str, case_id: int) -> bool:
    if in_audience(session, user=user, case_type=case_type, case_id=case_id):
        return True
    if not user.active or workflow_for(case_type).audience(session, case_id) is None:
        return False
    steps = session.exec(
        select(HumanStep).where(HumanStep.case_type == case_type, HumanStep.case_id == case_id)
    )
    return any(user.id in {h.id for h in holders(session, step=s)} for s in steps)


def visible_step(session: Session, *, user: User, step_id: int) -> HumanStep:
    """The step, if ``user`` may decide it or may read its case; NotFound / NotEntitled."""
    step = session.get(HumanStep, step_id)
    if step is None:
        raise NotFound("ไม่พบขั้นตอนนี้")
    try:
        standing(session, user=user, step=step)
    except NotEntitled:
        if not can_view(session, user=user, case_type=step.case_type, case_id=step.case_id):
            raise NotEntitled("ท่านไม่มีสิทธิ์ดูเรื่องนี้") from None
    return step
