"""A division that has not reported by the round's due date is chased up the ladder of
config/pdca/rounds.toml: a follow-up, a first and a second notice (each giving working days to
respond), then the mayor and the next weekly meeting's agenda. Divisions that submitted are
left alone; each notice is sent once however often the sweep runs."""

from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from domain.engine.calendar import BANGKOK
from domain.pdca import rounds_service
from domain.pdca.rounds import CASE_TYPE
from domain.pdca.rounds_chase import CHASE_CASE_TYPE
from domain.pdca.rounds_policy import round_policy
from domain.pdca.rounds_view import round_progress
from models.audit import AuditEntry
from models.chase import AgendaItem, ChaseNotice
from models.outbox import OutboxEmail
from models.people import User
from ops.demo_pdca_rounds import REPORTERS
from tests.pdca.helpers import approved_plan
from tests.pdca.rounds_helpers import (
    FY2566_12_OPEN,
    complete_entry,
    open_12_month_2566,
    reports,
)


def test_the_one_late_division_is_chased_up_to_the_mayor(
    engine: Engine, org: dict[str, User]
) -> None:
    plan_id: int = approved_plan(engine, org).id  # type: ignore[assignment]
    rnd = open_12_month_2566(engine, org["somchai"], plan_id)
    by_code = reports(engine, rnd.id)  # type: ignore[arg-type]
    for code, report in by_code.items():
        if code == "กจ.":
            continue  # the late one
        rounds_service.submit_report(
            engine,
            user_id=org[REPORTERS[code]].id,  # type: ignore[arg-type]
            report_id=report.id,  # type: ignore[arg-type]
            entry=complete_entry(engine, plan_id, code),
            now=FY2566_12_OPEN + timedelta(days=3),
        )
    late = by_code["กจ."]
    due_at = round_policy().due_at(rnd.due_on)  # 16:30 on 31 October 2566

    assert rounds_service.chase_late_divisions(engine, now=due_at - timedelta(minutes=1)) == {}
    after_due = due_at + timedelta(minutes=1)
    assert rounds_service.chase_late_divisions(engine, now=after_due) == {"follow_up": 1}
    assert rounds_service.chase_late_divisions(engine, now=after_due) == {}  # once

    with Session(engine) as session:
        (notice,) = session.exec(select(ChaseNotice)).all()
        mails = session.exec(
            select(OutboxEmail).where(col(OutboxEmail.dedupe_key).startswith("pdca-round-chase:"))
        ).all()
        progress = round_progress(session, rnd, now=after_due)
    assert (notice.case_type, notice.case_id, notice.division_id) == (
        CHASE_CASE_TYPE,
        late.id,
        late.division_id,
    )
    # five working days, counted from Wednesday 1 November (the notice came after 16:30)
    assert notice.respond_by.astimezone(BANGKOK).date().isoformat() == "2023-11-08"
    assert {m.to_address for m in mails} == {org["pranee"].email, org["kittisak"].email}
    assert all("ติดตามการรายงานผล" in m.subject and "กองการเจ้าหน้าที่" in m.subject for m in mails)
    (marked,) = [d for d in progress.divisions if d.overdue]
    assert marked.division.code == "กจ." and marked.chase_stage == "ติดตามการรายงานผล"

    moment = after_due
    climbed = []
    for _ in range(3):
        with Session(engine) as session:
            last = session.exec(select(ChaseNotice).order_by(col(ChaseNotice.id).desc())).first()
        assert last is not None and last.respond_by is not None
        moment = last.respond_by + timedelta(minutes=1)
        climbed.append(rounds_service.chase_late_divisions(engine, now=moment))
    assert climbed == [{"first_notice": 1}, {"second_notice": 1}, {"mayor": 1}]
    assert rounds_service.chase_late_divisions(engine, now=moment + timedelta(days=30)) == {}

    with Session(engine) as session:
        (item,) = session.exec(select(AgendaItem)).all()
        to_mayor = session.exec(
            select(OutboxEmail).where(
                OutboxEmail.to_address == org["mayor"].email,
                col(OutboxEmail.dedupe_key).startswith("pdca-round-chase:"),
            )
        ).all()
        actions = session.exec(
            select(AuditEntry.action).where(
                AuditEntry.case_type == CASE_TYPE, AuditEntry.case_id == rnd.id
            )
        ).all()
    assert (item.case_type, item.case_id, item.meeting_date.weekday()) == (
        CHASE_CASE_TYPE,
        late.id,
        0,
    )
    assert len(to_mayor) == 1 and "รายงานนายกเทศมนตรี" in to_mayor[0].subject
    for stage in ("follow_up", "first_notice", "second_notice", "mayor"):
        assert actions.count(f"pdca_round_{stage}") == 1
