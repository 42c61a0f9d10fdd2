"""Reconciliation of the two assessments (seed 000, "วิเคราะห์ข้อมูลร่วมกัน"): both eligible:
confirmed; both not: not eligible; a disagreement: a joint survey by both teams decides (an
engine step per disagreement, held by the welfare division's section head, who records the
survey with the members of both teams present). A programme with one assessment round (the
white family's community forum) takes that round's recommendation.

Reconciling a candidate is automatic work: the flow maps it over the round's candidates in
batches (``reconcile_batch``); it is idempotent, so a repeat or a resumed flow is harmless.
When nobody is left to reconcile or survey, the confirmation step opens."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.db import in_transaction, utcnow
from domain.engine.authority import standing
from domain.engine.steps import decide, open_step
from domain.errors import Conflict, InvalidInput, NotEntitled, NotFound
from domain.screening.assessment import (
    assessments_of,
    open_stage_step,
    stage_step,
)
from domain.screening.programmes import deadline_of, programmes, stages_of, teams
from domain.screening.rounds import get_round
from domain.screening.states import CASE_TYPE, set_state
from models.people import User
from models.screening import Candidate, CandidateState, RoundStatus, ScreeningRound
from models.screening_assessment import JointSurvey
from models.steps import Decision, HumanStep, Outcome, StepStatus

BATCH = 200
"""Candidates per mapped task: 2,900 candidates are 15 task runs, not 2,900."""
SURVEY_OUTCOMES = [Outcome.approve, Outcome.reject]
"""approve: eligible (รับรอง), reject: not eligible (ไม่รับรอง)."""


def joint_survey_key(round_id: int, candidate_id: int) -> str:
    return f"screening-{round_id}-joint-{candidate_id}"


def _state_to_reconcile(screening_round: ScreeningRound) -> CandidateState:
    rounds = stages_of(screening_round).assessment_rounds
    return CandidateState.reassessing if rounds > 1 else CandidateState.assessing


def candidates_to_reconcile(session: Session, round_id: int) -> list[int]:
    screening_round = get_round(session, round_id)
    return [
        i
        for i in session.exec(
            select(Candidate.id)
            .where(
                Candidate.round_id == round_id,
                Candidate.state == _state_to_reconcile(screening_round),
            )
            .order_by(col(Candidate.id))
        )
        if i is not None
    ]


def reconcile_candidate(
    session: Session, screening_round: ScreeningRound, candidate: Candidate
) -> str | None:
    """Settle one candidate from the assessments; the new state, or None (nothing to do)."""
    if candidate.state != _state_to_reconcile(screening_round):
        return None
    needed = stages_of(screening_round).assessment_rounds
    found = assessments_of(session, candidate.id)  # type: ignore[arg-type]
    if len(found) < needed:
        return None
    verdicts = {a.eligible for a in found}
    if verdicts == {True}:
        target = CandidateState.confirmed
    elif verdicts == {False}:
        target = CandidateState.not_eligible
    else:
        target = CandidateState.joint_survey
    set_state(session, candidate, target, rounds=[a.eligible for a in found])
    if target == CandidateState.joint_survey:
        _open_joint_survey(session, screening_round, candidate)
    return target.value


def _open_joint_survey(
    session: Session, screening_round: ScreeningRound, candidate: Candidate
) -> JointSurvey:
    stage = stages_of(screening_round).first("joint-survey")
    if stage is None:
        raise Conflict(f"{screening_round.title}: ไม่ได้กำหนดขั้นตอนสำรวจร่วม")
    step = open_step(
        session,
        case_type=CASE_TYPE,
        case_id=screening_round.id,  # type: ignore[arg-type]
        key=joint_survey_key(screening_round.id, candidate.id),  # type: ignore[arg-type]
        title=f"{stage.title}: ผู้ได้รับการเสนอชื่อลำดับที่ {candidate.id}",
        assignee=stage.assignee(session),
        kind=stage.key,
        allowed_outcomes=SURVEY_OUTCOMES,
        due_at=deadline_of(screening_round, stage.key),
        due_in_working_days=10,
    )
    survey = JointSurvey(candidate_id=candidate.id, step_id=step.id)  # type: ignore[arg-type]
    session.add(survey)
    session.flush()
    return survey


def reconcile_batch(engine: Engine, *, round_id: int, candidate_ids: Sequence[int]) -> dict:
    """Reconcile a batch of candidates in one unit of work; counts of the states reached."""

    def work(session: Session) -> dict:
        screening_round = get_round(session, round_id)
        reached: Counter[str] = Counter()
        candidates = session.exec(
            select(Candidate)
            .where(col(Candidate.id).in_(list(candidate_ids)), Candidate.round_id == round_id)
            .with_for_update()
        ).all()
        for candidate in candidates:
            state = reconcile_candidate(session, screening_round, candidate)
            if state:
                reached[state] += 1
        return dict(reached)

    return in_transaction(engine, work)


def finish_reconciliation(engine: Engine, *, round_id: int) -> bool:
    """Open the confirmation step once everyone is reconciled and surveyed (True if open)."""
    return in_transaction(
        engine, lambda session: open_confirmation_if_ready(session, get_round(session, round_id))
    )


def reconcile_round(engine: Engine, *, round_id: int) -> dict:
    """The whole reconciliation without Prefect (ops, tests): every batch, then the check."""
    with Session(engine) as session:
        ids = candidates_to_reconcile(session, round_id)
    reached: Counter[str] = Counter()
    for start in range(0, len(ids), BATCH):
        reached.update(
            reconcile_batch(engine, round_id=round_id, candidate_ids=ids[start : start + BATCH])
        )
    finish_reconciliation(engine, round_id=round_id)
    return dict(reached)


def open_confirmation_if_ready(session: Session, screening_round: ScreeningRound) -> bool:
    if screening_round.status != RoundStatus.reconciling:
        return False
    unsettled = session.exec(
        select(Candidate.id).where(
            Candidate.round_id == screening_round.id,
            col(Candidate.state).in_(
                [
                    CandidateState.assessing,
                    CandidateState.reassessing,
                    CandidateState.joint_survey,
                ]
            ),
        )
    ).first()
    if unsettled is not None:
        return False
    stage = stages_of(screening_round).first("confirmation")
    if stage is None:
        return False
    if stage_step(session, screening_round.id, stage.key) is None:  # type: ignore[arg-type]
        open_stage_step(session, screening_round, stage)
    return True


# --------------------------------------------------------------------------- the joint survey


@dataclass(frozen=True)
class SurveyRecord:
    eligible: bool
    complexity: str
    findings: str
    surveyed_on: date
    members_present: list[int]


def record_joint_survey(
    session: Session, *, step_id: int, user: User, record: SurveyRecord
) -> JointSurvey:
    """Record the joint survey (members of both teams present) and decide its step with the
    result, in one unit of work."""
    survey = session.exec(select(JointSurvey).where(JointSurvey.step_id == step_id)).first()
    step = session.get(HumanStep, step_id)
    if survey is None or step is None:
        raise NotFound("ไม่พบการสำรวจร่วมของขั้นตอนนี้")
    check_surveyor(session, step, user)
    candidate = session.get(Candidate, survey.candidate_id)
    assert candidate is not None
    screening_round = get_round(session, candidate.round_id)
    if record.complexity not in dict(programmes().complexity_groups):
        raise InvalidInput("กลุ่มความซับซ้อนของปัญหาไม่ถูกต้อง", field="complexity")
    if not record.findings.strip():
        raise InvalidInput("กรุณาบันทึกสิ่งที่พบจากการสำรวจร่วม", field="findings")
    present = set(record.members_present)
    for stage in stages_of(screening_round).of_kind("assessment"):
        team = teams()[stage.team or ""]
        if not present & team.member_ids(session):
            raise InvalidInput(
                f"การสำรวจร่วมต้องมีผู้แทนของ{team.title}อย่างน้อย 1 คน", field="members_present"
            )
    survey.eligible = record.eligible
    survey.complexity = record.complexity
    survey.findings = record.findings.strip()
    survey.surveyed_on = record.surveyed_on
    survey.members_present = sorted(present)
    survey.recorded_by_id = user.id
    survey.recorded_at = utcnow()
    session.add(survey)
    session.flush()
    decide(
        session,
        step_id=step_id,
        user=user,
        data={
            "outcome": (Outcome.approve if record.eligible else Outcome.reject).value,
            "comment": survey.findings,
        },
    )
    return survey


def after_joint_survey(session: Session, step: HumanStep, decision: Decision) -> None:
    """The joint survey decided: the candidate is confirmed or not eligible; the confirmation
    opens when nobody is left unsettled."""
    survey = session.exec(select(JointSurvey).where(JointSurvey.step_id == step.id)).first()
    if survey is None or survey.recorded_at is None:
        raise Conflict("กรุณาบันทึกผลการสำรวจร่วมผ่านหน้าการสำรวจร่วม (สมาชิกทั้งสองทีม)")
    candidate = session.get(Candidate, survey.candidate_id, with_for_update=True)
    if candidate is None:
        raise NotFound("ไม่พบผู้ได้รับการเสนอชื่อรายนี้")
    eligible = step.outcome == Outcome.approve
    set_state(
        session,
        candidate,
        CandidateState.confirmed if eligible else CandidateState.not_eligible,
        actor=session.get(User, decision.user_id),
        joint_survey_id=survey.id,
    )
    open_confirmation_if_ready(session, get_round(session, candidate.round_id, lock=True))


def open_joint_surveys(session: Session, round_id: int) -> list[JointSurvey]:
    return list(
        session.exec(
            select(JointSurvey)
            .join(HumanStep, col(HumanStep.id) == JointSurvey.step_id)
            .where(HumanStep.case_id == round_id, HumanStep.case_type == CASE_TYPE)
            .where(HumanStep.status == StepStatus.open)
            .order_by(col(JointSurvey.id))
        )
    )


def check_surveyor(session: Session, step: HumanStep, user: User) -> None:
    """Only whoever holds the survey's step records it, while it is open."""
    try:
        standing(session, user=user, step=step)
    except NotEntitled:
        raise NotEntitled("ท่านไม่มีหน้าที่บันทึกผลการสำรวจร่วมนี้") from None
    if step.status != StepStatus.open:
        raise Conflict("บันทึกผลการสำรวจร่วมนี้แล้ว")
