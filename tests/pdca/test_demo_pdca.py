"""The demo plan of `make run` (ops/demo_pdca.py): version 1 imported, approved by the mayor,
announced 29 Sep 2565 and recorded in E-PlanNACC; version 2 (a revision) waiting for the working
committee. Idempotent."""

from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from domain.engine import audit
from domain.engine.authority import inbox
from domain.pdca.rules import CASE_TYPE, is_finished
from models.pdca import Plan, PlanStatus
from models.people import User
from ops.demo_pdca import seed_demo_pdca


def test_the_demo_plan_once(engine: Engine, org: dict[str, User]) -> None:
    assert seed_demo_pdca(engine) == 2
    assert seed_demo_pdca(engine) == 0
    with Session(engine) as session:
        first, second = session.exec(select(Plan).order_by(col(Plan.version))).all()
        assert (first.status, first.announced_on, first.enacc_submitted_on) == (
            PlanStatus.approved,
            date(2022, 9, 29),
            date(2022, 9, 30),
        )
        assert first.approved_by_id == org["mayor"].id
        assert is_finished(session, first.id)  # type: ignore[arg-type]
        assert (second.status, second.previous_version_id) == (PlanStatus.in_review, first.id)
        assert not is_finished(session, second.id)  # type: ignore[arg-type]
        chair = session.get(User, org["ratana"].id)
        waiting = [i.step for i in inbox(session, user=chair) if i.step.case_type == CASE_TYPE]  # type: ignore[arg-type]
        assert [(s.case_id, s.level) for s in waiting] == [(second.id, "committee")]
        for plan in (first, second):
            entries = audit.timeline(session, case_type=CASE_TYPE, case_id=plan.id)  # type: ignore[arg-type]
            assert audit.verify(entries).valid
