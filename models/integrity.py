"""The sealed channel for corruption and misconduct reports (seed 004, projects 55 and 56), apart
from general complaints "to protect the informant's data".

Everything the reporter wrote (identity, text, messages, files and their names) is stored only
as ciphertext (``domain.integrity.sealing``); what stays readable is what the handling needs
to be counted and chased: the receipt code, the status, the outcome, and the *date* a report
or message arrived (never its time, nor anything about the reporter's connection)."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.db import UTCDateTime, utcnow


class IntegrityStatus(StrEnum):
    received = "received"
    """Waiting for the named officers' assessment."""
    investigating = "investigating"
    """Accepted: the facts are being established."""
    decided = "decided"
    """The investigation's result is recorded (and any disciplinary or legal action)."""
    not_accepted = "not_accepted"
    """Not a matter for this channel (outside the municipality's powers, or too little to act
    on); the reporter is told why."""

    @property
    def thai(self) -> str:
        return INTEGRITY_STATUS_TITLES[self]


INTEGRITY_STATUS_TITLES = {
    IntegrityStatus.received: "ได้รับเรื่องแล้ว รอการพิจารณาของเจ้าหน้าที่ผู้รับผิดชอบ",
    IntegrityStatus.investigating: "รับเรื่องไว้ตรวจสอบข้อเท็จจริง",
    IntegrityStatus.decided: "ตรวจสอบเสร็จสิ้นแล้ว",
    IntegrityStatus.not_accepted: "ไม่รับไว้พิจารณา",
}


class IntegrityOutcome(StrEnum):
    substantiated = "substantiated"
    unsubstantiated = "unsubstantiated"
    not_accepted = "not_accepted"

    @property
    def thai(self) -> str:
        return INTEGRITY_OUTCOME_TITLES[self]


INTEGRITY_OUTCOME_TITLES = {
    IntegrityOutcome.substantiated: "มีมูล",
    IntegrityOutcome.unsubstantiated: "ไม่มีมูล",
    IntegrityOutcome.not_accepted: "ไม่รับไว้พิจารณา",
}


class ActionStage(StrEnum):
    """Where a substantiated report went next (the stage of disciplinary or legal action)."""

    administrative = "administrative"
    disciplinary_inquiry = "disciplinary_inquiry"
    disciplinary_penalty = "disciplinary_penalty"
    criminal_complaint = "criminal_complaint"
    referred_nacc = "referred_nacc"

    @property
    def thai(self) -> str:
        return ACTION_STAGE_TITLES[self]


ACTION_STAGE_TITLES = {
    ActionStage.administrative: "แก้ไขทางการบริหาร/ตักเตือน",
    ActionStage.disciplinary_inquiry: "ตั้งกรรมการสอบสวนทางวินัย",
    ActionStage.disciplinary_penalty: "ลงโทษทางวินัยแล้ว",
    ActionStage.criminal_complaint: "ดำเนินคดีอาญา",
    ActionStage.referred_nacc: "ส่งเรื่องให้ ป.ป.ช./ป.ป.ท.",
}


class IntegrityOrigin(StrEnum):
    web = "web"
    """Filed on the channel's own page or API."""
    moved = "moved"
    """Arrived through the general complaint channel and moved here by the complaint centre."""


class IntegrityReport(SQLModel, table=True):
    __tablename__ = "integrity_report"

    id: int | None = Field(default=None, primary_key=True)
    receipt_code: str = Field(max_length=24, unique=True, description="KKI-XXXX-XXXX-XXXX")
    passphrase_hash: str = Field(max_length=200, description="scrypt, salted")
    received_on: date = Field(index=True, description="The date only: no time of day is kept")
    origin: IntegrityOrigin = Field(sa_type=sa.String(10))
    status: IntegrityStatus = Field(sa_type=sa.String(20), index=True)
    outcome: IntegrityOutcome | None = Field(default=None, sa_type=sa.String(20))
    action_stage: ActionStage | None = Field(default=None, sa_type=sa.String(30))
    decided_on: date | None = None
    subject_sealed: bytes = Field(sa_type=sa.LargeBinary)
    text_sealed: bytes = Field(sa_type=sa.LargeBinary)
    identity_sealed: bytes | None = Field(default=None, sa_type=sa.LargeBinary)

    @property
    def anonymous(self) -> bool:
        """No identity was given."""
        return self.identity_sealed is None

    # The enums are stored as text and read back as text: their Thai names from here.
    @property
    def status_thai(self) -> str:
        return IntegrityStatus(self.status).thai

    @property
    def outcome_thai(self) -> str | None:
        return IntegrityOutcome(self.outcome).thai if self.outcome else None

    @property
    def action_thai(self) -> str | None:
        return ActionStage(self.action_stage).thai if self.action_stage else None


class IntegrityMessage(SQLModel, table=True):
    """A message between the reporter and the named officers, in the order written. Officers'
    internal notes (assessment, findings) are messages the reporter does not see."""

    __tablename__ = "integrity_message"

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="integrity_report.id", index=True)
    from_reporter: bool
    officer_id: int | None = Field(default=None, foreign_key="user.id")
    internal: bool = Field(
        default=False, description="An officers' note, not shown to the reporter"
    )
    written_on: date
    body_sealed: bytes = Field(sa_type=sa.LargeBinary)


class IntegrityFile(SQLModel, table=True):
    """Evidence the reporter attached; the bytes and the file's name sealed."""

    __tablename__ = "integrity_file"

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="integrity_report.id", index=True)
    message_id: int | None = Field(default=None, foreign_key="integrity_message.id")
    content_type: str = Field(max_length=60)
    size_bytes: int
    name_sealed: bytes = Field(sa_type=sa.LargeBinary)
    data_sealed: bytes = Field(sa_type=sa.LargeBinary)


class SealedMove(SQLModel, table=True):
    """What the general complaint channel keeps of a complaint moved into the sealed track:
    that it was moved, when and by whom, and nothing of its content."""

    __tablename__ = "sealed_move"

    id: int | None = Field(default=None, primary_key=True)
    complaint_number: str = Field(max_length=30, unique=True)
    moved_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    moved_by_id: int = Field(foreign_key="user.id")
