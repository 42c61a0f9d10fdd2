"""The demo rounds of `make run`: fiscal 2566's 12-month round complete, fiscal 2567's 6-month
round under way with divisions late and chased."""

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from domain.engine import audit
from domain.pdca.rounds import CASE_TYPE
from domain.pdca.rounds_view import round_progress
from models.pdca_round import (
    ProjectResult,
    ProjectStatus,
    ReportingRound,
    ReportStatus,
    RoundStatus,
)
from models.people import User
from ops.demo_pdca import seed_demo_pdca
from ops.demo_pdca_rounds import NOT_DONE_2566, NOT_DONE_REASON


def test_the_demo_rounds(engine: Engine, org: dict[str, User]) -> None:
    seed_demo_pdca(engine)
    with Session(engine) as session:
        twelve, six = session.exec(
            select(ReportingRound).order_by(col(ReportingRound.fiscal_year))
        ).all()
        assert (twelve.fiscal_year, twelve.kind, twelve.status) == (
            2566,
            "12-month",
            RoundStatus.closed,
        )
        done = round_progress(session, twelve)
        assert done.complete and done.late == 0
        not_done = session.exec(
            select(ProjectResult).where(
                ProjectResult.round_id == twelve.id, ProjectResult.status == ProjectStatus.not_done
            )
        ).all()
        assert [r.reason for r in not_done] == [NOT_DONE_REASON]
        assert NOT_DONE_2566 == 25

        assert (six.fiscal_year, six.kind, six.status) == (2567, "6-month", RoundStatus.open)
        going = round_progress(session, six)
        by_code = {d.division.code: d for d in going.divisions}
        assert going.approved == 4 and going.submitted == 5 and going.late == 4
        assert by_code["ศษ."].report.status == ReportStatus.submitted
        assert by_code["สส."].overdue and by_code["สส."].counts[ProjectStatus.in_progress] > 0
        assert {c for c, d in by_code.items() if d.chase_stage} == {"สส.", "กจ.", "ตส.", "สธ."}
        for rnd in (twelve, six):
            entries = audit.timeline(session, case_type=CASE_TYPE, case_id=rnd.id)  # type: ignore[arg-type]
            assert audit.verify(entries).valid
