"""Every candidate is told (seed 000 step 7: "แจ้งผู้รับโอกาสทราบ ทั้งที่มีคุณสมบัติผ่านและที่ไม่ผ่าน"):
one numbered letter per candidate, pass or fail with the reason for a fail, printable on A4;
an e-mail (the engine's outbox) and a LINE push (the ``linepush`` outbox) where the person's
contact is known. Each exactly once: the letter is unique per candidate, the mail and the push
are keyed on the candidate, so running ``notify_round`` twice adds nothing, and a contact
learnt later is told at the next run without a second letter.

The people's names, addresses and contacts are protected records: read through
``letters_people`` (every read logged with the purpose)."""

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.db import in_transaction, insert_ignoring_duplicates, utcnow
from domain.engine import audit
from domain.engine.notify import queue_email
from domain.errors import Conflict, NotFound
from domain.screening.letters_content import (
    TOLD_STATES,
    LetterView,
    fail_reasons,
    letter_view,
    line_texts,
    outcome_of,
    reason_for,
)
from domain.screening.letters_people import Recipient, recipients
from domain.screening.rounds import check_coordinator
from domain.screening.states import CASE_TYPE
from models.line_push import LinePush
from models.people import User
from models.screening import Candidate, CandidateState, ScreeningRound
from models.screening_benefits import LetterOutcome, ScreeningLetter, ScreeningLetterBatch

NOTIFY_PURPOSE = "แจ้งผลการคัดกรองแก่ผู้ได้รับการเสนอชื่อ (หนังสือ อีเมล LINE)"
MAIL_TEMPLATE = "screening_letter"


@dataclass(frozen=True)
class NotifySummary:
    round_id: int
    letters_issued: int
    """New letters this run."""
    letters_total: int
    passed: int
    not_passed: int
    mails_queued: int
    line_pushes_queued: int


def mail_key(candidate_id: int) -> str:
    return f"screening-letter:{candidate_id}:mail"


def line_key(candidate_id: int) -> str:
    return f"screening-letter:{candidate_id}:line"


def _round(session: Session, round_id: int) -> ScreeningRound:
    found = session.get(ScreeningRound, round_id)
    if found is None:
        raise NotFound("ไม่พบรอบการคัดกรองนี้")
    return found


def _check_all_final(session: Session, round_id: int) -> None:
    pending = session.exec(
        select(func.count())
        .select_from(Candidate)
        .where(
            Candidate.round_id == round_id,
            col(Candidate.state).not_in([*TOLD_STATES, CandidateState.merged]),
        )
    ).one()
    if pending:
        raise Conflict(f"ยังแจ้งผลไม่ได้: มีผู้ได้รับการเสนอชื่ออีก {pending} รายที่ยังไม่สิ้นสุดการคัดกรองและรับรอง")


def _issue_letters(session: Session, screening_round: ScreeningRound) -> int:
    """A letter for each told candidate who has none; returns how many were issued."""
    round_id = screening_round.id or 0
    told = session.exec(
        select(Candidate)
        .where(Candidate.round_id == round_id, col(Candidate.state).in_(TOLD_STATES))
        .order_by(col(Candidate.id))
    ).all()
    lettered = set(
        session.exec(
            select(ScreeningLetter.candidate_id).where(ScreeningLetter.round_id == round_id)
        ).all()
    )
    new = [c for c in told if c.id not in lettered]
    if not new:
        return 0
    number = session.exec(
        select(func.coalesce(func.max(ScreeningLetter.number), 0)).where(
            ScreeningLetter.round_id == round_id
        )
    ).one()
    reasons = fail_reasons(session, round_id, [c.id for c in new if c.id is not None])
    now = utcnow()
    for candidate in new:
        number += 1
        state = CandidateState(candidate.state)
        session.add(
            ScreeningLetter(
                round_id=round_id,
                candidate_id=candidate.id or 0,
                number=number,
                outcome=outcome_of(state),
                reason=reason_for(state, reasons.get(candidate.id or 0)),
                issued_at=now,
            )
        )
    session.flush()
    return len(new)


def _send(
    session: Session, screening_round: ScreeningRound, letter: ScreeningLetter, who: Recipient
) -> tuple[bool, bool]:
    """Queue the mail and the push this letter still lacks; returns what was queued."""
    view = letter_view(letter, screening_round, addressee=who.name, address=who.address)
    mailed = pushed = False
    if letter.mail_key is None and who.email:
        key = mail_key(letter.candidate_id)
        mailed = queue_email(
            session,
            dedupe_key=key,
            to=who.email,
            template=MAIL_TEMPLATE,
            context=view.context(),
            case_type=CASE_TYPE,
            case_id=screening_round.id,
        )
        letter.mail_key = key
    if letter.line_key is None and who.line_user_id:
        key = line_key(letter.candidate_id)
        row = LinePush(
            dedupe_key=key,
            line_user_id=who.line_user_id,
            messages=line_texts(view),
            case_type=CASE_TYPE,
            case_id=screening_round.id,
        ).model_dump(exclude={"id"})
        pushed = insert_ignoring_duplicates(
            session,
            LinePush.__table__,  # type: ignore[attr-defined]
            row,
            ["dedupe_key"],
        )
        letter.line_key = key
    if mailed or pushed:
        session.add(letter)
    return mailed, pushed


