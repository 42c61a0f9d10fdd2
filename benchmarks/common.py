"""Shared pieces: a result row, percentiles, the machine description, a system to measure,
an officer client, and the resident memory of a process tree."""

import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from core.settings import get_settings
from domain.complaints.policy import with_intake_limits
from ops.run import LocalSystem, Ports, case_flow_run
from ops.seed import DEMO_PASSWORD
from ops.smtp_capture import free_port


@dataclass
class Row:
    """One line of the table: a figure, its goal, the baseline measured in the same run."""

    bench: str
    figure: str
    value: str
    goal: str
    baseline: str
    ratio: str
    met: bool | None
    note: str = ""
    source: str = ""  # the benchmarks/__main__ name that produced the row (b1 … pg)

    def print(self) -> None:
        status = {True: "met", False: "MISSED", None: "-"}[self.met]
        print(
            f"[{self.bench}] {self.figure}: {self.value} (goal {self.goal}; {status}); "
            f"baseline {self.baseline}; ratio {self.ratio}. {self.note}".rstrip(),
            flush=True,
        )


def pct(values: Iterable[float], p: float) -> float:
    """The ``p``-th percentile (nearest rank, so p95 of few samples is the worst but one)."""
    data = sorted(values)
    if not data:
        return float("nan")
    rank = max(1, min(len(data), round(p / 100 * len(data) + 0.5)))
    return data[rank - 1]


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def ratio(baseline: float, ours: float) -> str:
    """How many times better ours is than the baseline (lower is better for both)."""
    if ours <= 0:
        return "∞"
    return f"{baseline / ours:.1f}×"


def log(msg: str) -> None:
    print(f"  {time.strftime('%H:%M:%S')} {msg}", file=sys.stderr, flush=True)


def machine() -> dict[str, str]:
    """CPU model, cores, RAM, Python, SQLite and PostgreSQL versions."""
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        kb = int(next(line for line in f if line.startswith("MemTotal")).split()[1])
    server = pg_version()
    if server:
        pg = f"PostgreSQL {server} on the same machine (scale-out rows only)"
    else:
        try:
            pg = subprocess.run(
                ["bash", "-c", "ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1"],
                capture_output=True,
                text=True,
                timeout=10,
            ).stdout.strip()
            pg = f"PostgreSQL {pg} installed, not running" if pg else "not installed"
        except (OSError, subprocess.SubprocessError):
            pg = "unknown"
    return {
        "CPU": cpu,
        "cores": str(os.cpu_count()),
        "RAM": f"{kb / 1024 / 1024:.1f} GiB",
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "PostgreSQL": pg,
    }


def temp_dir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=f"kkm-bench-{prefix}-"))


PG_ADMIN = os.environ.get("KKM_BENCH_POSTGRES", "postgresql://kkm:kkm@127.0.0.1:55432/postgres")
"""The PostgreSQL server of the scale-out rows (its ``postgres`` database, for CREATE DATABASE)."""
PG_APP_DB = os.environ.get("KKM_BENCH_APP_DB", "kkm_bench_app")
PG_PREFECT_DB = os.environ.get("KKM_BENCH_PREFECT_DB", "kkm_bench_prefect")
"""The scale-out rows' databases, dropped and created afresh by each run."""


def fresh_pg_database(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def pg_version() -> str:
    import psycopg

    try:
        with psycopg.connect(PG_ADMIN, connect_timeout=5) as conn:
            return str(conn.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]
    except Exception:  # noqa: BLE001
        return ""


def new_system(
    prefix: str,
    *,
    extra_env: dict[str, str] | None = None,
    postgres: bool = False,
    workers: int = 1,
) -> LocalSystem:
    """A system on free ports in a temporary directory; ``postgres``: the scale-out shape,
    fresh databases kkm_bench_app and kkm_bench_prefect on ``PG_ADMIN``'s server. Public
    intake's limits are raised far past any burst (B1 sends 400 complaints in ~2 s from one
    client with one contact) so that a benchmark measures intake, not the limiter: the counts
    are still kept, as in production."""
    var_dir = temp_dir(prefix)
    policy = with_intake_limits(
        get_settings().complaints_file,
        var_dir / "complaints.toml",
        limit_per_client=10_000_000,
        limit_per_contact=10_000_000,
        limit_overall=10_000_000,
    )
    system = LocalSystem(
        var_dir=var_dir,
        ports=Ports(api=free_port(), prefect=free_port(), smtp=free_port()),
        extra_env={"KKM_COMPLAINTS_FILE": str(policy), **(extra_env or {})},
        workers=workers,
        api_processes=2 if postgres else 1,  # as `make run-scaled`
    )
    if postgres:
        host = PG_ADMIN.split("://", 1)[1].rsplit("/", 1)[0]
        fresh_pg_database(PG_APP_DB)
        fresh_pg_database(PG_PREFECT_DB)
        system.database_url = f"postgresql+psycopg://{host}/{PG_APP_DB}"
        system.prefect_database_url = f"postgresql+asyncpg://{host}/{PG_PREFECT_DB}"
    return system


class Officer:
    """A signed-in officer talking to the API (as tests/test_system.py does)."""

    def __init__(self, api_url: str, username: str) -> None:
        self.http = httpx.Client(base_url=api_url, timeout=60)
        r = self.http.post(
            "/api/auth/token", data={"username": username, "password": DEMO_PASSWORD}
        )
        r.raise_for_status()
        self.http.headers["Authorization"] = f"Bearer {r.json()['access_token']}"

    def steps(self, memo_id: int) -> list[dict[str, Any]]:
        r = self.http.get(f"/api/memos/{memo_id}")
        r.raise_for_status()
        return r.json()["steps"]

    def open_step(self, memo_id: int) -> dict[str, Any] | None:
        return next((s for s in self.steps(memo_id) if s["status"] == "open"), None)

    def decide(self, step_id: int, outcome: str = "approve") -> httpx.Response:
        return self.http.post(f"/api/steps/{step_id}/decision", json={"outcome": outcome})


def paused_key(prefect: httpx.Client, case_id: int, case_type: str = "memo") -> str | None:
    run = case_flow_run(prefect, case_type, case_id)
    if run is None or run["state"]["type"] != "PAUSED":
        return None
    return run["state"]["state_details"].get("pause_key")


def wait_for(predicate: Callable[[], Any], timeout: float, what: str, every: float = 0.5) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        kids.setdefault(ppid, []).append(int(entry))
    return kids


def rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def process_tree(pids: Iterable[int]) -> set[int]:
    """``pids`` and all their descendants."""
    kids = _children()
    todo = list(pids)
    seen: set[int] = set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        todo.extend(kids.get(pid, []))
    return seen


def tree_rss(system: LocalSystem) -> tuple[int, int]:
    """(sum of VmRSS in KiB, number of processes) over the system's processes and their
    descendants."""
    seen = process_tree(p.pid for p in system.procs.values() if p.poll() is None)
    return sum(rss_kib(pid) for pid in seen), len(seen)


def component_rss(system: LocalSystem) -> dict[str, int]:
    """VmRSS in KiB per component of the system (each with its descendants: a sweep's run
    in flight is counted with the worker that started it)."""
    return {
        name: sum(rss_kib(pid) for pid in process_tree([p.pid]))
        for name, p in system.procs.items()
        if p.poll() is None
    }


def mib(kib: float) -> str:
    return f"{kib / 1024:.0f} MiB"
