"""The demo plan for `make run` (ops/seed.py --demo): the 56-project anti-corruption action plan
2566–2570 imported from config/pdca/ by the Strategy and Budget officer, taken through the
working committee and the chain to the mayor (announced 29 Sep 2565, as the real plan was),
recorded in E-PlanNACC on 30 Sep 2565; its reporting rounds (ops/demo_pdca_rounds.py: fiscal
2566's 12 months complete, 2567's 6 months under way with divisions late); then a revision
(version 2) waiting for the committee.
Everything through the use cases (``domain.pdca.service``, ``domain.engine.service.decide_step``),
so each step, decision, audit entry and mail is as people would leave it.

Idempotent: nothing is done when any plan exists."""

from datetime import date
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.settings import PROJECT_ROOT
from domain.engine.service import decide_step
from domain.engine.steps import open_steps_of_case
from domain.pdca import service
from domain.pdca.rules import CASE_TYPE
from models.pdca import Plan
from models.people import User
from ops.demo_pdca_orders import seed_demo_orders
from ops.demo_pdca_rounds import seed_demo_rounds

DATA = PROJECT_ROOT / "config" / "pdca"
PROJECTS = DATA / "anticorruption_plan_2566_2570.csv"
RISKS = DATA / "anticorruption_risks_2566_2570.csv"
INDICATORS = DATA / "anticorruption_indicators_2566_2570.csv"
OFFICER = "somchai"
"""The Strategy and Budget officer who prepares the plan and records it in E-PlanNACC."""
COMMITTEE_VOTES = ("ratana", "pornthip", "wanna")
CHAIN: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("malee", "เห็นควรเสนอปลัดเทศบาลพิจารณา", {}),
    ("kanya", "เห็นควรเสนอนายกเทศมนตรีอนุมัติ", {}),
    ("mayor", "อนุมัติ และให้ประกาศใช้", {"announced_on": "2022-09-29"}),
)


def import_demo_files(engine: Engine, officer_id: int) -> service.ImportResult:
    """The plan's three files from config/pdca/, as the officer uploads them."""
    return service.import_plan(
        engine,
        user_id=officer_id,
        projects=PROJECTS.read_bytes(),
        filename=PROJECTS.name,
        risks=RISKS.read_bytes(),
        indicators=INDICATORS.read_bytes(),
    )


def _decide(engine: Engine, users: dict[str, User], plan_id: int, who: str, **form: Any) -> None:
    with Session(engine) as session:
        (step,) = open_steps_of_case(session, case_type=CASE_TYPE, case_id=plan_id)
    decide_step(engine, step_id=step.id, user_id=users[who].id, data=form)  # type: ignore[arg-type]


def seed_demo_pdca(engine: Engine) -> int:
    """Import, approve and record the demo plan, then start its revision; the number of plan
    versions made (0 when there are plans already)."""
    seed_demo_orders(engine)  # the steering committee's orders (1124/2565 replaced by 2566/2566)
    with Session(engine, expire_on_commit=False) as session:
        if session.exec(select(Plan.id)).first() is not None:
            return 0
        users = {u.username: u for u in session.exec(select(User))}
    officer = users[OFFICER].id
    assert officer is not None
    plan = import_demo_files(engine, officer).plan
    assert plan.id is not None
    service.submit_for_approval(engine, user_id=officer, plan_id=plan.id)
    for member in COMMITTEE_VOTES:
        _decide(engine, users, plan.id, member, outcome="approve", comment="เห็นชอบร่างแผน")
    for who, comment, extra in CHAIN:
        _decide(engine, users, plan.id, who, outcome="approve", comment=comment, **extra)
    service.record_submission(
        engine,
        user_id=officer,
        plan_id=plan.id,
        submitted_on=date(2022, 9, 30),
        reference="บันทึกในระบบ E-PlanNACC แล้ว (ตัวอย่าง)",
    )
    seed_demo_rounds(engine, users, plan.id)  # 12 months of 2566 complete, 6 of 2567 under way
    revision = service.revise_plan(
        engine,
        user_id=officer,
        plan_id=plan.id,
        reason="ทบทวนแผนประจำปีงบประมาณ พ.ศ. 2570 ตามผลการติดตามรอบ 12 เดือน",
    )
    service.submit_for_approval(engine, user_id=officer, plan_id=revision.id)  # type: ignore[arg-type]
    return 2
