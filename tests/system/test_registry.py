"""The registry of workflows is explicit (``domain.engine.registry.INSTALLED``): a process that
imports only the API entry point decides a step of every workflow, whatever it imported
first; a process that imports only the registry knows every workflow's forms."""

import importlib
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from sqlmodel import Session, SQLModel

from core.db import make_engine
from core.settings import PROJECT_ROOT
from domain.complaints import service as complaint_service
from domain.engine.registry import INSTALLED, Workflow, installed, workflows_of
from domain.memo import service as memo_service
from models.complaint import Channel
from models.memo import MemoCreate
from ops.seed import DEMO_PASSWORD, seed_declared_holidays, seed_organisation
from ops.seed_complaints import seed_complaints

CHILD = textwrap.dedent(
    """
    import json, sys
    from fastapi.testclient import TestClient
    from api.main import app

    def login(client, username):
        r = client.post("/api/auth/token", data={"username": username, "password": PASSWORD})
        assert r.status_code == 200, r.text
        return {"Authorization": "Bearer " + r.json()["access_token"]}

    decided = {}
    with TestClient(app) as client:
        for username, outcome in STEPS:
            headers = login(client, username)
            inbox = client.get("/api/inbox", headers=headers).json()
            step = inbox[0]["step"]
            form = {"outcome": outcome}
            if step["kind"] == "screen":
                form["division_code"] = "ช่าง"
            r = client.post(f"/api/steps/{step['id']}/decision", json=form, headers=headers)
            decided[step["case_type"]] = [r.status_code, r.json()["step"]["outcome"]]
    print(json.dumps(decided))
    """
)


def test_every_installed_workflow_is_registered() -> None:
    workflows = installed()
    assert len(workflows) == sum(len(workflows_of(name)) for name in INSTALLED)
    assert all(isinstance(w, Workflow) for w in workflows.values())
    assert {"memo", "complaint", "pdca-plan", "integrity-report"} <= set(workflows)
    # Every workflow names a deployment that prefect.yaml defines.
    deployments = set()
    for d in yaml.safe_load((PROJECT_ROOT / "prefect.yaml").read_text())["deployments"]:
        path, function = d["entrypoint"].split(":")
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        deployments.add(f"{getattr(module, function).name}/{d['name']}")
    named = {w.deployment for w in workflows.values()}
    named |= {w.intake_deployment for w in workflows.values()}
    assert named - {None} <= deployments
    assert "complaint-intake/complaint-intake" in named


@pytest.mark.slow
def test_a_process_importing_only_the_api_decides_each_workflow(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    with Session(engine, expire_on_commit=False) as session:
        seed_declared_holidays(session)
        users = seed_organisation(session)
        seed_complaints(session)
        session.commit()
    memo_service.propose(
        engine, author_id=users["somchai"].id, data=MemoCreate(subject="ขออนุมัติจัดซื้อวัสดุ")
    )
    complaint_service.submit(
        engine,
        data={
            "category": "street-light",
            "description": "ไฟฟ้าส่องสว่างหน้าโรงเรียนดับ 3 คืนแล้ว",
            "address": "ถนนหน้าเมือง ต.ในเมือง",
            "complainant": {"name": "นายทดสอบ ระบบ", "phone": "0812345678"},
        },
        channel=Channel.web,
    )
    engine.dispose()
    script = CHILD.replace("PASSWORD", repr(DEMO_PASSWORD)).replace(
        "STEPS", repr([("wichai", "approve"), ("nipa", "route")])
    )
    env = {
        "KKM_DATABASE_URL": url,
        "KKM_PREFECT_ENABLED": "false",
        "KKM_ENV": "development",  # the default secret key
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
    assert decided == {"memo": [201, "approve"], "complaint": [201, "route"]}


def test_only_the_registry_imported_knows_every_form() -> None:
    """No form is registered as a side effect of importing a workflow's module."""
    script = (
        "from domain.engine.registry import form_class\n"
        "print(form_class('complaint-screening').__name__, form_class('chain-decision').__name__)"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split() == ["ScreeningForm", "ChainDecisionForm"]
