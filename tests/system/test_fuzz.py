"""The API fuzzed from its own OpenAPI document (schemathesis), on SQLite and PostgreSQL: for
every operation, requests made from the schema (valid ones and ones that break it: strings
with NUL, huge and negative numbers, missing and extra fields) as a signed-in officer of the
complaint centre. Every answer must be no 500 (``not_a_server_error``), a documented status
code with a documented content type, a body of the documented shape (``ErrorOut`` for errors,
api.errors.error_responses; Open311's list under /open311), and a request that breaks the
schema must be refused (``negative_data_rejection``).

Bounded: a few examples per operation, the same ones every run (``derandomize``), no example
database written. One database per backend for the whole module, seeded once (the fuzz's own
complaints pile up in it, as they would in production). Sign-out is fuzzed with a token of its
own, so that the others keep theirs; the LINE webhook is off (404), its signed bodies are in
tests/system/test_input_limits.py and tests/test_line.py."""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
import sqlalchemy as sa
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)
from sqlmodel import Session, SQLModel

from api.deps import get_db_engine, get_orchestrator
from api.main import app
from core.db import make_engine
from ops.seed import DEMO_PASSWORD, seed_declared_holidays, seed_organisation
from ops.seed_complaints import seed_complaints

schema = schemathesis.openapi.from_dict(app.openapi())
schema.app = app

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
OFFICER = "nipa"  # the complaint centre: sees every complaint
SIGNS_OUT = "somsak"  # fuzzes POST /api/auth/logout, which ends every token of its user


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def tokens(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, str]]:
    """The app on a fresh, seeded database of the backend; a login token per user."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'app.db'}")
        SQLModel.metadata.create_all(engine)
    else:
        engine = request.getfixturevalue("postgres_engine")
        names = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
        with engine.begin() as conn:
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    with Session(engine, expire_on_commit=False) as s:
        seed_declared_holidays(s)
        seed_organisation(s)
        seed_complaints(s)
        s.commit()
    app.dependency_overrides[get_db_engine] = lambda: engine
    app.dependency_overrides[get_orchestrator] = lambda: None
    try:
        signed_in = {}
        for name in (OFFICER, SIGNS_OUT):  # before the fuzz tries passwords on this client
            answer = TestClient(app).post(
                "/api/auth/token", data={"username": name, "password": DEMO_PASSWORD}
            )
            assert answer.status_code == 200, answer.text
            signed_in[name] = answer.json()["access_token"]
        yield signed_in
    finally:
        app.dependency_overrides.clear()
        if request.param == "sqlite":
            engine.dispose()


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api(case: Any, tokens: dict[str, str]) -> None:
    who = SIGNS_OUT if case.operation.path == "/api/auth/logout" else OFFICER
    case.call_and_validate(headers={"Authorization": f"Bearer {tokens[who]}"}, checks=CHECKS)
