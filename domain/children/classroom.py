"""A teacher's class on one page: its pupils with their latest screening result and open
case. The bands are risk labels, so the class is a protected read (logged with its purpose):
the class's teachers and the health staff only."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.db import utcnow
from domain.children.protection import CLASS_RECORD, class_rule
from domain.children.roster import class_pupils, school
from domain.children.screening import latest_results
from domain.engine.calendar import BANGKOK, to_buddhist_year
from domain.engine.readlog import guarded_read
from models.children import CaseStatus, ChildCase, Pupil, ScreeningResult
from models.people import User
from models.screening import Person, School

ACADEMIC_YEAR_STARTS = (5, 16)
"""Thai schools' first term opens in mid-May."""


def academic_year(day: date) -> int:
    """The academic year (Buddhist Era) a day falls in."""
    be = to_buddhist_year(day.year)
    return be if (day.month, day.day) >= ACADEMIC_YEAR_STARTS else be - 1


def this_academic_year() -> int:
    return academic_year(utcnow().astimezone(BANGKOK).date())


@dataclass(frozen=True)
class PupilRow:
    pupil: Pupil
    person: Person
    result: ScreeningResult | None
    case_id: int | None


@dataclass(frozen=True)
class ClassView:
    school: School
    class_name: str
    academic_year: int
    rows: list[PupilRow]


def _load(session: Session, school_id: int, class_name: str, year: int, _user: User) -> ClassView:
    pupils = class_pupils(session, school_id=school_id, academic_year=year, class_name=class_name)
    results = latest_results(session, [p.id for p, _person in pupils])  # type: ignore[misc]
    rows = []
    for pupil, person in pupils:
        case_id = session.exec(
            select(ChildCase.id).where(
                ChildCase.person_id == person.id, ChildCase.status != CaseStatus.closed
            )
        ).first()
        rows.append(PupilRow(pupil, person, results.get(pupil.id), case_id))  # type: ignore[arg-type]
    return ClassView(school(session, school_id), class_name, year, rows)


def read_class(
    engine: Engine,
    *,
    user_id: int,
    school_id: int,
    class_name: str,
    academic_year: int,
    purpose: str,
    channel: str = "",
) -> ClassView:
    with Session(engine) as session:
        school(session, school_id)
    return guarded_read(
        engine,
        user_id=user_id,
        record_type=CLASS_RECORD,
        record_id=school_id,
        purpose=f"{purpose.strip()} (ห้อง {class_name} ปีการศึกษา {academic_year})"
        if purpose.strip()
        else "",
        rules={"record": class_rule(school_id, class_name)},
        load=lambda session, user, _scopes: _load(
            session, school_id, class_name, academic_year, user
        ),
        channel=channel,
    )
