"""Welfare screening's reference data: the community lists (90, then 95; DEMO names, see
config/screening.toml) and the 11 municipal schools. The teams and committees are
ops/seed_screening_teams.py's. Idempotent."""

from datetime import date

from sqlmodel import Session, select

from domain.engine.calendar import to_common_year
from domain.screening.config import screening_config
from models.screening import Community, CommunityList, School


def _be_date(text: str) -> date:
    year, month, day = (int(part) for part in text.split("-"))
    return date(to_common_year(year), month, day)


def demo_community_name(number: int, quarters: tuple[str, ...]) -> str:
    """ "ชุมชนหนองวัด 1": a demo name until the municipality's list is loaded."""
    quarter = quarters[(number - 1) % len(quarters)]
    return f"ชุมชน{quarter} {(number - 1) // len(quarters) + 1}"


def seed_communities(session: Session) -> int:
    """Each version of the list with its communities (codes 01–95, the same name for a code in
    every version)."""
    config = screening_config()
    added = 0
    for item in config.community_lists:
        found = session.exec(
            select(CommunityList).where(CommunityList.version == item["version"])
        ).first()
        if found is not None:
            continue
        listing = CommunityList(
            version=item["version"],
            effective_from=_be_date(item["effective_from"]),
            source=item["source"],
        )
        session.add(listing)
        session.flush()
        session.add_all(
            Community(
                list_id=listing.id,  # type: ignore[arg-type]
                code=f"{n:02d}",
                name=demo_community_name(n, config.demo_quarters),
            )
            for n in range(1, item["count"] + 1)
        )
        added += 1
    session.flush()
    return added


def seed_schools(session: Session) -> None:
    known = set(session.exec(select(School.code)))
    session.add_all(
        School(code=code, name=name)
        for code, name in screening_config().schools
        if code not in known
    )
    session.flush()


def seed_screening(session: Session) -> None:
    seed_communities(session)
    seed_schools(session)
