"""The next cycle: on 1 October (the first run on or after it) each approved plan's new fiscal
year opens by itself and carries the steering committee's carry-over decisions of the year
that ended. A project carried over gets the next year's budget the committee decided
(``ProjectBudget``; the plan's own figure stays on the proposal). Decisions taken after the
cycle opened (the 12-month round is reported in October) are carried as they are taken.

When the plan's own years have ended (the year after ``fiscal_year_to``), the cycle is recorded
as ``plan_ended``: the carried projects are kept as proposals for the next plan, with no budget
entered anywhere, and the page says so."""

from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.db import in_transaction, utcnow
from domain.engine import audit
from domain.engine.calendar import fiscal_year
from domain.pdca.money import baht_text
from domain.pdca.orders import local_today
from domain.pdca.rules import CASE_TYPE as PLAN_CASE_TYPE
from models.pdca import Plan, PlanProject, PlanStatus, ProjectBudget
from models.pdca_act import CarryOverDecision, CarryOverProposal, CycleStatus, PlanCycle
from models.pdca_round import ReportingRound, RoundKind
from models.people import User

PLAN_ENDED_NOTE = (
    "แผนนี้สิ้นสุดปีงบประมาณ พ.ศ. {last} แล้ว โครงการที่คณะกรรมการเห็นชอบให้ยกไป {count} โครงการ "
    "ถูกบันทึกไว้เป็นข้อเสนอสำหรับแผนฉบับถัดไป (ยังไม่มีงบประมาณตามแผน)"
)


def _rounds_of_series(session: Session, series: str, year: int) -> list[ReportingRound]:
    return list(
        session.exec(
            select(ReportingRound)
            .join(Plan, col(Plan.id) == ReportingRound.plan_id)
            .where(
                Plan.series == series,
                ReportingRound.fiscal_year == year,
                ReportingRound.kind == RoundKind.twelve_month,
            )
        )
    )


def _decided(session: Session, series: str, year: int) -> list[CarryOverProposal]:
    """Decided, not yet carried proposals of the series' 12-month rounds of ``year``."""
    round_ids = [r.id for r in _rounds_of_series(session, series, year)]
    if not round_ids:
        return []
    return list(
        session.exec(
            select(CarryOverProposal)
            .where(
                col(CarryOverProposal.round_id).in_(round_ids),
                CarryOverProposal.decision != CarryOverDecision.pending,
                col(CarryOverProposal.applied_at).is_(None),
            )
            .order_by(col(CarryOverProposal.id))
        )
    )


def _carry(session: Session, proposal: CarryOverProposal, cycle: PlanCycle) -> None:
    """Enter one decided proposal in ``cycle``: a carried project's next-year budget as
    decided, in the plan version in force (the project of the same number)."""
    proposal.applied_cycle_id = cycle.id
    proposal.applied_at = utcnow()
    session.add(proposal)
    detail: dict[str, object] = {
        "project_id": proposal.project_id,
        "decision": str(proposal.decision),
        "fiscal_year": cycle.fiscal_year,
    }
    if proposal.decision == CarryOverDecision.carry_over and cycle.status == CycleStatus.opened:
        source = session.get(PlanProject, proposal.project_id)
        assert source is not None
        target = session.exec(
            select(PlanProject).where(
                PlanProject.plan_id == cycle.plan_id, PlanProject.no == source.no
            )
        ).first()
        if target is not None:
            budget = session.exec(
                select(ProjectBudget).where(
                    ProjectBudget.project_id == target.id,
                    ProjectBudget.fiscal_year == cycle.fiscal_year,
                )
            ).first()
            amount = proposal.decided_budget_satang or 0
            if budget is None and amount > 0:
                budget = ProjectBudget(
                    project_id=target.id,  # type: ignore[arg-type]
                    fiscal_year=cycle.fiscal_year,
                    amount_satang=amount,
                )
            elif budget is not None:
                detail["previous_budget"] = baht_text(budget.amount_satang)
                budget.amount_satang = amount
            if budget is not None:
                session.add(budget)
            detail |= {"project_no": target.no, "budget": baht_text(amount)}
    session.flush()
    audit.record(
        session,
        case_type=PLAN_CASE_TYPE,
        case_id=cycle.plan_id,
        action="pdca_carry_over_applied",
        detail=detail,
        public=True,
    )


