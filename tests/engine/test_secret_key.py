"""The secret key: outside development (KKM_ENV) the API and the workers refuse to start on the
default key or a short one, saying in Thai and English what to set; in development the
default is refused too once the site is served over https."""

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from core.settings import (
    DEFAULT_SECRET_KEY,
    PROJECT_ROOT,
    InsecureSettings,
    Settings,
    check_secret_key,
    get_settings,
)

GOOD_KEY = "x7Qm2-9vLr_T4kPz8WcYb1NhJd6SfAeU3gRo"


@pytest.fixture
def settings_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    def apply(**values: Any) -> None:
        for name, value in values.items():
            monkeypatch.setenv(f"KKM_{name.upper()}", str(value))
        get_settings.cache_clear()

    yield apply
    monkeypatch.undo()
    get_settings.cache_clear()


def test_production_is_the_default_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KKM_ENV")  # set by the tests' conftest
    assert Settings(_env_file=None).env == "production"  # type: ignore[call-arg]


def test_the_app_refuses_the_default_key_in_production(settings_env: Callable[..., None]) -> None:
    settings_env(env="production", secret_key=DEFAULT_SECRET_KEY)
    with pytest.raises(InsecureSettings) as refused:
        create_app()
    message = str(refused.value)
    assert "KKM_SECRET_KEY" in message and "ค่าเริ่มต้น" in message and "is the default" in message
    assert "32" in message and "KKM_ENV=development" in message


def test_the_app_refuses_a_short_key_in_production(settings_env: Callable[..., None]) -> None:
    settings_env(env="production", secret_key="short-but-not-default")
    with pytest.raises(InsecureSettings, match="shorter than 32 characters"):
        create_app()


def test_the_app_starts_with_a_good_key_in_production(settings_env: Callable[..., None]) -> None:
    settings_env(env="production", secret_key=GOOD_KEY, prefect_enabled="false")
    with TestClient(create_app()) as client:
        assert client.get("/healthz").json() == {"status": "ok"}


def test_development_allows_the_default_key_but_not_over_https() -> None:
    check_secret_key(Settings(env="development"))
    check_secret_key(Settings(env="development", secret_key="short"))
    with pytest.raises(InsecureSettings, match="https"):
        check_secret_key(Settings(env="development", public_base_url="https://kkm.example.th"))
    check_secret_key(
        Settings(env="development", public_base_url="https://kkm.example.th", secret_key=GOOD_KEY)
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-c", "import api.main"],  # what uvicorn api.main:app does first
        [sys.executable, "-m", "flows.inprocess_worker", "--pool", "cases"],
    ],
    ids=["api", "case-worker"],
)
def test_processes_refuse_to_start_on_the_default_key(command: list[str]) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KKM_")}
    env |= {"KKM_ENV": "production", "PYTHONPATH": str(PROJECT_ROOT)}
    done = subprocess.run(
        command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode != 0
    assert "InsecureSettings" in done.stderr and "KKM_SECRET_KEY" in done.stderr
    assert "ไม่เริ่มระบบ" in done.stderr
