"""Reads of protected records (poor households, children, people with HIV): a read is allowed
or refused by the workflow's rules, and logged either way with who, when, which record, which
part of it (scope) and the purpose the reader gave. The log is committed even when the read is
refused, and only the data protection officer (config/protection.toml) may read it.

A workflow reads a protected record through ``guarded_read``: its ``rules`` map each scope of
the record (the first is the record itself) to a ``Verdict``; a refused first scope refuses the
whole read, a refused later scope is only withheld from what ``load`` is given."""

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import TypeVar

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.db import in_transaction
from core.settings import PROJECT_ROOT
from domain.errors import InvalidInput, NotEntitled, NotFound
from models.people import User
from models.readlog import ReadLogEntry

PROTECTION_FILE = PROJECT_ROOT / "config" / "protection.toml"
RECORD_KINDS: dict[str, str] = {}
"""Each kind of protected record, code -> its Thai name on the data protection officer's page;
filled by ``record_kind`` where each workflow defines its kind."""


def record_kind(code: str, title: str) -> str:
    """Name a kind of protected record for the log's readers; returns ``code``."""
    RECORD_KINDS[code] = title
    return code


LOG_RECORD_TYPE = record_kind("read-log", "บันทึกการเข้าถึงข้อมูล")
NO_PURPOSE = "ไม่ได้ระบุวัตถุประสงค์ของการเข้าดูข้อมูล"

T = TypeVar("T")


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str = ""
    """Why refused (Thai), shown to the reader and kept in the log."""


Rule = Callable[[Session, User], Verdict | None]
"""A scope's rule for one record; None: the scope does not apply (nothing logged)."""


@cache
def data_protection_officer() -> str:
    with PROTECTION_FILE.open("rb") as f:
        return str(tomllib.load(f)["data_protection_officer"])


def record_read(
    session: Session,
    *,
    user: User | None,
    record_type: str,
    record_id: int,
    purpose: str,
    verdict: Verdict,
    scope: str = "record",
    channel: str = "",
) -> ReadLogEntry:
    entry = ReadLogEntry(
        user_id=user.id if user else None,
        record_type=record_type,
        record_id=record_id,
        scope=scope,
        purpose=purpose.strip(),
        allowed=verdict.allowed,
        reason=verdict.reason[:300],
        channel=channel,
    )
    session.add(entry)
    return entry


def guarded_read(
    engine: Engine,
    *,
    user_id: int,
    record_type: str,
    record_id: int,
    purpose: str,
    rules: Mapping[str, Rule],
    load: Callable[[Session, User, frozenset[str]], T],
    channel: str = "",
) -> T:
    """Decide each scope, log the read, and return ``load(session, user, allowed scopes)``;
    NotEntitled (after the log is committed) when the record itself is refused. A read without
    a purpose is refused."""

    def work(session: Session) -> tuple[Verdict, T | None]:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound("ไม่พบผู้ใช้")
        allowed: set[str] = set()
        first: Verdict | None = None
        for scope, rule in rules.items():
            verdict = rule(session, user) if purpose.strip() else Verdict(False, NO_PURPOSE)
            if verdict is None:
                continue
            if first is None:
                first = verdict
            elif not first.allowed:
                break  # the record itself is refused: its parts are not tried
            record_read(
                session,
                user=user,
                record_type=record_type,
                record_id=record_id,
                purpose=purpose,
                verdict=verdict,
                scope=scope,
                channel=channel,
            )
            if verdict.allowed:
                allowed.add(scope)
        if first is None or not first.allowed:
            return first or Verdict(False, "ไม่มีสิทธิ์"), None
        return first, load(session, user, frozenset(allowed))

    verdict, value = in_transaction(engine, work)
    if not verdict.allowed:
        raise NotEntitled(f"ไม่มีสิทธิ์เข้าดูข้อมูลนี้: {verdict.reason}")
    return value  # type: ignore[return-value]


def is_data_protection_officer(user: User) -> bool:
    return user.active and user.username == data_protection_officer()


def read_log(
    engine: Engine,
    *,
    user_id: int,
    purpose: str,
    record_type: str | None = None,
    record_id: int | None = None,
    reader_id: int | None = None,
    since: datetime | None = None,
    limit: int = 500,
    channel: str = "",
) -> list[ReadLogEntry]:
    """The log, newest first, for the data protection officer; any other reader is refused
    (and that attempt logged too)."""
    if limit < 1:
        raise InvalidInput("จำนวนรายการต้องมากกว่า 0", field="limit")

    def dpo_only(_session: Session, user: User) -> Verdict:
        if is_data_protection_officer(user):
            return Verdict(True)
        return Verdict(False, "บันทึกการเข้าถึงข้อมูลเปิดดูได้เฉพาะเจ้าหน้าที่คุ้มครองข้อมูลส่วนบุคคล")

    def load(session: Session, _user: User, _scopes: frozenset[str]) -> list[ReadLogEntry]:
        query = select(ReadLogEntry)
        if record_type is not None:
            query = query.where(ReadLogEntry.record_type == record_type)
        if record_id is not None:
            query = query.where(ReadLogEntry.record_id == record_id)
        if reader_id is not None:
            query = query.where(ReadLogEntry.user_id == reader_id)
        if since is not None:
            query = query.where(ReadLogEntry.at >= since)
        order = (col(ReadLogEntry.at).desc(), col(ReadLogEntry.id).desc())
        return list(session.exec(query.order_by(*order).limit(limit)))

    return guarded_read(
        engine,
        user_id=user_id,
        record_type=LOG_RECORD_TYPE,
        record_id=0,
        purpose=purpose,
        rules={"record": dpo_only},
        load=load,
        channel=channel,
    )
