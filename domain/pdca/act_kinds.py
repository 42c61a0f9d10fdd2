"""The Act's kinds of step on a round's case, apart from its rules so that the round's own
module (``domain.pdca.rounds``) can dispatch on them and wait for them without importing them."""

from sqlmodel import Session, col, select

from models.steps import HumanStep, StepStatus

CARRY_OVER_STEP = "pdca-carry-over"
"""Step kind: the steering committee decides one project's carry-over."""
ACT_STEP_KINDS = frozenset({CARRY_OVER_STEP})


def pending(session: Session, round_id: int) -> bool:
    """Whether the committee still has a carry-over of the round to decide."""
    return (
        session.exec(
            select(HumanStep.id).where(
                HumanStep.case_type == "pdca-round",
                HumanStep.case_id == round_id,
                col(HumanStep.kind).in_(ACT_STEP_KINDS),
                HumanStep.status == StepStatus.open,
            )
        ).first()
        is not None
    )
