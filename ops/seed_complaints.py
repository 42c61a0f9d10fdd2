"""Complaint seed data: the categories of config/complaints.toml (the file is the source; running
again updates them). Idempotent; ops/seed.py runs it."""

from sqlmodel import Session, select

from domain.complaints.policy import ComplaintPolicy, complaint_policy
from models.complaint import ComplaintCategory


def seed_complaints(session: Session, policy: ComplaintPolicy | None = None) -> int:
    """Load the complaint categories; returns how many are offered."""
    policy = policy or complaint_policy()
    listed = set()
    for item in policy.categories:
        code = str(item["code"])
        listed.add(code)
        row = session.get(ComplaintCategory, code) or ComplaintCategory(
            code=code, name="", days=1, division_code=""
        )
        row.name = str(item["name"])
        row.days = int(item["days"])
        row.division_code = str(item["division"])
        row.active = True
        session.add(row)
    for row in session.exec(select(ComplaintCategory)):
        if row.code not in listed:
            row.active = False  # kept for old complaints, offered no more
            session.add(row)
    session.flush()
    return len(listed)
