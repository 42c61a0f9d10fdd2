"""The sealed channel's fixtures: the demo organisation with the named officers' committee."""

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.people import User
from ops.seed import seed_integrity_committee


@pytest.fixture
def named(engine: Engine, seeded: dict[str, User]) -> dict[str, User]:
    """The demo people, with ratana (สป.) and prapai (ตส.) named for the channel."""
    with Session(engine) as session:
        seed_integrity_committee(session, seeded)
        session.commit()
    return seeded
