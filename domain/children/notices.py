"""Notices to a child's parents (seed 002: teachers and parents keep in touch over LINE).
Parents have no login: they are reached by LINE push or e-mail, as each guardian chose, in
the transaction of the step that caused the notice (the outboxes send them). A notice names
the child and the core person, never the risk label or the scores."""

from sqlmodel import Session, col, select

from core.db import insert_ignoring_duplicates
from domain.children.states import CASE_TYPE
from domain.engine.notify import queue_email, render_email
from domain.screening.people import full_name
from models.children import ChildCase, Guardian, NoticeChannel
from models.line_push import LinePush
from models.people import User
from models.screening import Person, School

TEMPLATE = "child_parent"
KINDS = frozenset({"opened", "home_visit", "plan", "closed"})


def _queue_line(session: Session, *, key: str, line_user_id: str, text: str, case_id: int) -> bool:
    row = LinePush(
        dedupe_key=key,
        line_user_id=line_user_id,
        messages=[text.strip()[:5000]],
        case_type=CASE_TYPE,
        case_id=case_id,
    ).model_dump(exclude={"id"})  # fills status, times, counters
    return insert_ignoring_duplicates(
        session,
        LinePush.__table__,  # type: ignore[attr-defined]
        row,
        ["dedupe_key"],
    )


def notify_parents(session: Session, case: ChildCase, kind: str) -> int:
    """Queue the notice ``kind`` to each guardian of the child, once per case, kind and
    guardian; returns how many were queued."""
    if kind not in KINDS:
        raise ValueError(f"unknown parent notice {kind!r}")
    child = session.get(Person, case.person_id)
    school = session.get(School, case.school_id) if case.school_id else None
    core = session.get(User, case.core_person_id)
    assert child is not None and core is not None
    rows = session.exec(
        select(Guardian, Person)
        .join(Person, col(Person.id) == Guardian.guardian_id)
        .where(Guardian.child_id == case.person_id)
        .order_by(col(Guardian.id))
    ).all()
    queued = 0
    for guardian, parent in rows:
        context = {
            "kind": kind,
            "parent_name": f"{guardian.relation}ของ{child.first_name}"
            if not parent.first_name
            else full_name(parent),
            "child_name": full_name(child),
            "school_name": school.name if school else "เทศบาลนครขอนแก่น",
            "core_person_name": core.full_name,
            "core_person_email": core.email or "",
        }
        key = f"child-case:{case.id}:{kind}:{guardian.id}"
        if guardian.notify_by == NoticeChannel.line and parent.line_user_id:
            text = render_email(TEMPLATE, context).text
            queued += _queue_line(
                session,
                key=f"{key}:line",
                line_user_id=parent.line_user_id,
                text=text,
                case_id=case.id,  # type: ignore[arg-type]
            )
        elif guardian.notify_by != NoticeChannel.none and parent.email:
            queued += queue_email(
                session,
                dedupe_key=key,
                to=parent.email,
                template=TEMPLATE,
                context=context,
                case_type=CASE_TYPE,
                case_id=case.id,
            )
    return queued
