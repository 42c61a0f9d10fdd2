"""`make run` restarts a Prefect server that has stopped answering (on SQLite, Prefect 3.8.8's
server can deadlock under load: B4' in benchmarks/NOTES.md). Here the server is frozen with
SIGSTOP, which leaves it as the deadlock does: alive, its port open, silent. Once it has been
silent for longer than ``prefect_stall``, the check restarts it, and cases move again."""

import os
import signal
from pathlib import Path

import pytest

from ops.run import LocalSystem
from tests.browser import free_ports
from tests.system.test_system import Officer, paused_on, wait_for

pytestmark = pytest.mark.slow


def test_a_silent_prefect_server_is_restarted_and_cases_move_again(tmp_path: Path) -> None:
    system = LocalSystem(var_dir=tmp_path, ports=free_ports())
    system.prefect_stall = 5
    try:
        system.start_all(demo=False)
        assert not system.restart_stalled_prefect()  # it answers: left alone
        frozen = system.procs["prefect-server"].pid
        os.killpg(frozen, signal.SIGSTOP)
        assert not system.restart_stalled_prefect()  # silent, but not for long yet
        wait_for(system.restart_stalled_prefect, timeout=60, what="the silent server restarted")
        assert system.procs["prefect-server"].pid != frozen
        assert not system.restart_stalled_prefect()

        author = Officer(system, "somchai")
        r = author.http.post(
            "/api/memos",
            json={"subject": "ขออนุมัติซ่อมไฟถนนหลังเริ่ม Prefect ใหม่", "chain": "memo-delegated"},
        )
        assert r.status_code == 201, r.text
        memo_id = r.json()["id"]
        step = author.open_step(memo_id)
        wait_for(
            lambda: paused_on(system, memo_id, step["key"]),
            timeout=120,
            what="the new memo's run suspended on its first step",
        )
    finally:
        system.stop()
