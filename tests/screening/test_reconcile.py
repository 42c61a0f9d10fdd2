"""Reconciliation: both eligible: confirmed; both not: not eligible; a disagreement opens a
joint survey step that both teams' members record; then the confirmation step opens. A
programme with one round (white family) takes that round's recommendation."""

from datetime import date

import pytest
from sqlmodel import Session, select

from domain.engine.service import decide_step
from domain.errors import Conflict, InvalidInput, NotEntitled
from domain.screening import assessment_service
from domain.screening.assessment import stage_step
from domain.screening.reconcile import SurveyRecord, open_joint_surveys, reconcile_round
from models.screening import Candidate, CandidateState, Programme, RoundStatus, ScreeningRound
from models.screening_assessment import JointSurvey
from models.steps import HumanStep, StepStatus
from tests.screening.assessment_fixtures import assess, assessment, make_round


def states(engine, ids):
    with Session(engine) as session:
        return [session.get(Candidate, i).state for i in ids]


def close_both(engine, r):
    for key in ("assessment-1", "assessment-2"):
        who = "sunee" if key == "assessment-1" else "wilai"
        assessment_service.close_stage(
            engine, round_id=r.id, stage_key=key, user_id=r.users[who].id
        )


def test_agreement_confirms_or_rejects_and_disagreement_opens_a_joint_survey(engine, people):
    r = make_round(engine, people, count=4)
    yes, no, split_a, split_b = r.candidates
    for c, first, second in (
        (yes, True, True),
        (no, False, False),
        (split_a, True, False),
        (split_b, False, True),
    ):
        assess(engine, r, c, 1, first)
        assess(engine, r, c, 2, second)
    close_both(engine, r)
    with Session(engine) as session:
        assert session.get(ScreeningRound, r.id).status == RoundStatus.reconciling
    reached = reconcile_round(engine, round_id=r.id)
    assert reached == {"confirmed": 1, "not_eligible": 1, "joint_survey": 2}
    assert states(engine, r.candidates) == [
        CandidateState.confirmed,
        CandidateState.not_eligible,
        CandidateState.joint_survey,
        CandidateState.joint_survey,
    ]
    assert reconcile_round(engine, round_id=r.id) == {}  # a repeat changes nothing
    with Session(engine) as session:
        surveys = open_joint_surveys(session, r.id)
        assert [s.candidate_id for s in surveys] == [split_a, split_b]
        step = session.get(HumanStep, surveys[0].step_id)
        assert step.kind == "joint-survey" and step.assignee_position == "section_head"
        assert stage_step(session, r.id, "confirmation") is None
        steps = [s.step_id for s in surveys]

    sunee, siriporn, wilai = (r.users[u].id for u in ("sunee", "siriporn", "wilai"))
    record = SurveyRecord(
        True, "complex", "บ้านทรุดโทรม ผู้สูงอายุติดเตียง", date(2026, 12, 1), [sunee, siriporn]
    )
    with pytest.raises(InvalidInput, match="ทีมอาสาสมัคร"):  # only one team present
        assessment_service.record_joint_survey(
            engine, step_id=steps[0], user_id=sunee, record=record
        )
    with pytest.raises(NotEntitled):  # a volunteer does not hold the step
        assessment_service.record_joint_survey(
            engine,
            step_id=steps[0],
            user_id=wilai,
            record=SurveyRecord(True, "complex", "x", date(2026, 12, 1), [sunee, wilai]),
        )
    with pytest.raises(Conflict, match="หน้าการสำรวจร่วม"):  # deciding the bare step is not enough
        decide_step(engine, step_id=steps[0], user_id=sunee, data={"outcome": "approve"})
    both = [sunee, wilai]
    assessment_service.record_joint_survey(
        engine,
        step_id=steps[0],
        user_id=sunee,
        record=SurveyRecord(True, "complex", "บ้านทรุดโทรม ผู้สูงอายุติดเตียง", date(2026, 12, 1), both),
    )
    with Session(engine) as session:
        assert stage_step(session, r.id, "confirmation") is None  # one survey still open
    assessment_service.record_joint_survey(
        engine,
        step_id=steps[1],
        user_id=sunee,
        record=SurveyRecord(False, "basic", "บุตรทำงานประจำส่งเงินให้ทุกเดือน", date(2026, 12, 1), both),
    )
    assert states(engine, [split_a, split_b]) == [
        CandidateState.confirmed,
        CandidateState.not_eligible,
    ]
    with Session(engine) as session:
        survey = session.exec(select(JointSurvey).where(JointSurvey.candidate_id == split_a)).one()
        assert survey.members_present == sorted(both) and survey.complexity == "complex"
        confirmation = stage_step(session, r.id, "confirmation")
        assert confirmation is not None and confirmation.status == StepStatus.open
        assert confirmation.assignee_position == "division_director"


def test_white_family_has_one_round_settled_by_the_community_forum(engine, people):
    r = make_round(engine, people, count=2, programme=Programme.white_family)
    somnuek = r.users["somnuek"].id
    for c, verdict in zip(r.candidates, (True, False), strict=True):
        assessment_service.submit_assessment(
            engine, candidate_id=c, round_no=1, user_id=somnuek, data=assessment(verdict)
        )
    assert states(engine, r.candidates) == [CandidateState.assessing] * 2
    assessment_service.close_stage(
        engine, round_id=r.id, stage_key="community-forum", user_id=somnuek
    )
    assert reconcile_round(engine, round_id=r.id) == {"confirmed": 1, "not_eligible": 1}
    with Session(engine) as session:
        announcement = stage_step(session, r.id, "announcement")
        assert announcement is not None and announcement.assignee_kind == "committee"
