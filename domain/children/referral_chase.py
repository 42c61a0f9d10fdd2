"""The chase of a referral the receiving agency has not acknowledged in time, on the engine's
ladder (``domain.engine.chase``, config/children/referrals.toml [chase]): the agency's contacts
get a follow-up and a notice, each giving working days to respond, then the director of the
social welfare division is told. Run from the deadline sweep (flows/sweeps.py). The mail names
the referral by its number, never the child."""

from datetime import datetime

from sqlmodel import Session

from core.db import utcnow
from domain.children.agencies import contacts_of
from domain.children.referral_policy import referral_policy
from domain.children.referral_workflow import REFERRAL_CASE_TYPE
from domain.engine import audit, chase
from domain.engine.calendar import format_thai_date
from domain.engine.notify import queue_email, step_url
from domain.engine.people import division_by_code, holders_of
from models.children_referrals import Referral
from models.people import Position, User
from models.steps import HumanStep

LADDER_CYCLE = 1


def ladder() -> chase.Ladder:
    policy = referral_policy().chase
    return chase.Ladder(
        stages=(
            chase.Stage("follow_up", "ติดตามการตอบรับการส่งต่อ", policy.follow_up_days, True),
            chase.Stage("notice", "แจ้งเตือนการตอบรับการส่งต่อที่เกินกำหนด", policy.notice_days, True),
        ),
        escalation=chase.Escalation(
            "escalated",
            "รายงานผู้บังคับบัญชาว่าหน่วยงานยังไม่ตอบรับการส่งต่อ",
            authority=Position(policy.escalate_to),
            meeting_weekday=None,
        ),
    )


def _authority(session: Session, position: Position) -> list[User]:
    code = referral_policy().chase.escalate_division
    division = division_by_code(session, code) if code and position.within_division else None
    return holders_of(session, position, division.id if division else None)


def sweep_referral_chase(session: Session, *, now: datetime | None = None) -> dict[str, int]:
    """Advance the ladder of every late acknowledgement; the stages claimed, by key."""
    steps_ladder = ladder()
    sent: dict[str, int] = {}
    for step, claimed in chase.advance_overdue_steps(
        session,
        ladder=steps_ladder,
        step_case_type=REFERRAL_CASE_TYPE,
        chased_as=lambda step: (REFERRAL_CASE_TYPE, step.case_id),
        now=now or utcnow(),
        cycle=LADDER_CYCLE,
    ):
        key = f"referral_{claimed.stage.key}"
        sent[key] = sent.get(key, 0) + 1
        _tell(session, step, claimed, steps_ladder)
    return sent


def _tell(
    session: Session, step: HumanStep, claimed: chase.Claimed, steps_ladder: chase.Ladder
) -> None:
    referral = session.get(Referral, step.case_id)
    if referral is None:
        return
    people = contacts_of(session, referral.agency_id)
    if claimed.final:
        people += _authority(session, steps_ladder.escalation.authority)
    audit.record(
        session,
        case_type=REFERRAL_CASE_TYPE,
        case_id=referral.id,  # type: ignore[arg-type]
        action="referral_chased",
        detail={"stage": claimed.stage.key, "to": sorted({p.id for p in people})},
    )
    context = {
        "referral_id": referral.id,
        "step_title": step.title,
        "stage_title": claimed.stage.title,
        "final": claimed.final,
        "due_day": format_thai_date(step.due_at),
        "respond_by_day": format_thai_date(claimed.respond_by) if claimed.respond_by else "",
        "url": step_url(step),
    }
    for person in {p.id: p for p in people}.values():
        queue_email(
            session,
            dedupe_key=f"referral-chase:{step.id}:{claimed.stage.key}:{person.id}",
            to=person.email,
            template="referral_chase",
            context={**context, "name": person.full_name},
            case_type=REFERRAL_CASE_TYPE,
            case_id=referral.id,
        )
