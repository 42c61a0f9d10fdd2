"""An overdue step of the sealed channel is chased on the engine's ladder: the named officers
get a follow-up, then a notice, then the permanent secretary is told; each notice once, and
none of them carries anything of the report but its internal number."""

from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from domain.integrity import reporting
from domain.integrity.chase import sweep_integrity_chase
from domain.integrity.forms import NewReport
from domain.integrity.rules import open_received
from models.outbox import OutboxEmail
from models.people import User
from models.steps import HumanStep

TEXT = "หัวหน้าฝ่ายพัสดุแบ่งงานจ้างให้บริษัทของญาติโดยไม่ผ่านการเสนอราคา"


def chase_at(engine: Engine, when) -> dict[str, int]:
    with Session(engine) as session:
        sent = sweep_integrity_chase(session, now=when)
        session.commit()
    return sent


def mails(engine: Engine) -> list[OutboxEmail]:
    with Session(engine) as session:
        found = session.exec(select(OutboxEmail)).all()
    return [m for m in found if m.dedupe_key.startswith("integrity-chase:")]


def test_an_overdue_assessment_is_chased_up_to_the_permanent_secretary(
    engine: Engine, named: dict[str, User]
) -> None:
    reporting.file_report(engine, NewReport(subject="แบ่งงานจ้าง", text=TEXT))
    with Session(engine) as session:
        open_received(session)
        session.commit()
        step = session.exec(select(HumanStep)).one()
    assert chase_at(engine, step.due_at - timedelta(minutes=1)) == {}  # not yet due
    assert chase_at(engine, step.due_at + timedelta(minutes=1)) == {"follow_up": 1}
    assert chase_at(engine, step.due_at + timedelta(hours=1)) == {}  # once per stage
    assert {m.to_address for m in mails(engine)} == {
        named["ratana"].email,
        named["prapai"].email,
    }
    assert chase_at(engine, step.due_at + timedelta(days=6)) == {"notice": 1}
    assert chase_at(engine, step.due_at + timedelta(days=12)) == {"escalated": 1}
    escalated = [m for m in mails(engine) if m.dedupe_key.split(":")[2] == "escalated"]
    assert named["kanya"].email in {m.to_address for m in escalated}
    assert named["mayor"].email not in {m.to_address for m in escalated}
    for mail in mails(engine):
        assert f"ทจ. {step.case_id}" in mail.subject
        assert TEXT not in mail.body_text and "แบ่งงานจ้าง" not in mail.body_text + mail.subject
