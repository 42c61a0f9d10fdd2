"""The Act (A): lessons learned, and the projects not done at a year's 12-month round (could not
be done, or still in progress) proposed for the next fiscal year. The steering committee in
force (appointed by order, ``domain.pdca.orders``) decides each on its own step of the round's
case (case type ``pdca-round``), by quorum: carry it over (เห็นชอบ, with the next year's budget)
or drop it (ไม่อนุมัติ), with a reason. Decisions reach the next year through its cycle
(``domain.pdca.act_cycle``)."""

from datetime import date

from sqlmodel import Session, col, select

from core.db import utcnow
from domain.engine import audit
from domain.engine.steps import Assignee, open_step
from domain.errors import Conflict, InvalidInput, NotEntitled, NotFound
from domain.pdca.act_forms import CARRY_OVER_FORM
from domain.pdca.act_kinds import ACT_STEP_KINDS, CARRY_OVER_STEP
from domain.pdca.money import baht_text
from domain.pdca.orders import apply_orders_in_force, steering_committee
from domain.pdca.rounds import CASE_TYPE as ROUND_CASE_TYPE
from domain.pdca.rounds import get_round
from domain.pdca.rules import OWNER_DIVISION
from models.pdca import Plan, PlanProject, ProjectBudget
from models.pdca_act import CarryOverDecision, CarryOverProposal, Lesson, PlanCycle
from models.pdca_round import ProjectResult, ProjectStatus, ReportingRound, RoundKind
from models.people import CommitteeRole, Division, User
from models.steps import Decision, HumanStep, Outcome

STEP_KINDS = ACT_STEP_KINDS
CARRIED_STATUSES = (ProjectStatus.not_done, ProjectStatus.in_progress)
DECISION_WORKING_DAYS = 15
EVENT_TITLES = {
    "pdca_carry_over_proposed": "เสนอโครงการที่ยังไม่แล้วเสร็จให้คณะกรรมการพิจารณายกไปปีถัดไป",
    "pdca_carry_over_decided": "คณะกรรมการพิจารณาการยกโครงการไปปีถัดไป",
    "pdca_carry_over_applied": "บรรจุโครงการที่ยกมาในปีงบประมาณใหม่",
    "pdca_lesson_written": "บันทึกบทเรียนที่ได้รับ",
    "pdca_cycle_opened": "เปิดรอบปีงบประมาณใหม่",
    "pdca_order_recorded": "บันทึกคำสั่งแต่งตั้ง",
    "pdca_order_applied": "คำสั่งแต่งตั้งมีผลใช้บังคับ",
}


def _strategy(session: Session) -> Division:
    found = session.exec(select(Division).where(Division.code == OWNER_DIVISION)).first()
    if found is None:
        raise NotFound("ไม่พบกองยุทธศาสตร์และงบประมาณ")
    return found


def check_coordinator(session: Session, user: User) -> None:
    """Strategy and Budget runs the Act (proposes, opens cycles by hand)."""
    strategy = _strategy(session)
    if not user.active or user.division_id != strategy.id:
        raise NotEntitled(f"เฉพาะบุคลากร{strategy.name}ดำเนินการขั้นตอนนี้ได้")


def proposals_of(session: Session, round_id: int) -> list[tuple[CarryOverProposal, PlanProject]]:
    return list(
        session.exec(
            select(CarryOverProposal, PlanProject)
            .join(PlanProject, col(PlanProject.id) == CarryOverProposal.project_id)
            .where(CarryOverProposal.round_id == round_id)
            .order_by(col(PlanProject.no))
        ).all()
    )


def _plan_next_year(session: Session, plan: Plan, project_id: int, next_year: int) -> int | None:
    if next_year > plan.fiscal_year_to:
        return None
    budget = session.exec(
        select(ProjectBudget).where(
            ProjectBudget.project_id == project_id, ProjectBudget.fiscal_year == next_year
        )
    ).first()
    return budget.amount_satang if budget else 0


