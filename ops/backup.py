"""Backups of the application database, taken while the system runs, and their restore.

    python -m ops.backup create --to FILE      # online: the system keeps running
    python -m ops.backup restore --from FILE   # into a fresh database, then alembic upgrade head

The database is ``KKM_DATABASE_URL`` (``--database-url`` overrides it):

- SQLite: SQLite's online backup API (``sqlite3.Connection.backup``) copies the database in one
  step, a consistent snapshot taken under a read lock; in WAL mode writers carry on meanwhile.
  The backup is a plain SQLite file. Restore copies it into place while the system is stopped
  (refused while any process has the database file open, or over a database that has data,
  unless ``--replace``: the old file is then kept beside it as ``<name>.before-restore-<time>``).
- PostgreSQL: ``pg_dump --format=custom`` (one consistent snapshot; nobody waits). Restore is
  ``pg_restore --clean --if-exists --no-owner --single-transaction`` into an existing, empty
  database (refused over one with tables, unless ``--replace``, and while others are connected
  to it).

Restore ends with ``alembic upgrade head``, so a backup of an older version is brought up to
the code's schema. Prefect's own database is not backed up: the reconcile sweep gives every
unfinished case a new flow run from the application database (README.md, "Backups")."""

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing, suppress
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from core.settings import PROJECT_ROOT, get_settings

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore refused or failed; the message is Thai, then English."""


@dataclass(frozen=True)
class Result:
    path: Path
    kind: str
    bytes: int
    tables: int


# --------------------------------------------------------------------------- helpers


def _url(database_url: str | None) -> URL:
    return make_url(database_url or get_settings().database_url)


def _kind(url: URL) -> str:
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise BackupError(
                "ฐานข้อมูล SQLite ในหน่วยความจำสำรองไม่ได้ / an in-memory SQLite has no backup"
            )
        return "sqlite"
    if url.get_backend_name() == "postgresql":
        return "postgresql"
    raise BackupError(f"ไม่รองรับฐานข้อมูลชนิด {url.get_backend_name()} / unsupported database")


def _kind_of_file(path: Path) -> str:
    with path.open("rb") as f:
        head = f.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    raise BackupError(
        f"{path} ไม่ใช่ไฟล์สำรองข้อมูลของระบบนี้ / {path} is not a backup made by ops.backup"
    )


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password, which goes in PGPASSWORD instead (not in
    the process list)."""
    plain = url.set(drivername="postgresql", password=None)
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    return plain.render_as_string(hide_password=False), env


