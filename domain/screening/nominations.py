"""Nominations: who proposed a person for a round, from which source. One candidate per
person and round, however many nominations (a community president and a teacher may both
propose the same child)."""

from dataclasses import dataclass

from sqlmodel import Session, select

from domain.engine import audit
from domain.errors import InvalidInput
from domain.screening.people import (
    HouseholdInput,
    PersonInput,
    community_in_list,
    find_or_create_person,
)
from domain.screening.rounds import check_coordinator, check_nominating
from domain.screening.states import CASE_TYPE
from models.people import User
from models.screening import (
    Candidate,
    Nomination,
    NominationSource,
    School,
    ScreeningRound,
)

NEEDS_COMMUNITY = frozenset({NominationSource.community_president})
NEEDS_SCHOOL = frozenset({NominationSource.teacher})


@dataclass(frozen=True)
class NominationInput:
    person: PersonInput
    source: NominationSource
    nominator_name: str
    household: HouseholdInput | None = None
    community_id: int | None = None
    """The nominating community (a community president's); defaults to the person's."""
    school_id: int | None = None
    note: str = ""


def source_problem(
    source: NominationSource,
    *,
    nominator_name: str,
    community_id: int | None,
    school_id: int | None,
) -> str | None:
    """What a nomination of this source lacks (Thai), or None."""
    if not nominator_name.strip():
        return "กรุณาระบุชื่อผู้เสนอ"
    if source in NEEDS_COMMUNITY and community_id is None:
        return f"การเสนอโดย{source.thai}ต้องระบุชุมชน"
    if source in NEEDS_SCHOOL and school_id is None:
        return f"การเสนอโดย{source.thai}ต้องระบุโรงเรียน"
    return None


def candidate_of(session: Session, round_id: int, person_id: int) -> Candidate | None:
    return session.exec(
        select(Candidate).where(Candidate.round_id == round_id, Candidate.person_id == person_id)
    ).first()


def ensure_candidate(session: Session, round_id: int, person_id: int) -> Candidate:
    candidate = candidate_of(session, round_id, person_id)
    if candidate is None:
        candidate = Candidate(round_id=round_id, person_id=person_id)
        session.add(candidate)
        session.flush()
    return candidate


def nominate(
    session: Session, screening_round: ScreeningRound, actor: User, data: NominationInput
) -> Nomination:
    """Record one nomination: the person found by Thai ID or created, the candidate made once."""
    check_coordinator(session, actor)
    check_nominating(screening_round)
    list_id = screening_round.community_list_id
    person_community = data.person.community_id
    if person_community is not None:
        community_in_list(session, person_community, list_id)
    community_id = data.community_id or person_community
    if community_id is not None:
        community_in_list(session, community_id, list_id)
    if data.school_id is not None and session.get(School, data.school_id) is None:
        raise InvalidInput("ไม่พบโรงเรียนนี้", field="school_id")
    problem = source_problem(
        data.source,
        nominator_name=data.nominator_name,
        community_id=community_id,
        school_id=data.school_id,
    )
    if problem is not None:
        raise InvalidInput(problem, field="source")
    household = data.household
    if household is not None and household.community_id is None:
        household = HouseholdInput(**{**household.__dict__, "community_id": person_community})
    person, _created = find_or_create_person(session, data.person, actor=actor, household=household)
    nomination = Nomination(
        round_id=screening_round.id,  # type: ignore[arg-type]
        person_id=person.id,  # type: ignore[arg-type]
        source=data.source,
        nominator_name=data.nominator_name.strip(),
        community_id=community_id,
        school_id=data.school_id,
        note=data.note.strip(),
        created_by_id=actor.id,  # type: ignore[arg-type]
    )
    session.add(nomination)
    ensure_candidate(session, screening_round.id, person.id)  # type: ignore[arg-type]
    session.flush()
    audit.record(
        session,
        case_type=CASE_TYPE,
        case_id=screening_round.id,  # type: ignore[arg-type]
        action="screening_nominations_added",
        actor=actor,
        detail={"nomination_id": nomination.id, "source": data.source.value, "count": 1},
    )
    return nomination
