"""The scholarship and the white-family programmes run end to end on the welfare round's own
use cases, by configuration (config/screening/programmes.toml): the same service functions the
flow's stages call (letters.notify_round, benefits.assign_round, followup.schedule_round,
enter_follow_up), then, for the scholarship, the mentor's report and the renewal next year."""

from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from domain.screening import assessment_service, benefits, followup, letters, renewal, service
from domain.screening.assessment import stage_step
from domain.screening.certify import MeetingRecord
from domain.screening.nominations import NominationInput
from domain.screening.people import PersonInput
from domain.screening.reconcile import reconcile_round
from models.people import User
from models.screening import (
    Candidate,
    CandidateState,
    Community,
    Nomination,
    NominationSource,
    Programme,
    RoundStatus,
    School,
    ScreeningRound,
)
from models.screening_benefits import BenefitAward, ScreeningLetter
from models.steps import HumanStep
from ops.seed import DEMO_PASSWORD
from ops.seed_screening_teams import seed_screening_teams
from tests.screening.assessment_fixtures import assessment
from tests.screening.conftest import open_round, thai_id

STUDENTS = {
    "ด.ญ.ประถม": date(2017, 3, 1),
    "ด.ช.มัธยม": date(2014, 3, 1),
    "ด.ญ.ไม่ผ่าน": date(2015, 6, 1),
}
"""On 16 May 2570 (2027): aged 10 (P.5), 13 (M.2); the third is found not eligible."""


def _users(engine: Engine) -> dict[str, User]:
    with Session(engine, expire_on_commit=False) as session:
        seed_screening_teams(session, DEMO_PASSWORD)
        session.commit()
        return {u.username: u for u in session.exec(select(User))}


def _nominate(
    engine: Engine, r: ScreeningRound, users: dict[str, User], names, source
) -> list[int]:
    with Session(engine) as session:
        community = session.exec(
            select(Community.id).where(Community.list_id == r.community_list_id)
        ).first()
        school = session.exec(select(School.id)).first()
    ids = []
    for n, (name, born) in enumerate(names.items()):
        service.nominate(
            engine,
            user_id=users["sunee"].id,  # type: ignore[arg-type]
            round_id=r.id,  # type: ignore[arg-type]
            data=NominationInput(
                person=PersonInput(
                    first_name=name,
                    last_name="ทดสอบทุน",
                    thai_id=thai_id(900 + n + 10 * r.id),  # type: ignore[operator]
                    birth_date=born,
                    community_id=community,
                ),
                source=source,
                nominator_name="ครูประจำชั้น" if source is NominationSource.teacher else "ประธานชุมชน",
                school_id=school if source is NominationSource.teacher else None,
            ),
        )
    with Session(engine) as session:
        ids = [c.id for c in session.exec(select(Candidate).where(Candidate.round_id == r.id))]
    return sorted(ids)  # type: ignore[arg-type]


def _states(engine: Engine, round_id: int) -> dict[int, str]:
    with Session(engine) as session:
        return {
            c.id: c.state  # type: ignore[misc]
            for c in session.exec(select(Candidate).where(Candidate.round_id == round_id))
        }


def _step_id(engine: Engine, round_id: int, key: str) -> int:
    with Session(engine) as session:
        step = stage_step(session, round_id, key)
        assert step is not None, key
        return step.id  # type: ignore[return-value]


def _certify(engine: Engine, round_id: int, members: list[int], recorder: int) -> None:
    step_id = _step_id(engine, round_id, "certification")
    assessment_service.record_meeting(
        engine,
        step_id=step_id,
        user_id=recorder,
        record=MeetingRecord(date(2026, 12, 16), "มติที่ 1/2570", members),
    )
    closed = [
        assessment_service.cast_vote(engine, step_id=step_id, user_id=m, certify_list=True)
        for m in members
    ]
    assert closed[-1] and not any(closed[:-1])


def _finish(engine: Engine, round_id: int) -> None:
    """The flow's stages after certification, through the same functions."""
    letters.notify_round(engine, round_id)
    benefits.assign_round(engine, round_id)
    followup.schedule_round(engine, round_id)
    assert assessment_service.enter_follow_up(engine, round_id=round_id) == "following_up"


