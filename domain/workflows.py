"""The registry through which the generic step engine reaches each workflow's own rules."""

import importlib
from typing import Protocol

from sqlmodel import Session

from domain.errors import NotFound
from models.people import User
from models.steps import Decision, HumanStep


class Workflow(Protocol):
    case_type: str
    deployment: str  # "flow-name/deployment-name" in prefect.yaml

    def on_step_closed(self, session: Session, *, step: HumanStep, decision: Decision) -> None:
        """Apply the closed step's outcome: open the next step, or finish the case."""

    def can_view(self, session: Session, *, user: User, case_id: int) -> bool:
        """Whether ``user`` may read the case and its timeline."""

    def is_finished(self, session: Session, *, case_id: int) -> bool:
        """Whether the case needs its flow no longer."""


WORKFLOWS: dict[str, Workflow] = {}
WORKFLOW_MODULES = ("domain.memo", "domain.complaints")
"""Modules that register a workflow when imported; add a new workflow's module here."""


def register(workflow: Workflow) -> Workflow:
    WORKFLOWS[workflow.case_type] = workflow
    return workflow


def load_workflows() -> None:
    for module in WORKFLOW_MODULES:
        importlib.import_module(module)


def workflow_for(case_type: str) -> Workflow:
    if case_type not in WORKFLOWS:
        load_workflows()
    try:
        return WORKFLOWS[case_type]
    except KeyError:
        raise NotFound(f"ไม่รู้จักประเภทเรื่อง {case_type}") from None
