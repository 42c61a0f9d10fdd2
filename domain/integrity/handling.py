"""The named officers' side of the sealed channel: the list (no content), a report read in full
(every read logged, and every refused try), questions to the reporter and internal notes
(sealed), evidence files, and the two decisions, whose reasons are sealed messages while the
engine's step records only the outcome."""

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from core.db import in_transaction
from domain.engine.readlog import Verdict, guarded_read, record_kind
from domain.engine.steps import DecisionResult, decide
from domain.errors import InvalidInput, NotEntitled, NotFound
from domain.integrity.rules import (
    get_report,
    open_step_of,
    require_named_officer,
    today,
)
from domain.integrity.sealing import sealer
from models.integrity import IntegrityFile, IntegrityMessage, IntegrityReport, IntegrityStatus
from models.people import User
from models.steps import HumanStep

RECORD_TYPE = record_kind("integrity-report", "เรื่องร้องเรียนการทุจริต")


@dataclass(frozen=True)
class ListedReport:
    id: int
    received_on: date
    status: IntegrityStatus
    origin: str
    anonymous: bool
    step: HumanStep | None
    reporter_messages: int


@dataclass(frozen=True)
class OfficerMessage:
    from_reporter: bool
    internal: bool
    officer_name: str | None
    written_on: date
    text: str
    files: list[tuple[int, str, str]]


@dataclass(frozen=True)
class OfficerView:
    report: IntegrityReport
    subject: str
    text: str
    identity: dict[str, Any] | None
    files: list[tuple[int, str, str]]
    """(file id, name, content type) attached to the report itself."""
    messages: list[OfficerMessage]
    step: HumanStep | None


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotEntitled("บัญชีผู้ใช้นี้ใช้งานไม่ได้")
    return user


def _named_officer(session: Session, user: User) -> Verdict:
    try:
        require_named_officer(session, user)
    except NotEntitled as refused:
        return Verdict(False, str(refused))
    return Verdict(True)


def list_reports(engine: Engine, *, user_id: int) -> list[ListedReport]:
    """What the officers need to plan their work, and nothing of the content."""
    with Session(engine) as session:
        require_named_officer(session, _user(session, user_id))
        reports = session.exec(select(IntegrityReport).order_by(col(IntegrityReport.id).desc()))
        counts = dict(
            session.exec(  # type: ignore[arg-type]
                select(IntegrityMessage.report_id, func.count())
                .where(col(IntegrityMessage.from_reporter).is_(True))
                .group_by(col(IntegrityMessage.report_id))
            ).all()
        )
        return [
            ListedReport(
                id=r.id,  # type: ignore[arg-type]
                received_on=r.received_on,
                status=IntegrityStatus(r.status),
                origin=r.origin,
                anonymous=r.anonymous,
                step=open_step_of(session, r.id),  # type: ignore[arg-type]
                reporter_messages=counts.get(r.id, 0),
            )
            for r in reports
        ]


def read_report(
    engine: Engine, *, user_id: int, report_id: int, purpose: str, channel: str
) -> OfficerView:
    """The whole report for a named officer; the read logged with the purpose given, and a
    refused try logged too (``domain.engine.readlog``)."""
    seal = sealer()

    def load(session: Session, _user: User, _scopes: frozenset[str]) -> OfficerView:
        report = get_report(session, report_id)
        files = session.exec(
            select(IntegrityFile).where(IntegrityFile.report_id == report_id)
        ).all()
        listed: dict[int | None, list[tuple[int, str, str]]] = {}
        for f in files:
            name = seal.open(f.name_sealed, field="file.name")
            listed.setdefault(f.message_id, []).append((f.id, name, f.content_type))  # type: ignore[arg-type]
        messages = session.exec(
            select(IntegrityMessage)
            .where(IntegrityMessage.report_id == report_id)
            .order_by(col(IntegrityMessage.id))
        ).all()
        writers = {m.officer_id for m in messages if m.officer_id is not None}
        names = {
            u.id: u.full_name for u in session.exec(select(User).where(col(User.id).in_(writers)))
        }
        identity = (
            json.loads(seal.open(report.identity_sealed, field="report.identity"))
            if report.identity_sealed
            else None
        )
        return OfficerView(
            report=report,
            subject=seal.open(report.subject_sealed, field="report.subject"),
            text=seal.open(report.text_sealed, field="report.text"),
            identity=identity,
            files=listed.get(None, []),
            messages=[
                OfficerMessage(
                    from_reporter=m.from_reporter,
                    internal=m.internal,
                    officer_name=names.get(m.officer_id) if m.officer_id else None,
                    written_on=m.written_on,
                    text=seal.open(m.body_sealed, field="message.body"),
                    files=listed.get(m.id, []),
                )
                for m in messages
            ],
            step=open_step_of(session, report_id),
        )

    _exists(engine, report_id)
    return guarded_read(
        engine,
        user_id=user_id,
        record_type=RECORD_TYPE,
        record_id=report_id,
        purpose=purpose,
        rules={"record": _named_officer},
        load=load,
        channel=channel,
    )


