"""Append-only, tamper-evident case history: each entry hashes its content and the one before."""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from core.db import utcnow
from models.audit import AuditEntry
from models.people import User

GENESIS = "0" * 64


def _digest(entry: AuditEntry) -> str:
    payload = {
        "case_type": entry.case_type,
        "case_id": entry.case_id,
        "seq": entry.seq,
        "at": entry.at.isoformat(),
        "actor_user_id": entry.actor_user_id,
        "actor_position": entry.actor_position,
        "acting_for_user_id": entry.acting_for_user_id,
        "action": entry.action,
        "detail": entry.detail,
        "public": entry.public,
        "prev_hash": entry.prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def record(
    session: Session,
    *,
    case_type: str,
    case_id: int,
    action: str,
    actor: User | None = None,
    acting_for_user_id: int | None = None,
    detail: dict[str, Any] | None = None,
    public: bool = False,
) -> AuditEntry:
    """Append an entry to the case's chain. Two writers racing on one case collide on
    (case, seq) and one transaction fails cleanly instead of forking the chain."""
    last = session.exec(
        select(AuditEntry)
        .where(AuditEntry.case_type == case_type, AuditEntry.case_id == case_id)
        .order_by(col(AuditEntry.seq).desc())
        .limit(1)
    ).first()
    entry = AuditEntry(
        case_type=case_type,
        case_id=case_id,
        seq=(last.seq + 1) if last else 1,
        at=utcnow(),
        actor_user_id=actor.id if actor else None,
        actor_position=actor.position if actor else None,
        acting_for_user_id=acting_for_user_id,
        action=action,
        detail=detail or {},
        public=public,
        prev_hash=last.hash if last else GENESIS,
        hash="",
    )
    # JSON columns give back what JSON can hold; hash the same form we will read later.
    entry.detail = json.loads(json.dumps(entry.detail, ensure_ascii=False, default=str))
    entry.hash = _digest(entry)
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class ChainCheck:
    valid: bool
    entries: int
    first_bad_seq: int | None = None


def timeline(session: Session, *, case_type: str, case_id: int) -> list[AuditEntry]:
    return list(
        session.exec(
            select(AuditEntry)
            .where(AuditEntry.case_type == case_type, AuditEntry.case_id == case_id)
            .order_by(col(AuditEntry.seq))
        )
    )


def verify(entries: list[AuditEntry]) -> ChainCheck:
    """Recompute every hash; an edited, removed or inserted entry breaks the chain from there."""
    prev = GENESIS
    for expected_seq, entry in enumerate(entries, start=1):
        if entry.seq != expected_seq or entry.prev_hash != prev or _digest(entry) != entry.hash:
            return ChainCheck(False, len(entries), entry.seq)
        prev = entry.hash
    return ChainCheck(True, len(entries))
