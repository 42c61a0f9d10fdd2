"""The screening result letters as PDF, to file: the same A4 letters as the printed batch page
(templates/screening/letters/batch.html), one letter per page; all the round's letters, one
print batch, or one letter. Protected data: the same check as the batch page (a coordinator of
the welfare division who may read the round) and every addressee's record read through the read
log (``letters.letter_views``)."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from adapters.pdf import PdfDocument
from api.deps import EngineDep, SessionDep, SettingsDep
from api.pages.common import PageUser, error_page, templates
from api.pdf_documents import pdf_response
from api.screening.benefit_access import coordinator_round
from domain.errors import DomainError, NotFound
from domain.screening import letters
from domain.screening.letters_content import LetterView
from models.screening import ScreeningRound
from models.screening_benefits import ScreeningLetterBatch

router = APIRouter(prefix="/pages/screening", tags=["pages"], include_in_schema=False)

BATCH_TEMPLATE = "screening/letters/batch.html"


def _letters_pdf(
    screening_round: ScreeningRound,
    views: list[LetterView],
    *,
    batch: ScreeningLetterBatch | None,
    title: str,
    ascii_name: str,
    thai_name: str,
) -> Response:
    html = templates.get_template(BATCH_TEMPLATE).render(
        {"round": screening_round, "batch": batch, "letters": views}
    )
    document = PdfDocument(
        html=html, title=title, page_numbers=False, keywords=[screening_round.title]
    )
    return pdf_response(
        document,
        ascii_name=ascii_name,
        thai_name=thai_name,
        back=f"/pages/screening/rounds/{screening_round.id}/letters",
    )


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
        screening_round = coordinator_round(session, user, round_id)
        views = letters.letter_views(engine, round_id, reader_id=user.id or 0)
        if not views:
            raise NotFound("ยังไม่ได้ออกหนังสือแจ้งผลในรอบนี้")
    except DomainError as exc:
        return error_page(request, exc, user=user, session=session, settings=settings)
    return _letters_pdf(
        screening_round,
        views,
        batch=None,
        title=f"หนังสือแจ้งผลการคัดกรอง {screening_round.title} ({len(views)} ฉบับ)",
        ascii_name=f"screening-letters-round-{round_id}.pdf",
        thai_name=f"หนังสือแจ้งผลการคัดกรอง-{screening_round.title}.pdf",
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
        screening_round = coordinator_round(session, user, round_id)
        batch = session.get(ScreeningLetterBatch, batch_id)
        if batch is None or batch.round_id != round_id:
            raise NotFound("ไม่พบชุดพิมพ์นี้")
        views = letters.letter_views(engine, round_id, reader_id=user.id or 0, batch_id=batch_id)
    except DomainError as exc:
        return error_page(request, exc, user=user, session=session, settings=settings)
    return _letters_pdf(
        screening_round,
        views,
        batch=batch,
        title=f"หนังสือแจ้งผลการคัดกรอง {screening_round.title} ชุดพิมพ์ที่ {batch_id}",
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
        screening_round = coordinator_round(session, user, round_id)
        views = letters.letter_views(engine, round_id, reader_id=user.id or 0, letter_id=letter_id)
        if not views:
            raise NotFound("ไม่พบหนังสือแจ้งผลฉบับนี้ในรอบนี้")
    except DomainError as exc:
        return error_page(request, exc, user=user, session=session, settings=settings)
    reference = views[0].reference
    return _letters_pdf(
        screening_round,
        views,
        batch=None,
        title=f"หนังสือแจ้งผลการคัดกรอง ที่ {reference}",
        ascii_name=f"screening-letter-round-{round_id}-{letter_id}.pdf",
        thai_name=f"หนังสือแจ้งผลการคัดกรอง-{reference.replace('/', '-')}.pdf",
    )
