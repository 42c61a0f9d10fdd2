"""`make run`: the whole system on its embedded defaults, in one terminal.

Starts a local SMTP capture, a Prefect server (its own SQLite file, or PostgreSQL with
--postgres), applies the migrations and demo data to the application database, deploys
prefect.yaml, starts the case worker (the in-process worker that runs every flow, case flows
and scheduled sweeps alike) and the API, starts the demo cases' flow runs, prints where to
open everything, and stops all of it on Ctrl-C, SIGTERM or SIGHUP. `LocalSystem` is also what
the end-to-end tests start and kill.

Stopping leaves no process behind, however the runner ends:

- Ctrl-C, SIGTERM, SIGHUP (a terminal, ``make``, systemd, Docker, a CI runner): the runner
  stops every component politely (each in its own process group), then kills what is left of
  each group and every process that still carries the run's ``KKM_RUN_TOKEN`` in its
  environment (e.g. a process one of them started in a session of its own).
- The runner killed outright (SIGKILL, a crash): a small watchdog process, started first, in a
  session of its own, reads a pipe from the runner that nothing else holds. The pipe ends when
  the runner's process ends, however it ends; the watchdog then does the same clean-up. Unlike
  ``PR_SET_PDEATHSIG`` on each child it also reaches the grandchildren (uvicorn's worker
  processes, flow runs), needs no ``preexec_fn`` and is not tied to the thread that started
  the child.
- One system per ``var/``: the runner holds an ``flock`` on ``var/run.lock`` (the watchdog holds
  it too, until the clean-up is over); a second runner says who holds it and on which ports,
  and exits with status 3, as it does when a port is taken by something else."""

import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
import unicodedata
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import IO, Any

import httpx

from core.settings import PROJECT_ROOT
from ops.run_lock import (
    ALREADY_RUNNING,
    RUN_TOKEN,
    STOP_SIGNALS,
    AlreadyRunning,
    Ports,
    RunLock,
    StopRequested,
    busy_ports,
    finish_off,
)

PYTHON = sys.executable
PREFECT = str(Path(sys.executable).with_name("prefect"))


def case_flow_run(prefect: httpx.Client, case_type: str, case_id: int) -> dict[str, Any] | None:
    """The case's newest flow run as the Prefect API reports it (runs are named
    ``<type>-<id>``, and ``<type>-<id>-<attempt>`` after a repair)."""
    name = f"{case_type}-{case_id}"
    runs = prefect.post(
        "/flow_runs/filter", json={"flow_runs": {"name": {"like_": name}}, "limit": 50}
    ).json()
    mine = [r for r in runs if r["name"] == name or r["name"].startswith(f"{name}-")]
    return max(mine, key=lambda r: r["created"]) if mine else None


PREFECT_SERVICES_OFF = {
    f"PREFECT_SERVER_SERVICES_{name}_ENABLED": "false"
    for name in ("LATE_RUNS", "PAUSE_EXPIRATIONS")
}
"""Prefect services this system does without on any database: nobody watches for late runs
(the case worker polls every 0.5 s) and suspends have no timeout. The late-runs service also
marks a run Late while a worker is taking it (after a burst, hundreds at once), which
left those runs stranded between Pending and Late (B4' in benchmarks/NOTES.md)."""
SQLITE_PREFECT_SERVICES_OFF = PREFECT_SERVICES_OFF | {
    f"PREFECT_SERVER_SERVICES_{name}_ENABLED": "false"
    for name in ("TRIGGERS", "TASK_RUN_RECORDER", "EVENT_PERSISTER")
}
"""On SQLite also: no automations; task runs and the event feed are not kept (flow runs,
states and logs are). Each is one more writer holding up the case flows' state changes (B2 in
benchmarks/NOTES.md); on PostgreSQL they run."""


