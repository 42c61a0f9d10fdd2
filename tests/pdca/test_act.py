"""The Act: projects not done at the 12-month round proposed for the next year, the steering
committee in force deciding each by quorum (one carried with its budget, one dropped with its
reason), and the next cycle opening on 1 October under a controlled clock (not on 30
September; safe to repeat), also after the plan's own years end."""

from datetime import date

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api.pdca.act_panels import case_panel
from domain.engine.service import decide_step
from domain.errors import InvalidInput, NotEntitled
from domain.pdca import act_service
from domain.pdca.act_cycle import open_next_cycles
from domain.pdca.rounds import open_round
from models.pdca import Plan, PlanProject, ProjectBudget
from models.pdca_act import CarryOverDecision, CarryOverProposal, CycleStatus, Lesson, PlanCycle
from models.pdca_round import ProjectResult, ProjectStatus, RoundKind
from models.people import User
from models.steps import HumanStep, StepStatus
from ops.demo_pdca_orders import seed_demo_orders
from tests.helpers import csrf_of, login, sign_in
from tests.pdca.helpers import approved_plan

QUORUM_OF_SIX = ("mayor", "anan", "kanya", "prasert", "ratana", "pornthip")


def twelve_month_round(engine: Engine, plan: Plan, year: int) -> tuple[int, int, int]:
    """The year's 12-month round with every project completed but two with a budget both
    years: one could not be done, one still in progress. (round, not done, in progress)."""
    with Session(engine, expire_on_commit=False) as session:
        plan_row = session.get(Plan, plan.id)
        opened = open_round(
            session,
            plan=plan_row,  # type: ignore[arg-type]
            fiscal_year=year,
            kind=RoundKind.twelve_month,
            actor=None,
            today=date(year - 543, 10, 2),
        )
        rnd = opened.round
        budgeted = session.exec(
            select(ProjectResult.project_id)
            .join(PlanProject, col(PlanProject.id) == ProjectResult.project_id)
            .where(ProjectResult.round_id == rnd.id, ProjectResult.budget_satang > 0)
            .order_by(col(PlanProject.no))
        ).all()
        undone, ongoing = budgeted[0], budgeted[1]
        for result in session.exec(select(ProjectResult).where(ProjectResult.round_id == rnd.id)):
            if result.project_id == undone:
                result.status, result.reason = ProjectStatus.not_done, "ผู้รับจ้างทิ้งงาน"
            elif result.project_id == ongoing:
                result.status = ProjectStatus.in_progress
                result.disbursed_satang = result.budget_satang // 2
            else:
                result.status = ProjectStatus.completed
            session.add(result)
        session.commit()
        return rnd.id, undone, ongoing  # type: ignore[return-value]


def vote(
    engine: Engine, people: dict[str, User], step_id: int, voters: tuple[str, ...], **form: object
) -> None:
    for username in voters:
        decide_step(engine, step_id=step_id, user_id=people[username].id, data=form)  # type: ignore[arg-type]


def proposal(engine: Engine, round_id: int, project_id: int) -> CarryOverProposal:
    with Session(engine) as session:
        return session.exec(
            select(CarryOverProposal).where(
                CarryOverProposal.round_id == round_id, CarryOverProposal.project_id == project_id
            )
        ).one()


def budget(engine: Engine, project_id: int, year: int) -> int | None:
    with Session(engine) as session:
        row = session.exec(
            select(ProjectBudget).where(
                ProjectBudget.project_id == project_id, ProjectBudget.fiscal_year == year
            )
        ).first()
        return row.amount_satang if row else None


def step_status(engine: Engine, step_id: int) -> str:
    with Session(engine) as session:
        return session.get(HumanStep, step_id).status  # type: ignore[union-attr]


