"""A local SMTP server that keeps what it receives: the mail sink of `make run` and the tests.

Nothing is relayed. Messages are kept in memory and, given a directory, written there as
``<timestamp>-<n>.eml`` (the envelope in ``X-Capture-*`` headers), which ``read_mailbox`` reads
back so the API can show captured mail in development.

    python -m ops.smtp_capture --port 8025 --dir var/mail
"""

import argparse
import os
import random
import signal
import socket
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

from aiosmtpd.controller import Controller

from adapters.mailbox import (
    FROM_HEADER,
    RCPT_HEADER,
    TIME_HEADER,
    CapturedMail,
    parse_mail,
)
from core.settings import PROJECT_ROOT, get_settings


class _Handler:
    def __init__(self, capture: "SmtpCapture") -> None:
        self._capture = capture

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        self._capture._store(envelope.mail_from or "", list(envelope.rcpt_tos), raw)
        return "250 OK: message captured"


EPHEMERAL_RANGE_FILE = Path("/proc/sys/net/ipv4/ip_local_port_range")
PICKED_PORTS = range(20000, 32000)
"""Where ``free_port`` looks: below Linux's default ephemeral range (32768-60999)."""


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on now, for a server about to start.

    Not ``bind(0)``: that port comes from the ephemeral range, which the kernel also hands to
    outgoing connections, so one of the system's own client sockets can take it before the
    server binds (seen in CI as "address already in use"). Ports outside that range are
    never given to a client socket; random picks keep two callers apart."""
    low, high = _ephemeral_range()
    candidates = [p for p in random.sample(PICKED_PORTS, 200) if not low <= p <= high]
    for port in candidates:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind((host, port))
            except OSError:
                continue
            return port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _ephemeral_range() -> tuple[int, int]:
    try:
        low, high = EPHEMERAL_RANGE_FILE.read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999


class SmtpCapture:
    """``with SmtpCapture(port=0) as smtp: ... smtp.wait_for(1)``; port 0 picks a free one.
    ``keep=False``: received mail is only written to ``directory`` (and passed to
    ``on_message``), not held for ``messages``: the capture that ``make run`` starts lives as
    long as the system, and holding a year's mail grew it to 534 MiB after 8,500 receipts
    (B4' in benchmarks/NOTES.md)."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        directory: Path | str | None = None,
        on_message: Callable[[CapturedMail], None] | None = None,
        keep: bool = True,
    ) -> None:
        self.host = host
        self._port = port or free_port(host)
        self.directory = Path(directory) if directory is not None else None
        self._on_message = on_message
        self._messages: list[CapturedMail] = []
        self._keep = keep
        self._received = 0
        self._changed = threading.Condition()
        self._controller: Controller | None = None

    @property
    def port(self) -> int:
        return self._port

    def start(self) -> "SmtpCapture":
        if self._controller is not None:
            return self
        if self.directory is not None:
            self.directory.mkdir(parents=True, exist_ok=True)
        controller = Controller(
            _Handler(self), hostname=self.host, port=self._port, server_hostname="kkm-smtp-capture"
        )
        controller.start()
        self._controller = controller
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> "SmtpCapture":
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def messages(self) -> list[CapturedMail]:
        with self._changed:
            return list(self._messages)

    def clear(self) -> None:
        with self._changed:
            self._messages.clear()

    def wait_for(self, count: int, timeout: float = 5.0) -> list[CapturedMail]:
        """All messages once at least ``count`` arrived; TimeoutError if they do not in time."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self._messages) >= count, timeout):
                raise TimeoutError(
                    f"expected {count} mail(s) within {timeout}s, got {len(self._messages)}"
                )
            return list(self._messages)

    def _store(self, mail_from: str, rcpt_tos: list[str], raw: bytes) -> None:
        received_at = datetime.now(UTC)
        mail = parse_mail(raw, mail_from=mail_from, rcpt_tos=rcpt_tos, received_at=received_at)
        with self._changed:
            self._received += 1
            if self._keep:
                self._messages.append(mail)
            if self.directory is not None:
                _write_eml(self.directory, mail, self._received)
            self._changed.notify_all()
        if self._on_message is not None:
            self._on_message(mail)


def _write_eml(directory: Path, mail: CapturedMail, number: int) -> Path:
    stamp = mail.received_at.strftime("%Y%m%dT%H%M%S%fZ")
    name = f"{stamp}-{number:04d}.eml"
    envelope = (
        f"{FROM_HEADER}: {mail.mail_from}\r\n"
        f"{RCPT_HEADER}: {', '.join(mail.rcpt_tos)}\r\n"
        f"{TIME_HEADER}: {mail.received_at.isoformat()}\r\n"
    ).encode()
    partial = directory / f".{name}.part"
    partial.write_bytes(envelope + mail.raw)
    os.replace(partial, directory / name)  # readers never see half a file
    return directory / name


def main(argv: list[str] | None = None) -> None:
    settings = get_settings()
    parser = argparse.ArgumentParser(description="Local SMTP capture (development and tests).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=settings.smtp_port)
    parser.add_argument(
        "--dir",
        type=Path,
        default=settings.mail_capture_dir or PROJECT_ROOT / "var" / "mail",
        help="where received mail is written as .eml files",
    )
    args = parser.parse_args(argv)

    def show(mail: CapturedMail) -> None:
        print(f"รับอีเมล / received: {', '.join(mail.rcpt_tos)}: {mail.subject}", flush=True)

    def terminate(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    directory = args.dir.resolve()
    with SmtpCapture(
        host=args.host, port=args.port, directory=directory, on_message=show, keep=False
    ):
        print(
            f"SMTP capture on {args.host}:{args.port}; mail written to {directory} "
            "(Ctrl-C to stop)",
            flush=True,
        )
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