def _exists(engine: Engine, report_id: int) -> None:
    with Session(engine) as session:
        get_report(session, report_id)


def read_file(
    engine: Engine, *, user_id: int, report_id: int, file_id: int, purpose: str, channel: str
) -> tuple[str, str, bytes]:
    """(name, content type, bytes) of one evidence file; the read logged."""
    seal = sealer()

    def load(session: Session, _user: User, _scopes: frozenset[str]) -> tuple[str, str, bytes]:
        found = session.get(IntegrityFile, file_id)
        if found is None or found.report_id != report_id:
            raise NotFound("ไม่พบไฟล์นี้")
        return (
            seal.open(found.name_sealed, field="file.name"),
            found.content_type,
            seal.open_bytes(found.data_sealed, field="file.data"),
        )

    _exists(engine, report_id)
    return guarded_read(
        engine,
        user_id=user_id,
        record_type=RECORD_TYPE,
        record_id=report_id,
        purpose=purpose,
        rules={"file": _named_officer},
        load=load,
        channel=channel,
    )


def _message(
    session: Session, report: IntegrityReport, user: User, text: str, *, internal: bool
) -> None:
    if not text.strip():
        raise InvalidInput("กรุณาพิมพ์ข้อความ", field="text")
    if len(text) > 20000:
        raise InvalidInput("ข้อความยาวเกิน 20,000 ตัวอักษร", field="text")
    session.add(
        IntegrityMessage(
            report_id=report.id,  # type: ignore[arg-type]
            from_reporter=False,
            officer_id=user.id,
            internal=internal,
            written_on=today(),
            body_sealed=sealer().seal(text.strip(), field="message.body"),
        )
    )


def write_message(
    engine: Engine, *, user_id: int, report_id: int, text: str, internal: bool
) -> None:
    """A question or news for the reporter (``internal`` False), or an officers' note."""

    def work(session: Session) -> None:
        user = _user(session, user_id)
        require_named_officer(session, user)
        _message(session, get_report(session, report_id), user, text, internal=internal)

    in_transaction(engine, work)


def decide_report(
    engine: Engine,
    *,
    user_id: int,
    report_id: int,
    outcome: str,
    to_reporter: str,
    note: str = "",
    action_stage: str | None = None,
) -> DecisionResult:
    """The open step's decision, with its reasons sealed: ``to_reporter`` (required, what the
    reporter reads) and ``note`` (the officers' own findings)."""

    def work(session: Session) -> DecisionResult:
        user = _user(session, user_id)
        require_named_officer(session, user)
        report = get_report(session, report_id, lock=True)
        step = open_step_of(session, report_id)
        if step is None:
            raise InvalidInput("เรื่องนี้ไม่มีขั้นตอนที่รอการพิจารณา")
        _message(session, report, user, to_reporter, internal=False)
        if note.strip():
            _message(session, report, user, note, internal=True)
        data: dict[str, Any] = {"outcome": outcome}
        if action_stage:
            data["action_stage"] = action_stage
        return decide(session, step_id=step.id, user=user, data=data)  # type: ignore[arg-type]

    return in_transaction(engine, work)
