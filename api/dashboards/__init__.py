"""The executives' dashboards: the page /dashboards and its figures as JSON at
/api/dashboards. Not a workflow (nothing in the registry): ``api.main`` installs it."""

from fastapi import FastAPI

from api.dashboards import pages, routes
from api.pages.common import templates
from domain.dashboards.access import may_open_as


def install(app: FastAPI) -> None:
    app.include_router(routes.router)
    app.include_router(pages.router)
    templates.env.globals["may_open_dashboards"] = may_open_as  # the menu link (base.html)
