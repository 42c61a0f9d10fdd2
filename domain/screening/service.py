"""The screening foundation's use cases, each in one unit of work: the JSON API, the pages, the
demo data and the tests call these (the person's record is read through
``domain.screening.protection.read_person``, which logs the read)."""

from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.db import in_transaction
from domain.errors import NotEntitled
from domain.screening import duplicates, import_nominations, nominations, rounds
from domain.screening.import_nominations import ImportReport
from domain.screening.letters_people import log_reads
from domain.screening.nominations import NominationInput
from models.people import User
from models.screening import Nomination, Person, Programme, ScreeningRound


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise NotEntitled("บัญชีผู้ใช้นี้ใช้งานไม่ได้")
    return user


def open_round(
    engine: Engine,
    *,
    user_id: int,
    programme: Programme,
    fiscal_year: int,
    title: str,
    nomination_opens_on: date,
    nomination_closes_on: date,
    stage_deadlines: dict[str, date],
) -> ScreeningRound:
    def work(session: Session) -> ScreeningRound:
        return rounds.open_round(
            session,
            _user(session, user_id),
            programme=programme,
            fiscal_year=fiscal_year,
            title=title,
            nomination_opens_on=nomination_opens_on,
            nomination_closes_on=nomination_closes_on,
            stage_deadlines=stage_deadlines,
        )

    return in_transaction(engine, work)


def nominate(engine: Engine, *, user_id: int, round_id: int, data: NominationInput) -> Nomination:
    def work(session: Session) -> Nomination:
        screening_round = rounds.get_round(session, round_id, lock=True)
        return nominations.nominate(session, screening_round, _user(session, user_id), data)

    return in_transaction(engine, work)


def import_file(
    engine: Engine, *, user_id: int, round_id: int, data: bytes, filename: str
) -> ImportReport:
    """The whole file or nothing (``ImportRefused`` names every broken row)."""

    def work(session: Session) -> ImportReport:
        screening_round = rounds.get_round(session, round_id, lock=True)
        return import_nominations.import_file(
            session, screening_round, _user(session, user_id), data, filename
        )

    return in_transaction(engine, work)


def merge_persons(
    engine: Engine, *, user_id: int, keep_id: int, drop_id: int, reason: str
) -> Person:
    def work(session: Session) -> Person:
        return duplicates.merge(
            session, _user(session, user_id), keep_id=keep_id, drop_id=drop_id, reason=reason
        )

    return in_transaction(engine, work)


def mark_distinct_persons(
    engine: Engine, *, user_id: int, first_id: int, second_id: int, reason: str
) -> None:
    """A suggested pair is two people: the suggestion is not made again."""

    def work(session: Session) -> None:
        duplicates.mark_distinct(
            session, _user(session, user_id), first_id=first_id, second_id=second_id, reason=reason
        )

    in_transaction(engine, work)


def log_listed_reads(engine: Engine, *, user_id: int, person_ids: list[int], purpose: str) -> None:
    """A page lists these people's names to the officer: each record's read is logged, once a
    person, for ``purpose``; refused (nothing logged) if any is not the officer's to read."""

    def work(session: Session) -> None:
        log_reads(
            session,
            list(dict.fromkeys(person_ids)),
            reader=_user(session, user_id),
            purpose=purpose,
            scope="record",
            channel="page",
        )

    in_transaction(engine, work)