def apply_to_open_cycle(session: Session, proposal: CarryOverProposal) -> None:
    """A decision taken after the next year's cycle opened goes into it now."""
    rnd = session.get(ReportingRound, proposal.round_id)
    plan = session.get(Plan, rnd.plan_id) if rnd else None
    if plan is None:
        return
    cycle = session.exec(
        select(PlanCycle).where(
            PlanCycle.series == plan.series, PlanCycle.fiscal_year == proposal.fiscal_year + 1
        )
    ).first()
    if cycle is not None:
        _carry(session, proposal, cycle)
        _note_plan_end(session, cycle)


def _note_plan_end(session: Session, cycle: PlanCycle) -> None:
    if cycle.status != CycleStatus.plan_ended:
        return
    carried = session.exec(
        select(CarryOverProposal).where(
            CarryOverProposal.applied_cycle_id == cycle.id,
            CarryOverProposal.decision == CarryOverDecision.carry_over,
        )
    ).all()
    plan = session.get(Plan, cycle.plan_id)
    assert plan is not None
    cycle.note = PLAN_ENDED_NOTE.format(last=plan.fiscal_year_to, count=len(carried))
    session.add(cycle)


def open_cycles_in(session: Session, today: date, actor: User | None = None) -> list[PlanCycle]:
    """Open the fiscal year of ``today`` for every approved plan it continues (its second
    year to the year after its last), unless open already; carry what was decided."""
    year = fiscal_year(today)
    opened = []
    plans = session.exec(select(Plan).where(Plan.status == PlanStatus.approved)).all()
    for plan in sorted(plans, key=lambda p: (p.series, -p.version)):
        if not plan.fiscal_year_from < year <= plan.fiscal_year_to + 1:
            continue
        if session.exec(
            select(PlanCycle).where(PlanCycle.series == plan.series, PlanCycle.fiscal_year == year)
        ).first():
            continue
        previous = _rounds_of_series(session, plan.series, year - 1)
        cycle = PlanCycle(
            series=plan.series,
            plan_id=plan.id,  # type: ignore[arg-type]
            fiscal_year=year,
            status=CycleStatus.opened if year <= plan.fiscal_year_to else CycleStatus.plan_ended,
            from_round_id=previous[0].id if previous else None,
            opened_by_id=actor.id if actor else None,
        )
        session.add(cycle)
        session.flush()
        decided = _decided(session, plan.series, year - 1)
        for proposal in decided:
            _carry(session, proposal, cycle)
        _note_plan_end(session, cycle)
        audit.record(
            session,
            case_type=PLAN_CASE_TYPE,
            case_id=plan.id,  # type: ignore[arg-type]
            action="pdca_cycle_opened",
            actor=actor,
            detail={
                "fiscal_year": year,
                "status": str(cycle.status),
                "carried": [
                    p.project_id for p in decided if p.decision == CarryOverDecision.carry_over
                ],
                "dropped": [p.project_id for p in decided if p.decision == CarryOverDecision.drop],
            },
            public=True,
        )
        opened.append(cycle)
    session.flush()
    return opened


def open_next_cycles(engine: Engine, *, today: date | None = None) -> list[tuple[str, int]]:
    """The schedule's use case: (series, fiscal year) of each cycle opened ``today``."""
    return in_transaction(
        engine,
        lambda session: [
            (c.series, c.fiscal_year) for c in open_cycles_in(session, today or local_today())
        ],
    )