def propose_carry_over_in(
    session: Session, rnd: ReportingRound, *, actor: User | None, today: date
) -> list[CarryOverProposal]:
    """Propose every project not done or still in progress at ``rnd`` (a 12-month round) for
    the next year: the plan's own next-year budget plus what was left unspent, one committee
    step each. Safe to repeat: a project proposed already keeps its proposal and step."""
    if rnd.kind != RoundKind.twelve_month:
        raise InvalidInput("เสนอยกโครงการไปปีงบประมาณถัดไปได้เฉพาะรอบ 12 เดือน")
    apply_orders_in_force(session, today)
    committee = steering_committee(session, today)
    if committee is None:
        raise Conflict(
            "ยังไม่มีคำสั่งแต่งตั้งคณะกรรมการฝ่ายอำนวยการที่มีผลใช้บังคับ "
            "กรุณาบันทึกคำสั่งแต่งตั้งก่อนเสนอให้คณะกรรมการพิจารณา"
        )
    plan = session.get(Plan, rnd.plan_id)
    assert plan is not None
    known = {p.project_id: p for p, _ in proposals_of(session, rnd.id)}  # type: ignore[arg-type]
    undone = session.exec(
        select(ProjectResult, PlanProject)
        .join(PlanProject, col(PlanProject.id) == ProjectResult.project_id)
        .where(ProjectResult.round_id == rnd.id, col(ProjectResult.status).in_(CARRIED_STATUSES))
        .order_by(col(PlanProject.no))
    ).all()
    next_year = rnd.fiscal_year + 1
    created = []
    for result, project in undone:
        if project.id in known:
            continue
        plan_next = _plan_next_year(session, plan, project.id, next_year)  # type: ignore[arg-type]
        unspent = max(0, result.budget_satang - result.disbursed_satang)
        proposal = CarryOverProposal(
            round_id=rnd.id,  # type: ignore[arg-type]
            project_id=project.id,  # type: ignore[arg-type]
            fiscal_year=rnd.fiscal_year,
            status_at_round=str(result.status),
            reason_at_round=result.reason,
            budget_satang=result.budget_satang,
            disbursed_satang=result.disbursed_satang,
            plan_next_year_satang=plan_next,
            proposed_budget_satang=(plan_next or 0) + unspent,
            proposed_by_id=actor.id if actor else None,
        )
        session.add(proposal)
        session.flush()
        step = open_step(
            session,
            case_type=ROUND_CASE_TYPE,
            case_id=rnd.id,  # type: ignore[arg-type]
            key=f"pdca-carry-{rnd.id}-p{project.id}",
            title=(
                f"พิจารณายกโครงการลำดับที่ {project.no} ไปดำเนินการในปีงบประมาณ พ.ศ. {next_year} "
                "(เห็นชอบ = ยกไป, ไม่อนุมัติ = ไม่ยกไป)"
            ),
            assignee=Assignee.committee(committee.id),  # type: ignore[arg-type]
            kind=CARRY_OVER_STEP,
            form=CARRY_OVER_FORM,
            allowed_outcomes=[Outcome.carry_over, Outcome.drop],
            due_in_working_days=DECISION_WORKING_DAYS,
        )
        proposal.step_id = step.id
        session.add(proposal)
        created.append(proposal)
    if created:
        audit.record(
            session,
            case_type=ROUND_CASE_TYPE,
            case_id=rnd.id,  # type: ignore[arg-type]
            action="pdca_carry_over_proposed",
            actor=actor,
            detail={"projects": [p.project_id for p in created], "next_year": next_year},
            public=True,
        )
    session.flush()
    return [p for p, _ in proposals_of(session, rnd.id)]  # type: ignore[arg-type]


def _deciding_vote(session: Session, step: HumanStep) -> Decision:
    """Whose words the decision keeps: the chair's vote if it was on the winning side, else
    the first vote cast for the outcome."""
    votes = session.exec(
        select(Decision)
        .where(Decision.step_id == step.id, Decision.outcome == step.outcome)
        .order_by(col(Decision.id))
    ).all()
    chair = next((v for v in votes if v.committee_role == CommitteeRole.chair), None)
    return chair or votes[0]


