"""The plan's approval through the engine's chain walk: the working committee (by quorum), the
Strategy and Budget director, the permanent secretary and the mayor, whose approval records the
announcement date and opens the tracked E-PlanNACC step, due on 30 September before the plan's
first fiscal year. Versions: a revision keeps the previous version and who approved it."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.settings import PROJECT_ROOT
from domain.engine import audit
from domain.engine.authority import inbox
from domain.engine.calendar import BANGKOK
from domain.engine.chains import LEVEL_STEP, REVISION_STEP
from domain.engine.registry import installed
from domain.errors import Conflict, InvalidInput, NotEntitled
from domain.pdca import WORKFLOW, service
from domain.pdca.rules import CASE_TYPE, ENACC_STEP, enacc_deadline, is_finished
from models.outbox import OutboxEmail
from models.pdca import Plan, PlanProject, PlanStatus
from models.people import Committee, Position, User
from models.steps import AssigneeKind, CaseRun, HumanStep, StepStatus
from ops.seed import PDCA_COMMITTEE
from tests.pdca.helpers import (
    COMMITTEE_MAJORITY,
    PLAN_CSV,
    approve_up_to_the_mayor,
    approved_plan,
    decide,
    discrepancies,
    import_plan,
    open_step,
    plan,
    record_enacc,
)


def submitted(engine: Engine, people: dict[str, User]) -> Plan:
    p = import_plan(engine, people["somchai"])
    return service.submit_for_approval(engine, user_id=people["somchai"].id, plan_id=p.id)  # type: ignore[arg-type]


def steps_of(engine: Engine, plan_id: int) -> list[HumanStep]:
    with Session(engine) as session:
        return list(
            session.exec(
                select(HumanStep)
                .where(HumanStep.case_type == CASE_TYPE, HumanStep.case_id == plan_id)
                .order_by(HumanStep.id)  # type: ignore[arg-type]
            )
        )


def test_the_workflow_is_installed_with_its_deployment() -> None:
    assert installed()["pdca-plan"] is WORKFLOW
    assert WORKFLOW.title == "แผนปฏิบัติการป้องกันการทุจริต"
    spec = yaml.safe_load((PROJECT_ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    (deployment,) = [d for d in spec["deployments"] if d["name"] == "pdca-plan-approval"]
    flow_file, flow_name = deployment["entrypoint"].split(":")
    assert Path(PROJECT_ROOT / flow_file).exists() and deployment["work_pool"]["name"] == "cases"
    from flows import pdca_flow

    assert getattr(pdca_flow, flow_name).name == WORKFLOW.deployment.split("/")[0]


def test_the_approval_climbs_the_chain_to_the_mayor(engine: Engine, org: dict[str, User]) -> None:
    p = submitted(engine, org)
    assert p.status == PlanStatus.in_review
    with Session(engine) as session:
        run = session.exec(select(CaseRun).where(CaseRun.case_type == CASE_TYPE)).one()
        assert (run.case_id, run.parameters, run.deployment) == (
            p.id,
            {"plan_id": p.id},
            "pdca-plan-approval/pdca-plan-approval",
        )

    committee_step = open_step(engine, p.id)  # type: ignore[arg-type]
    with Session(engine) as session:
        committee = session.get(Committee, committee_step.committee_id)
        assert committee is not None and committee.name == PDCA_COMMITTEE
    assert (committee_step.kind, committee_step.level, committee_step.assignee_kind) == (
        LEVEL_STEP,
        "committee",
        AssigneeKind.committee,
    )
    with pytest.raises(NotEntitled):  # not a member
        decide(engine, org["malee"], p.id, outcome="approve")  # type: ignore[arg-type]
    for member in COMMITTEE_MAJORITY[:2]:
        decide(engine, org[member], p.id, outcome="approve", comment="เห็นชอบ")  # type: ignore[arg-type]
        assert open_step(engine, p.id).id == committee_step.id  # below quorum  # type: ignore[arg-type]
    decide(engine, org[COMMITTEE_MAJORITY[2]], p.id, outcome="approve")  # type: ignore[arg-type]

    director = open_step(engine, p.id)  # type: ignore[arg-type]
    with Session(engine) as session:
        strategy = session.get(User, org["malee"].id)
        assert strategy is not None
        assert (director.level, director.assignee_position, director.assignee_division_id) == (
            "director",
            Position.division_director,
            strategy.division_id,
        )
    with pytest.raises(NotEntitled):  # another division's director
        decide(engine, org["pornthip"], p.id, outcome="approve")  # type: ignore[arg-type]
    decide(engine, org["malee"], p.id, outcome="approve")  # type: ignore[arg-type]
    assert open_step(engine, p.id).level == "perm-sec"  # type: ignore[arg-type]
    decide(engine, org["kanya"], p.id, outcome="approve")  # type: ignore[arg-type]
    mayor_step = open_step(engine, p.id)  # type: ignore[arg-type]
    assert (mayor_step.level, mayor_step.form) == ("mayor", "pdca-plan-announcement")
    assert plan(engine, p.id).status == PlanStatus.in_review  # type: ignore[arg-type]
    decide(engine, org["mayor"], p.id, outcome="approve", announced_on="2022-09-29")  # type: ignore[arg-type]

    done = plan(engine, p.id)  # type: ignore[arg-type]
    assert done.status == PlanStatus.approved
    assert done.approved_by_id == org["mayor"].id and done.approved_at is not None
    assert done.announced_on == date(2022, 9, 29)
    assert done.published_at is not None
    assert done.enacc_due_on == date(2022, 9, 30)  # 30 ก.ย. 2565, before fiscal 2566
    assert not is_finished_now(engine, done.id)  # type: ignore[arg-type]

    enacc = open_step(engine, p.id)  # type: ignore[arg-type]
    assert (enacc.kind, enacc.form, enacc.allowed_outcomes) == (
        ENACC_STEP,
        "pdca-enacc-submission",
        ["acknowledge"],
    )
    assert (enacc.assignee_position, enacc.assignee_division_id) == (
        Position.officer,
        strategy.division_id,
    )
    assert enacc.due_at == datetime(2022, 9, 30, 16, 30, tzinfo=BANGKOK).astimezone(UTC)
    assert "30 กันยายน 2565" in enacc.title
    with Session(engine) as session:
        officer = session.get(User, org["suda"].id)
        assert enacc.id in {i.step.id for i in inbox(session, user=officer)}  # type: ignore[arg-type]
        mail = session.exec(
            select(OutboxEmail).where(OutboxEmail.dedupe_key == f"pdca-plan-finished:{p.id}")
        ).one()
        assert mail.to_address == org["somchai"].email and "อนุมัติและประกาศใช้" in mail.subject

    with pytest.raises(InvalidInput):  # not in the future
        record_enacc(engine, org["suda"], p.id, on=date(2999, 1, 1))  # type: ignore[arg-type]
    record_enacc(engine, org["suda"], p.id)  # type: ignore[arg-type]
    recorded = plan(engine, p.id)  # type: ignore[arg-type]
    assert (
        recorded.enacc_submitted_on,
        recorded.enacc_reference,
        recorded.enacc_recorded_by_id,
    ) == (
        date(2022, 9, 30),
        "NACC-001",
        org["suda"].id,
    )
    assert is_finished_now(engine, p.id)  # type: ignore[arg-type]
    with pytest.raises(Conflict):
        record_enacc(engine, org["suda"], p.id)  # type: ignore[arg-type]

    with Session(engine) as session:
        entries = audit.timeline(session, case_type=CASE_TYPE, case_id=p.id)  # type: ignore[arg-type]
        assert audit.verify(entries).valid
        actions = [e.action for e in entries]
        for action in (
            "pdca_plan_imported",
            "pdca_plan_submitted",
            "vote",
            "pdca_plan_approved",
            "pdca_enacc_due",
            "pdca_enacc_recorded",
        ):
            assert action in actions
        (recorded_entry,) = [e for e in entries if e.action == "pdca_enacc_recorded"]
        assert recorded_entry.detail["late"] is False


def is_finished_now(engine: Engine, plan_id: int) -> bool:
    with Session(engine) as session:
        return is_finished(session, plan_id)


def test_the_committee_sends_it_back_and_the_officer_corrects_and_resubmits(
    engine: Engine, org: dict[str, User]
) -> None:
    p = submitted(engine, org)
    decide(engine, org["ratana"], p.id, outcome="return", return_to="originator", comment="แก้ตัวชี้วัด")  # type: ignore[arg-type]
    decide(engine, org["pornthip"], p.id, outcome="return", return_to="originator")  # type: ignore[arg-type]
    decide(engine, org["wanna"], p.id, outcome="approve")  # type: ignore[arg-type]  # 2:1 return
    revision = open_step(engine, p.id)  # type: ignore[arg-type]
    assert (revision.kind, revision.assignee_user_id) == (REVISION_STEP, org["somchai"].id)
    assert plan(engine, p.id).returns_count == 1  # type: ignore[arg-type]

    # While sent back, a corrected file replaces the content of the same version.
    again = service.import_plan(
        engine,
        user_id=org["somchai"].id,  # type: ignore[arg-type]
        projects=PLAN_CSV,
        filename="corrected.csv",
        plan_id=p.id,
    )
    assert (again.plan.id, again.plan.version, again.counts["projects"]) == (p.id, 1, 56)
    with Session(engine) as session:
        assert len(session.exec(select(PlanProject).where(PlanProject.plan_id == p.id)).all()) == 56
    assert len(discrepancies(engine, p.id)) == 4  # type: ignore[arg-type]

    decide(engine, org["somchai"], p.id, outcome="approve", comment="แก้ไขแล้ว")  # type: ignore[arg-type]
    second_round = open_step(engine, p.id)  # type: ignore[arg-type]
    assert (second_round.level, second_round.round) == ("committee", 2)
    assert second_round.key == f"pdca-plan-{p.id}-committee-r2"
    with pytest.raises(Conflict):  # not waiting for its revision any more
        service.import_plan(engine, user_id=org["somchai"].id, projects=PLAN_CSV, plan_id=p.id)  # type: ignore[arg-type]


def test_the_mayor_may_reject_and_the_officer_may_withdraw(
    engine: Engine, org: dict[str, User]
) -> None:
    p = submitted(engine, org)
    for member in COMMITTEE_MAJORITY:
        decide(engine, org[member], p.id, outcome="approve")  # type: ignore[arg-type]
    decide(engine, org["malee"], p.id, outcome="approve")  # type: ignore[arg-type]
    decide(engine, org["kanya"], p.id, outcome="approve")  # type: ignore[arg-type]
    with pytest.raises(Exception, match="เฉพาะเมื่ออนุมัติ"):
        decide(engine, org["mayor"], p.id, outcome="reject", announced_on="2022-09-29")  # type: ignore[arg-type]
    decide(engine, org["mayor"], p.id, outcome="reject", comment="ทบทวนงบประมาณ")  # type: ignore[arg-type]
    rejected = plan(engine, p.id)  # type: ignore[arg-type]
    assert (rejected.status, rejected.approved_by_id, rejected.announced_on) == (
        PlanStatus.rejected,
        None,
        None,
    )
    assert is_finished_now(engine, p.id)  # type: ignore[arg-type]
    assert [s.status for s in steps_of(engine, p.id)].count(StepStatus.open) == 0  # type: ignore[arg-type]


def test_a_revision_keeps_the_previous_version_and_its_approver(
    engine: Engine, org: dict[str, User]
) -> None:
    first = approved_plan(engine, org)
    with pytest.raises(InvalidInput):
        service.revise_plan(engine, user_id=org["somchai"].id, plan_id=first.id, reason=" ")  # type: ignore[arg-type]
    second = service.revise_plan(
        engine,
        user_id=org["somchai"].id,
        plan_id=first.id,
        reason="ทบทวนประจำปี 2567",  # type: ignore[arg-type]
    )
    assert (second.version, second.previous_version_id, second.status) == (
        2,
        first.id,
        PlanStatus.draft,
    )
    assert second.revision_reason == "ทบทวนประจำปี 2567"
    kept = plan(engine, first.id)  # type: ignore[arg-type]
    assert (kept.status, kept.approved_by_id, kept.announced_on) == (
        PlanStatus.approved,
        org["mayor"].id,
        date(2022, 9, 29),
    )
    with Session(engine) as session:
        for version in (first, second):
            projects = session.exec(
                select(PlanProject).where(PlanProject.plan_id == version.id)
            ).all()
            assert len(projects) == 56
    assert len(discrepancies(engine, second.id)) == 4  # type: ignore[arg-type]

    # A new import while the revision is a draft replaces the draft (kept, marked discarded).
    third = import_plan(engine, org["somchai"])
    assert (third.version, third.previous_version_id) == (3, first.id)
    assert plan(engine, second.id).status == PlanStatus.discarded  # type: ignore[arg-type]

    service.submit_for_approval(engine, user_id=org["somchai"].id, plan_id=third.id)  # type: ignore[arg-type]
    with pytest.raises(Conflict):  # no new version while one is being approved
        import_plan(engine, org["somchai"])
    approve_up_to_the_mayor(engine, org, third.id)  # type: ignore[arg-type]

    replaced = plan(engine, first.id)  # type: ignore[arg-type]
    assert (replaced.status, replaced.approved_by_id, replaced.approved_at) == (
        PlanStatus.superseded,
        org["mayor"].id,
        kept.approved_at,
    )
    assert plan(engine, third.id).status == PlanStatus.approved  # type: ignore[arg-type]
    # The replaced version's unrecorded E-PlanNACC step is cancelled; the new one has its own.
    first_steps = {s.kind: s.status for s in steps_of(engine, first.id)}  # type: ignore[arg-type]
    assert first_steps[ENACC_STEP] == StepStatus.cancelled
    assert open_step(engine, third.id).kind == ENACC_STEP  # type: ignore[arg-type]
    # approved after the plan began: due by the end of the fiscal year it was approved in
    due = plan(engine, third.id).enacc_due_on  # type: ignore[arg-type]
    assert due is not None and due.month == 9 and due.day == 30 and due.year >= 2025


def test_the_e_plannacc_deadline() -> None:
    class Fake:
        def __init__(self, earlier: bool) -> None:
            self.earlier = earlier

        def exec(self, _query: object) -> "Fake":
            return self

        def first(self) -> int | None:
            return 1 if self.earlier else None

    plan_ = Plan(
        id=5,
        series="anticorruption-2566-2570",
        name="x",
        fiscal_year_from=2566,
        fiscal_year_to=2570,
        division_id=1,
        created_by_id=1,
    )
    first = Fake(earlier=False)
    assert enacc_deadline(first, plan_, date(2022, 9, 1)) == date(2022, 9, 30)  # type: ignore[arg-type]
    assert enacc_deadline(first, plan_, date(2023, 3, 1)) == date(2022, 9, 30)  # type: ignore[arg-type]  # late
    revision = Fake(earlier=True)
    assert enacc_deadline(revision, plan_, date(2024, 2, 15)) == date(2024, 9, 30)  # type: ignore[arg-type]
    assert enacc_deadline(revision, plan_, date(2024, 10, 2)) == date(2025, 9, 30)  # type: ignore[arg-type]


def test_only_the_strategy_division_submits_and_only_the_latest_draft(
    engine: Engine, org: dict[str, User]
) -> None:
    p = import_plan(engine, org["somchai"])
    with pytest.raises(NotEntitled):
        service.submit_for_approval(engine, user_id=org["chatchai"].id, plan_id=p.id)  # type: ignore[arg-type]
    service.submit_for_approval(engine, user_id=org["suda"].id, plan_id=p.id)  # type: ignore[arg-type]
    with pytest.raises(Conflict):  # already in review
        service.submit_for_approval(engine, user_id=org["suda"].id, plan_id=p.id)  # type: ignore[arg-type]
    with pytest.raises(Conflict):  # in review: not revisable
        service.revise_plan(engine, user_id=org["suda"].id, plan_id=p.id, reason="ทบทวน")  # type: ignore[arg-type]
