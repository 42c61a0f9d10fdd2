"""A process that imports only the API entry point decides a step of the plan's workflow (the
registry is explicit: ``domain.engine.registry.INSTALLED``), as tests/system/test_registry.py
checks for the memo and the complaint."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlmodel import Session, SQLModel

from core.db import make_engine
from core.settings import PROJECT_ROOT
from domain.pdca import service
from ops.seed import DEMO_PASSWORD, seed_declared_holidays, seed_organisation, seed_pdca_committee
from tests.pdca.helpers import COMMITTEE_MAJORITY, PLAN_CSV

CHILD = textwrap.dedent(
    """
    import json
    from fastapi.testclient import TestClient
    from api.main import app

    decided = []
    with TestClient(app) as client:
        for username in USERS:
            r = client.post("/api/auth/token", data={"username": username, "password": PASSWORD})
            headers = {"Authorization": "Bearer " + r.json()["access_token"]}
            step = client.get("/api/inbox", headers=headers).json()[0]["step"]
            r = client.post(
                f"/api/steps/{step['id']}/decision", json={"outcome": "approve"}, headers=headers
            )
            decided.append([step["case_type"], r.status_code, r.json()["step"]["outcome"]])
    print(json.dumps(decided))
    """
)


@pytest.mark.slow
def test_a_process_importing_only_the_api_decides_a_plan_step(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    with Session(engine, expire_on_commit=False) as session:
        seed_declared_holidays(session)
        users = seed_organisation(session)
        seed_pdca_committee(session, users)
        session.commit()
    officer = users["somchai"].id
    plan = service.import_plan(engine, user_id=officer, projects=PLAN_CSV).plan  # type: ignore[arg-type]
    service.submit_for_approval(engine, user_id=officer, plan_id=plan.id)  # type: ignore[arg-type]
    engine.dispose()
    script = CHILD.replace("PASSWORD", repr(DEMO_PASSWORD)).replace(
        "USERS", repr([*COMMITTEE_MAJORITY, "malee"])
    )
    env = {
        "KKM_DATABASE_URL": url,
        "KKM_PREFECT_ENABLED": "false",
        "KKM_ENV": "development",
        "PATH": "/usr/bin:/bin",
    }
    run = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    decided = json.loads(run.stdout.strip().splitlines()[-1])
    assert decided == [
        ["pdca-plan", 201, None],  # the committee votes: below quorum the step stays open
        ["pdca-plan", 201, None],
        ["pdca-plan", 201, "approve"],
        ["pdca-plan", 201, "approve"],  # the Strategy and Budget director
    ]
