"""Backups (ops/backup.py): a backup taken while the system works is restored into a fresh
database, on SQLite and on PostgreSQL, and the system carries on from it: the API decides the
next steps of a memo and a complaint caught mid-way, audit chains verify, new complaints get
the next numbers. A backup taken while complaints keep arriving holds a consistent prefix of
them. Restores that would overwrite data, or a database in use, are refused."""

import os
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from alembic import command
from alembic.config import Config
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, col, func, select

from api.deps import get_db_engine, get_orchestrator
from api.main import app
from core.db import make_engine
from core.settings import PROJECT_ROOT
from domain.complaints import service as complaints
from domain.complaints.states import CASE_TYPE as COMPLAINT
from domain.engine import audit
from domain.memo import service as memos
from models.audit import AuditEntry
from models.complaint import Channel, Complaint, ComplaintStatus
from models.memo import Memo, MemoCreate
from models.people import User
from models.steps import HumanStep, StepStatus
from ops import backup
from tests.helpers import act, login

COMPLAINT_FORM = {
    "category": "street-light",
    "description": "ไฟฟ้าส่องสว่างหน้าโรงเรียนดับ 3 คืนแล้ว",
    "address": "ถนนหน้าเมือง ต.ในเมือง อ.เมืองขอนแก่น",
    "complainant": {"name": "นายทดสอบ สำรองข้อมูล", "phone": "0812345678"},
}


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def stamp_head(engine: Engine) -> None:
    """The test schema is built from the models; a real database carries Alembic's version
    (restore runs ``alembic upgrade head`` on what it restored)."""
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["database_url"] = url_of(engine)
    command.stamp(config, "head")


