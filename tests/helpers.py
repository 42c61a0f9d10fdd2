"""Helpers shared by tests: signing in (API token or page cookie), the CSRF token of a page,
moving a memo along its chain, and where browser tests keep their screenshots."""

import os
import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from domain.engine.steps import decide, open_steps_of_case
from domain.memo.rules import create_memo
from models.memo import Memo, MemoCreate
from models.people import User
from models.steps import HumanStep
from ops.seed import DEMO_PASSWORD

SCREENSHOTS = Path(os.environ.get("KKM_TEST_ARTIFACTS", "var/test-artifacts")) / "screenshots"
"""Browser tests' screenshots, kept after the run (CI keeps var/test-artifacts/) so a person
can look at the pages the tests saw."""


def screenshot_path(name: str) -> Path:
    """Where a browser test saves the screenshot ``name`` (a .png file name)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / name


def submit_memo(engine: Engine, author: User, chain: str = "memo") -> int:
    with Session(engine, expire_on_commit=False) as s:
        memo = create_memo(
            s, data=MemoCreate(subject="ขออนุมัติจัดซื้อวัสดุสำนักงาน", chain=chain), originator=author
        )
        s.commit()
        return memo.id  # type: ignore[return-value]


def open_step(engine: Engine, memo_id: int) -> HumanStep:
    with Session(engine, expire_on_commit=False) as s:
        steps = open_steps_of_case(s, case_type="memo", case_id=memo_id)
    assert len(steps) == 1, steps
    return steps[0]


def act(engine: Engine, user: User, memo_id: int, **form: Any) -> HumanStep:
    """Decide the memo's open step as ``user``; return the step that was decided."""
    step = open_step(engine, memo_id)
    with Session(engine, expire_on_commit=False) as s:
        decide(s, step_id=step.id, user=s.get(User, user.id), data=form)
        s.commit()
    return step


def memo(engine: Engine, memo_id: int) -> Memo:
    with Session(engine, expire_on_commit=False) as s:
        found = s.get(Memo, memo_id)
        assert found is not None
        return found


def steps_of(engine: Engine, memo_id: int) -> list[HumanStep]:
    with Session(engine, expire_on_commit=False) as s:
        return list(
            s.exec(select(HumanStep).where(HumanStep.case_id == memo_id).order_by(HumanStep.id))
        )


def login(client: TestClient, username: str) -> dict[str, str]:
    """Sign in to the JSON API as ``username`` (demo password); the Authorization header."""
    r = client.post("/api/auth/token", data={"username": username, "password": DEMO_PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def sign_in(client: TestClient, username: str) -> None:
    """Sign in to the officers' pages as ``username`` (the login cookie)."""
    client.cookies.clear()
    r = client.post(
        "/pages/login",
        data={"username": username, "password": DEMO_PASSWORD},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    assert r.headers["location"] == "/pages/inbox"


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert match, "no csrf field on the page"
    return match.group(1)
