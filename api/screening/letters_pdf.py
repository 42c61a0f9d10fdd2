"""The screening result letters as PDF, to file: the same A4 letters as the printed batch page
(``letters_pages.printed_letters`` renders both), one letter per page; all the round's letters,
one print batch, or one letter. Protected data: the same check as the batch page (a coordinator
of the welfare division who may read the round) and every addressee's record read through the
read log."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from adapters.pdf import PdfDocument
from api.deps import EngineDep, SessionDep, SettingsDep
from api.pages.common import PageUser, error_page, templates
from api.pdf_documents import pdf_response
from api.screening.letters_pages import PRINTED_LETTERS, printed_letters
from domain.errors import DomainError, NotFound

router = APIRouter(prefix="/pages/screening", tags=["pages"], include_in_schema=False)


def _letters_pdf(
    context: dict[str, Any], *, title: str, ascii_name: str, thai_name: str
) -> Response:
    """The printed letters of ``printed_letters`` as a private PDF download."""
    screening_round = context["round"]
    document = PdfDocument(
        html=templates.get_template(PRINTED_LETTERS).render(context),
        title=title,
        page_numbers=False,
        keywords=[screening_round.title],
    )
    return pdf_response(
        document,
        ascii_name=ascii_name,
        thai_name=thai_name,
        back=f"/pages/screening/rounds/{screening_round.id}/letters",
    )


def _with_letters(context: dict[str, Any], missing: str) -> dict[str, Any]:
    """``context`` if it has a letter to print; otherwise NotFound with ``missing``."""
    if not context["letters"]:
        raise NotFound(missing)
    return context


@router.get("/rounds/{round_id}/letters.pdf")
def round_letters_pdf(
    round_id: int,
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
) -> Response:
    """Every letter of the round in one PDF, each on its own A4 page."""
    try:
        context = _with_letters(
            printed_letters(session, engine, user, round_id), "ยังไม่ได้ออกหนังสือแจ้งผลในรอบนี้"
        )
    except DomainError as exc:
        return error_page(request, exc, user=user, session=session, settings=settings)
    round_title = context["round"].title
    return _letters_pdf(
        context,
        title=f"หนังสือแจ้งผลการคัดกรอง {round_title} ({len(context['letters'])} ฉบับ)",
        ascii_name=f"screening-letters-round-{round_id}.pdf",
        thai_name=f"หนังสือแจ้งผลการคัดกรอง-{round_title}.pdf",
    )


@router.get("/rounds/{round_id}/letters/batches/{batch_id}.pdf")
def batch_letters_pdf(
    round_id: int,
    batch_id: int,
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
) -> Response:
    """One print batch's letters in one PDF (the batch page as a file)."""
    try:
        context = printed_letters(session, engine, user, round_id, batch_id=batch_id)
    except DomainError as exc:
        return error_page(request, exc, user=user, session=session, settings=settings)
    return _letters_pdf(
        context,
        title=f"หนังสือแจ้งผลการคัดกรอง {context['round'].title} ชุดพิมพ์ที่ {batch_id}",
        ascii_name=f"screening-letters-round-{round_id}-batch-{batch_id}.pdf",
        thai_name=f"หนังสือแจ้งผลการคัดกรอง-ชุดพิมพ์ที่-{batch_id}.pdf",
    )


@router.get("/rounds/{round_id}/letters/{letter_id}.pdf")
def one_letter_pdf(
    round_id: int,
    letter_id: int,
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
) -> Response:
    """One candidate's letter; only that addressee's record is read (and logged)."""
    try:
        context = _with_letters(
            printed_letters(session, engine, user, round_id, letter_id=letter_id),
            "ไม่พบหนังสือแจ้งผลฉบับนี้ในรอบนี้",
        )
    except DomainError as exc:
        return error_page(request, exc, user=user, session=session, settings=settings)
    reference = context["letters"][0].reference
    return _letters_pdf(
        context,
        title=f"หนังสือแจ้งผลการคัดกรอง ที่ {reference}",
        ascii_name=f"screening-letter-round-{round_id}-{letter_id}.pdf",
        thai_name=f"หนังสือแจ้งผลการคัดกรอง-{reference.replace('/', '-')}.pdf",
    )