def scholarship_round(engine: Engine, users: dict[str, User]) -> tuple[int, list[int]]:
    """Nominated by teachers, two levels, the committee's confirmation and certification,
    letters, awards by school level; returns the round and its candidates."""
    u = {k: users[k].id for k in ("sunee", "siriporn", "wilai", "boonmee", "sompong", "somnuek")}
    r = open_round(engine, users["sunee"], programme=Programme.scholarship, title="ทุนการศึกษา 2570")
    cids = _nominate(engine, r, users, STUDENTS, NominationSource.teacher)
    assessment_service.start_assessment(engine, round_id=r.id, user_id=u["sunee"])  # type: ignore[arg-type]
    for n, c in enumerate(cids):
        for level, who in ((1, "siriporn"), (2, "wilai")):
            assessment_service.submit_assessment(
                engine, candidate_id=c, round_no=level, user_id=u[who], data=assessment(n < 2)
            )
    assessment_service.close_stage(
        engine, round_id=r.id, stage_key="assessment-1", user_id=u["sunee"]
    )  # type: ignore[arg-type]
    assessment_service.close_stage(
        engine, round_id=r.id, stage_key="assessment-2", user_id=u["wilai"]
    )  # type: ignore[arg-type]
    reconcile_round(engine, round_id=r.id)  # type: ignore[arg-type]
    # the appointed committee (government and civil society, quorum 3) considers the list
    committee = [u["boonmee"], u["sompong"], u["somnuek"]]
    for m in committee:
        assessment_service.confirm_list(engine, round_id=r.id, user_id=m)  # type: ignore[arg-type]
    _certify(engine, r.id, committee, u["boonmee"])  # type: ignore[arg-type]
    benefits.set_budget(
        engine,
        r.id,
        actor_id=u["sunee"],
        benefit="scholarship_primary",
        source="donations",  # type: ignore[arg-type]
        amount_satang=10_000_000,
    )
    benefits.set_budget(
        engine,
        r.id,
        actor_id=u["sunee"],
        benefit="scholarship_secondary",
        source="donations",  # type: ignore[arg-type]
        amount_satang=10_000_000,
    )
    _finish(engine, r.id)  # type: ignore[arg-type]
    return r.id, cids  # type: ignore[return-value]


