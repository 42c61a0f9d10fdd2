"""`make run` restarts a Prefect server that has stopped answering (on SQLite, Prefect 3.8.8's
server can deadlock under load: B4' in benchmarks/NOTES.md). Here the server is frozen with
SIGSTOP, which leaves it as the deadlock does: alive, its port open, silent. Once it has been
silent for longer than ``prefect_stall``, the check restarts it, and cases move again. And the
case worker outlives a server that fails it while it hands a run over: Prefect's own worker
ends then, and took the case worker with it when the server was restarted in B4'."""

import os
import re
import signal
import threading
from pathlib import Path

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ops.run import PYTHON, LocalSystem
from ops.smtp_capture import free_port
from tests.browser import free_ports
from tests.system.test_system import Officer, paused_on, wait_for

pytestmark = pytest.mark.slow


def a_memo_reaches_its_first_step(system: LocalSystem, subject: str) -> None:
    """A memo submitted through the API; its run suspends on the first level (cases move)."""
    author = Officer(system, "somchai")
    r = author.http.post("/api/memos", json={"subject": subject, "chain": "memo-delegated"})
    assert r.status_code == 201, r.text
    memo_id = r.json()["id"]
    step = author.open_step(memo_id)
    wait_for(
        lambda: paused_on(system, memo_id, step["key"]),
        timeout=120,
        what=f"memo {memo_id}'s run suspended on its first step",
    )


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

        a_memo_reaches_its_first_step(system, "ขออนุมัติซ่อมไฟถนนหลังเริ่ม Prefect ใหม่")
    finally:
        system.stop()


class FaultyLink:
    """The case worker's line to Prefect's server, through a small HTTP proxy that answers
    500 to the first read of a deployment: what the worker meets when the server goes away
    just as it hands a run over (the request Prefect's worker does not guard)."""

    DEPLOYMENT_READ = re.compile(r"/api/deployments/[0-9a-f-]{36}")

    def __init__(self, target: str) -> None:
        self.target, self.failed = target, []
        self.port = free_port()
        app = Starlette(routes=[Route("/{path:path}", self.forward, methods=METHODS)])
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    async def forward(self, request: Request) -> Response:
        path = request.url.path
        if request.method == "GET" and self.DEPLOYMENT_READ.fullmatch(path) and not self.failed:
            self.failed.append(path)
            return Response(status_code=500)
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_HEADERS}
        async with httpx.AsyncClient(timeout=60) as client:
            answer = await client.request(
                request.method,
                self.target + path.removeprefix("/api"),
                params=request.query_params,
                content=await request.body(),
                headers=headers,
            )
        kept = {k: v for k, v in answer.headers.items() if k.lower() not in HOP_HEADERS}
        return Response(answer.content, status_code=answer.status_code, headers=kept)


METHODS = ["GET", "POST", "PATCH", "PUT", "DELETE"]
HOP_HEADERS = {"host", "content-length", "connection", "transfer-encoding", "content-encoding"}


def test_the_case_worker_outlives_a_failed_hand_over(tmp_path: Path) -> None:
    system = LocalSystem(var_dir=tmp_path, ports=free_ports(), workers=0)  # its own, below
    try:
        system.start_all(demo=False)
        link = FaultyLink(system.prefect_api_url)
        link.thread.start()
        system._spawn(
            "case-worker",
            [PYTHON, "-m", "flows.inprocess_worker", "--pool", "cases", "--name", "faulty"],
            env={"PREFECT_API_URL": link.url},
        )

        a_memo_reaches_its_first_step(system, "ขออนุมัติจัดซื้อยางรถยนต์")
        assert link.failed, "the fault was never met"
        assert system.procs["case-worker"].poll() is None
        assert "starting again" in (tmp_path / "case-worker.log").read_text()
        link.server.should_exit = True
    finally:
        system.stop()
