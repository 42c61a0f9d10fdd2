"""Prefect's server, started as ``prefect server start`` starts it, with one connection to its
database when that database is a SQLite file.

Why: Prefect 3.8.8 opens up to 15 aiosqlite connections to its file (SQLAlchemy's default
pool; its pool settings apply to PostgreSQL only). SQLite lets one of them write at a time, and
a connection waiting for the write lock waits in SQLite's busy handler, up to 60 s, holding its
own mutex. Under a burst of runs the garbage collector, in the event loop's thread, finalises a
cursor of such a connection and blocks on that mutex, while the write lock is held by a
transaction only the event loop can finish: the server stops for good (B4' in
benchmarks/NOTES.md, stack in its "SQLite at 10,000" section). With one connection no
statement ever waits on the write lock, and requests queue for the connection instead, which
is the order SQLite would have put their writes in anyway. On PostgreSQL nothing changes.

Usage: ``python -m ops.prefect_server server start --host 127.0.0.1 --port 4200`` (any
arguments of the ``prefect`` command).
"""

import sys
from typing import Any

import prefect.server.database.configurations as configurations
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool

QUEUE_TIMEOUT = 60.0
"""Seconds a request waits for the connection before it fails; Prefect's own wait for
SQLite's write lock (its ``PRAGMA busy_timeout``)."""


def one_connection_on_sqlite(url: Any, **kwargs: Any) -> AsyncEngine:
    """``create_async_engine`` as Prefect calls it, with a pool of one on SQLite."""
    if str(url).startswith("sqlite"):
        kwargs.update(
            poolclass=AsyncAdaptedQueuePool,
            pool_size=1,
            max_overflow=0,
            pool_timeout=QUEUE_TIMEOUT,
            pool_recycle=-1,
        )
    return create_async_engine(url, **kwargs)


def main() -> int:
    configurations.create_async_engine = one_connection_on_sqlite  # type: ignore[attr-defined]
    from prefect.cli import app

    sys.argv = ["prefect", *sys.argv[1:]]
    return app() or 0


if __name__ == "__main__":
    sys.exit(main())
