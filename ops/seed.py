"""Demo organisation of Khon Kaen City Municipality: divisions, an officer at every level of the
hierarchy, the executive committee, an acting assignment, and declared holidays. Idempotent."""

import argparse
import tomllib
from datetime import date, timedelta

from sqlmodel import Session, select

from core.db import get_engine, session_scope, utcnow
from core.settings import get_settings
from domain.engine.accounts import hash_password
from domain.engine.steps import decide, open_steps_of_case
from domain.integrity.policy import integrity_policy
from domain.memo.rules import create_memo
from domain.screening.followup_partners import seed_partner_agencies
from models.calendar import DeclaredHoliday
from models.memo import Memo, MemoCreate
from models.people import (
    ActingAssignment,
    Committee,
    CommitteeMember,
    CommitteeRole,
    Division,
    Position,
    User,
)
from ops.demo_children import CHILDREN_STAFF, seed_children_staff, seed_demo_children
from ops.demo_children_referrals import (
    AGENCY_CONTACTS,
    seed_agency_contacts,
    seed_demo_children_referrals,
)
from ops.demo_complaints import seed_demo_complaints
from ops.demo_integrity import DEMO_PASSPHRASE, seed_demo_integrity
from ops.demo_model_subdistrict import seed_demo_model_subdistricts
from ops.demo_pdca import seed_demo_pdca
from ops.demo_scholarship import seed_demo_scholarship
from ops.demo_screening import seed_demo_screening
from ops.seed_complaints import seed_complaints
from ops.seed_screening import seed_screening
from ops.seed_screening_teams import VOLUNTEERS, seed_screening_teams

DEMO_PASSWORD = "demo1234"

# code, name, the division's mailbox (the complaint centre's is สป.'s)
DIVISIONS = [
    ("สป.", "สำนักปลัดเทศบาล", "complaints@khonkaen.go.th"),
    ("กย.", "กองยุทธศาสตร์และงบประมาณ", None),
    ("คลัง", "สำนักคลัง", None),
    ("ช่าง", "สำนักช่าง", "engineering@khonkaen.go.th"),
    ("สธ.", "สำนักสาธารณสุขและสิ่งแวดล้อม", "health@khonkaen.go.th"),
    ("ศษ.", "สำนักการศึกษา", None),
    ("สส.", "สำนักสวัสดิการสังคม", "welfare@khonkaen.go.th"),
    ("กจ.", "กองการเจ้าหน้าที่", None),
    ("ตส.", "หน่วยตรวจสอบภายใน", None),
]

