"""Who may read a screened person's record (poor households' data: config/screening.toml
[protection]) and its HIV status (the named welfare officers alone). Every read goes through
``domain.engine.readlog.guarded_read`` and is logged, allowed or refused.

Other stages name more readers with a line in ``READER_RULES`` ("module:function" taking
(session, user, person_id) and answering whether the user may read, e.g. an assessor of a
round the person is a candidate in)."""

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from domain.engine.readlog import Verdict, guarded_read, record_kind
from domain.screening.config import screening_config
from domain.screening.history import PersonHistory, history
from domain.screening.people import get_person
from models.people import Committee, CommitteeMember, Division, User
from models.screening import (
    Community,
    Household,
    Nomination,
    Person,
    School,
    ScreeningRound,
)

RECORD_TYPE = record_kind("screening-person", "บุคคลในการคัดกรองผู้รับโอกาส")
HIV_SCOPE = "hiv-status"

ReaderRule = Callable[[Session, User, int], bool]
READER_RULES: tuple[str, ...] = (
    "domain.screening.assessment:is_assessor_of",
    "domain.screening.certify:is_certifier_of",
    "domain.screening.renewal:is_mentor_of",
)
"""More readers of a person's record, each "module:function" (session, user, person_id)."""


def _in_reader_teams(session: Session, user: User) -> bool:
    teams = screening_config().protection.reader_committees
    return (
        session.exec(
            select(CommitteeMember.id)
            .join(Committee, col(Committee.id) == CommitteeMember.committee_id)
            .where(CommitteeMember.user_id == user.id, col(Committee.name).in_(teams))
        ).first()
        is not None
    )


def may_read_record(session: Session, user: User, person_id: int) -> bool:
    protection = screening_config().protection
    if not user.active:
        return False
    if user.username in protection.hiv_readers:
        return True
    division = session.get(Division, user.division_id) if user.division_id else None
    if division is not None and division.code in protection.reader_divisions:
        return True
    if _in_reader_teams(session, user):
        return True
    for spec in READER_RULES:
        module_name, function = spec.split(":")
        rule: ReaderRule = getattr(importlib.import_module(module_name), function)
        if rule(session, user, person_id):
            return True
    return False


def may_read_hiv_status(user: User) -> bool:
    return user.active and user.username in screening_config().protection.hiv_readers


@dataclass(frozen=True)
class NominationLine:
    nomination: Nomination
    round_title: str
    community: str | None
    school: str | None


@dataclass
class PersonRecord:
    person: Person
    household: Household | None
    community: str | None
    nominations: list[NominationLine] = field(default_factory=list)
    history: PersonHistory = field(default_factory=PersonHistory)
    hiv_positive: bool | None = None
    """None: not shown (not asked for, or not allowed)."""
    hiv_refused: bool = False


def _load(session: Session, person: Person, scopes: frozenset[str]) -> PersonRecord:
    household = session.get(Household, person.household_id) if person.household_id else None
    community = session.get(Community, person.community_id) if person.community_id else None
    record = PersonRecord(
        person=person,
        household=household,
        community=community.name if community else None,
        history=history(session, person.id),  # type: ignore[arg-type]
        hiv_positive=person.hiv_positive if HIV_SCOPE in scopes else None,
    )
    rows = session.exec(
        select(Nomination, ScreeningRound.title)
        .join(ScreeningRound, col(ScreeningRound.id) == Nomination.round_id)
        .where(Nomination.person_id == person.id)
        .order_by(col(Nomination.id))
    ).all()
    for nomination, round_title in rows:
        where = session.get(Community, nomination.community_id) if nomination.community_id else None
        school = session.get(School, nomination.school_id) if nomination.school_id else None
        record.nominations.append(
            NominationLine(
                nomination,
                round_title,
                where.name if where else None,
                school.name if school else None,
            )
        )
    return record


def read_person(
    engine: Engine,
    *,
    user_id: int,
    person_id: int,
    purpose: str,
    with_hiv_status: bool = False,
    channel: str = "",
) -> PersonRecord:
    """A person's record, the read logged; NotEntitled (logged) for a reader who may not.
    The HIV status is a read of its own (``with_hiv_status``): refused and logged for anyone
    but the named officers, while the rest of the record is still shown."""
    with Session(engine) as session:
        person_id = get_person(session, person_id).id  # type: ignore[assignment]

    def record_rule(session: Session, user: User) -> Verdict:
        if may_read_record(session, user, person_id):
            return Verdict(True)
        return Verdict(False, "เฉพาะเจ้าหน้าที่สำนักสวัสดิการสังคมและทีมประเมินของรอบเข้าดูได้")

    def hiv_rule(_session: Session, user: User) -> Verdict | None:
        if not with_hiv_status:
            return None
        if may_read_hiv_status(user):
            return Verdict(True)
        return Verdict(False, "สถานะการติดเชื้อ HIV เปิดดูได้เฉพาะเจ้าหน้าที่ที่ได้รับมอบหมาย")

    def load(session: Session, _user: User, scopes: frozenset[str]) -> PersonRecord:
        record = _load(session, get_person(session, person_id), scopes)
        record.hiv_refused = with_hiv_status and HIV_SCOPE not in scopes
        return record

    return guarded_read(
        engine,
        user_id=user_id,
        record_type=RECORD_TYPE,
        record_id=person_id,
        purpose=purpose,
        rules={"record": record_rule, HIV_SCOPE: hiv_rule},
        load=load,
        channel=channel,
    )
