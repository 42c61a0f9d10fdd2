"""The sealed channel's routes and pages: public (/integrity, /api/integrity: report, follow,
manual, statistics) and the named officers' (/pages/integrity, /api/integrity/reports); and
the public disclosure pages (/ita, /api/ita).

The access log skips every path of the channel: a reporter's address, browser and the time of
a request would otherwise land in the server's log (``quiet_access_log``)."""

import logging

from fastapi import FastAPI

from api.integrity import disclosure, officers, public
from api.workflows import NavLink, WorkflowPages
from domain.integrity.menu_access import is_named_officer

QUIET_PREFIXES = ("/integrity", "/api/integrity")
"""The sealed channel's paths (the disclosure pages, /ita, are logged as any public page)."""


class QuietChannel(logging.Filter):
    """Drops uvicorn's access-log lines for the channel's paths (its record's args are
    (client, method, path, http version, status))."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        path = str(args[2]) if len(args) > 2 else ""
        return not path.startswith(QUIET_PREFIXES)


def quiet_access_log() -> None:
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, QuietChannel) for f in logger.filters):
        logger.addFilter(QuietChannel())


def install(app: FastAPI) -> None:
    quiet_access_log()
    app.include_router(disclosure.api)
    app.include_router(disclosure.pages)
    app.include_router(public.api)
    app.include_router(public.pages)
    app.include_router(officers.api)
    app.include_router(officers.pages)


PAGES = WorkflowPages(
    install=install,
    case_panel=officers.case_panel,
    nav=(NavLink("/pages/integrity", "ร้องเรียนการทุจริต", shown_to=is_named_officer),),
)