# username, full name, position, division code
PEOPLE = [
    ("somchai", "นายสมชาย ใจดี", Position.officer, "กย."),
    ("suda", "นางสาวสุดา รักงาน", Position.officer, "กย."),
    ("wichai", "นายวิชัย หัวหน้า", Position.section_head, "กย."),
    ("malee", "นางมาลี ผู้อำนวยการ", Position.division_director, "กย."),
    ("prasert", "นายประเสริฐ รองปลัด", Position.deputy_permanent_secretary, "สป."),
    ("kanya", "นางกัญญา ปลัดเทศบาล", Position.permanent_secretary, "สป."),
    ("anan", "นายอนันต์ รองนายก", Position.deputy_mayor, None),
    ("mayor", "นายกเทศมนตรีนครขอนแก่น", Position.mayor, None),
    ("nipa", "นางนิภา ศูนย์รับเรื่อง", Position.officer, "สป."),
    ("chatchai", "นายฉัตรชัย หัวหน้าฝ่ายช่าง", Position.section_head, "ช่าง"),
    ("pornthip", "นางพรทิพย์ ผอ.สำนักช่าง", Position.division_director, "ช่าง"),
    ("ratana", "นางรัตนา ผอ.สำนักปลัด", Position.division_director, "สป."),
    ("sompong", "นายสมปอง ผอ.สวัสดิการ", Position.division_director, "สส."),
    ("wanna", "นางวรรณา ผอ.สำนักสาธารณสุขฯ", Position.division_director, "สธ."),
    ("somsak", "นายสมศักดิ์ หัวหน้าฝ่ายรักษาความสะอาด", Position.section_head, "สธ."),
    ("sunee", "นางสุนีย์ หัวหน้าฝ่ายสังคมสงเคราะห์", Position.section_head, "สส."),
    ("surachai", "นายสุรชัย หัวหน้าฝ่ายเทศกิจ", Position.section_head, "สป."),
    ("prapai", "นางประไพ ผู้ตรวจสอบภายใน", Position.officer, "ตส."),
    # PDCA reporting rounds: each division's officer reports its projects, its director
    # approves (สป. reports through nipa, its only officer: another would join the complaint
    # centre).
    ("kanokwan", "นางสาวกนกวรรณ การเงิน", Position.officer, "คลัง"),
    ("thawee", "นายทวี ผอ.สำนักคลัง", Position.division_director, "คลัง"),
    ("piyawat", "นายปิยวัฒน์ นายช่างโยธา", Position.officer, "ช่าง"),
    ("jintana", "นางจินตนา นักวิชาการสาธารณสุข", Position.officer, "สธ."),
    ("orathai", "นางอรทัย นักวิชาการศึกษา", Position.officer, "ศษ."),
    ("boonmee", "นายบุญมี ผอ.สำนักการศึกษา", Position.division_director, "ศษ."),
    ("siriporn", "นางสาวศิริพร นักพัฒนาสังคม", Position.officer, "สส."),
    ("pranee", "นางปราณี นักทรัพยากรบุคคล", Position.officer, "กจ."),
    ("kittisak", "นายกิตติศักดิ์ ผอ.กองการเจ้าหน้าที่", Position.division_director, "กจ."),
    ("chaiwat", "นายชัยวัฒน์ หัวหน้าหน่วยตรวจสอบภายใน", Position.division_director, "ตส."),
    # Welfare screening (config/screening.toml [protection]): the welfare officer named to read
    # HIV status, and the data protection officer who reads the log of protected reads.
    ("malai", "นางมาลัย นักสังคมสงเคราะห์", Position.officer, "สส."),
    ("thanaphon", "นายธนพล เจ้าหน้าที่คุ้มครองข้อมูลส่วนบุคคล", Position.section_head, "ตส."),
    # Welfare screening, round 2 (seed 000: "จิตอาสา 2 ชุด"): the participation-promotion
    # volunteers, members of their team's committee (ops/seed_screening_teams.py), no division.
    *((username, name, Position.officer, None) for username, name in VOLUNTEERS),
    # At-risk children: the schools' teachers and the core person (no division; their schools
    # are linked in ops/demo_children.py).
    *((username, name, Position.officer, None) for username, name in CHILDREN_STAFF),
    # Youth programme: a contact of each of several partner agencies (outside the municipality,
    # no division), who acknowledges referrals (ops/demo_children_referrals.py).
    *((username, name, Position.officer, None) for username, name, _code in AGENCY_CONTACTS),
]

