"""The workflows installed in this system, from one explicit list.

Each workflow is a package ``domain.<name>`` that exposes ``WORKFLOW`` (a ``Workflow``): what
the engine needs of it; a package whose process has several kinds of case (PDCA: the plan, a
reporting round) exposes ``WORKFLOWS``, a tuple of them, instead. The API, the flows and
``ops`` all build the registry from ``INSTALLED`` through ``installed()``, so no process
depends on which modules it happened to import first.
Adding a workflow: write its package, add its name here."""

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from sqlmodel import Session

from domain.engine.forms import ENGINE_FORMS, DecisionForm
from domain.errors import InvalidInput, NotFound
from models.people import User
from models.steps import Decision, HumanStep

if TYPE_CHECKING:
    from domain.engine.chains import Chain

INSTALLED: tuple[str, ...] = (
    "memo",
    "complaints",
    "pdca",
    "screening",
    "integrity",
    "children",
)
"""Package names under ``domain`` (and ``api``): one line per workflow."""


@dataclass(frozen=True)
class Audience:
    """Who may read a case besides the holders of its steps and the executives: named
    people and whole divisions."""

    user_ids: frozenset[int] = frozenset()
    division_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Workflow:
    """What the engine needs of one workflow."""

    case_type: str
    title: str
    """Thai, as officers call it ("เรื่องร้องเรียน")."""
    deployment: str | None
    """``flow-name/deployment-name`` in prefect.yaml; None for a workflow whose cases need no
    flow run (only human steps, applied as they are decided, nothing automatic between)."""
    on_step_closed: Callable[[Session, HumanStep, Decision], None]
    """Apply a closed step's outcome: open the next step, or finish the case."""
    is_finished: Callable[[Session, int], bool]
    """Whether the case needs its flow no longer."""
    audience: Callable[[Session, int], Audience | None]
    """Who may read the case (None: no such case); see ``domain.engine.visibility``."""
    finished_among: Callable[[Session, list[int]], set[int]] | None = None
    """``is_finished`` for many cases at once, where a workflow holds many (the reconcile
    sweep's); without it the sweep asks ``is_finished`` case by case."""
    forms: Mapping[str, type[DecisionForm]] = field(default_factory=dict)
    """The decision forms its steps name."""
    event_titles: Mapping[str, str] = field(default_factory=dict)
    """Thai names of its own audit actions, for timelines."""
    chain_of: Callable[[Session, int], "Chain"] | None = None
    """The approval chain a case climbs, for workflows that walk one (where a level may
    send the case back)."""
    orphan_contacts: Callable[[Session, HumanStep], list[User]] | None = None
    """Whom to alert, besides the division's director, when nobody can decide one of its
    steps (``domain.engine.deadlines``); None or nobody: the permanent secretary."""
    sealed: bool = False
    """Only the audience and the holders of its steps read its cases; the executives do
    not (the corruption-report channel)."""
    intake_deployment: str | None = None
    """``flow-name/deployment-name`` of the run that completes this workflow's new cases in
    bulk, one run per burst; set, a case's own run (``deployment``) starts only at its first
    decision. For cases that arrive in bursts and wait for people before anything else
    happens (complaints): a run per case at intake cost Prefect's server ~0.3 s of CPU each,
    and after 1,260 complaints the last reached the centre's inbox 4 minutes later (B4'
    catch-up in benchmarks/NOTES.md)."""


def workflows_of(name: str) -> tuple[Workflow, ...]:
    """The workflows package ``domain.<name>`` exposes (``WORKFLOWS``, or its one ``WORKFLOW``)."""
    package = importlib.import_module(f"domain.{name}")
    return tuple(getattr(package, "WORKFLOWS", None) or (package.WORKFLOW,))


@cache
def installed() -> Mapping[str, Workflow]:
    """Every installed workflow by case type; checks that names do not collide."""
    found: dict[str, Workflow] = {}
    forms: dict[str, str] = dict.fromkeys(ENGINE_FORMS, "engine")
    for workflow, name in ((w, package) for package in INSTALLED for w in workflows_of(package)):
        if workflow.case_type in found:
            raise ValueError(f"workflow {name}: case type {workflow.case_type!r} taken")
        for form in workflow.forms:
            if form in forms and forms[form] != name:  # a package's workflows may share forms
                raise ValueError(f"workflow {name}: form {form!r} taken by {forms[form]}")
            forms[form] = name
        found[workflow.case_type] = workflow
    return found


def workflow_for(case_type: str) -> Workflow:
    try:
        return installed()[case_type]
    except KeyError:
        raise NotFound(f"ไม่รู้จักประเภทเรื่อง {case_type}") from None


def form_class(name: str) -> type[DecisionForm]:
    """A step's decision form by name: the engine's own, or one of a workflow's."""
    if name in ENGINE_FORMS:
        return ENGINE_FORMS[name]
    for workflow in installed().values():
        if name in workflow.forms:
            return workflow.forms[name]
    raise InvalidInput(f"ไม่รู้จักแบบฟอร์ม {name}")


def event_title(action: str) -> str | None:
    """The Thai name of an audit action of the engine or of any workflow."""
    for workflow in installed().values():
        if action in workflow.event_titles:
            return workflow.event_titles[action]
    return None
