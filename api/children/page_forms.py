"""The children pages' posted forms, one way: post/redirect/get through the site's
``run_posted_form``, a refusal shown on the error page, an expired form named in Thai."""

from collections.abc import Callable

from fastapi import Request
from fastapi.responses import Response
from sqlmodel import Session

from api.pages.common import error_page, run_posted_form
from core.settings import Settings
from domain.errors import NotEntitled
from models.people import User

STALE_FORM = NotEntitled("แบบฟอร์มหมดอายุ กรุณาเปิดหน้าใหม่แล้วลองอีกครั้ง")


async def posted_form(
    request: Request,
    user: User,
    session: Session,
    settings: Settings,
    *,
    run: Callable[[dict[str, str]], str],
    back: str,
) -> Response:
    """Run a page's form (``run`` answers the Thai message) and go back to ``back``."""
    return await run_posted_form(
        request,
        settings,
        run=run,
        back=back,
        refused=lambda exc: error_page(request, exc, user=user, session=session, settings=settings),
        expired=STALE_FORM,
    )
