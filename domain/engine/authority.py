"""Who may decide a step: the person named, holders of the position named, committee members,
and whoever acts for any of them (รักษาราชการแทน) at the time of the decision."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from domain.engine.people import principals_for
from domain.errors import NotEntitled
from models.people import CommitteeMember, Position, User
from models.steps import AssigneeKind, HumanStep, StepStatus


def is_holder(session: Session, *, user: User, step: HumanStep) -> bool:
    """Whether ``user`` in their own right is named by the step."""
    if step.assignee_kind == AssigneeKind.user:
        return step.assignee_user_id == user.id
    if step.assignee_kind == AssigneeKind.position:
        return user.position == step.assignee_position and (
            step.assignee_division_id is None or step.assignee_division_id == user.division_id
        )
    return (
        session.exec(
            select(CommitteeMember.id).where(
                CommitteeMember.committee_id == step.committee_id,
                CommitteeMember.user_id == user.id,
            )
        ).first()
        is not None
    )


@dataclass(frozen=True)
class Standing:
    """In whose name a user decides: themselves, or the principal they act for."""

    actor: User
    principal: User

    @property
    def acting_for_user_id(self) -> int | None:
        return None if self.principal.id == self.actor.id else self.principal.id


def standing(
    session: Session, *, user: User, step: HumanStep, at: datetime | None = None
) -> Standing:
    """Raise NotEntitled unless ``user`` may decide ``step``, directly or as acting officer."""
    if not user.active:
        raise NotEntitled("บัญชีผู้ใช้นี้ถูกระงับ")
    if is_holder(session, user=user, step=step):
        return Standing(user, user)
    for principal in principals_for(session, user=user, at=at):
        if is_holder(session, user=principal, step=step):
            return Standing(user, principal)
    raise NotEntitled("ท่านไม่มีอำนาจพิจารณาขั้นตอนนี้ และไม่ได้รักษาราชการแทนผู้มีอำนาจ")


def _named_condition(user: User) -> ColumnElement[bool]:
    committee_ids = select(CommitteeMember.committee_id).where(CommitteeMember.user_id == user.id)
    division_match = sa.or_(
        col(HumanStep.assignee_division_id).is_(None),
        col(HumanStep.assignee_division_id) == user.division_id,
    )
    return sa.or_(
        sa.and_(
            HumanStep.assignee_kind == AssigneeKind.user, HumanStep.assignee_user_id == user.id
        ),
        sa.and_(
            HumanStep.assignee_kind == AssigneeKind.position,
            HumanStep.assignee_position == user.position,
            division_match,
        ),
        sa.and_(
            HumanStep.assignee_kind == AssigneeKind.committee,
            col(HumanStep.committee_id).in_(committee_ids),
        ),
    )


@dataclass(frozen=True)
class InboxItem:
    step: HumanStep
    acting_for: User | None


def inbox(
    session: Session, *, user: User, at: datetime | None = None, limit: int = 200
) -> list[InboxItem]:
    """Open steps ``user`` may decide, their own first and then those of whom they act for,
    each list by due time."""
    items: list[InboxItem] = []
    seen: set[int] = set()
    for principal in [user, *principals_for(session, user=user, at=at)]:
        steps = session.exec(
            select(HumanStep)
            .where(HumanStep.status == StepStatus.open, _named_condition(principal))
            .order_by(col(HumanStep.due_at), col(HumanStep.id))
            .limit(limit)
        )
        for step in steps:
            if step.id not in seen:
                seen.add(step.id)  # type: ignore[arg-type]
                items.append(InboxItem(step, None if principal is user else principal))
    return items[:limit]


def outranks(user: User, position: Position) -> bool:
    return Position(user.position).rank >= position.rank