@pytest.fixture
def decided_round(engine: Engine, org: dict[str, User]) -> tuple[int, int, int]:
    """The 2567 12-month round's two undone projects decided by the steering committee in
    force: the not-done one carried with 150,000 baht, the in-progress one dropped."""
    plan = approved_plan(engine, org)
    seed_demo_orders(engine, today=date(2024, 10, 2))
    round_id, undone, ongoing = twelve_month_round(engine, plan, 2567)
    proposals = act_service.propose_carry_over(
        engine, round_id=round_id, user_id=org["somchai"].id, today=date(2024, 10, 20)
    )
    assert [p.project_id for p in proposals] == [undone, ongoing]
    carried, dropped = proposals
    # The proposal: the plan's 2568 budget plus what 2567 left unspent.
    assert carried.proposed_budget_satang == carried.plan_next_year_satang + carried.budget_satang  # type: ignore[operator]
    assert dropped.proposed_budget_satang == dropped.plan_next_year_satang + (  # type: ignore[operator]
        dropped.budget_satang - dropped.disbursed_satang
    )
    # Safe to repeat: no second proposal or step.
    again = act_service.propose_carry_over(engine, round_id=round_id, today=date(2024, 10, 21))
    assert [p.step_id for p in again] == [carried.step_id, dropped.step_id]

    # The order in force seats pornthip; the clerk is no member of the committee.
    with pytest.raises(NotEntitled):
        vote(engine, org, carried.step_id, ("somchai",), outcome="carry_over", comment="ยก")  # type: ignore[arg-type]
    reason = "โครงการยังจำเป็น ให้ดำเนินการต่อในปีถัดไป"
    vote(
        engine, org, carried.step_id, QUORUM_OF_SIX[1:], outcome="carry_over", comment="เห็นควรยกไป"
    )  # type: ignore[arg-type]
    assert step_status(engine, carried.step_id) == StepStatus.open  # five votes: below quorum  # type: ignore[arg-type]
    vote(
        engine,
        org,
        carried.step_id,
        ("mayor",),
        outcome="carry_over",
        comment=reason,
        budget_baht=150_000,
    )  # type: ignore[arg-type]
    assert step_status(engine, carried.step_id) == StepStatus.decided  # type: ignore[arg-type]

    with pytest.raises(ValidationError, match="กรุณาระบุเหตุผลประกอบการพิจารณา"):
        vote(engine, org, dropped.step_id, ("mayor",), outcome="drop", comment="")  # type: ignore[arg-type]
    vote(engine, org, dropped.step_id, QUORUM_OF_SIX, outcome="drop", comment="บรรลุวัตถุประสงค์แล้ว")  # type: ignore[arg-type]
    return round_id, undone, ongoing


def test_the_committee_decides_each_undone_project(
    engine: Engine, decided_round: tuple[int, int, int]
) -> None:
    round_id, undone, ongoing = decided_round
    carried = proposal(engine, round_id, undone)
    assert carried.decision == CarryOverDecision.carry_over
    assert carried.decision_reason == "โครงการยังจำเป็น ให้ดำเนินการต่อในปีถัดไป"  # the chair's words
    assert carried.decided_budget_satang == 15_000_000
    dropped = proposal(engine, round_id, ongoing)
    assert dropped.decision == CarryOverDecision.drop
    assert dropped.decision_reason == "บรรลุวัตถุประสงค์แล้ว"
    assert dropped.decided_budget_satang is None and carried.applied_at is None


def test_the_next_cycle_opens_on_1_october_carrying_the_decisions(
    engine: Engine, decided_round: tuple[int, int, int]
) -> None:
    round_id, undone, ongoing = decided_round
    plan_2568_undone = budget(engine, undone, 2568)
    plan_2568_ongoing = budget(engine, ongoing, 2568)
    # 30 September 2567 (2024): the fiscal year 2567 has not ended; only its own cycle, missed
    # so far, is caught up. Nothing of 2568.
    assert open_next_cycles(engine, today=date(2024, 9, 30)) == [("anticorruption-2566-2570", 2567)]
    assert budget(engine, undone, 2568) == plan_2568_undone
    assert proposal(engine, round_id, undone).applied_at is None
    # 1 October 2567: fiscal year 2568 opens with the carried project's budget as decided.
    assert open_next_cycles(engine, today=date(2024, 10, 1)) == [("anticorruption-2566-2570", 2568)]
    assert budget(engine, undone, 2568) == 15_000_000
    assert budget(engine, ongoing, 2568) == plan_2568_ongoing  # dropped: the plan's figure stays
    applied = proposal(engine, round_id, undone)
    assert applied.applied_at is not None and applied.plan_next_year_satang == plan_2568_undone
    assert proposal(engine, round_id, ongoing).applied_at is not None
    # Again the same day and the day after: nothing opens twice, nothing is carried twice.
    assert open_next_cycles(engine, today=date(2024, 10, 1)) == []
    assert open_next_cycles(engine, today=date(2024, 10, 2)) == []
    with Session(engine) as session:
        cycle = session.exec(select(PlanCycle).where(PlanCycle.fiscal_year == 2568)).one()
        assert cycle.status == CycleStatus.opened and cycle.from_round_id == round_id


