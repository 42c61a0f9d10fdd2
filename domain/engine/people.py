"""People lookups every workflow uses: holders of a position (in a division), who acts for
whom (รักษาราชการแทน), who a step names, and whom to tell when a step is badly late."""

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, col, select

from core.db import utcnow
from domain.errors import InvalidInput
from models.people import ActingAssignment, CommitteeMember, CommitteeRole, Division, Position, User
from models.steps import AssigneeKind, HumanStep


def division_by_code(session: Session, code: str) -> Division:
    """A division by its code (e.g. "ช่าง"); InvalidInput names the field ``division_code``."""
    found = session.exec(select(Division).where(Division.code == code)).first()
    if found is None:
        raise InvalidInput(f"ไม่พบหน่วยงาน {code}", field="division_code")
    return found


def holders_of(session: Session, position: Position, division_id: int | None = None) -> list[User]:
    """Active holders of ``position`` (in ``division_id`` when given), by id."""
    query = select(User).where(User.position == position, User.active == True)  # noqa: E712
    if division_id is not None:
        query = query.where(User.division_id == division_id)
    return list(session.exec(query.order_by(col(User.id))))


def members_of_division(
    session: Session, division_id: int, positions: Iterable[Position]
) -> list[User]:
    """Active people of a division holding any of ``positions``, by id."""
    return list(
        session.exec(
            select(User)
            .where(
                User.division_id == division_id,
                col(User.position).in_([p.value for p in positions]),
                User.active == True,  # noqa: E712
            )
            .order_by(col(User.id))
        )
    )


def principals_for(session: Session, *, user: User, at: datetime | None = None) -> list[User]:
    """The users ``user`` acts for at ``at`` (not including ``user``). A principal whose
    account is closed counts too: acting for a vacant post (รักษาราชการแทน when nobody holds
    it or the holder cannot serve) is what the order is for. The acting officer's own account
    must be active (``authority.standing`` checks it)."""
    at = at or utcnow()
    return list(
        session.exec(
            select(User)
            .join(ActingAssignment, col(ActingAssignment.for_user_id) == User.id)
            .where(
                ActingAssignment.acting_user_id == user.id,
                ActingAssignment.starts_at <= at,
                ActingAssignment.ends_at > at,
            )
        )
    )


def holders(session: Session, *, step: HumanStep, include_inactive: bool = False) -> list[User]:
    """Everyone named by the step in their own right (for notices); with
    ``include_inactive``, also those whose account is closed (whom an officer may act for)."""
    query = select(User)
    if not include_inactive:
        query = query.where(User.active == True)  # noqa: E712
    if step.assignee_kind == AssigneeKind.user:
        query = query.where(User.id == step.assignee_user_id)
    elif step.assignee_kind == AssigneeKind.position:
        query = query.where(User.position == step.assignee_position)
        if step.assignee_division_id is not None:
            query = query.where(User.division_id == step.assignee_division_id)
    else:
        query = query.join(CommitteeMember, col(CommitteeMember.user_id) == User.id).where(
            CommitteeMember.committee_id == step.committee_id
        )
    return list(session.exec(query.order_by(col(User.id))))


def superiors(session: Session, *, step: HumanStep) -> list[User]:
    """Whom to tell when a step is badly late: holders of the next position up (in the same
    division while the ladder stays inside one); for a committee step, its chair and secretary,
    who convene it."""
    if step.assignee_kind == AssigneeKind.committee:
        return list(
            session.exec(
                select(User)
                .join(CommitteeMember, col(CommitteeMember.user_id) == User.id)
                .where(
                    CommitteeMember.committee_id == step.committee_id,
                    col(CommitteeMember.role).in_([CommitteeRole.chair, CommitteeRole.secretary]),
                    User.active == True,  # noqa: E712
                )
            )
        )
    if step.assignee_kind == AssigneeKind.position and step.assignee_position:
        position, division_id = Position(step.assignee_position), step.assignee_division_id
    else:
        named = holders(session, step=step)
        if not named:
            return []
        position, division_id = Position(named[0].position), named[0].division_id
    if position is Position.mayor:
        return []
    higher = list(Position)[position.rank + 1]
    query = select(User).where(User.position == higher, User.active == True)  # noqa: E712
    if higher.within_division:
        query = query.where(User.division_id == division_id)
    return list(session.exec(query))


def with_acting_officers(session: Session, people: list[User], now: datetime) -> list[User]:
    """The people named plus whoever (active) acts for them at ``now``."""
    acting = acting_officers(session, [p.id for p in people], now)  # type: ignore[misc]
    unique = {p.id: p for p in [*people, *(a for found in acting.values() for a in found)]}
    return list(unique.values())


def acting_officers(
    session: Session, principal_ids: list[int], at: datetime
) -> dict[int, list[User]]:
    """The active officers acting at ``at`` for each of ``principal_ids`` (absent: nobody)."""
    if not principal_ids:
        return {}
    found: dict[int, list[User]] = {}
    rows = session.exec(
        select(ActingAssignment.for_user_id, User)
        .join(User, col(ActingAssignment.acting_user_id) == User.id)
        .where(
            col(ActingAssignment.for_user_id).in_(principal_ids),
            ActingAssignment.starts_at <= at,
            ActingAssignment.ends_at > at,
            User.active == True,  # noqa: E712
        )
        .order_by(col(User.id))
    )
    for principal_id, officer in rows:
        found.setdefault(principal_id, []).append(officer)
    return found


def deciders(session: Session, *, step: HumanStep, at: datetime) -> list[User]:
    """Everyone who may decide ``step`` at ``at`` (``authority.standing``'s rule, for all at
    once): its active holders, and the active officers acting for anyone it names, also for
    one whose account is closed. Empty: nobody can decide it (an orphaned step)."""
    named = holders(session, step=step, include_inactive=True)
    acting = acting_officers(session, [p.id for p in named], at)  # type: ignore[misc]
    unique = {p.id: p for p in named if p.active}
    for officers in acting.values():
        unique.update((a.id, a) for a in officers)
    return list(unique.values())