def test_scholarship_round_runs_end_to_end_and_renews(engine: Engine, screening_people) -> None:
    users = _users(engine)
    round_id, (primary, secondary, failed) = scholarship_round(engine, users)
    assert _states(engine, round_id) == {
        primary: CandidateState.certified,
        secondary: CandidateState.certified,
        failed: CandidateState.not_eligible,
    }
    with Session(engine) as session:
        told = {lt.candidate_id: lt.outcome for lt in session.exec(select(ScreeningLetter))}
        scholarships = {
            a.candidate_id: (a.benefit, a.amount_satang)
            for a in session.exec(select(BenefitAward).where(BenefitAward.round_id == round_id))
            if a.benefit.startswith("scholarship")
        }
        kinds = {
            s.kind for s in session.exec(select(HumanStep).where(HumanStep.case_id == round_id))
        }
    assert set(told) == {primary, secondary, failed}
    assert scholarships == {
        primary: ("scholarship_primary", 100_000),
        secondary: ("scholarship_secondary", 200_000),
    }
    assert kinds == {"assessment-1", "assessment-2", "committee", "certification"}

    # a mentor for each, reports during the year; the next year the committee decides
    u = {k: users[k].id for k in ("sunee", "malai", "boonmee", "sompong", "somnuek", "wilai")}
    renewal.assign_mentor_uc(
        engine, candidate_id=primary, user_id=u["sunee"], mentor_user_id=u["malai"]
    )
    renewal.assign_mentor_uc(
        engine, candidate_id=secondary, user_id=u["sunee"], mentor_name="นายครูพี่เลี้ยง ภายนอก"
    )
    renewal.record_report_uc(
        engine,
        candidate_id=primary,
        user_id=u["malai"],
        report=renewal.ReportInput(date(2027, 3, 1), 96, "ตั้งใจเรียน ครอบครัวยังลำบาก", True, 3.4),
    )
    renewal.record_report_uc(
        engine,
        candidate_id=secondary,
        user_id=u["sunee"],
        report=renewal.ReportInput(date(2027, 3, 2), 40, "ขาดเรียนบ่อย ย้ายไปอยู่ต่างจังหวัด", False),
    )
    next_round = open_round(
        engine,
        users["sunee"],
        programme=Programme.scholarship,
        fiscal_year=2571,
        title="ทุนการศึกษา 2571",
    )
    meeting = renewal.start_renewal_uc(
        engine,
        round_id=round_id,
        next_round_id=next_round.id,
        user_id=u["sunee"],  # type: ignore[arg-type]
    )
    committee = [u["boonmee"], u["sompong"], u["wilai"]]
    renewal.record_renewal_meeting_uc(
        engine,
        step_id=meeting.step_id,
        user_id=u["boonmee"],
        record=renewal.RenewalRecord(
            date(2027, 11, 10),
            "มติที่ 1/2571",
            committee,
            {primary: (True, ""), secondary: (False, "ย้ายออกนอกเขตเทศบาล ขาดเรียนเกินเกณฑ์")},
        ),
    )
    closed = [
        renewal.cast_renewal_vote_uc(engine, step_id=meeting.step_id, user_id=m) for m in committee
    ]
    assert closed == [False, False, True]
    with Session(engine) as session:
        carried = session.exec(select(Candidate).where(Candidate.round_id == next_round.id)).all()
        assert len(carried) == 1 and carried[0].state == CandidateState.nominated
        history = renewal.renewal_history(session, carried[0].id)  # type: ignore[arg-type]
        assert [(h.candidate_id, h.renew) for h in history] == [(primary, True)]
        nomination = session.exec(
            select(Nomination).where(Nomination.round_id == next_round.id)
        ).one()
        assert "มติที่ 1/2571" in nomination.note
        assert session.get(ScreeningRound, round_id).status == RoundStatus.closed  # type: ignore[union-attr]


def test_white_family_round_runs_end_to_end(engine: Engine, screening_people) -> None:
    users = _users(engine)
    u = {k: users[k].id for k in ("sunee", "somnuek", "ampon", "anan", "sompong", "ratana")}
    r = open_round(
        engine, users["sunee"], programme=Programme.white_family, title="ครอบครัวสีขาว 2570"
    )
    families = {"นายครอบครัวหนึ่ง": date(1980, 1, 1), "นางครอบครัวสอง": date(1975, 2, 2)}
    cids = _nominate(engine, r, users, families, NominationSource.community_president)
    assessment_service.start_assessment(engine, round_id=r.id, user_id=u["sunee"])  # type: ignore[arg-type]
    for c, eligible in zip(cids, (True, False), strict=True):
        assessment_service.submit_assessment(
            engine, candidate_id=c, round_no=1, user_id=u["somnuek"], data=assessment(eligible)
        )
    assessment_service.close_stage(
        engine, round_id=r.id, stage_key="community-forum", user_id=u["ampon"]
    )  # type: ignore[arg-type]
    reconcile_round(engine, round_id=r.id)  # type: ignore[arg-type]
    # the community committee announces (quorum 1), the municipal committee certifies (quorum 3)
    assessment_service.confirm_list(engine, round_id=r.id, user_id=u["somnuek"])  # type: ignore[arg-type]
    _certify(engine, r.id, [u["anan"], u["sompong"], u["ratana"]], u["anan"])  # type: ignore[arg-type]
    _finish(engine, r.id)  # type: ignore[arg-type]
    assert _states(engine, r.id) == {  # type: ignore[arg-type]
        cids[0]: CandidateState.certified,
        cids[1]: CandidateState.not_eligible,
    }
    with Session(engine) as session:
        kinds = {s.kind for s in session.exec(select(HumanStep).where(HumanStep.case_id == r.id))}
        letters_sent = session.exec(
            select(ScreeningLetter).where(ScreeningLetter.round_id == r.id)
        ).all()
    assert kinds == {"community-forum", "announcement", "certification"}
    assert len(letters_sent) == 2
