"""The protected person records that telling, awarding and visiting need (names, addresses,
contacts, HIV status), read in bulk through the read log: every record read is logged with
who (the officer, or nobody for the round's automatic work), the purpose and the scope."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from domain.engine.readlog import Verdict, record_read
from domain.errors import NotEntitled
from domain.screening.people import full_name
from domain.screening.protection import HIV_SCOPE, RECORD_TYPE, may_read_record
from models.people import User
from models.screening import Candidate, Community, Household, Person

SYSTEM_CHANNEL = "system"
"""Reads by the round's automatic work (the flow's notify, benefits and follow-up stages)."""


def log_reads(
    session: Session,
    person_ids: list[int],
    *,
    reader: User | None,
    purpose: str,
    scope: str,
    channel: str = "",
) -> None:
    """Log the read of each record (allowed: the caller reads them for ``purpose``). An officer
    who may not read one of them is refused and nothing is read; the round's automatic work
    (no reader) reads for its purpose, logged without a user."""
    for person_id in person_ids:
        if reader is not None and not may_read_record(session, reader, person_id):
            raise NotEntitled("ไม่มีสิทธิ์เข้าดูข้อมูลผู้ได้รับการเสนอชื่อในรอบนี้")
        record_read(
            session,
            user=reader,
            record_type=RECORD_TYPE,
            record_id=person_id,
            purpose=purpose,
            verdict=Verdict(True),
            scope=scope,
            channel=channel or (SYSTEM_CHANNEL if reader is None else "page"),
        )


@dataclass(frozen=True)
class Recipient:
    candidate_id: int
    person_id: int
    name: str
    address: str
    email: str | None
    line_user_id: str | None
    household_id: int | None
    community_id: int | None


def read_people(
    session: Session,
    person_ids: Sequence[int],
    *,
    reader: User | None,
    purpose: str,
    with_hiv_status: bool = False,
) -> dict[int, Person]:
    """The people by id, each read logged (and the HIV status as a read of its own)."""
    wanted = sorted(set(person_ids))
    if not wanted:
        return {}
    people = {
        p.id: p for p in session.exec(select(Person).where(col(Person.id).in_(wanted))) if p.id
    }
    log_reads(session, list(people), reader=reader, purpose=purpose, scope="record")
    if with_hiv_status:
        log_reads(session, list(people), reader=reader, purpose=purpose, scope=HIV_SCOPE)
    return people


def address_of(
    person: Person, households: dict[int, Household], communities: dict[int, str]
) -> str:
    household = households.get(person.household_id or 0)
    parts = []
    if household is not None:
        parts += [f"บ้านเลขที่ {household.house_no}" if household.house_no else "", household.address]
    community = communities.get(person.community_id or 0)
    if community:
        parts.append(community)
    return " ".join(p for p in parts if p)


def recipients(
    session: Session, candidate_ids: Sequence[int], *, reader: User | None, purpose: str
) -> dict[int, Recipient]:
    """Name, address and contacts of each candidate's person, by candidate id."""
    if not candidate_ids:
        return {}
    candidates = session.exec(select(Candidate).where(col(Candidate.id).in_(candidate_ids))).all()
    people = read_people(session, [c.person_id for c in candidates], reader=reader, purpose=purpose)
    household_ids = {p.household_id for p in people.values() if p.household_id}
    households = {
        h.id: h
        for h in session.exec(select(Household).where(col(Household.id).in_(household_ids)))
        if h.id
    }
    community_ids = {p.community_id for p in people.values() if p.community_id}
    communities = {
        c.id: c.name
        for c in session.exec(select(Community).where(col(Community.id).in_(community_ids)))
        if c.id
    }
    found = {}
    for c in candidates:
        person = people.get(c.person_id)
        if person is None or c.id is None:
            continue
        found[c.id] = Recipient(
            candidate_id=c.id,
            person_id=c.person_id,
            name=full_name(person),
            address=address_of(person, households, communities),
            email=person.email,
            line_user_id=person.line_user_id,
            household_id=person.household_id,
            community_id=person.community_id,
        )
    return found
