"""Shared fixtures: a fresh application database per test, on SQLite and on PostgreSQL.

PostgreSQL runs when KKM_TEST_POSTGRES_URL is set (``make test`` starts one); with
KKM_REQUIRE_POSTGRES=1 its absence fails the run instead of skipping."""

import os
from collections.abc import Iterator

# Development mode before anything reads the settings: the tests run on the default secret
# key, which the API and the workers refuse outside development (core.settings).
os.environ["KKM_ENV"] = "development"

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

import domain.memo  # noqa: F401  (registers the memo workflow)
import models  # noqa: F401  (registers every table)
from api.deps import get_db_engine, get_orchestrator
from api.main import app
from core.db import make_engine
from models.people import User
from ops.run import LocalSystem, Ports
from ops.seed import seed_declared_holidays, seed_organisation
from ops.seed_complaints import seed_complaints
from ops.smtp_capture import free_port

POSTGRES_URL = os.environ.get("KKM_TEST_POSTGRES_URL")
REQUIRE_POSTGRES = os.environ.get("KKM_REQUIRE_POSTGRES") == "1"


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine]:
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("KKM_REQUIRE_POSTGRES=1 but KKM_TEST_POSTGRES_URL is not set")
        pytest.skip("PostgreSQL not configured (KKM_TEST_POSTGRES_URL)")
    engine = make_engine(POSTGRES_URL)
    with engine.begin() as conn:  # whatever an older run or schema left behind
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    SQLModel.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A fresh, empty schema: a new SQLite file, or a truncated PostgreSQL database."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("db") / "app.db"
        engine = make_engine(f"sqlite:///{path}")
        SQLModel.metadata.create_all(engine)
        yield engine
        engine.dispose()
        return
    pg: Engine = request.getfixturevalue("postgres_engine")
    names = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with pg.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    yield pg


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def people(engine: Engine) -> dict[str, User]:
    """The demo organisation (ops/seed.py), committed."""
    with Session(engine, expire_on_commit=False) as session:
        seed_declared_holidays(session)
        users = seed_organisation(session)
        session.commit()
    return users


@pytest.fixture
def seeded(engine: Engine, people: dict[str, User]) -> dict[str, User]:
    """The demo organisation plus the complaint categories."""
    with Session(engine) as session:
        seed_complaints(session)
        session.commit()
    return people


@pytest.fixture
def client(engine: Engine, seeded: dict[str, User]) -> Iterator[TestClient]:
    """The API on the test's database, with Prefect left out (cases still move in the DB)."""
    app.dependency_overrides[get_db_engine] = lambda: engine
    app.dependency_overrides[get_orchestrator] = lambda: None
    try:
        with TestClient(app) as c:
            yield c
    finally:
        app.dependency_overrides.clear()


@pytest.fixture(scope="session")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalSystem]:
    """The real system (ops/run.py) in separate processes: SMTP capture, Prefect server,
    the case worker and the API on free ports, its data in a temporary folder. One per run:
    starting it costs ~20 s."""
    running = LocalSystem(
        var_dir=tmp_path_factory.mktemp("system"),
        ports=Ports(api=free_port(), prefect=free_port(), smtp=free_port()),
    )
    try:
        running.start_all(demo=False)
        yield running
    finally:
        running.stop()