# Who does what in the demo, as `make run` prints it and README.md lists it: the complaint
# centre, each division's handler of complaints (config/complaints.toml: section heads), the
# directors told of results, memo authors and approvers, and the executives.
DEMO_ROLES: list[tuple[str, list[str]]] = [
    ("ศูนย์รับเรื่องร้องเรียน (สป.)", ["nipa"]),
    ("แก้ไขเรื่องร้องเรียน สำนักช่าง", ["chatchai"]),
    ("แก้ไขเรื่องร้องเรียน สำนักสาธารณสุขฯ", ["somsak"]),
    ("แก้ไขเรื่องร้องเรียน สำนักสวัสดิการสังคม", ["sunee"]),
    ("แก้ไขเรื่องร้องเรียน ฝ่ายเทศกิจ (สป.)", ["surachai"]),
    ("ผอ.สำนัก (รับรายงานผลเรื่องร้องเรียน)", ["pornthip", "wanna", "sompong", "ratana"]),
    ("เสนอบันทึกข้อความ", ["somchai", "suda"]),
    ("อนุมัติบันทึกข้อความ", ["wichai", "malee", "prasert", "kanya", "anan"]),
    ("แผนป้องกันการทุจริต (PDCA): นำเข้า เสนอแผน", ["somchai", "suda"]),
    ("คณะทำงานจัดทำแผนป้องกันการทุจริต", ["ratana", "pornthip", "wanna", "sompong", "wichai"]),
    (
        "PDCA: รายงานผลโครงการรอบ 6/12 เดือน (เจ้าหน้าที่กอง)",
        ["nipa", "kanokwan", "piyawat", "jintana", "orathai", "siriporn", "pranee", "prapai"],
    ),
    (
        "PDCA: เห็นชอบรายงานของกอง (ผอ.)",
        ["malee", "ratana", "thawee", "boonmee", "kittisak", "chaiwat"],
    ),
    ("ตำบลต้นแบบ: ลงทะเบียน แผน กิจกรรม รายงานประจำปี (สส.)", ["sunee"]),
    ("คณะทำงานโครงการตำบลต้นแบบ (ประเมินตนเอง)", ["sompong", "wanna", "ratana", "sunee"]),
    ("คัดกรองผู้รับโอกาส: ผู้ประสานงานรอบ ทีมประเมินครั้งที่ 1 (สส.)", ["siriporn", "sunee", "malai"]),
    ("คัดกรองผู้รับโอกาส: ดูสถานะการติดเชื้อ HIV (ผู้ได้รับมอบหมาย)", ["malai"]),
    ("เจ้าหน้าที่คุ้มครองข้อมูลส่วนบุคคล (อ่านบันทึกการเข้าถึงข้อมูล)", ["thanaphon"]),
    ("คัดกรองผู้รับโอกาส: ประเมินครั้งที่ 2 (ทีมอาสาสมัคร)", ["wilai", "somnuek", "ampon"]),
    ("คัดกรองผู้รับโอกาส: ยืนยันรายชื่อ (ผอ.สำนักสวัสดิการสังคม)", ["sompong"]),
    (
        "ทุนการศึกษา: คณะกรรมการพิจารณาทุน (รับรองรายชื่อ พิจารณาต่อทุน)",
        ["boonmee", "sompong", "wilai", "somnuek", "orathai"],
    ),
    ("ทุนการศึกษา: พี่เลี้ยงติดตามผู้รับทุน (รายงานผล)", ["kru_somsri", "malai"]),
    (
        "คัดกรองผู้รับโอกาส: รับรองรายชื่อ (คณะผู้บริหาร)",
        ["mayor", "anan", "kanya", "prasert", "ratana"],
    ),
    ("ร้องเรียนการทุจริต: เจ้าหน้าที่ผู้ได้รับแต่งตั้ง (สป., ตส.)", ["ratana", "prapai"]),
    (
        "ดูแลเด็กกลุ่มเสี่ยง: ครูคัดกรองนักเรียน (ร.ร.วัดกลาง ป.5/1, ร.ร.บ้านโนนทัน)",
        ["kru_somsri", "kru_wilawan"],
    ),
    ("ดูแลเด็กกลุ่มเสี่ยง: ตรวจประเมินทางการแพทย์ในโรงเรียน (สธ.)", ["jintana"]),
    ("ดูแลเด็กกลุ่มเสี่ยง: ผู้รับผิดชอบหลัก (เยี่ยมบ้าน แผนการดูแล ติดตามผล)", ["preecha"]),
    ("เด็กและเยาวชน: ผู้ประสานงานโครงการ ส่งต่อ ค่าย ทะเบียนภาคี (สส.)", ["siriporn"]),
    (
        "เด็กและเยาวชน: ผู้ประสานงานหน่วยงานภาคี (ตอบรับการส่งต่อ บันทึกผล)",
        [username for username, _name, _code in AGENCY_CONTACTS],
    ),
    ("ผู้บริหาร", ["mayor"]),
]

