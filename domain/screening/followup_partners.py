"""The register of partner agencies a follow-up visit refers people to (seed 000: 22
government agencies, 36 organisations), loaded from config/screening/partners.toml; the
municipal schools come from config/screening.toml's list of the 11 schools."""

import tomllib
from pathlib import Path

from sqlmodel import Session, col, select

from core.settings import PROJECT_ROOT
from domain.screening.config import screening_config
from models.screening_benefits import PartnerAgency

PARTNERS_FILE = PROJECT_ROOT / "config" / "screening" / "partners.toml"
KIND_TITLES = {"government": "หน่วยงานราชการ", "organisation": "องค์กรภาคี"}


def partner_names(path: Path = PARTNERS_FILE) -> list[tuple[str, str]]:
    """(name, kind) of every partner the file lists, numbered entries expanded."""
    with path.open("rb") as f:
        data = tomllib.load(f)
    names = [(str(n), "government") for n in data.get("government", [])]
    if data.get("include_municipal_schools"):
        names += [(name, "government") for _, name in screening_config().schools]
    names += [(str(n), "organisation") for n in data.get("organisations", [])]
    for entry in data.get("numbered_organisations", []):
        names += [
            (f"{entry['name']} แห่งที่ {i}", "organisation") for i in range(1, entry["count"] + 1)
        ]
    return names


def seed_partner_agencies(session: Session, path: Path = PARTNERS_FILE) -> int:
    """Add the partners not yet registered; returns how many were added."""
    have = set(session.exec(select(PartnerAgency.name)).all())
    added = 0
    for name, kind in partner_names(path):
        if name not in have:
            session.add(PartnerAgency(name=name, kind=kind))
            have.add(name)
            added += 1
    session.flush()
    return added


def partner_agencies(session: Session, *, active_only: bool = True) -> list[PartnerAgency]:
    query = select(PartnerAgency).order_by(col(PartnerAgency.kind), col(PartnerAgency.id))
    if active_only:
        query = query.where(PartnerAgency.active == True)  # noqa: E712
    return list(session.exec(query))
