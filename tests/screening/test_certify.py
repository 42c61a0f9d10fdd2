"""Confirmation and certification: the welfare division confirms the list grouped by
complexity and benefit group; the executive committee's meeting (date, resolution number,
members present, quorum) certifies it, excluding a person with a reason; members absent, a
meeting without quorum or an exclusion without a reason are refused."""

from datetime import date

import pytest
from sqlmodel import Session, select

from domain.errors import Conflict, InvalidInput, NotEntitled
from domain.screening import assessment_service
from domain.screening.assessment import stage_step
from domain.screening.certify import MeetingRecord, confirmed_list, meeting_of
from domain.screening.reconcile import reconcile_round
from models.screening import Candidate, CandidateState, RoundStatus, ScreeningRound
from models.screening_assessment import Exclusion
from models.steps import StepStatus
from tests.screening.assessment_fixtures import assess, make_round


def confirmed_round(engine, people, verdicts):
    r = make_round(engine, people, count=len(verdicts))
    for c, (first, second, complexity) in zip(r.candidates, verdicts, strict=True):
        assess(engine, r, c, 1, first, complexity=complexity)
        assess(engine, r, c, 2, second, complexity=complexity)
    assessment_service.close_stage(
        engine, round_id=r.id, stage_key="assessment-1", user_id=r.users["sunee"].id
    )
    assessment_service.close_stage(
        engine, round_id=r.id, stage_key="assessment-2", user_id=r.users["wilai"].id
    )
    reconcile_round(engine, round_id=r.id)
    return r


def test_the_committee_certifies_at_a_meeting_with_quorum_and_excludes_with_a_reason(
    engine, people
):
    r = confirmed_round(
        engine,
        people,
        [
            (True, True, "basic"),
            (True, True, "complex"),
            (True, True, "basic"),
            (False, False, "basic"),
        ],
    )
    a, b, c, d = r.candidates
    with Session(engine) as session:
        listing = confirmed_list(session, r.id)
        assert [e.candidate.id for e in listing.groups["basic"]] == [a, c]
        assert [e.candidate.id for e in listing.groups["complex"]] == [b]
        assert listing.by_area["housing"] == 3 and listing.by_area["legal"] == 0
    with pytest.raises(NotEntitled):  # the section head does not confirm: the director does
        assessment_service.confirm_list(engine, round_id=r.id, user_id=r.users["sunee"].id)
    assessment_service.confirm_list(engine, round_id=r.id, user_id=r.users["sompong"].id)
    with Session(engine) as session:
        step = stage_step(session, r.id, "certification")
        assert step.assignee_kind == "committee" and step.status == StepStatus.open
        assert session.get(ScreeningRound, r.id).status == RoundStatus.certifying
    u = {name: r.users[name].id for name in ("mayor", "anan", "kanya", "prasert", "ratana")}

    too_few = MeetingRecord(date(2026, 12, 15), "มติ คทม. ครั้งที่ 12/2569", [u["mayor"], u["kanya"]])
    assessment_service.record_meeting(engine, step_id=step.id, user_id=u["kanya"], record=too_few)
    with pytest.raises(Conflict, match="ไม่ครบองค์ประชุม"):
        assessment_service.cast_vote(engine, step_id=step.id, user_id=u["mayor"], certify_list=True)
    with pytest.raises(InvalidInput, match="เหตุผล"):
        assessment_service.record_meeting(
            engine,
            step_id=step.id,
            user_id=u["kanya"],
            record=MeetingRecord(date(2026, 12, 15), "12/2569", [u["mayor"]], {c: " "}),
        )
    with pytest.raises(InvalidInput, match="ไม่ได้อยู่ในรายชื่อ"):  # d did not pass
        assessment_service.record_meeting(
            engine,
            step_id=step.id,
            user_id=u["kanya"],
            record=MeetingRecord(date(2026, 12, 15), "12/2569", [u["mayor"]], {d: "ซ้ำ"}),
        )
    with pytest.raises(NotEntitled):  # the welfare director is not on the committee
        assessment_service.record_meeting(
            engine, step_id=step.id, user_id=r.users["sompong"].id, record=too_few
        )
    present = [u["mayor"], u["anan"], u["kanya"], u["prasert"]]
    reason = "ได้รับความช่วยเหลือจากโครงการบ้านมั่นคงในปีเดียวกันแล้ว"
    assessment_service.record_meeting(
        engine,
        step_id=step.id,
        user_id=u["kanya"],
        record=MeetingRecord(date(2026, 12, 16), "มติ คทม. ครั้งที่ 13/2569", present, {c: reason}),
    )
    with pytest.raises(NotEntitled, match="เข้าประชุม"):
        assessment_service.cast_vote(
            engine, step_id=step.id, user_id=u["ratana"], certify_list=True
        )
    assert not assessment_service.cast_vote(
        engine, step_id=step.id, user_id=u["mayor"], certify_list=True
    )
    assert not assessment_service.cast_vote(
        engine, step_id=step.id, user_id=u["anan"], certify_list=True
    )
    assert assessment_service.cast_vote(
        engine, step_id=step.id, user_id=u["kanya"], certify_list=True
    )

    with Session(engine) as session:
        got = {i: session.get(Candidate, i).state for i in r.candidates}
        assert got == {
            a: CandidateState.certified,
            b: CandidateState.certified,
            c: CandidateState.excluded,
            d: CandidateState.not_eligible,
        }
        meeting = meeting_of(session, step.id)
        assert meeting.quorum == 3 and meeting.quorum_reached and meeting.certified_at
        assert meeting.resolution_number == "มติ คทม. ครั้งที่ 13/2569"
        exclusion = session.exec(select(Exclusion)).one()
        assert (exclusion.candidate_id, exclusion.reason) == (c, reason)
        assert session.get(ScreeningRound, r.id).status == RoundStatus.notifying


def test_a_list_not_certified_goes_back_to_the_welfare_division(engine, people):
    r = confirmed_round(engine, people, [(True, True, "basic")])
    assessment_service.confirm_list(engine, round_id=r.id, user_id=r.users["sompong"].id)
    with Session(engine) as session:
        step = stage_step(session, r.id, "certification")
    u = {name: r.users[name].id for name in ("mayor", "anan", "kanya")}
    assessment_service.record_meeting(
        engine,
        step_id=step.id,
        user_id=u["kanya"],
        record=MeetingRecord(date(2026, 12, 16), "14/2569", list(u.values())),
    )
    for who in u.values():
        assessment_service.cast_vote(engine, step_id=step.id, user_id=who, certify_list=False)
    with Session(engine) as session:
        again = stage_step(session, r.id, "confirmation")
        assert again.status == StepStatus.open and again.round == 2
        assert session.get(Candidate, r.candidates[0]).state == CandidateState.confirmed
        assert session.get(ScreeningRound, r.id).status == RoundStatus.reconciling
    assessment_service.confirm_list(engine, round_id=r.id, user_id=r.users["sompong"].id)
    with Session(engine) as session:
        second = stage_step(session, r.id, "certification")
        assert second.id != step.id and second.status == StepStatus.open
