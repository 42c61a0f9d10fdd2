"""The assessment, joint survey and certification use cases, each one unit of work: the JSON
routes, the pages, the flow and ``ops`` call these (reconciliation's are in ``reconcile``)."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.db import in_transaction
from domain.engine import audit
from domain.engine.steps import decide
from domain.errors import NotEntitled, NotFound
from domain.screening import assessment, certify, reconcile
from domain.screening.assessment_form import AssessmentInput, parse_assessment
from domain.screening.programmes import stages_of
from domain.screening.rounds import get_round
from domain.screening.states import CASE_TYPE
from models.people import User
from models.screening import RoundStatus
from models.screening_assessment import Assessment, Certification, JointSurvey
from models.steps import HumanStep, Outcome


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise NotEntitled("บัญชีผู้ใช้นี้ใช้งานไม่ได้")
    return user


def start_assessment(engine: Engine, *, round_id: int, user_id: int) -> int:
    return in_transaction(
        engine,
        lambda s: assessment.start_assessment(s, round_id=round_id, actor=_user(s, user_id)),
    )


def submit_assessment(
    engine: Engine,
    *,
    candidate_id: int,
    round_no: int,
    user_id: int,
    data: AssessmentInput | dict[str, Any],
    photos: Sequence[assessment.PhotoUpload] = (),
) -> Assessment:
    parsed = parse_assessment(data)
    return in_transaction(
        engine,
        lambda s: assessment.submit_assessment(
            s,
            candidate_id=candidate_id,
            round_no=round_no,
            assessor=_user(s, user_id),
            data=parsed,
            photos=photos,
        ),
    )


def close_stage(engine: Engine, *, round_id: int, stage_key: str, user_id: int) -> HumanStep:
    """The team (its section head, or a member of its committee) closes its assessment stage."""

    def work(session: Session) -> HumanStep:
        get_round(session, round_id)
        step = assessment.stage_step(session, round_id, stage_key)
        if step is None:
            raise NotFound("ยังไม่เริ่มขั้นตอนนี้")
        return decide(
            session,
            step_id=step.id,  # type: ignore[arg-type]
            user=_user(session, user_id),
            data={"outcome": Outcome.acknowledge.value, "comment": "ปิดการประเมินและส่งผล"},
        ).step

    return in_transaction(engine, work)


def record_joint_survey(
    engine: Engine, *, step_id: int, user_id: int, record: reconcile.SurveyRecord
) -> JointSurvey:
    return in_transaction(
        engine,
        lambda s: reconcile.record_joint_survey(
            s, step_id=step_id, user=_user(s, user_id), record=record
        ),
    )


def confirm_list(engine: Engine, *, round_id: int, user_id: int, comment: str = "") -> HumanStep:
    """The welfare division (its director) confirms the list as grouped."""

    def work(session: Session) -> HumanStep:
        screening_round = get_round(session, round_id)
        stage = stages_of(screening_round).first("confirmation")
        step = assessment.stage_step(session, round_id, stage.key) if stage else None
        if step is None or step.case_type != CASE_TYPE:
            raise NotFound("ยังไม่ถึงขั้นตอนยืนยันรายชื่อ")
        return decide(
            session,
            step_id=step.id,  # type: ignore[arg-type]
            user=_user(session, user_id),
            data={"outcome": Outcome.approve.value, "comment": comment},
        ).step

    return in_transaction(engine, work)


def record_meeting(
    engine: Engine, *, step_id: int, user_id: int, record: certify.MeetingRecord
) -> Certification:
    return in_transaction(
        engine,
        lambda s: certify.record_meeting(
            s, step_id=step_id, recorder=_user(s, user_id), record=record
        ),
    )


def cast_vote(
    engine: Engine, *, step_id: int, user_id: int, certify_list: bool, comment: str = ""
) -> bool:
    return in_transaction(
        engine,
        lambda s: certify.cast_vote(
            s, step_id=step_id, voter=_user(s, user_id), certify=certify_list, comment=comment
        ),
    )


def round_status(engine: Engine, *, round_id: int) -> str:
    with Session(engine) as session:  # a read: no writers' turn
        return get_round(session, round_id).status


def enter_follow_up(engine: Engine, *, round_id: int) -> str:
    """Everyone told and benefits assigned: the round follows its people up (the flow's end)."""

    def work(session: Session) -> str:
        screening_round = get_round(session, round_id, lock=True)
        if screening_round.status == RoundStatus.notifying:
            screening_round.status = RoundStatus.following_up
            session.add(screening_round)
            audit.record(
                session,
                case_type=CASE_TYPE,
                case_id=round_id,
                action="screening_follow_up_started",
                detail={},
            )
        return screening_round.status

    return in_transaction(engine, work)
