"""Each child's development log (seed 001, 5C "Continue": activities daily, weekly and monthly,
"สังเกตพัฒนาการเด็กเป็นรายบุคคล"), and reading it with the child's outcomes (``outcomes``).

Written by the child's core person or a coordinator; read by whoever may read the child
(``domain.children.protection``) or coordinates the programme, every read logged."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.db import in_transaction, utcnow
from domain.children.protection import may_read_child
from domain.children.referral_access import is_coordinator
from domain.engine.calendar import BANGKOK
from domain.engine.readlog import Verdict, guarded_read, record_kind
from domain.errors import InvalidInput, NotEntitled, NotFound
from models.children import ChildCase
from models.children_referrals import (
    Cadence,
    ChildOutcome,
    DevelopmentEntry,
)
from models.people import User
from models.screening import Person

RECORD_TYPE = record_kind("child-progress", "บันทึกพัฒนาการเด็ก")


def writer(session: Session, user_id: int, person_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("ไม่พบผู้ใช้")
    if session.get(Person, person_id) is None:
        raise NotFound("ไม่พบข้อมูลเด็ก")
    if is_coordinator(session, user):
        return user
    core = session.exec(
        select(ChildCase.id).where(
            ChildCase.person_id == person_id, ChildCase.core_person_id == user.id
        )
    ).first()
    if core is None or not user.active:
        raise NotEntitled("บันทึกได้เฉพาะผู้รับผิดชอบหลักของเด็กและผู้ประสานงานโครงการ")
    return user


def latest_case(session: Session, person_id: int) -> int | None:
    return session.exec(
        select(ChildCase.id)
        .where(ChildCase.person_id == person_id)
        .order_by(col(ChildCase.id).desc())
    ).first()


def not_future(day: date, field: str) -> None:
    if day > utcnow().astimezone(BANGKOK).date():
        raise InvalidInput("วันที่ต้องไม่เป็นวันในอนาคต", field=field)


def log_activity(
    engine: Engine,
    *,
    user_id: int,
    person_id: int,
    cadence: Cadence,
    activity_on: date,
    activity: str,
    note: str = "",
) -> DevelopmentEntry:
    activity = activity.strip()
    if not activity:
        raise InvalidInput("กรุณาระบุกิจกรรม", field="activity")
    if len(activity) > 300:
        raise InvalidInput("กิจกรรม: ยาวเกินไป (ไม่เกิน 300 ตัวอักษร)", field="activity")
    not_future(activity_on, "activity_on")

    def work(session: Session) -> DevelopmentEntry:
        user = writer(session, user_id, person_id)
        entry = DevelopmentEntry(
            person_id=person_id,
            case_id=latest_case(session, person_id),
            cadence=cadence,
            activity_on=activity_on,
            activity=activity,
            note=note.strip(),
            recorded_by_id=user.id,  # type: ignore[arg-type]
        )
        session.add(entry)
        session.flush()
        return entry

    return in_transaction(engine, work)


@dataclass(frozen=True)
class Progress:
    person_id: int
    entries: list[DevelopmentEntry]
    outcomes: list[ChildOutcome]


def read_progress(
    engine: Engine, *, user_id: int, person_id: int, purpose: str, channel: str = ""
) -> Progress:
    """A child's development log and outcomes, the read logged."""

    def rule(session: Session, user: User) -> Verdict:
        if is_coordinator(session, user) or may_read_child(session, user, person_id):
            return Verdict(True)
        return Verdict(False, "เฉพาะผู้ที่ดูแลเด็กคนนี้และผู้ประสานงานโครงการ")

    def load(session: Session, _user: User, _scopes: frozenset[str]) -> Progress:
        entries = session.exec(
            select(DevelopmentEntry)
            .where(DevelopmentEntry.person_id == person_id)
            .order_by(col(DevelopmentEntry.activity_on).desc(), col(DevelopmentEntry.id).desc())
        ).all()
        outcomes = session.exec(
            select(ChildOutcome)
            .where(ChildOutcome.person_id == person_id)
            .order_by(col(ChildOutcome.achieved_on))
        ).all()
        return Progress(person_id, list(entries), list(outcomes))

    return guarded_read(
        engine,
        user_id=user_id,
        record_type=RECORD_TYPE,
        record_id=person_id,
        purpose=purpose,
        rules={"record": rule},
        load=load,
        channel=channel,
    )
