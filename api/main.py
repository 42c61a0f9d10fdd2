"""The FastAPI application."""

from fastapi import FastAPI

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
from core.settings import get_settings
from domain.chains import load_chains
from domain.workflows import load_workflows


def create_app() -> FastAPI:
    load_workflows()
    load_chains(get_settings().chains_file)  # a broken chains file stops start-up, not a case
    app = FastAPI(
        title="ระบบงานอนุมัติและ PDCA เทศบาลนครขอนแก่น",
        description="Approvals, complaints, screening and PDCA cycles of Khon Kaen City "
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
