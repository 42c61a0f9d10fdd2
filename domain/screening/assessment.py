"""The assessments (seed 000): round 1 by the welfare division's team (questionnaire, household
income, problems in the six areas, home-visit photos, recommendation, complexity group), round
2 by the participation-promotion volunteers, who recheck round 1's record and analyse again.

Each assessment round of a screening round is ONE engine step (kind = its stage key, held by
the team) that stays open until the team closes it; every candidate's assessment is a record
submitted against it, so 2,900 candidates need 2,900 rows, not 2,900 steps or flow runs. An
assessment is refused after the stage's deadline, once the stage is closed, or from someone
outside the stage's team."""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.db import utcnow
from domain.complaints.submission import sniff_image
from domain.engine import audit
from domain.engine.calendar import thai_date_text
from domain.engine.runs import request_flow_run
from domain.engine.steps import open_step
from domain.errors import Conflict, InvalidInput, NotEntitled, NotFound
from domain.screening.assessment_form import (
    MAX_PHOTO_BYTES,
    MAX_PHOTOS,
    AssessmentInput,
    questionnaire,
)
from domain.screening.programmes import Stage, deadline_of, stages_of, teams
from domain.screening.rounds import check_coordinator, get_round
from domain.screening.states import CASE_TYPE, set_state
from models.people import User
from models.screening import Candidate, CandidateState, RoundStatus, ScreeningRound
from models.screening_assessment import Assessment, AssessmentPhoto
from models.steps import Decision, HumanStep, Outcome, StepStatus

STAGE_OUTCOMES = [Outcome.acknowledge]
"""A team closes its assessment stage ("ส่งผลการประเมิน"): nothing to choose."""


def stage_step_key(round_id: int, stage_key: str, attempt: int = 1) -> str:
    return f"screening-{round_id}-{stage_key}" + (f"-r{attempt}" if attempt > 1 else "")


def stage_step(session: Session, round_id: int, stage_key: str) -> HumanStep | None:
    """The newest step of a stage of the round (a stage sent back has several)."""
    return session.exec(
        select(HumanStep)
        .where(
            HumanStep.case_type == CASE_TYPE,
            HumanStep.case_id == round_id,
            HumanStep.kind == stage_key,
        )
        .order_by(col(HumanStep.id).desc())
    ).first()


def open_stage_step(
    session: Session, screening_round: ScreeningRound, stage: Stage, attempt: int = 1
) -> HumanStep:
    """The stage's engine step, due at the round's deadline for it (safe to repeat)."""
    round_id: int = screening_round.id  # type: ignore[assignment]
    due = deadline_of(screening_round, stage.key)
    return open_step(
        session,
        case_type=CASE_TYPE,
        case_id=round_id,
        key=stage_step_key(round_id, stage.key, attempt),
        title=f"{stage.title}: {screening_round.title}",
        assignee=stage.assignee(session),
        kind=stage.key,
        allowed_outcomes=STAGE_OUTCOMES
        if stage.kind == "assessment"
        else [Outcome.approve, Outcome.reject]
        if stage.kind == "certification"
        else [Outcome.approve],
        due_at=due,
        due_in_working_days=10,
        round=attempt,
    )


def start_assessment(session: Session, *, round_id: int, actor: User) -> int:
    """Close the nominations: every nominated candidate is to be assessed, each assessment
    stage's step opens (held by its team, due at its deadline), and the round's flow is asked
    for. Returns the number of candidates to assess."""
    check_coordinator(session, actor)
    screening_round = get_round(session, round_id, lock=True)
    if screening_round.status != RoundStatus.nominating:
        raise Conflict("รอบนี้ปิดรับรายชื่อและเริ่มการประเมินแล้ว")
    candidates = session.exec(
        select(Candidate).where(
            Candidate.round_id == round_id, Candidate.state == CandidateState.nominated
        )
    ).all()
    if not candidates:
        raise Conflict("รอบนี้ยังไม่มีผู้ได้รับการเสนอชื่อ")
    for candidate in candidates:
        set_state(session, candidate, CandidateState.assessing, actor=actor)
    screening_round.status = RoundStatus.assessing
    session.add(screening_round)
    for stage in stages_of(screening_round).of_kind("assessment"):
        open_stage_step(session, screening_round, stage)
    audit.record(
        session,
        case_type=CASE_TYPE,
        case_id=round_id,
        action="screening_assessment_started",
        actor=actor,
        detail={"candidates": len(candidates)},
    )
    request_flow_run(
        session, case_type=CASE_TYPE, case_id=round_id, parameters={"round_id": round_id}
    )
    return len(candidates)


