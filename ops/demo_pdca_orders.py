"""Demo appointment orders (seed 004 around lines 246–385): the order of 26 May 2565 (1124/2565)
and the order of 7 Feb 2566 (2566/2566) that cancels it, each appointing the plan's steering
committee (12 members, the mayor as chair, the Strategy and Budget director as secretary), the
second also the divisions' operating teams. Members without a demo account are named as the
order names them. Recorded through the use case, like an officer would; idempotent."""

from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from domain.pdca.orders import STEERING_COMMITTEE, MemberIn, OrderIn, local_today, record_order
from models.pdca_orders import AppointmentOrder, OrderRole
from models.people import User

SUBJECT = (
    "แต่งตั้งคณะกรรมการจัดทำแผนปฏิบัติการป้องกันการทุจริตเพื่อยกระดับคุณธรรมและความโปร่งใส"
    "ของเทศบาลนครขอนแก่น (พ.ศ.2566-2570)"
)
FIRST_ORDER = ("1124/2565", date(2022, 5, 26))
SECOND_ORDER = ("2566/2566", date(2023, 2, 7))
FORMER_ENGINEERING_DIRECTOR = ("นายสมบัติ ช่างคิด", "ผู้อำนวยการสำนักช่าง (ขณะนั้น)")


def steering(engineering_seat: MemberIn) -> list[MemberIn]:
    """The twelve of the steering committee (ฝ่ายอำนวยการ) in the order's own order."""
    return [
        MemberIn(username="mayor", role=OrderRole.chair, title="นายกเทศมนตรีนครขอนแก่น"),
        MemberIn(username="anan", title="รองนายกเทศมนตรีนครขอนแก่น"),
        MemberIn(username="kanya", title="ปลัดเทศบาล"),
        MemberIn(name="นางอารีย์ สุรารักษ์", title="รองปลัดเทศบาล"),
        MemberIn(username="prasert", title="รองปลัดเทศบาล"),
        MemberIn(username="ratana", title="หัวหน้าสำนักปลัดเทศบาล"),
        MemberIn(username="wanna", title="ผู้อำนวยการสำนักสาธารณสุขและสิ่งแวดล้อม"),
        engineering_seat,
        MemberIn(name="นายมานพ ช่องตะคุ", title="ผู้อำนวยการสำนักการศึกษา"),
        MemberIn(name="นางทิมาพร จันทรง", title="ผู้อำนวยการสำนักคลัง"),
        MemberIn(username="sompong", title="ผู้อำนวยการสำนักสวัสดิการสังคม"),
        MemberIn(
            username="malee",
            role=OrderRole.secretary,
            title="ผู้อำนวยการกองยุทธศาสตร์และงบประมาณ",
        ),
    ]


OPERATING_TEAMS = [
    MemberIn(username="surachai", division_code="สป."),
    MemberIn(username="nipa", division_code="สป."),
    MemberIn(name="นางสาวมนตรีสสา คงตาก", title="ผู้อำนวยการส่วนพัฒนารายได้", division_code="คลัง"),
    MemberIn(username="chatchai", division_code="ช่าง"),
    MemberIn(username="somsak", division_code="สธ."),
    MemberIn(
        name="นายศรีณีย์ เปานาเรียง",
        title="ผู้อำนวยการส่วนส่งเสริมการศึกษา ศาสนา และวัฒนธรรม",
        division_code="ศษ.",
    ),
    MemberIn(username="wichai", division_code="กย."),
    MemberIn(username="somchai", division_code="กย."),
    MemberIn(username="suda", division_code="กย."),
    MemberIn(username="sunee", division_code="สส."),
    MemberIn(name="นางดลฤดี ประจักษ์เมือง", title="หัวหน้าฝ่ายบรรจุและแต่งตั้งอัตรากำลัง", division_code="กจ."),
    MemberIn(
        name="นางสาวทิพย์ประภา ทองสี", title="นักวิชาการตรวจสอบภายใน ชำนาญการ", division_code="ตส."
    ),
]


def first_order() -> OrderIn:
    number, signed = FIRST_ORDER
    name, title = FORMER_ENGINEERING_DIRECTOR
    return OrderIn(
        number=number,
        subject=SUBJECT,
        signed_on=signed,
        committee_name=STEERING_COMMITTEE,
        members=steering(MemberIn(name=name, title=title)),
    )


def second_order(replaces_id: int) -> OrderIn:
    number, signed = SECOND_ORDER
    return OrderIn(
        number=number,
        subject=SUBJECT,
        signed_on=signed,
        replaces_id=replaces_id,
        members=steering(MemberIn(username="pornthip", title="ผู้อำนวยการสำนักช่าง")) + OPERATING_TEAMS,
    )


def seed_demo_orders(engine: Engine, *, today: date | None = None) -> int:
    """Both orders, unless recorded already; how many were recorded."""
    with Session(engine) as session:
        if session.exec(select(AppointmentOrder)).first():
            return 0
        clerk = session.exec(select(User).where(User.username == "somchai")).one()
    today = today or local_today()
    first = record_order(engine, user_id=clerk.id, data=first_order(), today=today)  # type: ignore[arg-type]
    record_order(engine, user_id=clerk.id, data=second_order(first.id), today=today)  # type: ignore[arg-type]
    return 2
