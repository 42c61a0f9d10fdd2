"""The round's result letters on the officers' pages: who was told (pass or fail, the reason,
e-mail and LINE sent), telling everyone (repeatable: nobody is told twice), and printing the
letters in a batch, one A4 page per letter. The list shows letter and candidate numbers, not
names: only the printed batch reads the addressees' protected records (and logs it)."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api.deps import EngineDep, SessionDep, SettingsDep
from api.pages.common import PageUser, error_page, render
from api.screening.benefit_access import coordinator_round, readable_round
from api.screening.benefit_page_common import helpers, posted
from domain.errors import DomainError, NotFound
from domain.screening import letters
from domain.screening.rounds import is_coordinator
from models.people import User
from models.screening_benefits import ScreeningLetter, ScreeningLetterBatch

router = APIRouter(prefix="/pages/screening", tags=["pages"], include_in_schema=False)

PRINTED_LETTERS = "screening/letters/batch.html"
"""The letters as printed, one A4 page each: the batch page and the PDFs."""


@router.get("/rounds/{round_id}/letters", response_class=HTMLResponse)
def letters_page(
    round_id: int,
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    flash: Annotated[str, Query(max_length=300)] = "",
) -> Response:
    try:
        screening_round = readable_round(session, user, round_id)
        coordinator = is_coordinator(session, user)
    except DomainError as exc:
        return error_page(request, exc, user=user, session=session, settings=settings)
    rows = session.exec(
        select(ScreeningLetter)
        .where(ScreeningLetter.round_id == round_id)
        .order_by(col(ScreeningLetter.number))
    ).all()
    batches = session.exec(
        select(ScreeningLetterBatch)
        .where(ScreeningLetterBatch.round_id == round_id)
        .order_by(col(ScreeningLetterBatch.id).desc())
    ).all()
    return render(
        request,
        "screening/letters/list.html",
        {
            "round": screening_round,
            "letters": rows,
            "batches": batches,
            "unprinted": sum(1 for r in rows if r.batch_id is None),
            "is_coordinator": coordinator,
            "flash": flash,
            **helpers(),
        },
        user=user,
        session=session,
        settings=settings,
    )


@router.post("/rounds/{round_id}/letters/notify", response_class=HTMLResponse)
async def notify_page(
    round_id: int,
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
) -> Response:
    def run(_form: dict[str, str]) -> str:
        coordinator_round(session, user, round_id)
        done = letters.notify_round(engine, round_id, actor_id=user.id)
        return (
            f"ออกหนังสือแจ้งผลใหม่ {done.letters_issued} ฉบับ (ทั้งหมด {done.letters_total} ฉบับ) "
            f"ส่งอีเมล {done.mails_queued} ฉบับ ส่ง LINE {done.line_pushes_queued} ข้อความ"
        )

    return await posted(
        request,
        user=user,
        session=session,
        settings=settings,
        back=f"/pages/screening/rounds/{round_id}/letters",
        run=run,
    )


@router.post("/rounds/{round_id}/letters/print", response_class=HTMLResponse)
async def print_page(
    round_id: int,
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
) -> Response:
    batch: list[int] = []

    def run(form: dict[str, str]) -> str:
        coordinator_round(session, user, round_id)
        batch.append(
            letters.print_batch(
                engine, round_id, actor_id=user.id or 0, reprint=form.get("reprint") == "1"
            )
        )
        return "สร้างชุดพิมพ์แล้ว"

    answer = await posted(
        request,
        user=user,
        session=session,
        settings=settings,
        back=f"/pages/screening/rounds/{round_id}/letters",
        run=run,
    )
    if batch:
        answer.headers["location"] = (
            f"/pages/screening/rounds/{round_id}/letters/batches/{batch[0]}"
        )
    return answer


def printed_letters(
    session: Session,
    engine: Engine,
    user: User,
    round_id: int,
    *,
    batch_id: int | None = None,
    letter_id: int | None = None,
) -> dict[str, Any]:
    """What templates/screening/letters/batch.html prints (the round, the batch if any, the
    letters), for the batch page and for the PDFs alike, so that the file is the page: the
    round's letters, one batch's, or one letter; a coordinator only, and every addressee's
    record read through the read log."""
    screening_round = coordinator_round(session, user, round_id)
    batch = None
    if batch_id is not None:
        batch = session.get(ScreeningLetterBatch, batch_id)
        if batch is None or batch.round_id != round_id:
            raise NotFound("ไม่พบชุดพิมพ์นี้")
    views = letters.letter_views(
        engine, round_id, reader_id=user.id or 0, batch_id=batch_id, letter_id=letter_id
    )
    return {"round": screening_round, "batch": batch, "letters": views}


@router.get("/rounds/{round_id}/letters/batches/{batch_id}", response_class=HTMLResponse)
def batch_page(
    round_id: int,
    batch_id: int,
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
) -> Response:
    """The batch's letters to print: one A4 page each (templates/screening/letters/batch.html)."""
    try:
        context = printed_letters(session, engine, user, round_id, batch_id=batch_id)
    except DomainError as exc:
        return error_page(request, exc, user=user, session=session, settings=settings)
    return render(request, PRINTED_LETTERS, context, user=user, session=session, settings=settings)