@dataclass(frozen=True)
class PhotoUpload:
    filename: str
    data: bytes


def _checked_photos(photos: Sequence[PhotoUpload]) -> list[tuple[str, bytes]]:
    if len(photos) > MAX_PHOTOS:
        raise InvalidInput(f"แนบภาพถ่ายได้ไม่เกิน {MAX_PHOTOS} ภาพ", field="photos")
    checked = []
    for i, photo in enumerate(photos, start=1):
        if not photo.data:
            raise InvalidInput(f"ภาพถ่ายที่ {i} ว่างเปล่า", field="photos")
        if len(photo.data) > MAX_PHOTO_BYTES:
            raise InvalidInput(
                f"ภาพถ่ายที่ {i} มีขนาดเกิน {MAX_PHOTO_BYTES // (1024 * 1024)} MB", field="photos"
            )
        kind = sniff_image(photo.data)
        if kind is None:
            raise InvalidInput(
                f"ภาพถ่ายที่ {i} ({photo.filename}) ไม่ใช่ไฟล์ภาพที่รับได้ (JPEG, PNG, WebP)",
                field="photos",
            )
        checked.append((kind, photo.data))
    return checked


def check_may_assess(
    session: Session,
    *,
    screening_round: ScreeningRound,
    round_no: int,
    assessor: User,
    now: datetime,
) -> Stage:
    """The stage of assessment ``round_no``, if ``assessor`` may submit to it now: a member of
    its team, the stage still open and not past its deadline."""
    stage = stages_of(screening_round).assessment(round_no)
    team = teams()[stage.team or ""]
    if not assessor.active or assessor.id not in team.member_ids(session):
        raise NotEntitled(
            f"ประเมินครั้งที่ {round_no} ทำได้เฉพาะ{team.title} ท่าน ({assessor.full_name}) ไม่ได้อยู่ในทีมนี้"
        )
    step = stage_step(session, screening_round.id, stage.key)  # type: ignore[arg-type]
    if step is None:
        raise Conflict(f"ยังไม่เริ่ม{stage.title}")
    if step.status != StepStatus.open:
        raise Conflict(f"ปิดรับผล{stage.title}แล้ว")
    deadline = deadline_of(screening_round, stage.key)
    if deadline is not None and now > deadline:
        raise Conflict(
            f"เลยกำหนดส่งผล{stage.title} (ภายใน {thai_date_text(deadline)}) แล้ว บันทึกผลการประเมินไม่ได้"
        )
    return stage


def submit_assessment(
    session: Session,
    *,
    candidate_id: int,
    round_no: int,
    assessor: User,
    data: AssessmentInput,
    photos: Sequence[PhotoUpload] = (),
    now: datetime | None = None,
) -> Assessment:
    """Record one team's assessment of one candidate, with its home-visit photos."""
    now = now or utcnow()
    candidate = session.get(Candidate, candidate_id, with_for_update=True)
    if candidate is None:
        raise NotFound("ไม่พบผู้ได้รับการเสนอชื่อรายนี้")
    screening_round = get_round(session, candidate.round_id)
    stage = check_may_assess(
        session, screening_round=screening_round, round_no=round_no, assessor=assessor, now=now
    )
    if assessment_of(session, candidate_id, round_no) is not None:
        raise Conflict(f"ผู้ได้รับการเสนอชื่อรายนี้ได้รับการประเมินครั้งที่ {round_no} แล้ว")
    expected = CandidateState.assessing if round_no == 1 else CandidateState.reassessing
    if candidate.state != expected:
        raise Conflict(
            f"ยังประเมินครั้งที่ {round_no} ไม่ได้: สถานะปัจจุบันคือ “{CandidateState(candidate.state).thai}”"
        )
    answers = questionnaire().check(data.answers)
    checked = _checked_photos(photos)
    assessment = Assessment(
        candidate_id=candidate_id,
        assessment_round=round_no,
        stage=stage.key,
        team=stage.team or "",
        assessor_id=assessor.id,  # type: ignore[arg-type]
        questionnaire=questionnaire().key,
        answers=answers,
        household_members=data.household_members,
        household_income_satang=data.income_satang,
        problems={area.value: note.strip() for area, note in data.problems.items()},
        eligible=data.eligible,
        complexity=data.complexity,
        summary=data.summary.strip(),
        submitted_at=now,
    )
    session.add(assessment)
    session.flush()
    for content_type, raw in checked:
        session.add(
            AssessmentPhoto(
                assessment_id=assessment.id,  # type: ignore[arg-type]
                content_type=content_type,
                size_bytes=len(raw),
                sha256=hashlib.sha256(raw).hexdigest(),
                data=raw,
                uploaded_by_id=assessor.id,  # type: ignore[arg-type]
            )
        )
    if round_no == 1 and stages_of(screening_round).assessment_rounds > 1:
        set_state(session, candidate, CandidateState.reassessing, actor=assessor)
    audit.record(
        session,
        case_type=CASE_TYPE,
        case_id=screening_round.id,  # type: ignore[arg-type]
        action="screening_assessment_submitted",
        actor=assessor,
        detail={
            "candidate_id": candidate_id,
            "round": round_no,
            "eligible": data.eligible,
            "complexity": data.complexity,
            "photos": len(checked),
        },
    )
    session.flush()
    return assessment


