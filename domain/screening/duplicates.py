"""Duplicate people: the same Thai ID is the same person (found at entry, never stored twice);
similar Thai names (the same ``name_key``, a Thai soundex) with the same birth date, or the
same community where a birth date is missing, are suggested to the coordinator, who merges
them or records that they are two people (the suggestion is then not made again). A merge keeps
every nomination and the merged person's row (``merged_into_id``)."""

from collections import defaultdict
from dataclasses import dataclass

from sqlmodel import Session, col, select

from domain.engine import audit
from domain.errors import Conflict, InvalidInput
from domain.screening.people import get_person
from domain.screening.rounds import check_coordinator
from domain.screening.states import CASE_TYPE, set_state
from models.people import User
from models.screening import Candidate, CandidateState, DistinctPair, Nomination, Person

COPIED_WHEN_MISSING = (
    "thai_id",
    "birth_date",
    "household_id",
    "community_id",
    "phone",
    "email",
    "line_user_id",
)


@dataclass(frozen=True)
class Suggestion:
    first: Person
    second: Person
    reasons: tuple[str, ...]
    """Thai, e.g. ("ชื่อ-นามสกุลออกเสียงใกล้กัน", "วันเกิดเดียวกัน")."""


def _reasons(a: Person, b: Person) -> tuple[str, ...] | None:
    if a.thai_id and b.thai_id and a.thai_id != b.thai_id:
        return None  # two ID cards: two people
    if a.birth_date and b.birth_date and a.birth_date != b.birth_date:
        return None
    reasons = ["ชื่อ-นามสกุลออกเสียงใกล้กัน"]
    if a.birth_date and a.birth_date == b.birth_date:
        reasons.append("วันเกิดเดียวกัน")
    if a.community_id and a.community_id == b.community_id:
        reasons.append("ชุมชนเดียวกัน")
    return tuple(reasons) if len(reasons) > 1 else None


def suggestions(session: Session, round_id: int) -> list[Suggestion]:
    """Pairs of people, one at least a candidate of the round, who may be one person."""
    keys = select(Person.name_key).join(Candidate, col(Candidate.person_id) == Person.id)
    keys = keys.where(
        Candidate.round_id == round_id, Candidate.state != CandidateState.merged
    ).distinct()
    people = session.exec(
        select(Person)
        .where(col(Person.name_key).in_(keys), col(Person.merged_into_id).is_(None))
        .order_by(col(Person.id))
    ).all()
    # Buckets keep the pairs few where many share a common name: the same name and birth date,
    # or the same name and community where a birth date is missing.
    buckets: dict[tuple[object, ...], list[Person]] = defaultdict(list)
    for person in people:
        if person.birth_date is not None:
            buckets[(person.name_key, "born", person.birth_date)].append(person)
        if person.community_id is not None:
            buckets[(person.name_key, "lives", person.community_id)].append(person)
    found = []
    # Pairs not to suggest: the ones answered "two people", then each one suggested already.
    seen = _distinct_pairs(session, [p.id for p in people])  # type: ignore[misc]
    for (_key, kind, _value), group in buckets.items():
        for i, first in enumerate(group):
            for second in group[i + 1 :]:
                both_born = first.birth_date is not None and second.birth_date is not None
                if (kind == "lives" and both_born) or (first.id, second.id) in seen:
                    continue
                reasons = _reasons(first, second)
                if reasons is not None:
                    seen.add((first.id, second.id))
                    found.append(Suggestion(first, second, reasons))
    return found


def _distinct_pairs(session: Session, person_ids: list[int]) -> set[tuple[int, int]]:
    """The pairs among ``person_ids`` a coordinator said are two people, as (lower id, higher
    id): stored that way (``mark_distinct``), so the lower id alone finds them, and the same
    order as ``suggestions`` pairs people (by id)."""
    if not person_ids:
        return set()
    rows = session.exec(
        select(DistinctPair.first_person_id, DistinctPair.second_person_id).where(
            col(DistinctPair.first_person_id).in_(person_ids)
        )
    ).all()
    return {(first, second) for first, second in rows}


