"""A referral as a case of its own (case type ``child-referral``) on the engine: its one human
step is the receiving agency's acknowledgement, assigned to the agency's contacts (any one of
them), due in the configured working days and chased when late (``referral_chase``). Decided
on the engine's step page or the agency's referral page; applied in the same transaction,
nothing automatic in between, so no flow run.

The workflow is sealed: the executives do not read a child's referral (they read counts);
the agency's contacts, the coordinators and the case's core person do."""

from pydantic import model_validator
from sqlmodel import Session

from core.db import utcnow
from domain.children.agencies import contacts_of
from domain.children.referral_policy import referral_policy
from domain.engine import audit
from domain.engine.forms import DecisionForm
from domain.engine.people import division_by_code
from domain.engine.registry import Audience, Workflow
from models.children import ChildCase
from models.children_referrals import Referral, ReferralStatus
from models.steps import Decision, HumanStep, Outcome

REFERRAL_CASE_TYPE = "child-referral"
ACK_STEP = "child-referral-ack"
ACK_FORM = "child-referral-ack"
FINISHED = {ReferralStatus.declined, ReferralStatus.closed, ReferralStatus.dropped}


class AcknowledgeForm(DecisionForm):
    """The agency receives the referral, or declines it with its reason."""

    @model_validator(mode="after")
    def _decline_needs_reason(self) -> "AcknowledgeForm":
        if self.outcome == Outcome.decline and not self.comment.strip():
            raise ValueError("กรุณาระบุเหตุผลที่ไม่รับการส่งต่อ")
        return self


def on_step_closed(session: Session, step: HumanStep, decision: Decision) -> None:
    referral = session.get(Referral, step.case_id, with_for_update=True)
    if referral is None or referral.status != ReferralStatus.waiting:
        return
    now = utcnow()
    if step.outcome == Outcome.decline.value:
        referral.status = ReferralStatus.declined
        referral.outcome_note = decision.comment.strip()
        referral.outcome_at, referral.outcome_by_id = now, decision.user_id
    else:
        referral.status = ReferralStatus.acknowledged
    referral.acknowledged_at = now
    session.add(referral)
    audit.record(
        session,
        case_type=REFERRAL_CASE_TYPE,
        case_id=referral.id,  # type: ignore[arg-type]
        action="referral_acknowledged" if step.outcome != "decline" else "referral_declined",
        detail={"status": referral.status.value},
    )


def is_finished(session: Session, case_id: int) -> bool:
    referral = session.get(Referral, case_id)
    return referral is None or referral.status in FINISHED


def audience(session: Session, case_id: int) -> Audience | None:
    referral = session.get(Referral, case_id)
    if referral is None:
        return None
    users = {u.id for u in contacts_of(session, referral.agency_id)}
    if referral.case_id is not None:
        case = session.get(ChildCase, referral.case_id)
        if case is not None:
            users.add(case.core_person_id)
    coordinators = division_by_code(session, referral_policy().roles.coordinator_division)
    return Audience(
        user_ids=frozenset(u for u in users if u is not None),
        division_ids=frozenset({coordinators.id}),  # type: ignore[arg-type]
    )


EVENT_TITLES = {
    "referral_sent": "ส่งต่อเด็กไปยังหน่วยงานภาคี",
    "referral_acknowledged": "หน่วยงานรับการส่งต่อ",
    "referral_declined": "หน่วยงานไม่รับการส่งต่อ",
    "referral_dropped": "ผู้ประสานงานตัดหน่วยงานที่ระบบเสนอออก",
    "referral_outcome": "บันทึกผลการส่งต่อ",
    "referral_chased": "ติดตามหน่วยงานที่ยังไม่ตอบรับ",
}

REFERRAL_WORKFLOW = Workflow(
    case_type=REFERRAL_CASE_TYPE,
    title="การส่งต่อเด็กและเยาวชนไปยังหน่วยงานภาคี",
    deployment=None,
    on_step_closed=on_step_closed,
    is_finished=is_finished,
    audience=audience,
    forms={ACK_FORM: AcknowledgeForm},
    event_titles=EVENT_TITLES,
    sealed=True,
)
