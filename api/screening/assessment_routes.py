"""The screening's JSON routes after the nominations (/api/screening): start the assessment,
submit an assessment (scripted assessors, B7), close a team's stage, record a joint survey,
confirm the list, record the committee's meeting and vote, and the round's progress."""

import base64
import binascii
from datetime import date
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Path, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from api.deps import (
    MAX_ID,
    CaseSyncDep,
    CurrentUser,
    EngineDep,
    PathId,
    SessionDep,
    sync_case_later,
)
from domain.engine.visibility import can_view
from domain.errors import InvalidInput, NotEntitled, NotFound
from domain.screening import assessment_service
from domain.screening.assessment import PhotoUpload, assessed_counts
from domain.screening.assessment_form import MAX_PHOTO_BYTES, AssessmentInput
from domain.screening.certify import MeetingRecord, meeting_of
from domain.screening.reconcile import SurveyRecord
from domain.screening.rounds import get_round
from domain.screening.states import CASE_TYPE
from models.screening import Candidate
from models.steps import HumanStep

router = APIRouter(prefix="/api/screening", tags=["screening"])
UserId = Annotated[int, Field(ge=1, le=MAX_ID)]
CandidateId = Annotated[int, Field(ge=1, le=MAX_ID)]


class Photo(BaseModel):
    model_config = ConfigDict(extra="forbid")
    filename: str = Field(max_length=200)
    content_base64: str


class AssessmentBody(AssessmentInput):
    photos: list[Photo] = Field(default_factory=list, max_length=6)


class AssessmentPublic(BaseModel):
    id: int
    candidate_id: int
    assessment_round: int
    eligible: bool
    complexity: str
    household_income_satang: int


def _photos(body: AssessmentBody) -> list[PhotoUpload]:
    found = []
    for i, photo in enumerate(body.photos, start=1):
        text = photo.content_base64.split(",", 1)[-1]
        if len(text) > MAX_PHOTO_BYTES * 4 // 3 + 8:
            raise InvalidInput(f"ภาพถ่ายที่ {i} มีขนาดใหญ่เกินไป", field="photos")
        try:
            found.append(PhotoUpload(photo.filename, base64.b64decode(text, validate=True)))
        except (binascii.Error, ValueError):
            raise InvalidInput(f"ภาพถ่ายที่ {i}: ข้อมูล base64 ไม่ถูกต้อง", field="photos") from None
    return found


@router.post("/rounds/{round_id}/start-assessment")
def start_assessment(
    round_id: PathId,
    user: CurrentUser,
    engine: EngineDep,
    background: BackgroundTasks,
    orchestrator: CaseSyncDep,
) -> dict[str, int]:
    """Close the nominations and open the assessment stages (the round's flow starts)."""
    count = assessment_service.start_assessment(engine, round_id=round_id, user_id=user.id)  # type: ignore[arg-type]
    background.add_task(sync_case_later, orchestrator, CASE_TYPE, round_id, new_case=True)
    return {"candidates": count}


@router.post(
    "/candidates/{candidate_id}/assessments/{round_no}", status_code=status.HTTP_201_CREATED
)
def submit_assessment(
    candidate_id: PathId,
    round_no: Annotated[int, Path(ge=1, le=2)],
    body: AssessmentBody,
    user: CurrentUser,
    engine: EngineDep,
) -> AssessmentPublic:
    data = AssessmentInput.model_validate(body.model_dump(exclude={"photos"}))
    found = assessment_service.submit_assessment(
        engine,
        candidate_id=candidate_id,
        round_no=round_no,
        user_id=user.id,  # type: ignore[arg-type]
        data=data,
        photos=_photos(body),
    )
    return AssessmentPublic.model_validate(found, from_attributes=True)


@router.post("/rounds/{round_id}/stages/{stage_key}/close")
def close_stage(
    round_id: PathId,
    stage_key: Annotated[str, Path(max_length=40)],
    user: CurrentUser,
    engine: EngineDep,
    background: BackgroundTasks,
    orchestrator: CaseSyncDep,
) -> dict[str, str]:
    step = assessment_service.close_stage(
        engine,
        round_id=round_id,
        stage_key=stage_key,
        user_id=user.id,  # type: ignore[arg-type]
    )
    background.add_task(sync_case_later, orchestrator, CASE_TYPE, round_id)
    return {"step": step.key, "status": step.status}


class SurveyBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    eligible: bool
    complexity: str
    findings: str = Field(max_length=4000)
    surveyed_on: date
    members_present: list[UserId] = Field(max_length=50)


