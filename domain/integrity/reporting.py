"""The reporter's side of the sealed channel: file a report (anonymous or not), follow it with
the receipt code and passphrase, read the officers' questions and answer them, add evidence.
No account, no e-mail; nothing about the reporter's connection is taken or kept."""

from dataclasses import dataclass, field
from datetime import date, datetime

from pydantic import ValidationError
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.db import in_transaction, utcnow
from domain.complaints.submission import sniff_image
from domain.engine import guessing, throttle
from domain.engine.forms import thai_errors
from domain.errors import InvalidInput, NotFound
from domain.integrity.forms import FIELD_TITLES, Identity, NewReport, Reply
from domain.integrity.policy import integrity_policy
from domain.integrity.receipts import (
    DUMMY_DIGEST,
    canonical_code,
    new_passphrase,
    new_receipt_code,
    passphrase_digest,
    passphrase_matches,
)
from domain.integrity.rules import today
from domain.integrity.sealing import sealer
from models.integrity import (
    IntegrityFile,
    IntegrityMessage,
    IntegrityOrigin,
    IntegrityReport,
    IntegrityStatus,
)

REFUSED = "ไม่พบเรื่องตามรหัสรับเรื่องและรหัสผ่านที่ระบุ"
"""One answer for an unknown code, a malformed one and a wrong passphrase."""


@dataclass(frozen=True)
class Receipt:
    code: str
    passphrase: str
    chosen: bool
    """The reporter chose the passphrase (it is then not shown back)."""


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


@dataclass(frozen=True)
class ShownMessage:
    from_reporter: bool
    written_on: date
    text: str
    files: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ReporterView:
    code: str
    received_on: date
    status: IntegrityStatus
    outcome: str | None
    action_stage: str | None
    decided_on: date | None
    subject: str
    text: str
    anonymous: bool
    files: list[str]
    """Evidence attached to the report itself (a message's files are with the message)."""
    messages: list[ShownMessage]


def file_type(data: bytes) -> str | None:
    """An evidence file's type by its first bytes: the photos complaints take, or a PDF."""
    if data[:5] == b"%PDF-":
        return "application/pdf"
    return sniff_image(data)


def _checked_files(files: list[Upload]) -> list[tuple[Upload, str]]:
    policy = integrity_policy()
    if len(files) > policy.max_files:
        raise InvalidInput(f"แนบไฟล์ได้ไม่เกิน {policy.max_files} ไฟล์", field="files")
    checked = []
    for i, upload in enumerate(files, start=1):
        if len(upload.data) > policy.max_file_bytes:
            raise InvalidInput(
                f"ไฟล์ที่ {i} ใหญ่เกิน {policy.max_file_bytes // (1024 * 1024)} MB", field="files"
            )
        kind = file_type(upload.data)
        if kind is None or kind not in policy.allowed_types:
            raise InvalidInput(
                f"ไฟล์ที่ {i} ไม่ใช่ไฟล์ที่รับได้ (รับเฉพาะรูปภาพ JPEG, PNG และเอกสาร PDF)",
                field="files",
            )
        checked.append((upload, kind))
    return checked


def _seal_files(
    session: Session, report_id: int, message_id: int | None, files: list[tuple[Upload, str]]
) -> None:
    seal = sealer()
    for upload, kind in files:
        session.add(
            IntegrityFile(
                report_id=report_id,
                message_id=message_id,
                content_type=kind,
                size_bytes=len(upload.data),
                name_sealed=seal.seal(upload.filename[:200] or "file", field="file.name"),
                data_sealed=seal.seal(upload.data, field="file.data"),
            )
        )


def parse_report(data: dict) -> NewReport:
    try:
        return NewReport.model_validate(data)
    except ValidationError as exc:
        errors = thai_errors(exc, FIELD_TITLES)
        raise InvalidInput(
            "ข้อมูลไม่ครบถ้วนหรือไม่ถูกต้อง: " + "; ".join(e["message"] for e in errors),
            errors=errors,
        ) from None


def store_report(
    session: Session,
    *,
    subject: str,
    text: str,
    identity: Identity | None,
    files: list[tuple[Upload, str]],
    passphrase: str,
    origin: IntegrityOrigin,
    now: datetime | None = None,
) -> str:
    """Seal and store one report in the caller's transaction; its receipt code."""
    seal = sealer()
    code = new_receipt_code()
    while session.exec(
        select(IntegrityReport.id).where(IntegrityReport.receipt_code == code)
    ).first():
        code = new_receipt_code()
    identity_json = identity.model_dump_json() if identity else None
    row = IntegrityReport(
        receipt_code=code,
        passphrase_hash=passphrase_digest(passphrase),
        received_on=today(now),
        origin=origin,
        status=IntegrityStatus.received,
        subject_sealed=seal.seal(subject, field="report.subject"),
        text_sealed=seal.seal(text, field="report.text"),
        identity_sealed=seal.seal(identity_json, field="report.identity")
        if identity_json
        else None,
    )
    session.add(row)
    session.flush()
    _seal_files(session, row.id, None, files)  # type: ignore[arg-type]
    return code


