"""LINE pushes to a complainant who filed through LINE: at each public step of the complaint
(routed, forwarded outside, date announced or changed, more time granted, resolved with the
request to rate, reopened, closed…) the same words as the mail, queued in the ``linepush``
outbox in the step's transaction; ``adapters/line_push.py`` sends them.

The receipt (number and PIN) is not pushed: the webhook's reply carries it, and the PIN is
never stored to be sent later."""

from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlmodel import Session

from core.db import insert_ignoring_duplicates
from core.settings import PROJECT_ROOT
from domain.complaints.states import CASE_TYPE
from models.complaint import Complaint
from models.line_push import LinePush

ANSWERED_BY_REPLY = frozenset({"received"})
"""Kinds the LINE user already had as the webhook's reply."""
MAX_MESSAGES = 5
"""LINE takes at most five messages in one push."""
MAX_TEXT = 5000
"""…of at most 5000 characters each."""

_TEMPLATES = PROJECT_ROOT / "templates" / "complaints"
_env = Environment(
    loader=FileSystemLoader([_TEMPLATES / "line", _TEMPLATES / "mail"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    autoescape=False,  # plain text for LINE
    keep_trailing_newline=False,
)


def push_texts(kind: str, context: dict[str, Any]) -> list[str]:
    """The messages of one push: the step in Thai, and for a result the request to rate."""
    texts = [_env.get_template("complaint_push.txt").render({**context, "kind": kind}).strip()]
    if kind == "resolved":
        texts.append(_env.get_template("complaint_rating.txt").render(context).strip())
    return [t[:MAX_TEXT] for t in texts[:MAX_MESSAGES]]


def queue_line_push(
    session: Session, complaint: Complaint, kind: str, *, dedupe: str, context: dict[str, Any]
) -> bool:
    """Queue the push for ``kind`` to the complaint's LINE user, once per ``dedupe`` (the same
    key as the complainant's mail). Returns whether a row went in; nothing for a complaint
    not filed through LINE, or for the receipt, which the reply carried."""
    if not complaint.line_user_id or kind in ANSWERED_BY_REPLY:
        return False
    row = LinePush(
        dedupe_key=f"complaint:{complaint.id}:line:{dedupe}",
        line_user_id=complaint.line_user_id,
        messages=push_texts(kind, context),
        case_type=CASE_TYPE,
        case_id=complaint.id,
    ).model_dump(exclude={"id"})  # fills status, times, counters
    return insert_ignoring_duplicates(
        session,
        LinePush.__table__,  # type: ignore[attr-defined]
        row,
        ["dedupe_key"],
    )
