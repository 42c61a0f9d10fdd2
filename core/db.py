"""Database engine and sessions; SQLite by default, PostgreSQL by one setting."""

import fcntl
import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, create_engine

from core.settings import get_settings

log = logging.getLogger(__name__)
T = TypeVar("T")


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and gives them back aware, on SQLite and PostgreSQL alike."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def make_engine(url: str) -> Engine:
    """An engine tuned for the backend: SQLite gets WAL and a busy timeout for writers."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=20,  # as many as the API's thread pool may use at once (40)
            max_overflow=20,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy's BEGIN below open the transaction (pysqlite's own is too late).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        # Writers queue on a turn of their own before SQLite's lock: a thread waiting in
        # SQLite's busy handler sleeps in steps of up to 100 ms, one waiting here is woken as
        # soon as the writer before it ends (B1: the p95 of a burst of intakes).
        turn = WriterTurn(engine.url.database)
        held = threading.local()  # a transaction begins and ends on one thread

        def _end_turn(*_: Any) -> None:
            if getattr(held, "turn", False):
                held.turn = False
                turn.release()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            # A writer takes the write lock up front and queues on it instead of failing
            # mid-way when it upgrades a read lock; readers stay concurrent under WAL.
            if not conn.get_execution_options().get(WRITER_OPTION):
                conn.exec_driver_sql("BEGIN")
                return
            # On timeout, carry on: SQLite's own busy timeout still serialises correctly.
            held.turn = turn.acquire(timeout=30)
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            except BaseException:
                _end_turn()
                raise

        # However the transaction ends: committed, rolled back, or its connection reset or
        # invalidated (a broken connection skips the rollback event).
        event.listen(engine, "commit", _end_turn)
        event.listen(engine, "rollback", _end_turn)
        event.listen(engine.pool, "reset", _end_turn)
        event.listen(engine.pool, "invalidate", _end_turn)
        event.listen(engine.pool, "checkin", _end_turn)

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


WRITER_OPTION = "kkm_writer"


class WriterTurn:
    """Writers to one SQLite file take turns: threads of this process on a lock, processes
    (the API, the workers' flows and sweeps) on an flock of ``<database>.writer`` beside it.
    Both wake the next writer the moment the last one ends, where SQLite's busy handler
    sleeps up to 100 ms; a process that dies releases its flock with it."""

    def __init__(self, database: str | None) -> None:
        self._threads = threading.Lock()
        self._path = None
        if database and database != ":memory:" and not database.startswith("file:"):
            self._path = f"{database}.writer"
        self._fd: int | None = None

    def acquire(self, timeout: float) -> bool:
        if not self._threads.acquire(timeout=timeout):
            return False
        if self._path is not None:
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self._fd, fcntl.LOCK_EX)
        return True

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing it gives the flock back
            self._fd = None
        self._threads.release()


def begin_writing(session: Session) -> None:
    """Start ``session``'s transaction as a writer (matters on SQLite; harmless elsewhere)."""
    session.connection(execution_options={WRITER_OPTION: True})


@lru_cache
def get_engine() -> Engine:
    return make_engine(get_settings().database_url)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """One attempt at a unit of work: a writer's session committed on success and rolled back
    on any error, so nothing is half-written. Use cases go through ``in_transaction``, which
    runs this again when a concurrent writer collided with it."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        begin_writing(session)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def insert_ignoring_duplicates(
    session: Session, table: sa.Table, values: dict[str, Any], unique: list[str]
) -> bool:
    """INSERT … ON CONFLICT DO NOTHING on SQLite and PostgreSQL; True if a row went in.
    The database, not a prior SELECT, decides: safe under concurrent writers."""
    statement = _insert_ignoring(
        session.get_bind().dialect.name, table, tuple(values), tuple(unique)
    )
    return session.execute(statement, values).first() is not None


@lru_cache(maxsize=64)
def _insert_ignoring(
    dialect_name: str, table: sa.Table, columns: tuple[str, ...], unique: tuple[str, ...]
) -> sa.TextClause:
    """The statement compiled once, as text with typed parameters. SQLAlchemy 2.0 caches no
    dialect ``insert()``: each execution compiled it again, ~0.3 ms, three times in every
    complaint's intake (its rate-limit counters) before they took one statement each."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = postgresql if dialect_name == "postgresql" else sqlite
    key = list(table.primary_key.columns)[0]
    defaulted = {c.name for c in table.columns if c.default is not None and not c.primary_key}
    if defaulted - set(columns):  # the text would ask for them: Python defaults are not run
        raise ValueError(f"{table.name}: give {sorted(defaulted - set(columns))} too")
    statement = (
        dialect.insert(table)
        .values({name: sa.bindparam(name) for name in columns})
        .on_conflict_do_nothing(index_elements=list(unique))
        .returning(key)
    )
    sql = str(statement.compile(dialect=dialect.dialect(paramstyle="named")))
    sql = sql.replace("::", r"\:\:")  # PostgreSQL's casts (":parameters::JSON"), not parameters
    parameters = [sa.bindparam(name, type_=table.c[name].type) for name in columns]
    return sa.text(sql).bindparams(*parameters).columns(key)


def in_transaction(engine: Engine, work: Callable[[Session], T], *, attempts: int = 4) -> T:
    """Run ``work`` in its own transaction, committed on success. A collision with a concurrent
    writer (unique key, serialisation) is retried from scratch: the second try sees the first's
    result and answers accordingly (same decision, or conflict)."""
    for attempt in range(1, attempts + 1):
        try:
            with session_scope(engine) as session:
                return work(session)
        except (IntegrityError, OperationalError) as exc:
            if attempt == attempts:
                raise
            log.info("transaction retried after %s", type(exc).__name__)
    raise AssertionError("unreachable")
