"""Givers (ผู้ให้โอกาส, seed 000: 33 sponsors paired with 44 households; a host for each house
repair): recorded, paired with households (คนเข้มแข็งช่วยเหลือคนอ่อนแอ) or named the host of a
household's house repair, which ``benefits.assign_round`` then attaches to the repair."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.db import in_transaction
from domain.errors import Conflict, InvalidInput, NotFound
from domain.screening.rounds import check_coordinator, today
from models.people import User
from models.screening import Household
from models.screening_benefits import Sponsor, SponsorPairing

SPONSOR_KINDS = {"person": "บุคคล", "organisation": "องค์กร/ชมรม/มูลนิธิ", "company": "บริษัท/ร้านค้า"}
PURPOSES = {"pairing": "จับคู่ดูแลช่วยเหลือ", "host_repair": "เจ้าภาพซ่อมแซมบ้าน"}


@dataclass(frozen=True)
class SponsorInput:
    name: str
    kind: str = "person"
    phone: str | None = None
    email: str | None = None
    note: str = ""


def _coordinator(session: Session, actor_id: int) -> User:
    actor = session.get(User, actor_id)
    if actor is None:
        raise NotFound("ไม่พบผู้ใช้")
    check_coordinator(session, actor)
    return actor


def register_sponsor(engine: Engine, *, actor_id: int, data: SponsorInput) -> Sponsor:
    name = " ".join(data.name.split())
    if not name:
        raise InvalidInput("กรุณาระบุชื่อผู้ให้โอกาส", field="name")
    if data.kind not in SPONSOR_KINDS:
        raise InvalidInput("ประเภทผู้ให้โอกาสไม่ถูกต้อง", field="kind")

    def work(session: Session) -> Sponsor:
        _coordinator(session, actor_id)
        if session.exec(select(Sponsor).where(Sponsor.name == name)).first() is not None:
            raise Conflict(f"มีผู้ให้โอกาสชื่อ {name} อยู่แล้ว")
        sponsor = Sponsor(
            name=name,
            kind=data.kind,
            phone=(data.phone or "").strip() or None,
            email=(data.email or "").strip() or None,
            note=data.note.strip(),
        )
        session.add(sponsor)
        session.flush()
        return sponsor

    return in_transaction(engine, work)


def pair(
    engine: Engine,
    *,
    actor_id: int,
    sponsor_id: int,
    household_id: int,
    purpose: str = "pairing",
    started_on: date | None = None,
) -> SponsorPairing:
    """Pair a sponsor with a household (or name them the host of its repair); a repeat of an
    active pairing answers the same pairing."""
    if purpose not in PURPOSES:
        raise InvalidInput("วัตถุประสงค์การจับคู่ไม่ถูกต้อง", field="purpose")

    def work(session: Session) -> SponsorPairing:
        actor = _coordinator(session, actor_id)
        if session.get(Sponsor, sponsor_id) is None:
            raise NotFound("ไม่พบผู้ให้โอกาสนี้")
        if session.get(Household, household_id) is None:
            raise NotFound("ไม่พบครัวเรือนนี้")
        found = session.exec(
            select(SponsorPairing).where(
                SponsorPairing.sponsor_id == sponsor_id,
                SponsorPairing.household_id == household_id,
                SponsorPairing.purpose == purpose,
            )
        ).first()
        if found is not None:
            if found.ended_on is not None:
                found.ended_on = None
                found.started_on = started_on or today()
                session.add(found)
            return found
        pairing = SponsorPairing(
            sponsor_id=sponsor_id,
            household_id=household_id,
            purpose=purpose,
            started_on=started_on or today(),
            created_by_id=actor.id,
        )
        session.add(pairing)
        session.flush()
        return pairing

    return in_transaction(engine, work)


def end_pairing(engine: Engine, *, actor_id: int, pairing_id: int, on: date | None = None) -> None:
    def work(session: Session) -> None:
        _coordinator(session, actor_id)
        pairing = session.get(SponsorPairing, pairing_id)
        if pairing is None:
            raise NotFound("ไม่พบการจับคู่นี้")
        if pairing.ended_on is None:
            pairing.ended_on = on or today()
            session.add(pairing)

    in_transaction(engine, work)


@dataclass(frozen=True)
class SponsorRow:
    sponsor: Sponsor
    households: int
    hosted_repairs: int


def sponsor_rows(session: Session) -> list[SponsorRow]:
    """Each sponsor with how many households they are paired with and repairs they host."""
    counts: dict[tuple[int, str], int] = {
        (sponsor_id, purpose): n
        for sponsor_id, purpose, n in session.exec(
            select(SponsorPairing.sponsor_id, SponsorPairing.purpose, func.count())
            .where(col(SponsorPairing.ended_on).is_(None))
            .group_by(SponsorPairing.sponsor_id, SponsorPairing.purpose)
        )
    }
    return [
        SponsorRow(
            sponsor=s,
            households=counts.get((s.id or 0, "pairing"), 0),
            hosted_repairs=counts.get((s.id or 0, "host_repair"), 0),
        )
        for s in session.exec(select(Sponsor).order_by(col(Sponsor.name)))
    ]


def pairing_figures(session: Session) -> tuple[int, int]:
    """(sponsors paired, households paired) among active pairings (seed 000: 33 and 44)."""
    rows = session.exec(
        select(SponsorPairing.sponsor_id, SponsorPairing.household_id).where(
            col(SponsorPairing.ended_on).is_(None), SponsorPairing.purpose == "pairing"
        )
    ).all()
    return len({r[0] for r in rows}), len({r[1] for r in rows})
