"""The reconcile sweep leaves a new case's run to the API's bulk start for a grace period (it
started them one by one, every minute, while the API was starting them in bulk: B4' in
benchmarks/NOTES.md), and starts every run asked for when told to (`ops/sync.py`, which
`make run` calls after seeding: no API queue asked for the seeded cases)."""

import asyncio
from datetime import timedelta

import pytest
from prefect.settings import PREFECT_API_URL, temporary_settings
from sqlmodel import Session, select

from adapters.orchestrator import Orchestrator
from core.db import make_engine, session_scope
from core.settings import get_settings
from domain.memo.rules import create_memo
from models.memo import MemoCreate
from models.people import User
from models.steps import CaseRun
from ops.run import LocalSystem

pytestmark = pytest.mark.slow


def test_a_new_case_waits_for_the_api_unless_the_sweep_is_told(system: LocalSystem) -> None:
    engine = make_engine(system.env()["KKM_DATABASE_URL"])
    with session_scope(engine) as session:
        author = session.exec(select(User).where(User.username == "somchai")).one()
        memo_id = create_memo(
            session,
            data=MemoCreate(subject="ขออนุมัติจัดซื้อวัสดุสำนักงาน", chain="memo-delegated"),
            originator=author,
            chains_file=get_settings().chains_file,
        ).id

    def flow_run_id() -> str | None:
        with Session(engine) as session:
            return session.exec(
                select(CaseRun.flow_run_id).where(
                    CaseRun.case_type == "memo", CaseRun.case_id == memo_id
                )
            ).one()

    orchestrator = Orchestrator(engine)
    with temporary_settings({PREFECT_API_URL: system.prefect_api_url}):
        asyncio.run(orchestrator.reconcile())
        assert flow_run_id() is None  # asked for a moment ago: the API's to start
        report = asyncio.run(orchestrator.reconcile(new_case_grace=timedelta(0)))
    assert f"memo-{memo_id}" in report.started
    assert flow_run_id() is not None
    engine.dispose()
