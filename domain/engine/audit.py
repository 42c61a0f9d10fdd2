"""Append-only, tamper-evident case history: each entry hashes its content and the one before."""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from core.db import utcnow
from models.audit import AuditEntry
from models.people import User

GENESIS = "0" * 64


_HASHED = (
    "case_type",
    "case_id",
    "seq",
    "actor_user_id",
    "actor_position",
    "acting_for_user_id",
    "action",
    "detail",
    "public",
    "prev_hash",
)


def _digest(entry: Mapping[str, Any]) -> str:
    payload = {name: entry[name] for name in _HASHED} | {"at": entry["at"].isoformat()}
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
) -> None:
    """Append an entry to the case's chain. Two writers racing on one case collide on
    (case, seq) and one transaction fails cleanly instead of forking the chain. Written with
    one INSERT, no ORM object: every intake and decision passes here."""
    last = session.execute(
        select(AuditEntry.seq, AuditEntry.hash)
        .where(AuditEntry.case_type == case_type, AuditEntry.case_id == case_id)
        .order_by(col(AuditEntry.seq).desc())
        .limit(1)
    ).first()
    entry = {
        "case_type": case_type,
        "case_id": case_id,
        "seq": (last.seq + 1) if last else 1,
        "at": utcnow(),
        "actor_user_id": actor.id if actor else None,
        "actor_position": actor.position if actor else None,
        "acting_for_user_id": acting_for_user_id,
        "action": action,
        # JSON columns give back what JSON can hold; hash the same form we will read later.
        "detail": json.loads(json.dumps(detail or {}, ensure_ascii=False, default=str)),
        "public": public,
        "prev_hash": last.hash if last else GENESIS,
    }
    entry["hash"] = _digest(entry)
    session.execute(_INSERT, entry)


_INSERT = sa.insert(AuditEntry.__table__)  # type: ignore[attr-defined]
"""Compiled once; the values go as parameters (an ORM insert costs ~1 ms more per entry)."""


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
        stored = entry.model_dump()
        if entry.seq != expected_seq or entry.prev_hash != prev or _digest(stored) != entry.hash:
            return ChainCheck(False, len(entries), entry.seq)
        prev = entry.hash
    return ChainCheck(True, len(entries))
