"""One `make run` per var directory, and nothing left of it when it ends (ops/run.py's doc).

The run lock (``var/run.lock``) and the messages of a second runner; the ports a run needs and
who holds them; the run's token, the watchdog process and the killing of what is left of a
run's process groups; the stop signals, which the runner turns into ``StopRequested``."""

import fcntl
import json
import os
import signal
import socket
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class Ports:
    api: int = 8000
    prefect: int = 4200
    smtp: int = 8025

    def named(self) -> list[tuple[str, int]]:
        return [("API", self.api), ("Prefect", self.prefect), ("SMTP", self.smtp)]

    def text(self) -> str:
        return ", ".join(f"{name} {port}" for name, port in self.named())


# --------------------------------------------------------------------------- stopping

RUN_TOKEN = "KKM_RUN_TOKEN"
"""Set in every component's environment (inherited by whatever it starts): the processes of
one run are those that carry its token."""

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
ALREADY_RUNNING = 3
"""Exit status of a runner that did not start because the system runs already."""


def _pids() -> Iterator[int]:
    with suppress(OSError), os.scandir("/proc") as entries:
        for entry in entries:
            if entry.name.isdigit():
                yield int(entry.name)


def _survivors(groups: Iterable[int], token: str | None) -> list[int]:
    """What is still alive of ``groups`` and of the processes carrying ``token``: pids on Linux
    (read from /proc, zombies left out), elsewhere the live groups as negative pids (for
    ``os.kill``)."""
    groups = set(groups)
    if not os.path.isdir("/proc/self"):
        alive = []
        for pgid in groups:
            with suppress(ProcessLookupError, PermissionError):
                os.killpg(pgid, 0)
                alive.append(-pgid)
        return alive
    needle = f"{RUN_TOKEN}={token}".encode() if token else None
    me = os.getpid()
    found = []
    for pid in _pids():
        if pid == me:
            continue
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
            if fields[0] == b"Z":
                continue
            if int(fields[2]) in groups:
                found.append(pid)
                continue
            if needle is not None:
                with open(f"/proc/{pid}/environ", "rb") as f:
                    if needle in f.read().split(b"\0"):
                        found.append(pid)
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile, or another user's
    return found


def finish_off(groups: Iterable[int], token: str | None, *, grace: float = 5.0) -> None:
    """End every process left in ``groups`` or carrying ``token``: SIGTERM, then SIGKILL what is
    still there after ``grace`` seconds, again until none is left (bounded: ~grace + 5 s)."""
    groups = set(groups)
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        deadline = time.monotonic() + wait
        sent: set[int] = set()
        while left := _survivors(groups, token):
            for pid in left:
                if pid not in sent or sig == signal.SIGKILL:
                    with suppress(ProcessLookupError, PermissionError):
                        os.kill(pid, sig)
                    sent.add(pid)
            if time.monotonic() >= deadline:
                break
            time.sleep(0.1)
        else:
            return


def watchdog(token: str) -> None:
    """The watchdog's process (see ops/run.py's doc): groups come and go as ``+pgid`` and
    ``-pgid`` lines on stdin; at its end (the runner closed it, or died) whatever is left of
    them and of the run's token is ended. Signals meant for the runner do not stop it."""
    for sig in STOP_SIGNALS:
        signal.signal(sig, signal.SIG_IGN)
    groups: set[int] = set()
    for line in sys.stdin.buffer:
        text = line.strip().decode()
        with suppress(ValueError):
            if text.startswith("+"):
                groups.add(int(text[1:]))
            elif text.startswith("-"):
                groups.discard(int(text[1:]))
    if _survivors(groups, token):
        print(f"runner gone; ending what is left of its run: groups {sorted(groups)}", flush=True)
        finish_off(groups, token)


class AlreadyRunning(Exception):
    def __init__(self, holder: dict[str, Any]) -> None:
        super().__init__(holder)
        self.holder = holder

    def message(self, var_dir: Path) -> str:
        pid = self.holder.get("pid")
        try:
            ports = Ports(**self.holder["ports"]).text()
        except (KeyError, TypeError):
            ports = "?"
        alive = isinstance(pid, int) and _alive(pid)
        if not alive:
            return (
                f"ระบบเดิมที่ใช้ {var_dir} (PID {pid}) กำลังปิดอยู่ รอสักครู่แล้วลองใหม่\n"
                f"the previous run on {var_dir} (PID {pid}) is still stopping; try again shortly"
            )
        return (
            f"ระบบทำงานอยู่แล้ว: PID {pid} ใช้ {var_dir} อยู่ (พอร์ต {ports}); "
            f"หยุดก่อนด้วย Ctrl-C ในหน้าต่างนั้น หรือ kill {pid}\n"
            f"already running: PID {pid} uses {var_dir} (ports {ports}); "
            f"stop it first (Ctrl-C there, or kill {pid})"
        )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class RunLock:
    """``var/run.lock``: held (``flock``) while a system runs on this var directory; it says
    who runs it and on which ports. The kernel releases it with the last process holding it
    (the runner and its watchdog), so a crash never leaves it behind."""

    def __init__(self, var_dir: Path, ports: Ports) -> None:
        self.path = var_dir / "run.lock"
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder: Any = {}
            with suppress(OSError, ValueError):
                holder = json.loads(os.pread(fd, 4096, 0) or b"{}")
            os.close(fd)
            raise AlreadyRunning(holder if isinstance(holder, dict) else {}) from None
        holder = {"pid": os.getpid(), "ports": vars(ports), "started": time.time()}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(holder).encode(), 0)
        self.fd = fd

    def release(self) -> None:
        os.close(self.fd)


def _listener(port: int) -> str:
    """Who listens on ``port`` (pid and command), as far as /proc tells this user."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with suppress(OSError), open(table) as f:
            for row in f.readlines()[1:]:
                cols = row.split()
                if cols[1].rsplit(":", 1)[1] == f"{port:04X}" and cols[3] == "0A":
                    inodes.add(f"socket:[{cols[9]}]")
    for pid in _pids():
        with suppress(OSError):
            for fd in os.listdir(f"/proc/{pid}/fd"):
                with suppress(OSError):
                    if os.readlink(f"/proc/{pid}/fd/{fd}") in inodes:
                        with open(f"/proc/{pid}/cmdline", "rb") as f:
                            command = f.read().replace(b"\0", b" ").decode(errors="replace")
                        return f"PID {pid}: {command.strip()[:80]}"
    return "ไม่ทราบโปรแกรม / unknown program"


def busy_ports(ports: Ports) -> list[str]:
    """The ports this system needs that something already listens on, described."""
    busy = []
    for name, port in ports.named():
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                busy.append(f"{name} {port} ({_listener(port)})")
    return busy


class StopRequested(BaseException):
    """Raised in the runner by Ctrl-C, SIGTERM or SIGHUP (a BaseException, like
    KeyboardInterrupt, so that no ``except Exception`` swallows it)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signal = signal.Signals(signum).name
