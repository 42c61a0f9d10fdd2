"""People and households of the screening: entered one by one, found by Thai ID, and keyed by
the Thai soundex of their name so that the same person spelt two ways is suggested as one.

The soundex is pythainlp's ``lk82`` (Lorchirachoonkul 1982): of the Thai engines it keeps
together the spellings officers actually vary (สมศรี/สมสี, ประเสริฐ/ประเสิฐ, วรรณา/วันนา) while
keeping different names apart (สมศรี/สมศักดิ์), where ``udom83`` splits the first pairs."""

from dataclasses import dataclass
from datetime import date

from pythainlp.soundex import soundex
from sqlmodel import Session, select

from domain.errors import InvalidInput, NotFound
from domain.screening.ids import valid_thai_id
from models.people import User
from models.screening import Community, Household, Person, Sex

SOUNDEX_ENGINE = "lk82"


def name_key(first_name: str, last_name: str) -> str:
    """The Thai soundex of first and last name, e.g. "ซ6300:จ7300"."""
    parts = [
        soundex(part, engine=SOUNDEX_ENGINE) if part else "" for part in (first_name, last_name)
    ]
    return ":".join(parts)


def full_name(person: Person) -> str:
    return f"{person.prefix}{person.first_name} {person.last_name}".strip()


@dataclass(frozen=True)
class PersonInput:
    first_name: str
    last_name: str
    prefix: str = ""
    thai_id: str | None = None
    birth_date: date | None = None
    sex: Sex = Sex.unknown
    community_id: int | None = None
    phone: str | None = None
    email: str | None = None
    line_user_id: str | None = None


@dataclass(frozen=True)
class HouseholdInput:
    community_id: int | None = None
    house_no: str = ""
    address: str = ""
    members_count: int | None = None
    monthly_income_satang: int | None = None


def get_person(session: Session, person_id: int) -> Person:
    """The person, or the one a merged person became."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("ไม่พบข้อมูลบุคคลนี้")
    while person.merged_into_id is not None:
        merged_into = session.get(Person, person.merged_into_id)
        if merged_into is None:
            break
        person = merged_into
    return person


def by_thai_id(session: Session, thai_id: str) -> Person | None:
    return session.exec(select(Person).where(Person.thai_id == thai_id)).first()


def community_in_list(session: Session, community_id: int, list_id: int) -> Community:
    community = session.get(Community, community_id)
    if community is None or community.list_id != list_id:
        raise InvalidInput("ไม่พบชุมชนนี้ในทะเบียนชุมชนของรอบ", field="community_id")
    return community


def new_person(data: PersonInput, *, actor: User | None, household_id: int | None = None) -> Person:
    """A Person (not yet added): names trimmed, Thai ID checked, name key computed."""
    first, last = data.first_name.strip(), data.last_name.strip()
    if not first:
        raise InvalidInput("กรุณาระบุชื่อ", field="first_name")
    return Person(
        thai_id=valid_thai_id(data.thai_id) if data.thai_id else None,
        prefix=data.prefix.strip(),
        first_name=first,
        last_name=last,
        birth_date=data.birth_date,
        sex=data.sex,
        household_id=household_id,
        community_id=data.community_id,
        phone=data.phone or None,
        email=data.email or None,
        line_user_id=data.line_user_id or None,
        name_key=name_key(first, last),
        created_by_id=actor.id if actor else None,
    )


def find_or_create_person(
    session: Session,
    data: PersonInput,
    *,
    actor: User,
    household: HouseholdInput | None = None,
) -> tuple[Person, bool]:
    """The person with this Thai ID (contacts missing on file are completed), or a new one
    with its household; True when created."""
    if data.thai_id:
        known = by_thai_id(session, valid_thai_id(data.thai_id))
        if known is not None:
            known = get_person(session, known.id)  # type: ignore[arg-type]
            for contact in ("phone", "email", "line_user_id"):
                if getattr(known, contact) is None and getattr(data, contact):
                    setattr(known, contact, getattr(data, contact))
            session.add(known)
            return known, False
    household_id = None
    if household is not None and (household.house_no or household.address):
        row = Household(**household.__dict__)
        session.add(row)
        session.flush()
        household_id = row.id
    person = new_person(data, actor=actor, household_id=household_id)
    session.add(person)
    session.flush()
    return person, True
