"""The Act's pieces shown on other pages: the carry-over proposal on the committee's step page
(case panel) and the plan's cycles (the next fiscal year opened on 1 October, what it carried)
on the plan's page."""

from typing import Any

from markupsafe import Markup
from sqlmodel import Session, col, select

from api.pages.common import templates
from domain.pdca import act
from domain.pdca.money import baht_text
from domain.pdca.rounds import round_title
from models.pdca import Plan, PlanProject
from models.pdca_act import CarryOverDecision, CarryOverProposal, CycleStatus
from models.pdca_round import ProjectStatus, ReportingRound
from models.people import User
from models.steps import HumanStep, StepStatus


def helpers() -> dict[str, Any]:
    return {
        "baht": baht_text,
        "decision_thai": lambda d: CarryOverDecision(d).thai,
        "status_thai": lambda s: ProjectStatus(s).thai,
    }


def case_panel(session: Session, user: User, step: HumanStep) -> Markup:
    """A carry-over step's page: the project, what it did this year, the proposal, the
    decision once taken."""
    proposal = session.exec(
        select(CarryOverProposal).where(CarryOverProposal.step_id == step.id)
    ).first()
    if proposal is None:
        return Markup("")
    project = session.get(PlanProject, proposal.project_id)
    rnd = session.get(ReportingRound, proposal.round_id)
    html = templates.get_template("pdca/act/panel.html").render(
        p=proposal,
        project=project,
        rnd=rnd,
        title=round_title(rnd) if rnd else "",
        open_step=step.status == StepStatus.open,
        **helpers(),
    )
    return Markup(html)


def plan_cycles_panel(session: Session, plan: Plan) -> Markup:
    """The plan's cycles for its page: each fiscal year opened and what it carried."""
    cycles = act.cycles_of(session, plan.series)
    carried: dict[int, list[tuple[CarryOverProposal, PlanProject]]] = {}
    for cycle in cycles:
        carried[cycle.id] = list(  # type: ignore[index]
            session.exec(
                select(CarryOverProposal, PlanProject)
                .join(PlanProject, col(PlanProject.id) == CarryOverProposal.project_id)
                .where(CarryOverProposal.applied_cycle_id == cycle.id)
                .order_by(col(PlanProject.no))
            ).all()
        )
    html = templates.get_template("pdca/act/_cycles.html").render(
        cycles=cycles, carried=carried, cycle_status_thai=lambda s: CycleStatus(s).thai, **helpers()
    )
    return Markup(html)