@dataclass
class LocalSystem:
    """The processes of one system, sharing one environment built from ``var_dir``."""

    var_dir: Path
    ports: Ports = field(default_factory=Ports)
    database_url: str | None = None
    prefect_database_url: str | None = None
    workers: int = 1
    """Case workers (pool ``cases``); 0 for a system whose flows nobody runs (a test that
    starts its own worker, B1)."""
    api_processes: int = 1
    """uvicorn worker processes. More than one pays on PostgreSQL; on SQLite they only
    contend for the one write lock (B1 in benchmarks/NOTES.md: slower with two)."""
    extra_env: dict[str, str] = field(default_factory=dict)
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    token: str = field(default_factory=lambda: secrets.token_hex(12))
    """``KKM_RUN_TOKEN`` of this run's processes (see ``finish_off``)."""
    keep_open: tuple[int, ...] = ()
    """File descriptors the watchdog holds until its clean-up is over (the run lock)."""
    _watchdog: "subprocess.Popen[bytes] | None" = None
    prefect_stall: float = 180.0
    """Seconds Prefect's server may go without answering before ``restart_stalled_prefect``
    restarts it. Under a burst on SQLite it may answer its health check only after 10-20 s for
    minutes on end (its requests queue for its one connection, ``ops/prefect_server.py``);
    restarting it then only starts the burst's work again."""
    _prefect_silent_since: float | None = None

    @property
    def prefect_api_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.prefect}/api"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.api}"

    def env(self) -> dict[str, str]:
        self.var_dir.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        env.update(
            {
                "KKM_PROJECT_DIR": str(PROJECT_ROOT),
                # A developer's machine: the default secret key is allowed (core.settings).
                "KKM_ENV": os.environ.get("KKM_ENV", "development"),
                "KKM_DATABASE_URL": self.database_url or f"sqlite:///{self.var_dir / 'app.db'}",
                "KKM_SMTP_PORT": str(self.ports.smtp),
                "KKM_MAIL_CAPTURE_DIR": str(self.var_dir / "mail"),
                "KKM_PUBLIC_BASE_URL": self.api_url,
                "PREFECT_HOME": str(self.var_dir / "prefect"),
                "PREFECT_API_URL": self.prefect_api_url,
                "PREFECT_API_DATABASE_CONNECTION_URL": self.prefect_database_url
                or f"sqlite+aiosqlite:///{self.var_dir / 'prefect' / 'prefect.db'}",
                "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                "PREFECT_UI_ENABLED": "true",
                "PREFECT_LOGGING_LEVEL": "WARNING",
                # How soon a resumed run is picked up again (B2 in docs/benchmarks.md).
                "PREFECT_WORKER_QUERY_SECONDS": "0.5",
                "PREFECT_WORKER_PREFETCH_SECONDS": "5",
                "PYTHONPATH": str(PROJECT_ROOT),
                RUN_TOKEN: self.token,
            }
        )
        sqlite = self.prefect_database_url is None
        env.update(SQLITE_PREFECT_SERVICES_OFF if sqlite else PREFECT_SERVICES_OFF)
        env.update(self.extra_env)
        return env

    def _tell_watchdog(self, line: str) -> None:
        """Tell the watchdog of a process group to end if the runner dies (started first)."""
        if self._watchdog is None or self._watchdog.poll() is not None:
            self.var_dir.mkdir(parents=True, exist_ok=True)
            log = (self.var_dir / "watchdog.log").open("ab")
            code = "import sys; from ops.run_lock import watchdog; watchdog(sys.argv[1])"
            self._watchdog = subprocess.Popen(
                [PYTHON, "-c", code, self.token],
                cwd=PROJECT_ROOT,
                stdin=subprocess.PIPE,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # out of reach of the runner's Ctrl-C and group kills
                pass_fds=self.keep_open,
            )
            log.close()
            line = "".join(f"+{p.pid}\n" for p in self.procs.values()) + line
        stdin: IO[bytes] | None = self._watchdog.stdin
        with suppress(OSError, ValueError):
            assert stdin is not None
            stdin.write(f"{line}\n".encode())
            stdin.flush()

    def _close_watchdog(self) -> None:
        if self._watchdog is None:
            return
        with suppress(OSError, ValueError):
            assert self._watchdog.stdin is not None
            self._watchdog.stdin.close()
        with suppress(subprocess.TimeoutExpired):
            self._watchdog.wait(timeout=20)
        self._watchdog = None

    def _popen(
        self, args: list[str], env: dict[str, str], **kwargs: Any
    ) -> "subprocess.Popen[Any]":
        """A process in a process group of its own (stopping or killing it reaches its children
        too: uvicorn's worker processes), known to the watchdog."""
        self._tell_watchdog("")  # the watchdog first: nothing runs unwatched
        proc = subprocess.Popen(args, cwd=PROJECT_ROOT, env=env, start_new_session=True, **kwargs)
        self._tell_watchdog(f"+{proc.pid}")
        return proc

    def _spawn(self, name: str, args: list[str], env: dict[str, str] | None = None) -> None:
        env = self.env() | (env or {})  # makes var_dir too
        with (self.var_dir / f"{name}.log").open("ab") as log:
            self.procs[name] = self._popen(args, env, stdout=log, stderr=subprocess.STDOUT)

    def run(self, args: list[str], *, check: bool = True) -> str:
        proc = self._popen(
            args, self.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        try:
            out, err = proc.communicate(timeout=300)
        except BaseException:  # a timeout, or the runner told to stop meanwhile
            with suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise
        finally:
            self._tell_watchdog(f"-{proc.pid}")
        if check and proc.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed:\n{out}\n{err}")
        return str(out)

    @staticmethod
    def _wait_http(url: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if httpx.get(url, timeout=2).status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise TimeoutError(f"{url} did not answer within {timeout:.0f}s")

    def start_smtp(self) -> None:
        self._spawn(
            "smtp",
            [
                PYTHON,
                "-m",
                "ops.smtp_capture",
                "--port",
                str(self.ports.smtp),
                "--dir",
                str(self.var_dir / "mail"),
            ],
        )

    def start_prefect_server(self) -> None:
        (self.var_dir / "prefect").mkdir(parents=True, exist_ok=True)
        self._spawn(
            "prefect-server",
            [PYTHON, "-m", "ops.prefect_server", "server", "start"]
            + ["--host", "127.0.0.1", "--port", str(self.ports.prefect)],
        )
        self._wait_http(f"{self.prefect_api_url}/health", timeout=120)

    def restart_stalled_prefect(self) -> bool:
        """Restart Prefect's server once it has not answered its health check for
        ``prefect_stall`` seconds; True if it was restarted. With several connections to its
        SQLite file, Prefect 3.8.8's server stopped for good under load (B4' in
        benchmarks/NOTES.md); ``ops/prefect_server.py`` gives it one, and this check stays for
        whatever else may stop it. What it holds is in its database; the case worker and the
        API reconnect, and the reconcile sweep repairs the runs that were moving meanwhile."""
        try:
            httpx.get(f"{self.prefect_api_url}/health", timeout=30).raise_for_status()
        except httpx.HTTPError:
            now = time.monotonic()
            self._prefect_silent_since = self._prefect_silent_since or now
            if now - self._prefect_silent_since < self.prefect_stall:
                return False
            self.kill("prefect-server")
            self.start_prefect_server()
            self._prefect_silent_since = None
            return True
        self._prefect_silent_since = None
        return False

    def prepare_database(self, *, demo: bool = True) -> None:
        self.run([PYTHON, "-m", "alembic", "upgrade", "head"])
        self.run([PYTHON, "-m", "ops.seed"] + (["--demo"] if demo else []))

    def deploy(self) -> None:
        self.run([PYTHON, "-m", "flows.inprocess_worker", "--pool", "cases", "--create-pool"])
        self.run([PREFECT, "--no-prompt", "deploy", "--all", "--prefect-file", "prefect.yaml"])

    def start_case_worker(self, name: str = "case-worker") -> None:
        """The in-process worker (pool ``cases``): every flow, case flows and sweeps."""
        module = [PYTHON, "-m", "flows.inprocess_worker", "--pool", "cases"]
        self._spawn(name, [*module, "--name", f"{name}-{os.getpid()}"])

    def start_api(self) -> None:
        self._spawn(
            "api",
            [
                PYTHON,
                "-m",
                "uvicorn",
                "api.main:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.ports.api),
                "--workers",
                str(self.api_processes),
            ],
        )
        self._wait_http(f"{self.api_url}/healthz")

    def case_flow_run(self, case_type: str, case_id: int) -> dict[str, Any] | None:
        with httpx.Client(base_url=self.prefect_api_url, timeout=10) as prefect:
            return case_flow_run(prefect, case_type, case_id)

    def kill(self, name: str) -> None:
        """Kill a component hard (SIGKILL), as a crash or a power cut would."""
        proc = self.procs.pop(name)
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        self._tell_watchdog(f"-{proc.pid}")

    def stop(self, timeout: float = 15) -> None:
        """Stop every component, newest first, politely (Prefect's on SIGINT, the others on
        SIGTERM), then firmly: whatever is left after ``timeout`` seconds of each component's
        process group, and every process still carrying this run's token, is ended."""
        procs = list(reversed(self.procs.values()))
        names = list(reversed(self.procs))
        for name, proc in zip(names, procs, strict=True):
            if proc.poll() is None:
                with suppress(ProcessLookupError):
                    proc.send_signal(
                        signal.SIGINT if name.startswith("prefect") else signal.SIGTERM
                    )
        deadline = time.monotonic() + timeout
        for proc in procs:
            with suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        finish_off({p.pid for p in procs}, self.token, grace=3)
        for proc in procs:
            with suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)
        self.procs.clear()
        self._close_watchdog()

    def start_all(self, *, demo: bool = True) -> None:
        self.start_smtp()
        self.start_prefect_server()
        self.prepare_database(demo=demo)
        self.deploy()
        for n in range(1, self.workers + 1):
            self.start_case_worker("case-worker" if n == 1 else f"case-worker{n}")
        self.start_api()
        if demo:
            self.run([PYTHON, "-m", "ops.sync"])


PREFECT_CHECK_EVERY = 10.0
"""Seconds between ``make run``'s checks that Prefect's server still answers."""


def demo_users() -> str:
    """The demo users by what they do (ops/seed.py ``DEMO_ROLES``), one line per role, the
    names aligned as a terminal shows Thai (marks above and below a letter take no column)."""
    from ops.seed import DEMO_ROLES

    def columns(text: str) -> int:
        return sum(unicodedata.category(ch) != "Mn" for ch in text)

    width = max(columns(title) for title, _ in DEMO_ROLES)
    return "\n".join(
        f"    {title}{' ' * (width - columns(title))}  {', '.join(names)}"
        for title, names in DEMO_ROLES
    )


_stopping = False


def _stop_requested(signum: int, _frame: FrameType | None) -> None:
    """Interrupt the runner on the first stop signal and ignore the rest from then on: make
    forwards to its runner the SIGTERM the runner's process group had already, and a second
    ``StopRequested`` raised while the first is being handled would cut the stop short."""
    global _stopping
    for sig in STOP_SIGNALS:
        signal.signal(sig, signal.SIG_IGN)
    if not _stopping:  # a signal that arrived before SIG_IGN took effect
        _stopping = True
        raise StopRequested(signum)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--var", type=Path, default=PROJECT_ROOT / "var")
    parser.add_argument(
        "--postgres",
        metavar="BASE_URL",
        help="PostgreSQL server for both the application and Prefect, e.g. "
        "postgresql://kkm:kkm@127.0.0.1:55432 (databases kkm_app and kkm_prefect)",
    )
    parser.add_argument("--workers", type=int, default=1, help="case workers to start")
    parser.add_argument(
        "--api-processes", type=int, default=1, help="API processes (2+ with --postgres)"
    )
    parser.add_argument("--api-port", type=int, default=Ports.api)
    parser.add_argument("--prefect-port", type=int, default=Ports.prefect)
    parser.add_argument("--smtp-port", type=int, default=Ports.smtp)
    parser.add_argument(
        "--no-demo", action="store_true", help="the organisation only: no demo memos, complaints"
    )
    args = parser.parse_args()
    from ops.seed import DEMO_PASSWORD

    var_dir: Path = args.var.resolve()
    var_dir.mkdir(parents=True, exist_ok=True)
    ports = Ports(api=args.api_port, prefect=args.prefect_port, smtp=args.smtp_port)
    try:
        lock = RunLock(var_dir, ports)
    except AlreadyRunning as running:
        print(running.message(var_dir), file=sys.stderr, flush=True)
        sys.exit(ALREADY_RUNNING)
    if busy := busy_ports(ports):
        print(
            f"พอร์ตที่ระบบต้องใช้มีโปรแกรมอื่นใช้อยู่: {'; '.join(busy)}\n"
            "ports in use: the system may run already elsewhere; stop it, or choose other "
            "ports (--api-port, --prefect-port, --smtp-port)",
            file=sys.stderr,
            flush=True,
        )
        sys.exit(ALREADY_RUNNING)
    for sig in STOP_SIGNALS:
        signal.signal(sig, _stop_requested)

    system = LocalSystem(
        var_dir=var_dir,
        ports=ports,
        workers=args.workers,
        api_processes=args.api_processes,
        keep_open=(lock.fd,),
    )
    if args.postgres:
        host = args.postgres.split("://", 1)[1].rstrip("/")
        system.database_url = f"postgresql+psycopg://{host}/kkm_app"
        system.prefect_database_url = f"postgresql+asyncpg://{host}/kkm_prefect"
    status = 0
    try:
        print(
            "กำลังเริ่มระบบ (starting: SMTP capture, Prefect server, database, worker, API)…",
            flush=True,
        )
        system.start_all(demo=not args.no_demo)
        print(
            f"""
ระบบพร้อมใช้งาน / the system is up:
  หน้าเว็บเจ้าหน้าที่ (pages)      {system.api_url}/pages/login
  เอกสาร API (docs)             {system.api_url}/docs
  Prefect UI (flows, pauses)    http://127.0.0.1:{system.ports.prefect}
  จดหมายที่ส่งออก (captured mail)  {system.api_url}/pages/mail  (files: {var_dir / "mail"})
  ประชาชน (citizens)            {system.api_url}/complaints/new · /complaints/track
  แผนป้องกันการทุจริต (public)    {system.api_url}/pdca/plan
  ร้องเรียนการทุจริต (sealed)     {system.api_url}/integrity · สถิติ /integrity/statistics
  เปิดเผยข้อมูลสาธารณะ (ITA)      {system.api_url}/ita
  ภาพรวมผู้บริหาร (dashboards)     {system.api_url}/dashboards
  ดูแลเด็กกลุ่มเสี่ยง (children)     {system.api_url}/pages/children · ส่งต่อ /pages/children/referrals
  Open311 GeoReport v2          {system.api_url}/open311/v2/services.json (or .xml)
  ผู้ใช้ตัวอย่าง (demo users, password {DEMO_PASSWORD}):
{demo_users()}
  logs: {var_dir}/*.log        stop: Ctrl-C (or kill {os.getpid()})
""",
            flush=True,
        )
        next_check = time.monotonic() + PREFECT_CHECK_EVERY
        while all(p.poll() is None for p in system.procs.values()):
            time.sleep(1)
            if time.monotonic() >= next_check:
                if system.restart_stalled_prefect():
                    print(
                        "Prefect ไม่ตอบสนอง จึงเริ่มใหม่แล้ว "
                        f"(Prefect's server stopped answering; restarted at {time.strftime('%X')})",
                        flush=True,
                    )
                next_check = time.monotonic() + PREFECT_CHECK_EVERY
        dead = [n for n, p in system.procs.items() if p.poll() is not None]
        print(f"stopped: {', '.join(dead)} exited; see {var_dir}/<name>.log", file=sys.stderr)
        status = 1
    except StopRequested as stop:
        with suppress(OSError):  # SIGHUP: the terminal may be gone
            print(f"\nกำลังหยุดระบบ (stopping on {stop.signal})…", flush=True)
    finally:
        # One stop, however many signals arrive meanwhile (see _stop_requested); it is bounded
        # (~25 s).
        for sig in STOP_SIGNALS:
            signal.signal(sig, signal.SIG_IGN)
        system.stop()
        lock.release()
    with suppress(OSError):
        print("หยุดระบบแล้ว / stopped", flush=True)
    sys.exit(status)


if __name__ == "__main__":
    main()
