"""Fixtures of the at-risk children's tests: the demo organisation with the schools, the
teachers, the core person (``children_staff``), and the demo pupils with their parents
(``children_roster``); helpers to find a pupil and to screen one."""

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.db import utcnow
from domain.children import service
from domain.children.classroom import this_academic_year
from domain.children.screening import ClassScreening, Screened
from models.children import Pupil
from models.people import User
from models.screening import Person, School
from ops.demo_children import answers_for_total, seed_children_roster, seed_children_staff
from ops.seed import DEMO_PASSWORD
from ops.seed_screening import seed_screening


@pytest.fixture
def children_staff(engine: Engine, people: dict[str, User]) -> dict[str, User]:
    with Session(engine, expire_on_commit=False) as session:
        seed_screening(session)
        users = seed_children_staff(session, DEMO_PASSWORD)
        session.commit()
    return users


@pytest.fixture
def children_roster(engine: Engine, children_staff: dict[str, User]) -> dict[str, User]:
    seed_children_roster(engine)
    return children_staff


def pupil(engine: Engine, first_name: str) -> Pupil:
    with Session(engine, expire_on_commit=False) as session:
        found = session.exec(
            select(Pupil)
            .join(Person, Person.id == Pupil.person_id)  # type: ignore[arg-type]
            .where(Person.first_name == first_name)
        ).one()
        return found


def school_id(engine: Engine, code: str) -> int:
    with Session(engine) as session:
        return session.exec(select(School.id).where(School.code == code)).one()  # type: ignore[return-value]


def screen(engine: Engine, teacher: User, first_name: str, total: int) -> Screened:
    """Screen one pupil (teacher form) with answers whose total difficulties is ``total``."""
    row = pupil(engine, first_name)
    [screened] = service.screen_class(
        engine,
        user_id=teacher.id,  # type: ignore[arg-type]
        data=ClassScreening(
            school_id=row.school_id,
            academic_year=this_academic_year(),
            class_name=row.class_name,
            held_on=utcnow().date(),
            answers={row.id: answers_for_total(total)},  # type: ignore[dict-item]
        ),
    )
    return screened