def mark_distinct(
    session: Session, actor: User, *, first_id: int, second_id: int, reason: str
) -> DistinctPair:
    """The coordinator checked a suggestion: two people. Recorded once, audited on every round
    either is a candidate in; asking again answers the first record."""
    check_coordinator(session, actor)
    if not reason.strip():
        raise InvalidInput("กรุณาระบุเหตุผลที่ยืนยันว่าเป็นคนละคน", field="reason")
    low, high = sorted((get_person(session, first_id).id, get_person(session, second_id).id))  # type: ignore[type-var]
    if low == high:
        raise Conflict("เป็นบุคคลเดียวกันอยู่แล้ว")
    existing = session.exec(
        select(DistinctPair).where(
            DistinctPair.first_person_id == low, DistinctPair.second_person_id == high
        )
    ).first()
    if existing is not None:
        return existing
    pair = DistinctPair(
        first_person_id=low,  # type: ignore[arg-type]
        second_person_id=high,  # type: ignore[arg-type]
        reason=reason.strip(),
        decided_by_id=actor.id,  # type: ignore[arg-type]
    )
    session.add(pair)
    session.flush()
    rounds = session.exec(
        select(Candidate.round_id).where(col(Candidate.person_id).in_([low, high])).distinct()
    ).all()
    for round_id in sorted(rounds):
        audit.record(
            session,
            case_type=CASE_TYPE,
            case_id=round_id,
            action="screening_persons_distinct",
            actor=actor,
            detail={"person_ids": [low, high], "reason": pair.reason},
        )
    return pair


def merge(session: Session, actor: User, *, keep_id: int, drop_id: int, reason: str) -> Person:
    """Merge ``drop`` into ``keep``: nominations and candidacies move to ``keep`` (in a round
    where both are candidates, ``drop``'s candidacy is marked merged), details ``keep`` lacks
    are taken from ``drop``; audited on every round concerned."""
    check_coordinator(session, actor)
    if not reason.strip():
        raise InvalidInput("กรุณาระบุเหตุผลที่รวมรายชื่อ", field="reason")
    keep, drop = get_person(session, keep_id), get_person(session, drop_id)
    if keep.id == drop.id:
        raise Conflict("เป็นบุคคลเดียวกันอยู่แล้ว")
    if keep.thai_id and drop.thai_id and keep.thai_id != drop.thai_id:
        raise Conflict("รวมไม่ได้: ทั้งสองคนมีเลขประจำตัวประชาชนต่างกัน")
    kept_candidates = {
        c.round_id: c for c in session.exec(select(Candidate).where(Candidate.person_id == keep.id))
    }
    rounds: set[int] = set()
    for candidate in session.exec(select(Candidate).where(Candidate.person_id == drop.id)).all():
        rounds.add(candidate.round_id)
        if candidate.round_id in kept_candidates:
            if candidate.state != CandidateState.nominated:
                raise Conflict("รวมไม่ได้: รายชื่อที่ซ้ำอยู่ระหว่างการประเมินแล้ว")
            set_state(session, candidate, CandidateState.merged, actor=actor, into=keep.id)
        else:
            candidate.person_id = keep.id  # type: ignore[assignment]
            session.add(candidate)
    moved = session.exec(select(Nomination).where(Nomination.person_id == drop.id)).all()
    for nomination in moved:
        nomination.person_id = keep.id  # type: ignore[assignment]
        rounds.add(nomination.round_id)
        session.add(nomination)
    taken = {f: getattr(drop, f) for f in COPIED_WHEN_MISSING if getattr(keep, f) is None}
    drop.thai_id = None  # unique: freed before ``keep`` takes it
    drop.merged_into_id = keep.id
    session.add(drop)
    session.flush()
    for name, value in taken.items():
        setattr(keep, name, value)
    keep.hiv_positive = keep.hiv_positive or drop.hiv_positive
    session.add(keep)
    session.flush()
    for round_id in sorted(rounds):
        audit.record(
            session,
            case_type=CASE_TYPE,
            case_id=round_id,
            action="screening_persons_merged",
            actor=actor,
            detail={
                "kept_person_id": keep.id,
                "merged_person_id": drop.id,
                "nominations_moved": len(moved),
                "reason": reason.strip(),
            },
        )
    return keep
