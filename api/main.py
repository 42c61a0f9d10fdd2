"""The FastAPI application."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from fastapi import FastAPI

from adapters.case_sync import CaseSyncQueue
from adapters.orchestrator import Orchestrator
from api import dashboards, errors, middleware
from api.pages import common as page_common
from api.pages import steps as step_pages
from api.routes import auth, cases, people, steps
from api.workflows import install_all
from core.db import get_engine
from core.settings import check_secret_key, get_settings
from domain.engine.chains import load_chains
from domain.engine.registry import installed


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the queue that moves case flow runs in Prefect (when Prefect is on)."""
    if not get_settings().prefect_enabled:
        yield
        return
    app.state.case_sync = CaseSyncQueue(Orchestrator(get_engine()))
    await app.state.case_sync.start()
    try:
        yield
    finally:
        with suppress(TimeoutError):
            await asyncio.wait_for(app.state.case_sync.drain(), timeout=10)
        await app.state.case_sync.stop()


def create_app() -> FastAPI:
    check_secret_key(get_settings())  # no start on a guessable key outside development
    installed()  # every workflow of the registry, checked at start-up
    load_chains(get_settings().chains_file)  # a broken chains file stops start-up, not a case
    app = FastAPI(
        lifespan=lifespan,
        title="ระบบงานอนุมัติและ PDCA เทศบาลนครขอนแก่น",
        description="Approvals and complaints of Khon Kaen City "
        "Municipality. Officers sign in at /api/auth/token.",
        version="0.1.0",
    )
    errors.install(app)
    middleware.install(app)  # body limits, text a database refuses, security headers
    for module in (auth, steps, cases, people, step_pages):
        app.include_router(module.router)
    page_common.install_common(app)  # /static, the redirect to sign in, / -> /pages/inbox
    install_all(app)  # each workflow's routes and pages (api.<name>.PAGES)
    dashboards.install(app)  # the executives' dashboards (not a workflow)

    @app.get("/healthz", tags=["ops"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    errors.document(app)  # the error answers of every route, in the OpenAPI document
    return app


app = create_app()
