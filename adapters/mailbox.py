"""Mail captured by the local SMTP sink (``ops/smtp_capture.py``) as ``.eml`` files, read back:
the officers' "captured mail" page in development, and the tests."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

FROM_HEADER = "X-Capture-Mail-From"
RCPT_HEADER = "X-Capture-Rcpt-To"
TIME_HEADER = "X-Capture-Received-At"


@dataclass(frozen=True)
class CapturedMail:
    mail_from: str
    """Envelope sender (MAIL FROM)."""
    rcpt_tos: list[str]
    """Envelope recipients (RCPT TO)."""
    subject: str
    text: str
    """The decoded text/plain part ("" if none)."""
    html: str
    """The decoded text/html part ("" if none)."""
    message_id: str
    received_at: datetime
    raw: bytes = field(default=b"", repr=False)
    attachments: list[tuple[str, bytes]] = field(default_factory=list, repr=False)
    """(file name, content) of each attached file."""


def parse_mail(
    raw: bytes, *, mail_from: str, rcpt_tos: list[str], received_at: datetime
) -> CapturedMail:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    return CapturedMail(
        mail_from=mail_from,
        rcpt_tos=list(rcpt_tos),
        subject=str(message.get("Subject", "")),
        text=_body(message, "plain"),
        html=_body(message, "html"),
        message_id=str(message.get("Message-ID", "")).strip(),
        received_at=received_at,
        raw=raw,
        attachments=[
            (part.get_filename() or "", part.get_payload(decode=True) or b"")
            for part in message.iter_attachments()
        ],
    )


def _body(message: EmailMessage, subtype: str) -> str:
    part = message.get_body(preferencelist=(subtype,))
    if part is None or part.get_content_subtype() != subtype:
        return ""
    content = part.get_content()
    if not isinstance(content, str):
        content = content.decode("utf-8", "replace")
    return content.replace("\r\n", "\n")  # SMTP line endings back to Python's


def read_mailbox(directory: Path | str) -> list[CapturedMail]:
    """The mail captured into ``directory``, oldest first (newest last)."""
    path = Path(directory)
    if not path.is_dir():
        return []
    mails = []
    for file in sorted(path.glob("*.eml")):
        raw = file.read_bytes()
        headers = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)
        try:
            received_at = datetime.fromisoformat(str(headers[TIME_HEADER]))
        except (TypeError, ValueError):
            received_at = datetime.fromtimestamp(file.stat().st_mtime, UTC)
        rcpt = str(headers.get(RCPT_HEADER) or headers.get("To") or "")
        mails.append(
            parse_mail(
                raw,
                mail_from=str(headers.get(FROM_HEADER) or headers.get("From") or ""),
                rcpt_tos=[r.strip() for r in rcpt.split(",") if r.strip()],
                received_at=received_at,
            )
        )
    mails.sort(key=lambda m: m.received_at)  # stable: same instant keeps file order
    return mails
