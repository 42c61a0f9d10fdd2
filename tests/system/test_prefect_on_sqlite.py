"""Prefect's server on its SQLite file keeps one database connection, however many requests
come at once (ops/prefect_server.py): with more, a statement waiting on SQLite's write lock
deadlocked the server under the garbage collector (B4' in benchmarks/NOTES.md). Started as
``prefect server start`` starts it, the server opens one per concurrent request, up to 15
(12 here)."""

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from ops.run import LocalSystem
from tests.browser import free_ports

pytestmark = pytest.mark.slow


def open_files(pid: int, path: Path) -> int:
    """How many of the process's file descriptors are open on ``path`` (one per SQLite
    connection: each opens the database file once)."""
    fds = Path(f"/proc/{pid}/fd")
    return sum(1 for fd in fds.iterdir() if os.path.realpath(fd) == str(path.resolve()))


def test_prefect_on_sqlite_writes_through_one_connection(tmp_path: Path) -> None:
    system = LocalSystem(var_dir=tmp_path, ports=free_ports())
    try:
        system.start_prefect_server()

        def write_and_read(client_no: int) -> None:
            with httpx.Client(base_url=system.prefect_api_url, timeout=60) as prefect:
                for n in range(10):
                    flow = {"name": f"flow-{client_no}-{n}"}
                    prefect.post("/flows/", json=flow).raise_for_status()
                    prefect.post("/flow_runs/filter", json={"limit": 10}).raise_for_status()

        with ThreadPoolExecutor(12) as clients:
            list(clients.map(write_and_read, range(12)))

        flows = httpx.post(f"{system.prefect_api_url}/flows/count", json={}).json()
        assert flows == 120  # every request was served, none refused while it queued
        server = system.procs["prefect-server"].pid
        assert open_files(server, tmp_path / "prefect" / "prefect.db") == 1
    finally:
        system.stop()
