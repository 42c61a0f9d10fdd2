"""The setup every test on a running system shares: the processes on free ports with their own
data, Debian's Chromium launched with the project's flags (or the test skipped, or failed in CI
where KKM_REQUIRE_BROWSER=1), and an officer signed in on the login page as a person would."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from ops.run import LocalSystem, Ports
from ops.seed import DEMO_PASSWORD
from ops.smtp_capture import free_port

CHROMIUM = "/usr/bin/chromium"

FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
"""Chromium as root in a container, with no GPU and nothing fetched from Google's servers."""


def free_ports() -> Ports:
    """Ports nobody listens on, so that a test system never meets `make run` or another test."""
    return Ports(api=free_port(), prefect=free_port(), smtp=free_port())


@contextmanager
def running_api(var_dir: Path, *, demo: bool = True, **system: Any) -> Iterator[LocalSystem]:
    """The API alone (Prefect off: cases move in the database) on its own SQLite database in
    ``var_dir``, seeded with the organisation and, with ``demo``, the demo data of `make run`.
    ``system`` passes other LocalSystem fields (database_url, extra_env) through."""
    extra_env = {"KKM_PREFECT_ENABLED": "false", **system.pop("extra_env", {})}
    running = LocalSystem(var_dir=var_dir, ports=free_ports(), extra_env=extra_env, **system)
    try:
        if "database_url" not in system:
            running.prepare_database(demo=demo)
        running.start_api()
        yield running
    finally:
        running.stop()


def require_chromium() -> None:
    """Skip the test where Chromium is not installed; fail it where CI requires a browser."""
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("KKM_REQUIRE_BROWSER") == "1":
        pytest.fail(f"KKM_REQUIRE_BROWSER=1 but {CHROMIUM} is missing")
    pytest.skip(f"{CHROMIUM} not installed (bash ops/install_browser.sh)")


@contextmanager
def chromium() -> Iterator[Any]:
    """Headless Chromium (a Playwright ``Browser``) for the block, closed after it; the test is
    skipped where Chromium is not installed (``require_chromium``)."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def sign_in_page(page: Any, base: str, username: str) -> None:
    """Sign ``username`` in on the login page (demo password) and wait for the inbox."""
    page.goto(f"{base}/pages/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/pages/inbox")