def test_a_decision_after_the_cycle_opened_is_carried_at_once(
    engine: Engine, org: dict[str, User]
) -> None:
    plan = approved_plan(engine, org)
    seed_demo_orders(engine, today=date(2024, 10, 2))
    round_id, undone, _ = twelve_month_round(engine, plan, 2567)
    assert open_next_cycles(engine, today=date(2024, 10, 1))[-1] == (
        "anticorruption-2566-2570",
        2568,
    )
    carried = act_service.propose_carry_over(engine, round_id=round_id, today=date(2024, 10, 20))[0]
    vote(engine, org, carried.step_id, QUORUM_OF_SIX, outcome="carry_over", comment="ยกไปตามที่เสนอ")  # type: ignore[arg-type]
    assert budget(engine, undone, 2568) == carried.proposed_budget_satang
    assert proposal(engine, round_id, undone).applied_at is not None


def test_after_the_plans_last_year_carried_projects_wait_for_the_next_plan(
    engine: Engine, org: dict[str, User]
) -> None:
    plan = approved_plan(engine, org)
    seed_demo_orders(engine, today=date(2027, 10, 2))
    round_id, undone, _ = twelve_month_round(engine, plan, 2570)
    carried = act_service.propose_carry_over(engine, round_id=round_id, today=date(2027, 10, 20))[0]
    assert carried.plan_next_year_satang is None  # 2571 is beyond the plan
    vote(
        engine, org, carried.step_id, QUORUM_OF_SIX, outcome="carry_over", comment="บรรจุในแผนฉบับใหม่"
    )  # type: ignore[arg-type]
    assert open_next_cycles(engine, today=date(2027, 10, 1)) == [("anticorruption-2566-2570", 2571)]
    with Session(engine) as session:
        cycle = session.exec(select(PlanCycle).where(PlanCycle.fiscal_year == 2571)).one()
        assert cycle.status == CycleStatus.plan_ended
        assert "แผนฉบับถัดไป" in cycle.note and "1 โครงการ" in cycle.note
    assert budget(engine, undone, 2571) is None


def test_lessons_per_project_and_for_the_plan(engine: Engine, org: dict[str, User]) -> None:
    plan = approved_plan(engine, org)
    seed_demo_orders(engine, today=date(2024, 10, 2))
    round_id, undone, _ = twelve_month_round(engine, plan, 2567)
    act_service.write_lesson(
        engine,
        user_id=org["somchai"].id,  # type: ignore[arg-type]
        round_id=round_id,
        project_id=None,
        lesson="กองส่งรายงานช้า ควรเตือนก่อนครบกำหนด",
        improvement="ประชุมติดตามทุกไตรมาส",
    )
    with Session(engine) as session:
        division = session.get(PlanProject, undone).division_code  # type: ignore[union-attr]
    outsider = "nipa" if division != "สป." else "chatchai"
    with pytest.raises(NotEntitled):
        act_service.write_lesson(
            engine,
            user_id=org[outsider].id,
            round_id=round_id,
            project_id=undone,
            lesson="x",  # type: ignore[arg-type]
        )
    with pytest.raises(NotEntitled):  # the plan's lessons: Strategy and Budget
        act_service.write_lesson(
            engine,
            user_id=org["nipa"].id,
            round_id=round_id,
            project_id=None,
            lesson="x",  # type: ignore[arg-type]
        )
    with pytest.raises(InvalidInput, match="กรุณาระบุบทเรียน"):
        act_service.write_lesson(
            engine,
            user_id=org["somchai"].id,
            round_id=round_id,
            project_id=undone,
            lesson=" ",  # type: ignore[arg-type]
        )
    with Session(engine) as session:
        lessons = session.exec(select(Lesson)).all()
        assert [(x.fiscal_year, x.project_id, x.written_by_id) for x in lessons] == [
            (2567, None, org["somchai"].id)
        ]


