"""The scale-out shape: PostgreSQL for the application and for Prefect, two case workers on
the work pool and two API processes (what `make run-scaled` starts). Cases started at once
all complete."""

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psycopg
import pytest

from ops.run import LocalSystem
from tests.browser import free_ports
from tests.system.test_system import Officer, completed, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def fresh_database(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


@pytest.fixture(scope="module")
def scaled(tmp_path_factory):
    url = os.environ.get("KKM_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("KKM_REQUIRE_POSTGRES") == "1":
            pytest.fail("KKM_REQUIRE_POSTGRES=1 but KKM_TEST_POSTGRES_URL is not set")
        pytest.skip("PostgreSQL not configured (KKM_TEST_POSTGRES_URL)")
    host = url.split("://", 1)[1].rsplit("/", 1)[0]
    admin = f"postgresql://{host}/postgres"
    fresh_database(admin, "kkm_scale_app")
    fresh_database(admin, "kkm_scale_prefect")
    system = LocalSystem(
        var_dir=tmp_path_factory.mktemp("scaled"),
        ports=free_ports(),
        database_url=f"postgresql+psycopg://{host}/kkm_scale_app",
        prefect_database_url=f"postgresql+asyncpg://{host}/kkm_scale_prefect",
        workers=2,
        api_processes=2,
    )
    try:
        system.start_all(demo=False)
        yield system
    finally:
        system.stop()


def test_two_workers_on_postgresql_complete_every_case(scaled):
    def online_workers(pool: str) -> set[str]:
        with httpx.Client(base_url=scaled.prefect_api_url, timeout=10) as prefect:
            workers = prefect.post(f"/work_pools/{pool}/workers/filter", json={}).json()
        return {w["name"] for w in workers if w["status"] == "ONLINE"}

    wait_for(lambda: len(online_workers("cases")) == 2, what="2 workers on pool cases")
    api = scaled.procs["api"].pid
    children = Path(f"/proc/{api}/task/{api}/children").read_text().split()
    assert len(children) >= 2, children  # uvicorn's two API processes (and its helper, if any)

    author = Officer(scaled, "somchai")
    memo_ids = [
        author.http.post(
            "/api/memos", json={"subject": f"ขออนุมัติโครงการที่ {i}", "chain": "memo-delegated"}
        ).json()["id"]
        for i in range(6)
    ]
    approvers = {name: Officer(scaled, name) for name in ("wichai", "malee", "kanya")}
    for name in ("wichai", "malee", "kanya"):
        with ThreadPoolExecutor(max_workers=3) as pool:
            list(pool.map(approvers[name].approve, memo_ids))
    for memo_id in memo_ids:
        assert author.http.get(f"/api/memos/{memo_id}").json()["memo"]["status"] == "approved"
    wait_for(
        lambda: all(completed(scaled, m) for m in memo_ids), timeout=180, what="all runs completed"
    )
