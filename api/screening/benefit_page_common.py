"""What the result pages (letters, benefits, sponsors, follow-up, fairness) share: a form
posted by a coordinator runs one use case and comes back to its page with a Thai message
(post/redirect/get), or shows the domain's refusal; amounts shown in baht."""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from api.pages.common import csrf_ok, error_page
from core.settings import Settings
from domain.errors import DomainError, InvalidInput
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
    """Check the form's token, run the use case (it answers the message to show) and go back."""
    form = {k: str(v) for k, v in (await request.form()).items()}
    if not csrf_ok(request, settings, form.get("csrf", "")):
        return error_page(
            request, InvalidInput(EXPIRED), user=user, session=session, settings=settings
        )
    try:
        message = run(form)
    except DomainError as exc:
        return error_page(request, exc, user=user, session=session, settings=settings)
    return RedirectResponse(f"{back}?{urlencode({'flash': message})}", status_code=303)


def helpers() -> dict[str, Any]:
    cat = catalogue()
    return {
        "baht": baht_text,
        "unit_thai": lambda u: BenefitUnit(u).thai,
        "source_thai": lambda s: FundingSource(s).thai if s else "-",
        "area_thai": cat.area_title,
        "catalogue": cat,
    }
