"""Mail as part of a decision: render a Thai Jinja2 template (pure) and put it in the outbox
in the caller's transaction. Sending is adapters/mail.py's job."""

from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlmodel import Session

from core.db import insert_ignoring_duplicates
from core.settings import PROJECT_ROOT, get_settings
from domain.engine.calendar import thai_date_text
from domain.engine.registry import INSTALLED
from models.outbox import OutboxEmail
from models.steps import HumanStep

TEMPLATES = PROJECT_ROOT / "templates"

_env = Environment(
    # The engine's mail, then each workflow's own (templates/<workflow>/mail).
    loader=FileSystemLoader(
        [TEMPLATES / "mail", *(TEMPLATES / name / "mail" for name in INSTALLED)]
    ),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["thai_date"] = lambda d: thai_date_text(d, with_time=True)
_env.filters["thai_day"] = lambda d: thai_date_text(d, with_time=False)


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render_email(template: str, context: dict[str, Any]) -> RenderedEmail:
    """``template``.subject.txt, .txt and .html (engine or workflow mail), rendered."""
    return RenderedEmail(
        subject=_env.get_template(f"{template}.subject.txt").render(context).strip(),
        text=_env.get_template(f"{template}.txt").render(context),
        html=_env.get_template(f"{template}.html").render(context),
    )


@dataclass(frozen=True)
class PdfAttachment:
    """A PDF sent with a mail, e.g. the monthly complaint report."""

    filename: str
    """Shown to the reader (Thai allowed)."""
    content: bytes


def queue_email(
    session: Session,
    *,
    dedupe_key: str,
    to: str | None,
    template: str,
    context: dict[str, Any],
    case_type: str | None = None,
    case_id: int | None = None,
    attachment: PdfAttachment | None = None,
) -> bool:
    """Add a mail to the outbox unless one with ``dedupe_key`` is already there.
    Returns whether it was added. A recipient without an address is skipped."""
    if not to:
        return False
    mail = render_email(template, context)
    values = {
        "dedupe_key": dedupe_key,
        "to_address": to,
        "subject": mail.subject,
        "body_text": mail.text,
        "body_html": mail.html,
        "case_type": case_type,
        "case_id": case_id,
        "attachment_name": attachment.filename if attachment else None,
        "attachment_pdf": attachment.content if attachment else None,
    }
    row = OutboxEmail(**values).model_dump(exclude={"id"})  # fills status, times, counters
    return insert_ignoring_duplicates(
        session,
        OutboxEmail.__table__,
        row,
        ["dedupe_key"],  # type: ignore[attr-defined]
    )


def step_url(step: HumanStep) -> str:
    """Where an officer opens the step to decide it."""
    return f"{get_settings().public_base_url}/pages/steps/{step.id}"
