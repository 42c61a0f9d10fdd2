"""The chase of the sealed channel's overdue steps, on the engine's ladder
(``domain.engine.chase``): the named officers get a follow-up and a notice, each giving them
working days to act, then the authority in config/integrity.toml (the permanent secretary) is
told that report ทจ. <n> is late. The notices name the report by its internal number and say
nothing of its content; no meeting agenda (these cases are not discussed in the open).

The ladder's records name the step (``CHASE_CASE_TYPE``, the step's id): the assessment and
the decision are chased each on its own."""

from datetime import datetime

from sqlmodel import Session

from core.db import utcnow
from domain.engine import chase
from domain.engine.calendar import format_thai_date
from domain.engine.notify import queue_email
from domain.engine.people import holders_of
from domain.integrity.policy import integrity_policy
from domain.integrity.rules import CASE_TYPE, named_officer_ids
from models.people import Position, User
from models.steps import HumanStep

CHASE_CASE_TYPE = "integrity-step"
LADDER_CYCLE = 1


def ladder() -> chase.Ladder:
    policy = integrity_policy().chase
    return chase.Ladder(
        stages=(
            chase.Stage("follow_up", "ติดตามเรื่องที่เกินกำหนด", policy.follow_up_days, True),
            chase.Stage("notice", "แจ้งเตือนเรื่องที่เกินกำหนด", policy.first_notice_days, True),
        ),
        escalation=chase.Escalation(
            "escalated",
            "รายงานผู้บังคับบัญชาว่าเรื่องเกินกำหนด",
            authority=Position(policy.escalate_to),
            meeting_weekday=None,
        ),
    )


def sweep_integrity_chase(session: Session, *, now: datetime | None = None) -> dict[str, int]:
    """Advance the ladder of every overdue open step of the channel; the stages claimed."""
    steps_ladder = ladder()
    sent: dict[str, int] = {}
    for step, claimed in chase.advance_overdue_steps(
        session,
        ladder=steps_ladder,
        step_case_type=CASE_TYPE,
        chased_as=lambda step: (CHASE_CASE_TYPE, step.id),  # type: ignore[return-value,arg-type]
        now=now or utcnow(),
        cycle=LADDER_CYCLE,
    ):
        sent[claimed.stage.key] = sent.get(claimed.stage.key, 0) + 1
        _tell(session, step, claimed, steps_ladder)
    return sent


def _tell(
    session: Session, step: HumanStep, claimed: chase.Claimed, steps_ladder: chase.Ladder
) -> None:
    officers = [session.get(User, i) for i in sorted(named_officer_ids(session))]
    people = [p for p in officers if p is not None and p.active]
    if claimed.final:
        people += holders_of(session, steps_ladder.escalation.authority)
    context = {
        "report_id": step.case_id,
        "step_title": step.title,
        "stage_title": claimed.stage.title,
        "final": claimed.final,
        "due_day": format_thai_date(step.due_at),
        "respond_by_day": format_thai_date(claimed.respond_by) if claimed.respond_by else "",
    }
    for person in {p.id: p for p in people}.values():
        queue_email(
            session,
            dedupe_key=f"integrity-chase:{step.id}:{claimed.stage.key}:{person.id}",
            to=person.email,
            template="integrity_chase",
            context={**context, "name": person.full_name},
            case_type=CASE_TYPE,
            case_id=step.case_id,
        )