def assessment_of(session: Session, candidate_id: int, round_no: int) -> Assessment | None:
    return session.exec(
        select(Assessment).where(
            Assessment.candidate_id == candidate_id, Assessment.assessment_round == round_no
        )
    ).first()


def assessments_of(session: Session, candidate_id: int) -> list[Assessment]:
    return list(
        session.exec(
            select(Assessment)
            .where(Assessment.candidate_id == candidate_id)
            .order_by(col(Assessment.assessment_round))
        )
    )


def photo_ids(session: Session, assessment_id: int) -> list[int]:
    return [
        i
        for i in session.exec(
            select(AssessmentPhoto.id)
            .where(AssessmentPhoto.assessment_id == assessment_id)
            .order_by(col(AssessmentPhoto.id))
        )
        if i is not None
    ]


def waiting_for(session: Session, round_id: int, round_no: int) -> list[Candidate]:
    """Candidates still to be assessed in ``round_no``, in the order they were nominated."""
    state = CandidateState.assessing if round_no == 1 else CandidateState.reassessing
    done = select(Assessment.candidate_id).where(Assessment.assessment_round == round_no)
    return list(
        session.exec(
            select(Candidate)
            .where(
                Candidate.round_id == round_id,
                Candidate.state == state,
                col(Candidate.id).not_in(done),
            )
            .order_by(col(Candidate.id))
        )
    )


def assessed_counts(session: Session, round_id: int) -> dict[int, int]:
    """How many candidates of the round each assessment round has assessed."""
    rows = session.exec(
        select(Assessment.assessment_round, func.count())
        .join(Candidate, col(Candidate.id) == Assessment.candidate_id)
        .where(Candidate.round_id == round_id)
        .group_by(Assessment.assessment_round)
    )
    return dict(rows.all())


def after_assessment_stage(session: Session, step: HumanStep, decision: Decision) -> None:
    """The team closed its stage: refused while anyone it must assess is not assessed; when
    the last assessment stage closes, the round goes on to reconciliation (the flow's work)."""
    screening_round = get_round(session, step.case_id, lock=True)
    programme = stages_of(screening_round)
    stage = programme.stage(step.kind)
    round_no = stage.round or 1
    missing = len(waiting_for(session, step.case_id, round_no))
    if round_no == 2:
        missing += len(waiting_for(session, step.case_id, 1))
    if missing:
        raise Conflict(f"ยังปิด{stage.title}ไม่ได้: ยังมีผู้ได้รับการเสนอชื่อที่ยังไม่ได้ประเมิน {missing} ราย")
    others_open = [
        s
        for s in programme.of_kind("assessment")
        if s.key != stage.key
        and (found := stage_step(session, step.case_id, s.key)) is not None
        and found.status == StepStatus.open
    ]
    if not others_open:
        screening_round.status = RoundStatus.reconciling
        session.add(screening_round)


def is_assessor_of(session: Session, user: User, person_id: int) -> bool:
    """A member of a team that assesses a round the person is a candidate in reads the
    person's record (``domain.screening.protection.READER_RULES``)."""
    for candidate in session.exec(select(Candidate).where(Candidate.person_id == person_id)):
        screening_round = session.get(ScreeningRound, candidate.round_id)
        if screening_round is None:
            continue
        for stage in stages_of(screening_round).of_kind("assessment"):
            if user.id in teams()[stage.team or ""].member_ids(session):
                return True
    return False