EXECUTIVE_COMMITTEE = "คณะผู้บริหารเทศบาลนครขอนแก่น"
EXECUTIVE_MEMBERS = [
    ("mayor", CommitteeRole.chair),
    ("anan", CommitteeRole.member),
    ("kanya", CommitteeRole.secretary),
    ("prasert", CommitteeRole.member),
    ("ratana", CommitteeRole.member),
]

# The working committee that reviews the anti-corruption action plan (PDCA) before it climbs to
# the mayor (config/chains.toml [pdca-plan]; the mayor's order of 7 Feb 2566, seed 004): division
# directors, with the Strategy and Budget section head as secretary.
PDCA_COMMITTEE = "คณะทำงานจัดทำแผนป้องกันการทุจริต"
PDCA_COMMITTEE_MEMBERS = [
    ("ratana", CommitteeRole.chair),
    ("pornthip", CommitteeRole.member),
    ("wanna", CommitteeRole.member),
    ("sompong", CommitteeRole.member),
    ("wichai", CommitteeRole.secretary),
]


def seed_organisation(session: Session) -> dict[str, User]:
    """Create what is missing; return users by username."""
    divisions = {d.code: d for d in session.exec(select(Division))}
    for code, name, email in DIVISIONS:
        if code not in divisions:
            divisions[code] = Division(code=code, name=name, email=email)
            session.add(divisions[code])
    session.flush()
    users = {u.username: u for u in session.exec(select(User))}
    password = hash_password(DEMO_PASSWORD)
    for username, full_name, position, code in PEOPLE:
        if username not in users:
            users[username] = User(
                username=username,
                full_name=full_name,
                email=f"{username}@khonkaen.go.th",
                position=position,
                division_id=divisions[code].id if code else None,
                password_hash=password,
            )
            session.add(users[username])
    session.flush()
    committee = session.exec(select(Committee).where(Committee.name == EXECUTIVE_COMMITTEE)).first()
    if committee is None:
        committee = Committee(name=EXECUTIVE_COMMITTEE, order_ref="คำสั่งเทศบาลนครขอนแก่น", quorum=3)
        session.add(committee)
        session.flush()
        for username, role in EXECUTIVE_MEMBERS:
            session.add(
                CommitteeMember(committee_id=committee.id, user_id=users[username].id, role=role)
            )
    if not session.exec(select(ActingAssignment)).first():
        # The deputy permanent secretary acts for the permanent secretary during leave.
        now = utcnow()
        session.add(
            ActingAssignment(
                acting_user_id=users["prasert"].id,
                for_user_id=users["kanya"].id,
                starts_at=now - timedelta(days=1),
                ends_at=now + timedelta(days=30),
                order_ref="คำสั่งให้รักษาราชการแทนปลัดเทศบาล (ตัวอย่าง)",
            )
        )
    session.flush()
    return users


def seed_pdca_committee(session: Session, users: dict[str, User]) -> Committee:
    """The plan's working committee (``PDCA_COMMITTEE``), unless it exists. Apart from
    ``seed_organisation``: tests of the other workflows expect the executive committee alone."""
    found = session.exec(select(Committee).where(Committee.name == PDCA_COMMITTEE)).first()
    if found is not None:
        return found
    working = Committee(
        name=PDCA_COMMITTEE, order_ref="คำสั่งเทศบาลนครขอนแก่น ลงวันที่ 7 กุมภาพันธ์ 2566", quorum=3
    )
    session.add(working)
    session.flush()
    for username, role in PDCA_COMMITTEE_MEMBERS:
        session.add(CommitteeMember(committee_id=working.id, user_id=users[username].id, role=role))
    session.flush()
    return working


def seed_integrity_committee(session: Session, users: dict[str, User]) -> Committee:
    """The officers named for the sealed corruption-report channel (config/integrity.toml), any
    one of whom may act (quorum 1), unless the committee exists."""
    policy = integrity_policy()
    found = session.exec(select(Committee).where(Committee.name == policy.committee)).first()
    if found is not None:
        return found
    named = Committee(name=policy.committee, order_ref=policy.committee_order, quorum=1)
    session.add(named)
    session.flush()
    for i, username in enumerate(policy.officers):
        role = CommitteeRole.chair if i == 0 else CommitteeRole.member
        session.add(CommitteeMember(committee_id=named.id, user_id=users[username].id, role=role))
    session.flush()
    return named


