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
MenuRule = Callable[[Session, User], bool]


def every_officer(_session: Session, user: User) -> bool:
    """Memos, complaints and the like: any active officer may have business there."""
    return user.active


@dataclass(frozen=True)
class NavLink:
    """A link in the officers' menu, shown only to whom ``shown_to`` answers True: need to
    know (PDPA), each workflow's own access rule deciding who has business there."""

    path: str
    title: str
    """Thai."""
    shown_to: MenuRule = every_officer


@dataclass(frozen=True)
class WorkflowPages:
    install: Callable[[FastAPI], None]
    """Mount the workflow's JSON routes and pages."""
    case_panel: Callable[[Session, User, HumanStep], Markup] | None = None
    """The case itself, shown above a step's decision form to whoever may read the case."""
    field_choices: Callable[[Session, HumanStep], Mapping[str, Choices]] | None = None
    """Choices from the data for a step form's fields (shown as selects)."""
    nav: tuple[NavLink, ...] = ()
    """Its links in the officers' menu."""


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


def nav_links(session: Session, user: User) -> list[NavLink]:
    """The menu links of the installed workflows that ``user`` has business in, in the order
    of ``INSTALLED`` (pages serving several case types give their links once)."""
    links: list[NavLink] = []
    for pages in installed_pages().values():
        links.extend(link for link in pages.nav if link not in links)
    return [link for link in links if link.shown_to(session, user)]


def install_all(app: FastAPI) -> None:
    installed = set()
    for pages in installed_pages().values():
        if id(pages) not in installed:  # one package's pages may serve several case types
            installed.add(id(pages))
            pages.install(app)
