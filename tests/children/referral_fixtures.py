"""Fixtures of the referral, camp and figures tests: h1's demo organisation, schools,
teachers and pupils (``children_fixtures``) plus the partner agencies' profiles and their
contacts (ops/demo_children_referrals.py)."""

from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.people import User
from models.screening import Person, Sex
from ops.demo_children_referrals import seed_agency_contacts
from ops.seed import DEMO_PASSWORD
from tests.children.children_fixtures import children_roster, children_staff, pupil, screen

__all__ = ["children_roster", "children_staff", "pupil", "screen"]


@pytest.fixture
def programme(engine: Engine, children_roster: dict[str, User]) -> dict[str, User]:
    """Everyone: the organisation, teachers, core person, and the agencies' contacts."""
    with Session(engine, expire_on_commit=False) as session:
        users = seed_agency_contacts(session, DEMO_PASSWORD)
        session.commit()
    return users


def youth(engine: Engine, first: str, sex: Sex, born: date) -> int:
    """A child who is not a pupil (met at a camp or in the community)."""
    with Session(engine) as session:
        person = Person(first_name=first, last_name="ทดสอบ", sex=sex, birth_date=born)
        session.add(person)
        session.commit()
        return person.id  # type: ignore[return-value]
