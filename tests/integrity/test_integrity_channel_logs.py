"""The real API (uvicorn, as `make run` starts it) keeps no trace of the channel's callers: its
access log has no line for the channel's routes (no address, no user agent, no time of a
report), while the rest of the site is logged as usual."""

import time

import httpx
import pytest

from ops.run import LocalSystem

pytestmark = pytest.mark.slow

AGENT = "Mozilla/5.0 (X11; Linux) ReporterBrowser/99"


def test_the_access_log_skips_the_channel(system: LocalSystem) -> None:
    with httpx.Client(base_url=system.api_url, timeout=30, headers={"User-Agent": AGENT}) as web:
        filed = web.post(
            "/api/integrity/reports",
            json={"subject": "เรียกรับสินบน", "text": "มีการเรียกรับเงินเพื่อออกใบอนุญาตก่อสร้าง"},
        )
        assert filed.status_code == 201, filed.text
        receipt = filed.json()
        assert web.get("/integrity/report").status_code == 200
        followed = web.post("/integrity/follow", data=receipt)
        assert followed.status_code == 200
        assert web.get("/healthz").status_code == 200  # logged as usual: the control
    log = system.var_dir / "api.log"
    for _ in range(50):
        text = log.read_text(encoding="utf-8", errors="replace")
        if "/healthz" in text:
            break
        time.sleep(0.1)
    lines = text.splitlines()
    assert any("/healthz" in line for line in lines)
    assert not [line for line in lines if "/integrity" in line]
    assert AGENT not in text and receipt["code"] not in text
