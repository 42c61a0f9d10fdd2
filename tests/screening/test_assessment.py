"""The two assessments: round 1 by the welfare division's team, round 2 by the volunteers (who
see round 1); refused after the stage's deadline, from the wrong team, out of order, or with
a questionnaire that does not match the configured one, nothing stored."""

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from domain.errors import Conflict, InvalidInput, NotEntitled
from domain.screening import assessment_service
from domain.screening.assessment import PhotoUpload, assessments_of, stage_step
from models.screening import Candidate, CandidateState, RoundStatus, ScreeningRound
from models.screening_assessment import Assessment, AssessmentPhoto
from models.steps import StepStatus
from tests.screening.assessment_fixtures import assess, assessment, make_round, today

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def state_of(engine, candidate_id: int) -> str:
    with Session(engine) as session:
        return session.get(Candidate, candidate_id).state


def test_start_opens_one_step_per_assessment_stage_not_per_candidate(engine, people):
    r = make_round(engine, people, count=5)
    with Session(engine) as session:
        one = stage_step(session, r.id, "assessment-1")
        two = stage_step(session, r.id, "assessment-2")
        assert one is not None and two is not None
        assert one.status == two.status == StepStatus.open
        assert session.get(ScreeningRound, r.id).status == RoundStatus.assessing
    assert {state_of(engine, c) for c in r.candidates} == {CandidateState.assessing}


def test_round_two_sees_round_one_and_both_are_kept(engine, people):
    r = make_round(engine, people, count=1)
    c = r.candidates[0]
    assessment_service.submit_assessment(
        engine,
        candidate_id=c,
        round_no=1,
        user_id=r.users["siriporn"].id,
        data=assessment(True, "moderate"),
        photos=[PhotoUpload("home.png", PNG)],
    )
    assert state_of(engine, c) == CandidateState.reassessing
    with Session(engine) as session:
        seen = assessments_of(session, c)
        assert [a.assessment_round for a in seen] == [1]
        assert seen[0].household_income_satang == 450050
        assert seen[0].problems["housing"] == "หลังคารั่ว"
        assert seen[0].team == "welfare-survey"
        photos = session.exec(select(AssessmentPhoto)).all()
        assert len(photos) == 1 and photos[0].content_type == "image/png"
    assess(engine, r, c, 2, False)
    with Session(engine) as session:
        both = assessments_of(session, c)
        assert [(a.assessment_round, a.eligible) for a in both] == [(1, True), (2, False)]
        assert both[1].team == "participation-volunteers"


def test_wrong_team_is_refused(engine, people):
    r = make_round(engine, people, count=1)
    c = r.candidates[0]
    with pytest.raises(NotEntitled, match="ทีมสำรวจข้อมูล"):
        assessment_service.submit_assessment(
            engine, candidate_id=c, round_no=1, user_id=r.users["wilai"].id, data=assessment(True)
        )
    assess(engine, r, c, 1, True)
    with pytest.raises(NotEntitled, match="ทีมอาสาสมัคร"):
        assessment_service.submit_assessment(
            engine,
            candidate_id=c,
            round_no=2,
            user_id=r.users["siriporn"].id,
            data=assessment(True),
        )
    with pytest.raises(NotEntitled):  # an officer of another division
        assessment_service.submit_assessment(
            engine, candidate_id=c, round_no=2, user_id=r.users["nipa"].id, data=assessment(True)
        )


def test_after_the_deadline_is_refused(engine, people):
    r = make_round(engine, people, count=1)
    with Session(engine) as session:
        screening_round = session.get(ScreeningRound, r.id)
        screening_round.stage_deadlines = {
            **screening_round.stage_deadlines,
            "assessment-1": (today() - timedelta(days=1)).isoformat(),
        }
        session.add(screening_round)
        session.commit()
    with pytest.raises(Conflict, match="เลยกำหนดส่งผล"):
        assess(engine, r, r.candidates[0], 1, True)
    with Session(engine) as session:
        assert session.exec(select(Assessment)).first() is None


def test_out_of_order_twice_or_after_closing_is_refused(engine, people):
    r = make_round(engine, people, count=2)
    first, second = r.candidates
    with pytest.raises(Conflict, match="ยังประเมินครั้งที่ 2 ไม่ได้"):
        assess(engine, r, first, 2, True)
    assess(engine, r, first, 1, True)
    with pytest.raises(Conflict, match="ได้รับการประเมินครั้งที่ 1 แล้ว"):
        assess(engine, r, first, 1, False)
    with pytest.raises(Conflict, match="ยังมีผู้ได้รับการเสนอชื่อที่ยังไม่ได้ประเมิน 1 ราย"):
        assessment_service.close_stage(
            engine, round_id=r.id, stage_key="assessment-1", user_id=r.users["sunee"].id
        )
    assess(engine, r, second, 1, True)
    assessment_service.close_stage(
        engine, round_id=r.id, stage_key="assessment-1", user_id=r.users["sunee"].id
    )
    with pytest.raises(Conflict, match="ปิดรับผล"):
        assessment_service.submit_assessment(
            engine,
            candidate_id=first,
            round_no=1,
            user_id=r.users["siriporn"].id,
            data=assessment(True),
        )


def test_questionnaire_and_photos_are_checked_nothing_stored(engine, people):
    r = make_round(engine, people, count=1)
    c = r.candidates[0]
    bad = assessment(True)
    bad["answers"] = {**bad["answers"], "housing_tenure": "castle"}
    del bad["answers"]["debt"]
    with pytest.raises(InvalidInput) as refused:
        assessment_service.submit_assessment(
            engine, candidate_id=c, round_no=1, user_id=r.users["siriporn"].id, data=bad
        )
    assert "สถานะการอยู่อาศัย" in refused.value.message
    assert "มีหนี้สินนอกระบบ" in refused.value.message
    with pytest.raises(InvalidInput, match="กลุ่มความซับซ้อน"):
        assessment_service.submit_assessment(
            engine,
            candidate_id=c,
            round_no=1,
            user_id=r.users["siriporn"].id,
            data=assessment(True, "enormous"),
        )
    with pytest.raises(InvalidInput, match="ไม่ใช่ไฟล์ภาพ"):
        assessment_service.submit_assessment(
            engine,
            candidate_id=c,
            round_no=1,
            user_id=r.users["siriporn"].id,
            data=assessment(True),
            photos=[PhotoUpload("notes.txt", b"just text")],
        )
    with Session(engine) as session:
        assert session.exec(select(Assessment)).first() is None
        assert session.exec(select(AssessmentPhoto)).first() is None
    assert state_of(engine, c) == CandidateState.assessing