def notify_round_in(session: Session, round_id: int, *, actor: User | None = None) -> NotifySummary:
    """``notify_round`` inside the caller's transaction."""
    screening_round = _round(session, round_id)
    _check_all_final(session, round_id)
    issued = _issue_letters(session, screening_round)
    letters = session.exec(
        select(ScreeningLetter)
        .where(ScreeningLetter.round_id == round_id)
        .order_by(col(ScreeningLetter.number))
    ).all()
    unsent = [lt for lt in letters if lt.mail_key is None or lt.line_key is None]
    people = recipients(
        session, [lt.candidate_id for lt in unsent], reader=actor, purpose=NOTIFY_PURPOSE
    )
    mails = pushes = 0
    for letter in unsent:
        who = people.get(letter.candidate_id)
        if who is None:
            continue
        mailed, pushed = _send(session, screening_round, letter, who)
        mails += mailed
        pushes += pushed
    outcomes = Counter(LetterOutcome(lt.outcome) for lt in letters)
    if issued or mails or pushes:
        audit.record(
            session,
            case_type=CASE_TYPE,
            case_id=round_id,
            action="screening_letters_issued",
            actor=actor,
            detail={"letters": issued, "mails": mails, "line_pushes": pushes},
        )
    return NotifySummary(
        round_id=round_id,
        letters_issued=issued,
        letters_total=len(letters),
        passed=outcomes[LetterOutcome.passed],
        not_passed=outcomes[LetterOutcome.not_passed],
        mails_queued=mails,
        line_pushes_queued=pushes,
    )


def notify_round(engine: Engine, round_id: int, *, actor_id: int | None = None) -> NotifySummary:
    """Tell every candidate of a certified round, in one unit of work; harmless to repeat."""

    def work(session: Session) -> NotifySummary:
        actor = session.get(User, actor_id) if actor_id is not None else None
        return notify_round_in(session, round_id, actor=actor)

    return in_transaction(engine, work)


def print_batch(engine: Engine, round_id: int, *, actor_id: int, reprint: bool = False) -> int:
    """Put the letters not yet printed (or, with ``reprint``, all) in a new print batch;
    returns the batch id. Refused when there is nothing to print."""

    def work(session: Session) -> int:
        _round(session, round_id)
        query = select(ScreeningLetter).where(ScreeningLetter.round_id == round_id)
        if not reprint:
            query = query.where(col(ScreeningLetter.batch_id).is_(None))
        letters = session.exec(query).all()
        if not letters:
            raise Conflict("ไม่มีหนังสือแจ้งผลที่ยังไม่ได้พิมพ์")
        batch = ScreeningLetterBatch(
            round_id=round_id, printed_by_id=actor_id, letters=len(letters)
        )
        session.add(batch)
        session.flush()
        for letter in letters:
            letter.batch_id = batch.id
            session.add(letter)
        actor = session.get(User, actor_id)
        audit.record(
            session,
            case_type=CASE_TYPE,
            case_id=round_id,
            action="screening_letters_printed",
            actor=actor,
            detail={"batch_id": batch.id, "letters": len(letters)},
        )
        return batch.id or 0

    return in_transaction(engine, work)


PRINT_PURPOSE = "พิมพ์/ตรวจหนังสือแจ้งผลการคัดกรอง"


def letter_views(
    engine: Engine,
    round_id: int,
    *,
    reader_id: int,
    batch_id: int | None = None,
    letter_id: int | None = None,
) -> list[LetterView]:
    """The round's letters (or one print batch's, or one letter) as printed, for a coordinator
    of the welfare division; the addressees' records are read through the read log."""

    def work(session: Session) -> list[LetterView]:
        reader = session.get(User, reader_id)
        if reader is None:
            raise NotFound("ไม่พบผู้ใช้")
        check_coordinator(session, reader)
        screening_round = _round(session, round_id)
        query = select(ScreeningLetter).where(ScreeningLetter.round_id == round_id)
        if batch_id is not None:
            query = query.where(ScreeningLetter.batch_id == batch_id)
        if letter_id is not None:
            query = query.where(ScreeningLetter.id == letter_id)
        rows = session.exec(query.order_by(col(ScreeningLetter.number))).all()
        people = recipients(
            session, [lt.candidate_id for lt in rows], reader=reader, purpose=PRINT_PURPOSE
        )
        return [
            letter_view(
                lt,
                screening_round,
                addressee=people[lt.candidate_id].name,
                address=people[lt.candidate_id].address,
            )
            for lt in rows
            if lt.candidate_id in people
        ]

    return in_transaction(engine, work)
