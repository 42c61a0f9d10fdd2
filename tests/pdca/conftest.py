"""Fixtures of the plan's tests: the demo organisation with the plan's working committee, and
the plan's files as config/pdca/ ships them."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.people import User
from ops.seed import seed_pdca_committee


@pytest.fixture
def org(engine: Engine, people: dict[str, User]) -> dict[str, User]:
    """The demo organisation and the working committee that reviews the plan."""
    with Session(engine) as session:
        seed_pdca_committee(session, people)
        session.commit()
    return people


@pytest.fixture
def pdca_client(client: TestClient, org: dict[str, User]) -> TestClient:
    """The API on the test's database, the working committee seeded too."""
    return client
