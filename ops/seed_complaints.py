"""Complaint seed data: the categories of config/complaints.toml (the file is the source; running
again updates them), the divisions' complaint contacts, and the people of สธ. (which handles
garbage, stray dogs and smells but has nobody in the base seed). Idempotent."""

from sqlmodel import Session, select

from core.db import session_scope
from domain.accounts import hash_password
from domain.complaints import ComplaintPolicy, complaint_policy
from models.complaint import ComplaintCategory
from models.people import Division, Position, User
from ops.seed import DEMO_PASSWORD, seed_declared_holidays, seed_organisation

DIVISION_CONTACTS = {
    "สป.": "complaints@khonkaen.go.th",
    "ช่าง": "engineering@khonkaen.go.th",
    "สธ.": "health@khonkaen.go.th",
    "สส.": "welfare@khonkaen.go.th",
}
"""The division's complaint mailbox (ศูนย์รับเรื่องร้องเรียน in สป.)."""

PEOPLE = [
    ("wanna", "นางวรรณา ผอ.สำนักสาธารณสุขฯ", Position.division_director, "สธ."),
    ("somsak", "นายสมศักดิ์ หัวหน้าฝ่ายรักษาความสะอาด", Position.section_head, "สธ."),
]


def seed_complaints(session: Session, policy: ComplaintPolicy | None = None) -> int:
    """Load categories, set division contacts, add สธ.'s people; returns categories loaded."""
    policy = policy or complaint_policy()
    divisions = {d.code: d for d in session.exec(select(Division))}
    for code, email in DIVISION_CONTACTS.items():
        division = divisions.get(code)
        if division is not None and not division.email:
            division.email = email
            session.add(division)
    users = {u.username for u in session.exec(select(User))}
    password = hash_password(DEMO_PASSWORD)
    for username, full_name, position, code in PEOPLE:
        if username not in users and code in divisions:
            session.add(
                User(
                    username=username,
                    full_name=full_name,
                    email=f"{username}@khonkaen.go.th",
                    position=position,
                    division_id=divisions[code].id,
                    password_hash=password,
                )
            )
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


def main() -> None:
    with session_scope() as session:
        seed_declared_holidays(session)
        seed_organisation(session)
        count = seed_complaints(session)
    print(f"complaint categories ready: {count}")


if __name__ == "__main__":
    main()
