"""The screening's teams and committees (config/screening/programmes.toml names them): the
participation-promotion volunteers' team who assess in round 2 (seed 000: "จิตอาสา 2 ชุด"; the
volunteers' accounts are in ops/seed.py PEOPLE), the scholarship committee of government and
civil society, and the white-family project's community and municipal committees (seed 004,
project 10). Round 1's team is the welfare division's own officers. Idempotent: what exists is
kept. The volunteers' accounts are made here too for a database seeded before they existed."""

from sqlmodel import Session, select

from domain.engine.accounts import hash_password
from models.people import Committee, CommitteeMember, CommitteeRole, Position, User

VOLUNTEERS = [
    ("wilai", "นางวิลัย สะอาดถิ่น (อาสาสมัคร)"),
    ("somnuek", "นายสมนึก ยอดเอียด (อาสาสมัคร)"),
    ("ampon", "นางอัมพร รังสี (อาสาสมัคร)"),
]

# name, order, quorum, members (username, role)
COMMITTEES = [
    (
        "ทีมอาสาสมัครส่งเสริมการมีส่วนร่วม",
        "คำสั่งแต่งตั้งจิตอาสาคัดกรองผู้รับโอกาส ชุดที่ 2",
        1,
        [
            ("wilai", CommitteeRole.chair),
            ("somnuek", CommitteeRole.member),
            ("ampon", CommitteeRole.member),
        ],
    ),
    (
        "คณะกรรมการพิจารณาทุนการศึกษา",
        "คำสั่งแต่งตั้งคณะกรรมการพิจารณาทุนการศึกษา (ภาครัฐและภาคประชาชน)",
        3,
        [
            ("boonmee", CommitteeRole.chair),
            ("sompong", CommitteeRole.member),
            ("wilai", CommitteeRole.member),
            ("somnuek", CommitteeRole.member),
            ("orathai", CommitteeRole.secretary),
        ],
    ),
    (
        "คณะกรรมการระดับชุมชน โครงการบ้านสีขาว ชุมชนสีขาว",
        "คำสั่งแต่งตั้งคณะกรรมการระดับชุมชนเพื่อคัดกรองครอบครัวสีขาว",
        1,
        [("somnuek", CommitteeRole.chair), ("ampon", CommitteeRole.member)],
    ),
    (
        "คณะกรรมการระดับเทศบาล โครงการบ้านสีขาว ชุมชนสีขาว",
        "คำสั่งแต่งตั้งคณะกรรมการระดับเทศบาลเพื่อรับรองผลครอบครัวสีขาว",
        3,
        [
            ("anan", CommitteeRole.chair),
            ("sompong", CommitteeRole.member),
            ("ratana", CommitteeRole.member),
            ("sunee", CommitteeRole.secretary),
        ],
    ),
]


def seed_screening_teams(session: Session, password: str) -> dict[str, Committee]:
    """Create the volunteers' accounts and the committees that are missing."""
    users = {u.username: u for u in session.exec(select(User))}
    hashed = hash_password(password)
    for username, full_name in VOLUNTEERS:
        if username not in users:
            users[username] = User(
                username=username,
                full_name=full_name,
                position=Position.officer,
                division_id=None,
                password_hash=hashed,
            )
            session.add(users[username])
    session.flush()
    found: dict[str, Committee] = {}
    for name, order, quorum, members in COMMITTEES:
        committee = session.exec(select(Committee).where(Committee.name == name)).first()
        if committee is None:
            committee = Committee(name=name, order_ref=order, quorum=quorum)
            session.add(committee)
            session.flush()
            for username, role in members:
                if username in users:
                    session.add(
                        CommitteeMember(
                            committee_id=committee.id, user_id=users[username].id, role=role
                        )
                    )
        found[name] = committee
    session.flush()
    return found
