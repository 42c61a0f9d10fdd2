"""Moving a plan through its use cases in tests."""

from datetime import date
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from domain.engine.service import decide_step
from domain.engine.steps import open_steps_of_case
from domain.pdca import service
from domain.pdca.rules import CASE_TYPE
from models.pdca import ImportDiscrepancy, Plan
from models.people import User
from models.steps import HumanStep
from ops.demo_pdca import INDICATORS, PROJECTS, RISKS

PLAN_CSV = PROJECTS.read_bytes()
RISKS_CSV = RISKS.read_bytes()
INDICATORS_CSV = INDICATORS.read_bytes()
COMMITTEE_MAJORITY = ("ratana", "pornthip", "wanna")


def import_plan(engine: Engine, user: User, data: bytes = PLAN_CSV, **more: Any) -> Plan:
    result = service.import_plan(
        engine,
        user_id=user.id,  # type: ignore[arg-type]
        projects=data,
        filename="anticorruption_plan_2566_2570.csv",
        risks=more.pop("risks", RISKS_CSV),
        indicators=more.pop("indicators", INDICATORS_CSV),
        **more,
    )
    return result.plan


def plan(engine: Engine, plan_id: int) -> Plan:
    with Session(engine, expire_on_commit=False) as session:
        found = session.get(Plan, plan_id)
        assert found is not None
        return found


def open_step(engine: Engine, plan_id: int) -> HumanStep:
    with Session(engine, expire_on_commit=False) as session:
        steps = open_steps_of_case(session, case_type=CASE_TYPE, case_id=plan_id)
    assert len(steps) == 1, steps
    return steps[0]


def decide(engine: Engine, user: User, plan_id: int, **form: Any) -> HumanStep:
    step = open_step(engine, plan_id)
    decide_step(engine, step_id=step.id, user_id=user.id, data=form)  # type: ignore[arg-type]
    return step


def approve_up_to_the_mayor(
    engine: Engine, people: dict[str, User], plan_id: int, announced_on: str | None = None
) -> None:
    """The committee's majority, the director, the permanent secretary, the mayor."""
    for member in COMMITTEE_MAJORITY:
        decide(engine, people[member], plan_id, outcome="approve", comment="เห็นชอบ")
    decide(engine, people["malee"], plan_id, outcome="approve", comment="เห็นควรเสนอ")
    decide(engine, people["kanya"], plan_id, outcome="approve", comment="เห็นควรอนุมัติ")
    mayor: dict[str, Any] = {"outcome": "approve", "comment": "อนุมัติ"}
    if announced_on:
        mayor["announced_on"] = announced_on
    decide(engine, people["mayor"], plan_id, **mayor)


def approved_plan(engine: Engine, people: dict[str, User]) -> Plan:
    """Imported, submitted, approved by the mayor (announced 29 Sep 2565)."""
    p = import_plan(engine, people["somchai"])
    service.submit_for_approval(engine, user_id=people["somchai"].id, plan_id=p.id)  # type: ignore[arg-type]
    approve_up_to_the_mayor(engine, people, p.id, announced_on="2022-09-29")  # type: ignore[arg-type]
    return plan(engine, p.id)  # type: ignore[arg-type]


def record_enacc(engine: Engine, user: User, plan_id: int, on: date = date(2022, 9, 30)) -> None:
    service.record_submission(
        engine,
        user_id=user.id,
        plan_id=plan_id,
        submitted_on=on,
        reference="NACC-001",  # type: ignore[arg-type]
    )


def discrepancies(engine: Engine, plan_id: int) -> list[ImportDiscrepancy]:
    with Session(engine) as session:
        return list(
            session.exec(select(ImportDiscrepancy).where(ImportDiscrepancy.plan_id == plan_id))
        )
