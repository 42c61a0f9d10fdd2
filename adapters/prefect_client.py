"""One TLS context for every Prefect client of a process.

Prefect builds a new ``ssl.SSLContext`` (loading the whole CA bundle) for each client it
creates unless one is given in ``httpx_settings["verify"]``: 15–80 ms of CPU per client on this
machine, and the API's queue and the case worker created several per case (benchmarks/NOTES.md
B4', profiled with py-spy). Here the context is built once, as Prefect would build it."""

import ssl
from functools import cache
from types import ModuleType
from typing import Any

import certifi
import prefect.client.orchestration
from prefect.client.orchestration import PrefectClient, get_client
from prefect.settings import PREFECT_API_SSL_CERT_FILE, PREFECT_API_TLS_INSECURE_SKIP_VERIFY


@cache
def shared_tls_context() -> ssl.SSLContext:
    if PREFECT_API_TLS_INSECURE_SKIP_VERIFY.value():
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    return ssl.create_default_context(cafile=PREFECT_API_SSL_CERT_FILE.value() or certifi.where())


def prefect_client(**kwargs: Any) -> PrefectClient:
    """``prefect.get_client()`` with the process's one TLS context."""
    return get_client(httpx_settings={"verify": shared_tls_context()}, **kwargs)  # type: ignore[return-value]


class _SslWithSharedContexts(ModuleType):
    """The ``ssl`` module as ``prefect.client.orchestration`` sees it once
    ``share_tls_contexts`` ran: the same context for the same arguments."""

    def __getattr__(self, name: str) -> Any:
        return getattr(ssl, name)

    @staticmethod
    @cache
    def create_default_context(
        purpose: ssl.Purpose = ssl.Purpose.SERVER_AUTH,
        *,
        cafile: str | None = None,
        capath: str | None = None,
        cadata: str | bytes | None = None,
    ) -> ssl.SSLContext:
        return ssl.create_default_context(purpose, cafile=cafile, capath=capath, cadata=cadata)


def share_tls_contexts() -> None:
    """Every client Prefect creates in this process (the flow engine's, its sync client for the
    result storage, …) reuses one TLS context instead of building its own. For a process that
    runs many flow runs (flows/inprocess_worker.py)."""
    prefect.client.orchestration.ssl = _SslWithSharedContexts("ssl")  # type: ignore[attr-defined]