def seed_declared_holidays(session: Session) -> int:
    """Load config/holidays.toml into the declaredholiday table (the file is the source)."""
    path = get_settings().holidays_file
    with path.open("rb") as f:
        data = tomllib.load(f)
    added = 0
    for item in data.get("holidays", []):
        day = date.fromisoformat(str(item["date"]))
        if session.get(DeclaredHoliday, day) is None:
            session.add(DeclaredHoliday(day=day, name=item["name"], source=item.get("source")))
            added += 1
    session.flush()
    return added


def seed_demo_cases(session: Session, users: dict[str, User]) -> int:
    """Two memos for the demo, unless there are memos already: one waiting for the section
    head, one already approved by him and waiting for the division director."""
    if session.exec(select(Memo)).first():
        return 0
    author = users["somchai"]
    create_memo(
        session,
        data=MemoCreate(subject="ขออนุมัติจัดซื้อหลอดไฟถนนทดแทน 120 ดวง", body="ตามคำร้องชุมชน"),
        originator=author,
    )
    second = create_memo(
        session,
        data=MemoCreate(subject="ขออนุมัติจัดอบรมคุณธรรมจริยธรรมพนักงาน ประจำปี 2570"),
        originator=author,
    )
    first_step = open_steps_of_case(session, case_type="memo", case_id=second.id)[0]
    decide(
        session,
        step_id=first_step.id,
        user=users["wichai"],
        data={"outcome": "approve", "comment": "เห็นควรอนุมัติ"},
    )
    return 2


def main() -> None:
    parser = argparse.ArgumentParser(description="Seed the organisation (and demo cases).")
    parser.add_argument("--demo", action="store_true", help="also create demo cases")
    args = parser.parse_args()
    with session_scope() as session:
        seed_declared_holidays(session)
        users = seed_organisation(session)
        seed_pdca_committee(session, users)
        seed_integrity_committee(session, users)
        seed_screening(session)
        seed_screening_teams(session, DEMO_PASSWORD)
        seed_partner_agencies(session)  # the follow-up visits' referral register
        seed_children_staff(session, DEMO_PASSWORD)  # teachers, the core person
        seed_agency_contacts(session, DEMO_PASSWORD)  # youth programme's agencies, contacts
        seed_complaints(session)
        demo_cases = seed_demo_cases(session, users) if args.demo else 0
    # After the commit above: each demo complaint goes through the use cases, in its own
    # transactions, like one filed and handled by people.
    demo_complaints = seed_demo_complaints(get_engine()) if args.demo else 0
    demo_plans = seed_demo_pdca(get_engine()) if args.demo else 0
    demo_subdistricts = seed_demo_model_subdistricts(get_engine()) if args.demo else 0
    demo_screening = seed_demo_screening(get_engine()) if args.demo else 0
    demo_screening += seed_demo_scholarship(get_engine()) if args.demo else 0
    demo_children = seed_demo_children(get_engine()) if args.demo else 0
    demo_referrals = seed_demo_children_referrals(get_engine(), DEMO_PASSWORD) if args.demo else 0
    demo_receipt = seed_demo_integrity(get_engine()) if args.demo else None
    print(
        f"users: {', '.join(sorted(users))} (password {DEMO_PASSWORD}); "
        f"demo cases: {demo_cases}; demo complaints: {demo_complaints}; "
        f"demo plan versions: {demo_plans}; demo model sub-districts: {demo_subdistricts}; "
        f"demo screening candidates: {demo_screening}; demo child-care cases: {demo_children}; "
        f"demo referrals: {demo_referrals}"
    )
    if demo_receipt:
        print(f"demo corruption report: {demo_receipt} / {DEMO_PASSPHRASE} (/integrity/follow)")


if __name__ == "__main__":
    main()