@pytest.fixture
def target(engine: Engine, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh database to restore into: a new SQLite file, or a new PostgreSQL
    database on the test server (dropped afterwards)."""
    if engine.dialect.name == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored' / 'app.db'}"
        return
    name = f"kkm_restore_{secrets.token_hex(4)}"
    admin = make_url(url_of(engine)).set(drivername="postgresql")
    admin_uri = admin.render_as_string(hide_password=False)
    with psycopg.connect(admin_uri, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.set(drivername="postgresql+psycopg", database=name).render_as_string(
            hide_password=False
        )
    finally:
        with psycopg.connect(admin_uri, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_cli(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    """``python -m ops.backup …`` as documented, the database from KKM_DATABASE_URL."""
    return subprocess.run(
        [sys.executable, "-m", "ops.backup", *args],
        cwd=PROJECT_ROOT,
        env=os.environ | {"KKM_DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=180,
    )


def decide_in_inbox(
    client: TestClient, username: str, case_type: str, case_id: int, **form: Any
) -> dict[str, Any]:
    headers = login(client, username)
    inbox = client.get("/api/inbox", headers=headers)
    assert inbox.status_code == 200, inbox.text
    (step,) = [
        i["step"]
        for i in inbox.json()
        if i["step"]["case_type"] == case_type and i["step"]["case_id"] == case_id
    ]
    r = client.post(f"/api/steps/{step['id']}/decision", json=form, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


def api_on(engine: Engine) -> TestClient:
    app.dependency_overrides[get_db_engine] = lambda: engine
    app.dependency_overrides[get_orchestrator] = lambda: None
    return TestClient(app)


def chains_verify(engine: Engine) -> int:
    """Every case's audit chain verifies; the number of chains."""
    with Session(engine) as s:
        cases = s.exec(select(AuditEntry.case_type, AuditEntry.case_id).distinct()).all()
        for case_type, case_id in cases:
            entries = audit.timeline(s, case_type=case_type, case_id=case_id)
            assert entries and audit.verify(entries).valid, (case_type, case_id)
    return len(cases)


def counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as s:
        return {
            model.__name__: s.exec(select(func.count()).select_from(model)).one()
            for model in (User, Memo, Complaint, HumanStep, AuditEntry)
        }


def test_backup_restored_into_a_fresh_database_carries_on(
    engine: Engine, seeded: dict[str, User], target: str, tmp_path: Path
) -> None:
    stamp_head(engine)
    # Mid-way: a memo past its first level, a complaint waiting for the centre's check.
    memo = memos.propose(
        engine, author_id=seeded["somchai"].id, data=MemoCreate(subject="ขออนุมัติจัดซื้อวัสดุ")
    )
    act(engine, seeded["wichai"], memo.id, outcome="approve")
    filed = complaints.submit(engine, data=COMPLAINT_FORM, channel=Channel.web)
    before = counts(engine)

    file = tmp_path / "backups" / "kkm.backup"
    made = run_cli("create", "--to", str(file), database_url=url_of(engine))
    assert made.returncode == 0, made.stderr
    assert "สำรองข้อมูลแล้ว" in made.stdout and file.stat().st_size > 0
    assert not list(file.parent.glob(".*partial"))

    assert backup.main(["restore", "--from", str(file), "--database-url", target]) == 0
    restored = make_engine(target)
    try:
        assert counts(restored) == before
        assert chains_verify(restored) == 2
        with api_on(restored) as client:
            decided = decide_in_inbox(client, "malee", "memo", memo.id, outcome="approve")
            assert decided["step"]["level"] == "director" and decided["step_closed"]
            decide_in_inbox(client, "nipa", COMPLAINT, filed.complaint.id, action="route")
            timeline = client.get(
                f"/api/cases/memo/{memo.id}/timeline", headers=login(client, "somchai")
            )
            assert timeline.status_code == 200 and timeline.json()["chain_valid"] is True
        app.dependency_overrides.clear()
        with Session(restored) as s:
            assert s.get(Complaint, filed.complaint.id).status == ComplaintStatus.routed
            open_memo_steps = s.exec(
                select(HumanStep).where(
                    HumanStep.case_type == "memo",
                    HumanStep.case_id == memo.id,
                    HumanStep.status == StepStatus.open,
                )
            ).all()
            assert [st.level for st in open_memo_steps] == ["deputy-perm-sec"]
        # Identities continue where the backup ended (PostgreSQL's sequences came along).
        again = complaints.submit(restored, data=COMPLAINT_FORM, channel=Channel.web)
        assert again.complaint.id == filed.complaint.id + 1
        assert again.complaint.number[-6:] == f"{int(filed.complaint.number[-6:]) + 1:06d}"
        assert chains_verify(restored) == 3
    finally:
        app.dependency_overrides.clear()
        restored.dispose()
    # The original was not touched by any of it.
    assert counts(engine) == before


def test_backup_while_complaints_arrive_is_a_consistent_snapshot(
    engine: Engine, seeded: dict[str, User], target: str, tmp_path: Path
) -> None:
    stamp_head(engine)
    stop = threading.Event()
    filed: list[str] = []
    failed: list[BaseException] = []

    def keep_filing() -> None:
        try:
            while not stop.is_set():
                n = len(filed) + 1  # one complainant each: complainants are throttled
                data = COMPLAINT_FORM | {
                    "description": f"ทางเท้าชำรุด จุดที่ {n}",
                    "complainant": {"name": f"นายผู้ร้อง ที่ {n}", "phone": f"08{n:08d}"},
                }
                filed.append(
                    complaints.submit(engine, data=data, channel=Channel.web).complaint.number
                )
        except BaseException as exc:  # pragma: no cover - reported below
            failed.append(exc)

    writer = threading.Thread(target=keep_filing, daemon=True)
    writer.start()
    try:
        deadline = time.monotonic() + 60
        while len(filed) < 5 and time.monotonic() < deadline and not failed:
            time.sleep(0.05)
        file = tmp_path / "busy.backup"
        before_backup = len(filed)
        assert backup.main(["create", "--to", str(file), "--database-url", url_of(engine)]) == 0
        at_backup = len(filed)
        while len(filed) < at_backup + 3 and time.monotonic() < deadline and not failed:
            time.sleep(0.05)
    finally:
        stop.set()
        writer.join(timeout=60)
    assert not failed, failed
    assert len(filed) >= at_backup + 3  # writing went on during and after the backup

    assert backup.main(["restore", "--from", str(file), "--database-url", target]) == 0
    restored = make_engine(target)
    try:
        with Session(restored) as s:
            numbers = list(s.exec(select(Complaint.number).order_by(col(Complaint.id))))
            complaints_ids = list(s.exec(select(Complaint.id)))
            with_step = set(
                s.exec(select(HumanStep.case_id).where(HumanStep.case_type == COMPLAINT))
            )
        # A prefix of what was filed, each complaint whole: its first step and audit chain.
        assert before_backup <= len(numbers) < len(filed)
        assert numbers == filed[: len(numbers)]
        assert set(complaints_ids) == with_step
        assert chains_verify(restored) == len(numbers)
        with api_on(restored) as client:
            decide_in_inbox(client, "nipa", COMPLAINT, complaints_ids[-1], action="route")
    finally:
        app.dependency_overrides.clear()
        restored.dispose()


def test_restore_refuses_to_overwrite_data_or_a_database_in_use(
    engine: Engine, seeded: dict[str, User], tmp_path: Path
) -> None:
    stamp_head(engine)
    file = tmp_path / "kkm.backup"
    assert backup.main(["create", "--to", str(file), "--database-url", url_of(engine)]) == 0
    # Over the live database itself: it has data, and (here) this process has it open.
    with engine.connect():
        refused = run_cli("restore", "--from", str(file), database_url=url_of(engine))
    assert refused.returncode == 1
    if engine.dialect.name == "sqlite":
        assert f"PID {os.getpid()}" in refused.stderr and "หยุดระบบก่อน" in refused.stderr
    else:
        assert "other connections" in refused.stderr and "หยุดระบบก่อน" in refused.stderr
    assert "กู้คืนข้อมูลแล้ว" not in refused.stdout
    # A backup of the other kind of database is refused before anything is touched.
    other = tmp_path / "other.backup"
    if engine.dialect.name == "sqlite":
        other.write_bytes(backup.PG_DUMP_MAGIC + b"\0" * 100)
    else:
        other.write_bytes(backup.SQLITE_MAGIC + b"\0" * 100)
    with pytest.raises(backup.BackupError, match="cannot be restored"):
        backup.restore(other, database_url=url_of(engine))


def test_restore_over_a_stopped_sqlite_database_needs_replace_and_keeps_the_old_file(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["database_url"] = url
    command.upgrade(config, "head")
    file = tmp_path / "empty-schema.backup"
    backup.create(file, database_url=url)
    with pytest.raises(backup.BackupError, match="--replace"):
        backup.restore(file, database_url=url)
    backup.restore(file, database_url=url, replace=True)
    assert len(list(tmp_path.glob("app.db.before-restore-*"))) == 1
