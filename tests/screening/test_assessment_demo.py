"""The demo screening rounds (`make run`): one certified with an exclusion, one with a joint
survey open, one still assessing; a second run adds nothing."""

from sqlmodel import Session, col, select

from domain.screening.reconcile import open_joint_surveys
from models.screening import Candidate, CandidateState, RoundStatus, ScreeningRound
from models.screening_assessment import Assessment, Exclusion
from ops.demo_screening import seed_demo_screening
from ops.seed import DEMO_PASSWORD
from ops.seed_screening import seed_screening
from ops.seed_screening_teams import seed_screening_teams


def test_demo_rounds_in_several_states(engine, people):
    with Session(engine) as session:
        seed_screening(session)
        seed_screening_teams(session, DEMO_PASSWORD)
        session.commit()
    assert seed_demo_screening(engine) == 14
    assert seed_demo_screening(engine) == 0
    with Session(engine) as session:
        rounds = session.exec(select(ScreeningRound).order_by(col(ScreeningRound.id))).all()
        assert [r.status for r in rounds] == [
            RoundStatus.notifying,
            RoundStatus.reconciling,
            RoundStatus.assessing,
        ]

        def states(round_id: int) -> list[str]:
            return [
                c.state
                for c in session.exec(
                    select(Candidate)
                    .where(Candidate.round_id == round_id)
                    .order_by(col(Candidate.id))
                )
            ]

        first, second, third = (r.id for r in rounds)
        assert states(first) == [
            CandidateState.certified,
            CandidateState.certified,
            CandidateState.not_eligible,
            CandidateState.certified,
            CandidateState.excluded,
        ]
        assert session.exec(select(Exclusion)).one().reason.startswith("ได้รับการช่วยเหลือ")
        assert len(open_joint_surveys(session, second)) == 1
        assert CandidateState.joint_survey in states(second)
        assert states(third) == [CandidateState.reassessing] * 3 + [CandidateState.assessing] * 2
        third_ids = select(Candidate.id).where(Candidate.round_id == third)
        done = session.exec(
            select(Assessment.assessment_round).where(col(Assessment.candidate_id).in_(third_ids))
        ).all()
        assert sorted(done) == [1, 1, 1, 2]
