"""What the result pages (letters, benefits, sponsors, follow-up, fairness) share: a form
posted by a coordinator runs one use case and comes back to its page with a Thai message
(post/redirect/get), or shows the domain's refusal; amounts shown in baht."""

from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlmodel import Session

from api.pages.common import error_page, run_posted_form
from core.settings import Settings
from domain.errors import InvalidInput
from domain.pdca.money import baht_text
from domain.screening.benefits_catalogue import catalogue
from models.people import User
from models.screening_benefits import BenefitUnit, FundingSource

EXPIRED = "แบบฟอร์มหมดอายุ กรุณาลองใหม่อีกครั้ง"


async def posted(
    request: Request,
    *,
    user: User,
    session: Session,
    settings: Settings,
    back: str,
    run: Callable[[dict[str, str]], str],
) -> Response:
    """A coordinator's form: run the use case and come back to ``back`` with its message, or
    show the domain's refusal on the error page."""
    return await run_posted_form(
        request,
        settings,
        run=run,
        back=back,
        refused=lambda exc: error_page(request, exc, user=user, session=session, settings=settings),
        expired=InvalidInput(EXPIRED),
    )


def helpers() -> dict[str, Any]:
    cat = catalogue()
    return {
        "baht": baht_text,
        "unit_thai": lambda u: BenefitUnit(u).thai,
        "source_thai": lambda s: FundingSource(s).thai if s else "-",
        "area_thai": cat.area_title,
        "catalogue": cat,
    }