def test_only_a_12_month_round_proposes_carry_overs(engine: Engine, org: dict[str, User]) -> None:
    plan = approved_plan(engine, org)
    with Session(engine, expire_on_commit=False) as session:
        rnd = open_round(
            session,
            plan=session.get(Plan, plan.id),  # type: ignore[arg-type]
            fiscal_year=2567,
            kind=RoundKind.six_month,
            actor=None,
            today=date(2024, 4, 2),
        ).round
        session.commit()
    with pytest.raises(InvalidInput, match="เฉพาะรอบ 12 เดือน"):
        act_service.propose_carry_over(engine, round_id=rnd.id, today=date(2024, 4, 20))  # type: ignore[arg-type]


def test_the_act_pages(
    pdca_client: TestClient, engine: Engine, decided_round: tuple[int, int, int]
) -> None:
    round_id, undone, ongoing = decided_round
    open_next_cycles(engine, today=date(2024, 10, 1))
    sign_in(pdca_client, "somchai")
    page = pdca_client.get(f"/pages/pdca/act/rounds/{round_id}")
    assert page.status_code == 200
    assert "ยกไปดำเนินการในปีงบประมาณถัดไป" in page.text and "150,000" in page.text
    assert "เหตุผล: บรรลุวัตถุประสงค์แล้ว" in page.text
    posted = pdca_client.post(
        f"/pages/pdca/act/rounds/{round_id}/lessons",
        data={"csrf": csrf_of(page.text), "project_id": "", "lesson": "ควรติดตามรายไตรมาส"},
        follow_redirects=False,
    )
    assert posted.status_code == 303
    assert "ควรติดตามรายไตรมาส" in pdca_client.get(f"/pages/pdca/act/rounds/{round_id}").text
    with Session(engine) as session:
        plan_id = session.exec(select(Plan.id)).first()
        step_id = proposal(engine, round_id, undone).step_id
        panel = case_panel(
            session, session.get(User, org_id(session, "mayor")), session.get(HumanStep, step_id)
        )  # type: ignore[arg-type]
    assert "ข้อเสนอยกโครงการไปปีงบประมาณ พ.ศ. 2568" in panel and "ผู้รับจ้างทิ้งงาน" in panel
    plan_page = pdca_client.get(f"/pages/pdca/plans/{plan_id}")
    assert "รอบปีงบประมาณ (วงจร PDCA)" in plan_page.text and "พ.ศ. 2568" in plan_page.text

    headers = login(pdca_client, "malee")
    act_json = pdca_client.get(f"/api/pdca/rounds/{round_id}/act", headers=headers).json()
    decisions = {p["project_id"]: p["decision"] for p in act_json["proposals"]}
    assert decisions == {undone: "carry_over", ongoing: "drop"}
    cycles = pdca_client.get(f"/api/pdca/plans/{plan_id}/cycles", headers=headers).json()
    assert [c["fiscal_year"] for c in cycles] == [2568]
    refused = pdca_client.post(
        f"/api/pdca/rounds/{round_id}/carry-over", headers=login(pdca_client, "nipa")
    )
    assert refused.status_code == 403


def org_id(session: Session, username: str) -> int:
    return session.exec(select(User.id).where(User.username == username)).one()  # type: ignore[return-value]


def test_the_flows_act_stage_proposes_after_the_check(engine: Engine, org: dict[str, User]) -> None:
    plan = approved_plan(engine, org)
    round_id, undone, ongoing = twelve_month_round(engine, plan, 2567)
    # No appointment order on record: nothing opens, the log says why.
    said = act_service.open_act_stage(engine, round_id=round_id, today=date(2024, 11, 5))
    assert "ยังไม่มีคำสั่งแต่งตั้งคณะกรรมการฝ่ายอำนวยการ" in said
    seed_demo_orders(engine, today=date(2024, 11, 5))
    said = act_service.open_act_stage(engine, round_id=round_id, today=date(2024, 11, 5))
    assert said == "เสนอคณะกรรมการฝ่ายอำนวยการพิจารณา 2 โครงการ"
    assert proposal(engine, round_id, ongoing).decision == CarryOverDecision.pending
