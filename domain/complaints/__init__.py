"""Complaints (เรื่องร้องเรียน/ร้องทุกข์), DOMAIN.md §5: intake from any channel with a number and
PIN at once; the centre checks jurisdiction (route to a division, forward outside, or merge a
duplicate); the division confirms receipt, announces when it will act, reports an obstacle or
the result with evidence; the supervisor is told, then the complainant, who rates it; a low
rating brings a review. A division that does not report is chased up to the mayor.

Modules: ``policy`` (config/complaints.toml), ``states`` (transition table), ``forms``,
``submission`` and ``intake`` (any channel), ``pin``, ``duplicates``, ``steps`` and
``handling`` (what each closed step does), ``actions`` (outside the steps), ``notices``
(mail), ``escalation`` (the chase), ``public`` (what citizens see), ``visibility`` (who may
read a complaint and its complainant's contact), ``report`` (monthly), ``service`` (the use
cases, each in one unit of work)."""

from sqlmodel import Session, col, select

from domain.complaints.forms import FORMS
from domain.complaints.handling import on_step_closed
from domain.complaints.lookups import centre_officers
from domain.complaints.policy import complaint_policy
from domain.complaints.public import EVENT_TITLES
from domain.complaints.states import CASE_TYPE
from domain.complaints.visibility import audience
from domain.engine.registry import Workflow
from domain.engine.steps import open_steps_of_case
from models.complaint import Complaint
from models.people import User
from models.steps import HumanStep, StepStatus


def is_finished(session: Session, case_id: int) -> bool:
    """Intake completed and no step left to wait on (a low rating later opens one and wakes
    the run)."""
    complaint = session.get(Complaint, case_id)
    if complaint is None:
        return True
    waiting = open_steps_of_case(session, case_type=CASE_TYPE, case_id=case_id)
    return complaint.intake_completed_at is not None and not waiting


def finished_among(session: Session, case_ids: list[int]) -> set[int]:
    """``is_finished`` for many complaints in two queries (the reconcile sweep's)."""
    intake_done = set(
        session.exec(
            select(Complaint.id).where(
                col(Complaint.id).in_(case_ids), col(Complaint.intake_completed_at).is_not(None)
            )
        )
    )
    waiting = set(
        session.exec(
            select(HumanStep.case_id).where(
                HumanStep.case_type == CASE_TYPE,
                col(HumanStep.case_id).in_(case_ids),
                HumanStep.status == StepStatus.open,
            )
        )
    )
    found = set(session.exec(select(Complaint.id).where(col(Complaint.id).in_(case_ids))))
    return {i for i in case_ids if i not in found or (i in intake_done and i not in waiting)}


def orphan_contacts(session: Session, step: HumanStep) -> list[User]:
    """Nobody can decide a complaint's step: the complaint centre's officers are told (with
    the division's director), as the centre answers to the complainant for it."""
    return centre_officers(session, complaint_policy())


WORKFLOW = Workflow(
    case_type=CASE_TYPE,
    title="เรื่องร้องเรียน",
    deployment="complaint-handling/complaint-handling",
    intake_deployment="complaint-intake/complaint-intake",
    on_step_closed=on_step_closed,
    is_finished=is_finished,
    finished_among=finished_among,
    audience=audience,
    forms=FORMS,
    event_titles=EVENT_TITLES,
    orphan_contacts=orphan_contacts,
)
