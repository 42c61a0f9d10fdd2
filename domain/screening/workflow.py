"""What the engine needs of a screening round (case type ``screening-round``, case id = the
round's id): closed steps dispatched by kind, whether the round is over, who may read it.

Each stage's module handles its own step kinds. To add one, add a line to ``STEP_HANDLERS``
(kind -> "module:function"); the module is imported when such a step closes, so this package
imports none of the later stages' modules and they may import it freely."""

import importlib
from collections.abc import Callable

from sqlmodel import Session, select

from domain.engine.registry import Audience
from domain.errors import InvalidInput
from domain.screening.config import screening_config
from models.people import Committee, CommitteeMember
from models.screening import RoundStatus, ScreeningRound
from models.steps import Decision, HumanStep

StepHandler = Callable[[Session, HumanStep, Decision], None]

STEP_HANDLERS: dict[str, str] = {
    # assessment stages, the joint survey, confirmation and certification (programmes.toml)
    "assessment-1": "domain.screening.assessment:after_assessment_stage",
    "assessment-2": "domain.screening.assessment:after_assessment_stage",
    "community-forum": "domain.screening.assessment:after_assessment_stage",
    "joint-survey": "domain.screening.reconcile:after_joint_survey",
    "confirmation": "domain.screening.certify:after_confirmation",
    "committee": "domain.screening.certify:after_confirmation",
    "announcement": "domain.screening.certify:after_confirmation",
    "certification": "domain.screening.certify:after_certification",
    "renewal": "domain.screening.renewal:after_renewal",
}
"""Step kind -> "module:function" that applies the closed step (opens the next, moves
candidates). One line per kind, added by the module that opens such steps."""


def handler_for(kind: str) -> StepHandler:
    try:
        module_name, function = STEP_HANDLERS[kind].split(":")
    except KeyError:
        raise InvalidInput(f"ไม่รู้จักขั้นตอน {kind} ของรอบการคัดกรอง") from None
    handler: StepHandler = getattr(importlib.import_module(module_name), function)
    return handler


def on_step_closed(session: Session, step: HumanStep, decision: Decision) -> None:
    handler_for(step.kind)(session, step, decision)


def is_finished(session: Session, case_id: int) -> bool:
    """Over for its flow once follow-up begins: visits and reassessments are records of
    the follow-up module, not steps a flow waits on."""
    screening_round = session.get(ScreeningRound, case_id)
    return screening_round is None or screening_round.status in (
        RoundStatus.following_up,
        RoundStatus.closed,
        RoundStatus.cancelled,
    )


def audience(session: Session, case_id: int) -> Audience | None:
    """The owner division and the volunteer teams named in config/screening.toml read a
    round (its people's records are protected apart: ``domain.screening.protection``)."""
    screening_round = session.get(ScreeningRound, case_id)
    if screening_round is None:
        return None
    teams = screening_config().protection.reader_committees
    members = session.exec(
        select(CommitteeMember.user_id)
        .join(Committee, Committee.id == CommitteeMember.committee_id)  # type: ignore[arg-type]
        .where(Committee.name.in_(teams))  # type: ignore[attr-defined]
    ).all()
    return Audience(
        user_ids=frozenset(members), division_ids=frozenset({screening_round.division_id})
    )