def _pg_tool(name: str) -> str:
    """The newest installed ``pg_dump``/``pg_restore`` (a dump needs one at least as new as the
    server): Debian's /usr/lib/postgresql/<version>/bin, else the one on PATH."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    if versions:
        return str(versions[-1])
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"ไม่พบโปรแกรม {name} ติดตั้งแพ็กเกจ postgresql-client ก่อน / {name} not found: "
            "install postgresql-client"
        )
    return found


def _run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(
            f"{Path(args[0]).name} ไม่สำเร็จ / failed (exit {done.returncode}):\n"
            f"{done.stderr.strip()}"
        )


def _sqlite_tables(conn: sqlite3.Connection) -> int:
    return int(
        conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    )


def _pg_tables(url: URL) -> int:
    import psycopg

    uri, _ = _libpq(url)
    with psycopg.connect(uri, password=url.password, connect_timeout=10) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', "
            "'information_schema')"
        ).fetchone()
    return int(row[0]) if row else 0


def _pg_others_connected(url: URL) -> int:
    import psycopg

    uri, _ = _libpq(url)
    with psycopg.connect(uri, password=url.password, connect_timeout=10) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()
    return int(row[0]) if row else 0


def _holders(path: Path) -> Iterator[int]:
    """Processes (other than this one) with ``path`` or its WAL open, as /proc tells."""
    names = {str(path), f"{path}-wal", f"{path}-shm"}
    me = os.getpid()
    with suppress(OSError), os.scandir("/proc") as entries:
        for entry in entries:
            if not entry.name.isdigit() or int(entry.name) == me:
                continue
            with suppress(OSError):
                for fd in os.listdir(f"/proc/{entry.name}/fd"):
                    with suppress(OSError):
                        if os.readlink(f"/proc/{entry.name}/fd/{fd}") in names:
                            yield int(entry.name)
                            break


def _temporary(beside: Path) -> Path:
    return beside.with_name(f".{beside.name}.{os.getpid()}.partial")


# --------------------------------------------------------------------------- create


def create(to: Path, *, database_url: str | None = None) -> Result:
    """Back the application database up into ``to`` while the system runs (written beside it
    first, then renamed: ``to`` is never a half-written backup)."""
    url = _url(database_url)
    kind = _kind(url)
    to = to.resolve()
    to.parent.mkdir(parents=True, exist_ok=True)
    partial = _temporary(to)
    partial.unlink(missing_ok=True)
    try:
        if kind == "sqlite":
            source = Path(str(url.database)).resolve()
            if source == to:
                raise BackupError("ไฟล์สำรองต้องไม่ใช่ฐานข้อมูลเอง / the backup is the database")
            if not source.is_file():
                raise BackupError(f"ไม่พบฐานข้อมูล {source} / no database at {source}")
            with (
                closing(sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)) as src,
                closing(sqlite3.connect(partial)) as dst,
            ):
                src.execute("PRAGMA busy_timeout = 30000")
                src.backup(dst)  # all pages in one step: one consistent snapshot
                dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
                if (check := dst.execute("PRAGMA integrity_check").fetchone()[0]) != "ok":
                    raise BackupError(f"สำเนาเสียหาย / the copy fails its check: {check}")
                tables = _sqlite_tables(dst)
        else:
            uri, env = _libpq(url)
            _run([_pg_tool("pg_dump"), "--format=custom", f"--file={partial}", uri], env)
            tables = _pg_tables(url)
            _run([_pg_tool("pg_restore"), "--list", str(partial)], env)  # readable whole
        os.replace(partial, to)
    finally:
        partial.unlink(missing_ok=True)
    return Result(to, kind, to.stat().st_size, tables)


# --------------------------------------------------------------------------- restore


def _upgrade(url: URL) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["database_url"] = url.render_as_string(hide_password=False)
    command.upgrade(config, "head")


def restore(source: Path, *, database_url: str | None = None, replace: bool = False) -> Result:
    """Restore the backup ``source`` into the application database (a fresh one, or with
    ``replace`` one that has data), then bring its schema to head."""
    url = _url(database_url)
    kind = _kind(url)
    source = source.resolve()
    if not source.is_file():
        raise BackupError(f"ไม่พบไฟล์สำรอง {source} / no backup at {source}")
    made_by = _kind_of_file(source)
    if made_by != kind:
        raise BackupError(
            f"ไฟล์นี้สำรองจาก {made_by} กู้คืนลง {kind} ไม่ได้ / a {made_by} backup cannot be "
            f"restored into {kind}"
        )
    if kind == "sqlite":
        target = Path(str(url.database)).resolve()
        if holders := sorted(set(_holders(target))):
            pids = ", ".join(map(str, holders))
            raise BackupError(
                f"ฐานข้อมูล {target} ยังเปิดใช้อยู่ (PID {pids}) หยุดระบบก่อน / "
                f"{target} is in use by PID {pids}: stop the system first"
            )
        if target.is_file() and target.stat().st_size > 0:
            with closing(sqlite3.connect(f"{target.as_uri()}?mode=ro", uri=True)) as conn:
                has_tables = _sqlite_tables(conn) > 0
            if has_tables and not replace:
                raise BackupError(
                    f"ฐานข้อมูล {target} มีข้อมูลอยู่แล้ว ใช้ --replace หากต้องการแทนที่ / "
                    f"{target} has data: add --replace to restore over it"
                )
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = _temporary(target)
        partial.unlink(missing_ok=True)
        try:
            with (
                closing(sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)) as src,
                closing(sqlite3.connect(partial)) as dst,
            ):
                src.backup(dst)
                if (check := dst.execute("PRAGMA integrity_check").fetchone()[0]) != "ok":
                    raise BackupError(f"ไฟล์สำรองเสียหาย / the backup fails its check: {check}")
                tables = _sqlite_tables(dst)
            if target.exists():
                stamp = time.strftime("%Y%m%d-%H%M%S")
                os.replace(target, target.with_name(f"{target.name}.before-restore-{stamp}"))
            for stale in (f"{target}-wal", f"{target}-shm"):  # never replay an old WAL on it
                Path(stale).unlink(missing_ok=True)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    else:
        if (others := _pg_others_connected(url)) > 0:
            raise BackupError(
                f"มีการเชื่อมต่ออื่นกับฐานข้อมูลนี้อยู่ {others} รายการ หยุดระบบก่อน / "
                f"{others} other connections to the database: stop the system first"
            )
        if _pg_tables(url) > 0 and not replace:
            raise BackupError(
                "ฐานข้อมูลปลายทางมีตารางอยู่แล้ว ใช้ฐานข้อมูลใหม่ (createdb) หรือ --replace / "
                "the target database has tables: restore into a new one (createdb), or --replace"
            )
        uri, env = _libpq(url)
        _run(
            [
                _pg_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={uri}",
                str(source),
            ],
            env,
        )
        tables = _pg_tables(url)
    _upgrade(url)
    return Result(source, kind, source.stat().st_size, tables)


# --------------------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ops.backup",
        description=__doc__,
        formatter_class=argparse.RawTextHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("create", help="back the database up while the system runs")
    make.add_argument("--to", type=Path, required=True, metavar="FILE")
    back = commands.add_parser("restore", help="restore a backup into a fresh database")
    back.add_argument("--from", dest="source", type=Path, required=True, metavar="FILE")
    back.add_argument(
        "--replace", action="store_true", help="restore over a database that has data"
    )
    for sub in (make, back):
        sub.add_argument(
            "--database-url", help="instead of KKM_DATABASE_URL (SQLAlchemy URL)", default=None
        )
    args = parser.parse_args(argv)
    try:
        if args.command == "create":
            done = create(args.to, database_url=args.database_url)
            print(
                f"สำรองข้อมูลแล้ว / backup written: {done.path} "
                f"({done.kind}, {done.tables} tables, {done.bytes:,} bytes)"
            )
        else:
            done = restore(args.source, database_url=args.database_url, replace=args.replace)
            print(
                f"กู้คืนข้อมูลแล้ว / restored from {done.path} ({done.kind}, {done.tables} "
                "tables); schema at head (alembic upgrade head)"
            )
    except BackupError as refused:
        print(refused, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