def file_report(
    engine: Engine,
    report: NewReport,
    files: list[Upload] = (),  # type: ignore[assignment]
    *,
    now: datetime | None = None,
) -> Receipt:
    """Store the sealed report and hand back its receipt. Its handling starts with the next
    intake sweep (``rules.open_received``)."""
    checked = _checked_files(list(files))
    passphrase = report.passphrase or new_passphrase()
    code = in_transaction(
        engine,
        lambda session: store_report(
            session,
            subject=report.subject,
            text=report.text,
            identity=report.identity,
            files=checked,
            passphrase=passphrase,
            origin=IntegrityOrigin.web,
            now=now,
        ),
    )
    return Receipt(code=code, passphrase=passphrase, chosen=report.passphrase is not None)


def open_report(
    engine: Engine, *, code: str, passphrase: str, now: datetime | None = None
) -> IntegrityReport:
    """The report if code and passphrase match; the same ``NotFound`` for any failure, and
    ``TooManyRequests`` while the code is held back after wrong tries. Tries are counted per
    receipt code only: the channel keeps no caller address."""
    now = now or utcnow()
    limits = guessing.guard("pin")
    canonical = canonical_code(code)
    if canonical is not None:
        wait = guessing.admit(engine, limits.target, f"integrity:{canonical}", now=now)
        if wait is not None:
            raise guessing.too_many(wait)
    with Session(engine, expire_on_commit=False) as session:
        found = None
        if canonical is not None:
            found = session.exec(
                select(IntegrityReport).where(IntegrityReport.receipt_code == canonical)
            ).first()
    if found is None:
        passphrase_matches(passphrase, DUMMY_DIGEST)  # the same time as a wrong passphrase
        raise NotFound(REFUSED)
    if not passphrase_matches(passphrase, found.passphrase_hash):
        raise NotFound(REFUSED)
    throttle.clear(engine, limits.target, f"integrity:{canonical}")
    return found


def reporter_view(engine: Engine, report: IntegrityReport) -> ReporterView:
    seal = sealer()
    with Session(engine) as session:
        messages = session.exec(
            select(IntegrityMessage)
            .where(
                IntegrityMessage.report_id == report.id, col(IntegrityMessage.internal).is_(False)
            )
            .order_by(col(IntegrityMessage.id))
        ).all()
        files = session.exec(
            select(IntegrityFile).where(IntegrityFile.report_id == report.id)
        ).all()
    names: dict[int | None, list[str]] = {}
    for f in files:
        names.setdefault(f.message_id, []).append(seal.open(f.name_sealed, field="file.name"))
    shown = [
        ShownMessage(
            from_reporter=m.from_reporter,
            written_on=m.written_on,
            text=seal.open(m.body_sealed, field="message.body"),
            files=names.get(m.id, []),
        )
        for m in messages
    ]
    return ReporterView(
        code=report.receipt_code,
        received_on=report.received_on,
        status=IntegrityStatus(report.status),
        outcome=report.outcome_thai,
        action_stage=report.action_thai,
        decided_on=report.decided_on,
        subject=seal.open(report.subject_sealed, field="report.subject"),
        text=seal.open(report.text_sealed, field="report.text"),
        anonymous=report.anonymous,
        files=names.get(None, []),
        messages=shown,
    )


def follow(engine: Engine, *, code: str, passphrase: str) -> ReporterView:
    return reporter_view(engine, open_report(engine, code=code, passphrase=passphrase))


def reply(
    engine: Engine,
    *,
    code: str,
    passphrase: str,
    text: str,
    files: list[Upload] = (),  # type: ignore[assignment]
    now: datetime | None = None,
) -> ReporterView:
    """The reporter answers the officers (or adds evidence); kept with its date only."""
    try:
        body = Reply(text=text)
    except ValidationError as exc:
        raise InvalidInput("กรุณาพิมพ์ข้อความ", errors=thai_errors(exc, FIELD_TITLES)) from None
    report = open_report(engine, code=code, passphrase=passphrase)
    checked = _checked_files(list(files))
    seal = sealer()

    def work(session: Session) -> None:
        message = IntegrityMessage(
            report_id=report.id,  # type: ignore[arg-type]
            from_reporter=True,
            written_on=today(now),
            body_sealed=seal.seal(body.text, field="message.body"),
        )
        session.add(message)
        session.flush()
        _seal_files(session, report.id, message.id, checked)  # type: ignore[arg-type]

    in_transaction(engine, work)
    return reporter_view(engine, report)