@router.post("/joint-surveys/{step_id}")
def record_joint_survey(
    step_id: PathId,
    body: SurveyBody,
    user: CurrentUser,
    engine: EngineDep,
    background: BackgroundTasks,
    orchestrator: CaseSyncDep,
) -> dict[str, object]:
    survey = assessment_service.record_joint_survey(
        engine,
        step_id=step_id,
        user_id=user.id,
        record=SurveyRecord(**body.model_dump()),  # type: ignore[arg-type]
    )
    background.add_task(sync_case_later, orchestrator, CASE_TYPE, _round_of_step(engine, step_id))
    return {"candidate_id": survey.candidate_id, "eligible": survey.eligible}


@router.post("/rounds/{round_id}/confirm")
def confirm_list(
    round_id: PathId,
    user: CurrentUser,
    engine: EngineDep,
    background: BackgroundTasks,
    orchestrator: CaseSyncDep,
) -> dict[str, str]:
    step = assessment_service.confirm_list(engine, round_id=round_id, user_id=user.id)  # type: ignore[arg-type]
    background.add_task(sync_case_later, orchestrator, CASE_TYPE, round_id)
    return {"step": step.key, "status": step.status}


class MeetingBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    meeting_date: date
    resolution_number: str = Field(max_length=100)
    members_present: list[UserId] = Field(max_length=50)
    exclusions: dict[CandidateId, Annotated[str, Field(max_length=2000)]] = Field(
        default_factory=dict, description="candidate id -> reason"
    )


@router.post("/certifications/{step_id}/meeting")
def record_meeting(
    step_id: PathId, body: MeetingBody, user: CurrentUser, engine: EngineDep
) -> dict:
    meeting = assessment_service.record_meeting(
        engine,
        step_id=step_id,
        user_id=user.id,
        record=MeetingRecord(**body.model_dump()),  # type: ignore[arg-type]
    )
    return {"quorum": meeting.quorum, "quorum_reached": meeting.quorum_reached}


class VoteBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    certify: bool
    comment: str = Field(default="", max_length=4000)


@router.post("/certifications/{step_id}/vote")
def vote(
    step_id: PathId,
    body: VoteBody,
    user: CurrentUser,
    engine: EngineDep,
    background: BackgroundTasks,
    orchestrator: CaseSyncDep,
) -> dict[str, bool]:
    closed = assessment_service.cast_vote(
        engine,
        step_id=step_id,
        user_id=user.id,
        certify_list=body.certify,
        comment=body.comment,  # type: ignore[arg-type]
    )
    background.add_task(sync_case_later, orchestrator, CASE_TYPE, _round_of_step(engine, step_id))
    return {"closed": closed}


@router.get("/rounds/{round_id}/progress")
def progress(round_id: PathId, user: CurrentUser, session: SessionDep) -> dict[str, object]:
    """Candidates per state, assessments per round, the certification meeting if any."""
    round_ = get_round(session, round_id)
    if not can_view(session, user=user, case_type=CASE_TYPE, case_id=round_id):
        raise NotEntitled("ท่านไม่มีสิทธิ์ดูรอบการคัดกรองนี้")
    states = dict(
        session.exec(
            select(Candidate.state, func.count())
            .where(Candidate.round_id == round_id)
            .group_by(Candidate.state)
        ).all()
    )
    steps = session.exec(
        select(HumanStep).where(HumanStep.case_type == CASE_TYPE, HumanStep.case_id == round_id)
    ).all()
    certification = next((s for s in reversed(steps) if s.kind == "certification"), None)
    meeting = meeting_of(session, certification.id) if certification else None  # type: ignore[arg-type]
    return {
        "status": round_.status,
        "by_state": states,
        "assessed": assessed_counts(session, round_id),
        "open_steps": [
            {"id": s.id, "key": s.key, "kind": s.kind, "title": s.title}
            for s in steps
            if s.status == "open"
        ],
        "meeting": None
        if meeting is None
        else {
            "meeting_date": meeting.meeting_date.isoformat(),
            "resolution_number": meeting.resolution_number,
            "quorum_reached": meeting.quorum_reached,
        },
    }


def _round_of_step(engine: Engine, step_id: int) -> int:
    with Session(engine) as session:
        step = session.get(HumanStep, step_id)
        if step is None:
            raise NotFound("ไม่พบขั้นตอนนี้")
        return step.case_id