def on_step_closed(session: Session, step: HumanStep, decision: Decision) -> None:
    """The committee decided a carry-over: keep the decision, its reason and the budget; if
    the next year's cycle is already open, carry the project into it now."""
    from domain.pdca.act_cycle import apply_to_open_cycle  # the cycle builds on this module

    proposal = session.exec(
        select(CarryOverProposal).where(CarryOverProposal.step_id == step.id)
    ).first()
    if proposal is None:
        raise NotFound("ไม่พบข้อเสนอยกโครงการของขั้นตอนนี้")
    vote = _deciding_vote(session, step)
    carried = step.outcome == Outcome.carry_over
    proposal.decision = CarryOverDecision.carry_over if carried else CarryOverDecision.drop
    proposal.decision_reason = vote.comment.strip()
    budget = (vote.fields or {}).get("budget_baht")
    proposal.decided_budget_satang = (
        (int(budget) * 100 if budget is not None else proposal.proposed_budget_satang)
        if carried
        else None
    )
    proposal.decided_at = decision.decided_at
    session.add(proposal)
    session.flush()
    audit.record(
        session,
        case_type=ROUND_CASE_TYPE,
        case_id=step.case_id,
        action="pdca_carry_over_decided",
        detail={
            "project_id": proposal.project_id,
            "decision": str(proposal.decision),
            "reason": proposal.decision_reason,
            "budget_satang": proposal.decided_budget_satang,
        },
        public=True,
    )
    apply_to_open_cycle(session, proposal)


def decision_text(proposal: CarryOverProposal) -> str:
    text = CarryOverDecision(proposal.decision).thai
    if proposal.decided_budget_satang is not None:
        text += f" งบประมาณ {baht_text(proposal.decided_budget_satang)} บาท"
    return text


# --------------------------------------------------------------------------- lessons


def write_lesson_in(
    session: Session,
    *,
    actor: User,
    round_id: int,
    project_id: int | None,
    lesson: str,
    improvement: str,
) -> Lesson:
    """A lesson of a round for one project (its division or กย.) or the plan (กย.)."""
    rnd = get_round(session, round_id)
    strategy = _strategy(session)
    if not lesson.strip():
        raise InvalidInput("กรุณาระบุบทเรียนที่ได้รับ", field="lesson")
    if len(lesson) > 8000 or len(improvement) > 8000:
        raise InvalidInput("บทเรียนหรือแนวทางปรับปรุงยาวเกิน 8,000 ตัวอักษร", field="lesson")
    if project_id is not None:
        project = session.get(PlanProject, project_id)
        if project is None or project.plan_id != rnd.plan_id:
            raise InvalidInput("ไม่พบโครงการนี้ในแผนของรอบการรายงาน", field="project_id")
        division = session.exec(
            select(Division).where(Division.code == project.division_code)
        ).first()
        allowed = {strategy.id, division.id if division else None}
        if not actor.active or actor.division_id not in allowed:
            raise NotEntitled("บันทึกบทเรียนของโครงการได้เฉพาะกองที่รับผิดชอบและกองยุทธศาสตร์ฯ")
    else:
        check_coordinator(session, actor)
    found = Lesson(
        plan_id=rnd.plan_id,
        fiscal_year=rnd.fiscal_year,
        round_id=rnd.id,
        project_id=project_id,
        lesson=lesson.strip(),
        improvement=improvement.strip(),
        written_by_id=actor.id,  # type: ignore[arg-type]
        written_at=utcnow(),
    )
    session.add(found)
    session.flush()
    audit.record(
        session,
        case_type=ROUND_CASE_TYPE,
        case_id=rnd.id,  # type: ignore[arg-type]
        action="pdca_lesson_written",
        actor=actor,
        detail={"lesson_id": found.id, "project_id": project_id},
    )
    return found


def lessons_of(session: Session, round_id: int) -> list[Lesson]:
    return list(
        session.exec(
            select(Lesson)
            .where(Lesson.round_id == round_id)
            .order_by(col(Lesson.project_id).is_(None).desc(), col(Lesson.id))
        )
    )


def cycles_of(session: Session, series: str) -> list[PlanCycle]:
    return list(
        session.exec(
            select(PlanCycle).where(PlanCycle.series == series).order_by(col(PlanCycle.fiscal_year))
        )
    )
