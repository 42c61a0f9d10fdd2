"""The FastAPI application."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from fastapi import FastAPI

from adapters.orchestrator import CaseSyncQueue, Orchestrator
from api import citizen_pages, errors, pages
from api.routes import (
    auth,
    cases,
    complaint_report,
    complaints,
    line,
    memos,
    open311,
    people,
    steps,
)
from core.db import get_engine
from core.settings import get_settings
from domain.chains import load_chains
from domain.workflows import load_workflows


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
    load_workflows()
    load_chains(get_settings().chains_file)  # a broken chains file stops start-up, not a case
    app = FastAPI(
        lifespan=lifespan,
        title="ระบบงานอนุมัติและ PDCA เทศบาลนครขอนแก่น",
        description="Approvals and complaints of Khon Kaen City "
        "Municipality. Officers sign in at /api/auth/token.",
        version="0.1.0",
    )
    errors.install(app)
    for module in (auth, steps, memos, cases, people, complaint_report, complaints, open311, line):
        app.include_router(module.router)
    pages.install(app)  # officer pages under /pages, /static, and / -> /pages/inbox
    citizen_pages.install(app)  # citizen pages under /complaints (file, track, rate)

    @app.get("/healthz", tags=["ops"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


app = create_app()
