"""What each installed workflow adds to the API and the officers' pages, built from the same
explicit list as the domain registry (``domain.engine.registry.INSTALLED``): the package
``api.<name>`` exposes ``PAGES``, a ``WorkflowPages`` (or, for a package with several
workflows, a mapping from case type to each one's ``WorkflowPages``)."""

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache

from fastapi import FastAPI
from markupsafe import Markup
from sqlmodel import Session

from domain.engine.registry import INSTALLED, workflows_of
from models.people import User
from models.steps import HumanStep

Choices = list[tuple[str, str]]


@dataclass(frozen=True)
class WorkflowPages:
    install: Callable[[FastAPI], None]
    """Mount the workflow's JSON routes and pages."""
    case_panel: Callable[[Session, User, HumanStep], Markup] | None = None
    """The case itself, shown above a step's decision form to whoever may read the case."""
    field_choices: Callable[[Session, HumanStep], Mapping[str, Choices]] | None = None
    """Choices from the data for a step form's fields (shown as selects)."""
    nav: tuple[tuple[str, str], ...] = ()
    """(path, Thai title) links in the officers' menu."""


@cache
def installed_pages() -> Mapping[str, WorkflowPages]:
    """Each installed workflow's pages by case type. A package with several workflows
    (``WORKFLOWS``) exposes ``PAGES`` as a mapping from case type to its pages."""
    found = {}
    for name in INSTALLED:
        pages = importlib.import_module(f"api.{name}").PAGES
        for workflow in workflows_of(name):
            found[workflow.case_type] = (
                pages[workflow.case_type] if isinstance(pages, Mapping) else pages
            )
    return found


def install_all(app: FastAPI) -> None:
    installed = set()
    for pages in installed_pages().values():
        if id(pages) not in installed:  # one package's pages may serve several case types
            installed.add(id(pages))
            pages.install(app)
