"""Demo complaints for `make run` (ops/seed.py --demo): eleven complaints in Khon Kaen city, in
every state a complaint passes through, each filed and handled through the use cases
(``domain.complaints.service``, ``domain.engine.service.decide_step``) by the demo officers,
so that each has its numbers, steps, audit chain and mail like one handled by people.

Idempotent: a demo complaint whose description is already in the database is not filed again
(running twice adds nothing). Photos are drawn here (small PNGs), no image files are shipped."""

import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.db import in_transaction, utcnow
from domain.complaints import service
from domain.complaints.intake import register_complaint
from domain.complaints.notices import rating_token
from domain.complaints.states import CASE_TYPE
from domain.engine.calendar import BANGKOK
from domain.engine.deadlines import working_calendar
from domain.engine.service import decide_step
from domain.engine.steps import open_steps_of_case
from models.complaint import Channel, Complaint, ComplaintStatus, PhotoData
from models.people import Division, User

# --------------------------------------------------------------------------- photos


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def demo_photo(subject: tuple[int, int, int], *, width: int = 96, height: int = 72) -> bytes:
    """A small valid PNG: sky, a road, and a block of ``subject``'s colour where the problem
    is (a stand-in for the complainant's or the division's photo)."""
    rows = []
    horizon = height * 3 // 5
    for y in range(height):
        row = bytearray(b"\x00")  # filter: none
        for x in range(width):
            if abs(x - width // 2) < width // 6 and horizon - height // 4 < y < horizon + 6:
                pixel = subject
            elif y < horizon:
                pixel = (110 + y, 160 + y // 2, 230)  # sky, lighter towards the horizon
            else:
                pixel = (90, 90, 95) if (x + y) % 17 else (200, 200, 60)  # road, a lane mark
            row += bytes(pixel)
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _png_chunk(b"IEND", b"")
    )


def _photo(name: str, colour: tuple[int, int, int]) -> PhotoData:
    return PhotoData(filename=f"{name}.png", data=demo_photo(colour))


# --------------------------------------------------------------------------- the complaints


@dataclass(frozen=True)
class DemoComplaint:
    story: str
    """What happens to it: see ``STORIES``."""
    expect: ComplaintStatus
    category: str
    description: str
    address: str
    latitude: float | None
    longitude: float | None
    complainant: dict[str, Any]
    channel: Channel = Channel.web
    photo: tuple[int, int, int] | None = None
    days_ago: int = 0
    """Registered this many days ago (only with ``register_complaint``'s ``now``)."""
    extra: dict[str, Any] = field(default_factory=dict)


# Filed in this order (the oldest first, so numbers follow the dates).
DEMO_COMPLAINTS: list[DemoComplaint] = [
    DemoComplaint(
        story="overdue",
        expect=ComplaintStatus.in_progress,
        category="road-repair",
        description="ถนนในซอยเป็นหลุมบ่อขนาดใหญ่ ลึกประมาณ 20 เซนติเมตร หลายจุด "
        "ฝนตกแล้วน้ำขังมองไม่เห็นหลุม มีรถจักรยานยนต์ล้มไปแล้ว 2 ครั้ง",
        address="ซอยเหล่านาดี 12 ถนนเหล่านาดี ต.ในเมือง อ.เมืองขอนแก่น",
        latitude=16.4421,
        longitude=102.8203,
        complainant={"name": "นายบุญมี ศรีสุข", "phone": "081-234-5678"},
        photo=(120, 85, 50),
        days_ago=60,
        extra={"planned_in_working_days": 3},
    ),
    DemoComplaint(
        story="rated",
        expect=ComplaintStatus.resolved,
        category="street-light",
        description="ไฟฟ้าส่องสว่างริมถนนหน้าวัดหนองแวงดับ 2 ต้นติดกัน "
        "ช่วงค่ำมืดมาก คนที่มาไหว้พระตอนเย็นเดินข้ามถนนลำบาก",
        address="ถนนกลางเมือง หน้าวัดหนองแวง พระอารามหลวง ต.ในเมือง อ.เมืองขอนแก่น",
        latitude=16.4163,
        longitude=102.8331,
        complainant={"name": "นางสาวพิมพ์ชนก แก้วมณี", "email": "pimchanok.k@example.com"},
        photo=(30, 30, 40),
        extra={
            "result": "เปลี่ยนหลอดไฟ LED ใหม่ 2 ดวง และตรวจสอบสายไฟแล้ว ใช้งานได้ปกติ",
            "score": 5,
            "rating_comment": "ซ่อมเร็วมาก ขอบคุณเจ้าหน้าที่ครับ",
            "evidence": (250, 230, 120),
        },
    ),
    DemoComplaint(
        story="rated",
        expect=ComplaintStatus.under_review,
        category="stray-dogs",
        description="สุนัขจรจัดประมาณ 10 ตัว อยู่รวมกันบริเวณลานจอดรถสวนสาธารณะ "
        "ไล่เห่าและไล่กัดคนที่มาออกกำลังกายตอนเช้า",
        address="สวนสาธารณะบึงทุ่งสร้าง ต.ในเมือง อ.เมืองขอนแก่น",
        latitude=16.4508,
        longitude=102.8479,
        complainant={
            "name": "นายธนากร พลศรี",
            "phone": "089-765-4321",
            "email": "thanakorn.p@example.com",
        },
        channel=Channel.line,
        extra={
            "result": "ประสานปศุสัตว์จังหวัดขอนแก่นจับสุนัขไปศูนย์พักพิงสัตว์ 6 ตัว และฉีดวัคซีนป้องกันโรคพิษสุนัขบ้าแล้ว",
            "score": 1,
            "rating_comment": "ยังเหลือสุนัขอีกหลายตัว และยังไล่กัดคนอยู่ทุกเช้า",
            "evidence": (160, 120, 80),
        },
    ),
    DemoComplaint(
        story="scheduled",
        expect=ComplaintStatus.in_progress,
        category="drain-dredging",
        description="ท่อระบายน้ำหน้าบ้านอุดตัน ฝนตกทีไรน้ำท่วมขังสูงครึ่งล้อรถ "
        "ต้องรอ 2-3 ชั่วโมงกว่าน้ำจะลด ขอให้มาขุดลอกท่อ",
        address="ถนนประชาสโมสร ซอย 5 ชุมชนโนนหนองวัด ต.ในเมือง อ.เมืองขอนแก่น",
        latitude=16.4404,
        longitude=102.8377,
        complainant={"name": "นางสมหญิง ทองดี", "email": "somying.t@example.com"},
        photo=(70, 110, 60),
        extra={"planned_in_working_days": 4},
    ),
    DemoComplaint(
        story="forwarded",
        expect=ComplaintStatus.forwarded_outside,
        category="road-repair",
        description="ผิวถนนมิตรภาพขาเข้าเมือง ช่องทางขวาทรุดเป็นแอ่งยาวหลายเมตร "
        "รถต้องหักหลบกะทันหัน อันตรายมากตอนกลางคืน",
        address="ถนนมิตรภาพ (ทางหลวงหมายเลข 2) ใกล้แยกประตูน้ำ อ.เมืองขอนแก่น",
        latitude=16.4318,
        longitude=102.8192,
        complainant={"name": "นายวีระพงษ์ คำภา", "email": "weerapong.k@example.com"},
        extra={"agency": "แขวงทางหลวงขอนแก่นที่ 1"},
    ),
    DemoComplaint(
        story="received",
        expect=ComplaintStatus.in_progress,
        category="parking",
        description="มีรถกระบะจอดทิ้งไว้บนทางเท้าหน้าโรงเรียนมากกว่า 2 สัปดาห์ "
        "นักเรียนต้องลงไปเดินบนถนน เสี่ยงถูกรถเฉี่ยวชน",
        address="ถนนศรีจันทร์ หน้าโรงเรียนเทศบาลวัดกลาง ต.ในเมือง อ.เมืองขอนแก่น",
        latitude=16.4291,
        longitude=102.8309,
        complainant={"name": "นางอรุณี จันทร์เพ็ง", "phone": "043-221-456"},
        channel=Channel.counter,
    ),
    DemoComplaint(
        story="withdrawn",
        expect=ComplaintStatus.withdrawn,
        category="other",
        description="ร้านคาราโอเกะเปิดเพลงเสียงดังหลังเที่ยงคืนเกือบทุกคืน "
        "รบกวนการพักผ่อนของคนในชุมชน เด็กนักเรียนนอนไม่หลับ",
        address="ถนนหน้าเมือง ซอย 9 ชุมชนหนองแวงตราชู ต.ในเมือง อ.เมืองขอนแก่น",
        latitude=None,
        longitude=None,
        complainant={
            "name": "ผู้ร้องไม่ประสงค์ออกนาม",
            "phone": "086-111-2233",
            "withhold_identity": True,
        },
        channel=Channel.telephone,
        extra={"reason": "ผู้ร้องโทรแจ้งว่าเจ้าของร้านลดเสียงและปิดร้านตามเวลาแล้ว ขอถอนเรื่อง"},
    ),
    DemoComplaint(
        story="routed",
        expect=ComplaintStatus.routed,
        category="garbage",
        description="ขยะหน้าตลาดบางลำภูไม่ได้รับการจัดเก็บมา 3 วันแล้ว "
        "ส่งกลิ่นเหม็นและมีแมลงวันจำนวนมาก แม่ค้าและลูกค้าเดือดร้อน",
        address="ถนนกลางเมือง หน้าตลาดบางลำภู ต.ในเมือง อ.เมืองขอนแก่น",
        latitude=16.4262,
        longitude=102.8338,
        complainant={"name": "นางมะลิ บุญเรือง", "email": "mali.b@example.com"},
        channel=Channel.line,
        photo=(60, 130, 60),
    ),
    DemoComplaint(
        story="merged",
        expect=ComplaintStatus.duplicate,
        category="garbage",
        description="ถังขยะข้างตลาดบางลำภูล้นออกมาบนทางเท้า ไม่มีรถมาเก็บหลายวัน",
        address="ข้างตลาดบางลำภู ถนนกลางเมือง ต.ในเมือง อ.เมืองขอนแก่น",
        latitude=16.4266,
        longitude=102.8342,
        complainant={"name": "นายสุริยา แสงทอง", "email": "suriya.s@example.com"},
        extra={"into": "ขยะหน้าตลาดบางลำภู"},
    ),
    DemoComplaint(
        story="routed",
        expect=ComplaintStatus.routed,
        category="homeless",
        description="มีผู้สูงอายุเร่ร่อนนอนที่ศาลาริมบึงหลายคืนแล้ว ดูเหมือนไม่สบาย ไม่มีญาติดูแล อยากให้เทศบาลช่วยเหลือ",
        address="ศาลาริมบึงแก่นนคร ถนนรอบบึงแก่นนคร ต.ในเมือง อ.เมืองขอนแก่น",
        latitude=16.4108,
        longitude=102.8366,
        complainant={"name": "นางสาวกาญจนา ศรีวงศ์", "phone": "092-345-6789"},
        channel=Channel.telephone,
    ),
    DemoComplaint(
        story="new",
        expect=ComplaintStatus.screening,
        category="street-light",
        description="ไฟฟ้าส่องสว่างในซอยดับทั้งซอยมา 4 คืนแล้ว มืดมาก เด็กและผู้สูงอายุเดินกลับบ้านตอนค่ำไม่ปลอดภัย",
        address="ซอยศรีจันทร์ 3 ถนนศรีจันทร์ ต.ในเมือง อ.เมืองขอนแก่น",
        latitude=16.4329,
        longitude=102.8268,
        complainant={"name": "นายประยุทธ ชัยมงคล", "email": "prayut.c@example.com"},
        photo=(25, 25, 35),
    ),
]

CENTRE = "nipa"
"""The complaint centre's officer: takes calls and counter visits, checks every complaint."""
HANDLERS = {
    "ช่าง": "chatchai",
    "สธ.": "somsak",
    "สส.": "sunee",
    "สป.": "surachai",
}
"""Who works the complaints of each division (its section head, config/complaints.toml)."""


# --------------------------------------------------------------------------- the steps


class _Demo:
    """The demo officers acting on one database through the use cases."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        with Session(engine) as session:
            self.users = {u.username: u.id for u in session.exec(select(User))}
            self.calendar = working_calendar(session)

    def user(self, username: str) -> int:
        user_id = self.users[username]
        assert user_id is not None
        return user_id

    def file(self, spec: DemoComplaint) -> Complaint:
        data: dict[str, Any] = {
            "category": spec.category,
            "description": spec.description,
            "address": spec.address,
            "complainant": spec.complainant,
        }
        if spec.latitude is not None:
            data |= {"latitude": spec.latitude, "longitude": spec.longitude}
        photos = [_photo("complaint", spec.photo)] if spec.photo else []
        officer = (
            self.user(CENTRE) if spec.channel in {Channel.counter, Channel.telephone} else None
        )
        if spec.days_ago:
            # Registered in the past (the only way to a complaint already overdue): the intake
            # the use case runs, with its ``now``.
            now = utcnow() - timedelta(days=spec.days_ago)

            def work(session: Session) -> Complaint:
                by = session.get(User, officer) if officer else None
                registered = register_complaint(
                    session, data=data, channel=spec.channel, officer=by, photos=photos, now=now
                )
                return registered.complaint

            return in_transaction(self.engine, work)
        return service.submit(
            self.engine, data=data, channel=spec.channel, officer_id=officer, photos=photos
        ).complaint

    def decide(self, complaint_id: int, kind: str, username: str, **data: Any) -> None:
        with Session(self.engine) as session:
            steps = open_steps_of_case(session, case_type=CASE_TYPE, case_id=complaint_id)
        step = next(s for s in steps if s.kind == kind)
        decide_step(self.engine, step_id=step.id, user_id=self.user(username), data=data)  # type: ignore[arg-type]

    def handler(self, complaint_id: int) -> str:
        with Session(self.engine) as session:
            complaint = session.get(Complaint, complaint_id)
            assert complaint is not None
            division = session.get(Division, complaint.division_id)
            assert division is not None
            return HANDLERS[division.code]

    def planned_date(self, working_days: int | None) -> str:
        """Today (done at once), or ``working_days`` working days from today."""
        today = datetime.now(BANGKOK).date()
        if not working_days:
            return today.isoformat()
        return self.calendar.add_working_days(today, working_days).isoformat()

    # Each story takes a filed complaint as far as it goes.

    def route(self, c: Complaint, spec: DemoComplaint) -> None:
        self.decide(c.id, "screen", CENTRE, outcome="route", comment="อยู่ในอำนาจหน้าที่ของเทศบาล")  # type: ignore[arg-type]

    def receive(self, c: Complaint, spec: DemoComplaint) -> str:
        self.route(c, spec)
        handler = self.handler(c.id)  # type: ignore[arg-type]
        self.decide(c.id, "receipt", handler, outcome="receive", comment="รับเรื่องแล้ว")  # type: ignore[arg-type]
        return handler

    def schedule(self, c: Complaint, spec: DemoComplaint) -> str:
        handler = self.receive(c, spec)
        planned = self.planned_date(spec.extra.get("planned_in_working_days"))
        self.decide(
            c.id,  # type: ignore[arg-type]
            "schedule",
            handler,
            outcome="schedule",
            planned_date=planned,
            comment="ตรวจสอบพื้นที่แล้ว จะเข้าดำเนินการตามวันที่แจ้ง",
        )
        return handler

    def rate(self, c: Complaint, spec: DemoComplaint) -> None:
        handler = self.schedule(c, spec)
        service.add_evidence(
            self.engine,
            complaint_id=c.id,  # type: ignore[arg-type]
            officer_id=self.user(handler),
            photos=[_photo("evidence", spec.extra["evidence"])],
        )
        self.decide(c.id, "result", handler, outcome="resolved", result=spec.extra["result"])  # type: ignore[arg-type]
        with Session(self.engine) as session:
            done = session.get(Complaint, c.id)
            assert done is not None
            token = rating_token(done)
        service.rate(
            self.engine,
            score=spec.extra["score"],
            comment=spec.extra["rating_comment"],
            token=token,
        )

    def forward(self, c: Complaint, spec: DemoComplaint) -> None:
        self.decide(
            c.id,  # type: ignore[arg-type]
            "screen",
            CENTRE,
            outcome="forward",
            agency=spec.extra["agency"],
            comment="ทางหลวงแผ่นดิน อยู่ในความรับผิดชอบของกรมทางหลวง",
        )

    def merge(self, c: Complaint, spec: DemoComplaint) -> None:
        with Session(self.engine) as session:
            original = session.exec(
                select(Complaint)
                .where(col(Complaint.description).startswith(spec.extra["into"]))
                .order_by(col(Complaint.id))
            ).first()
        assert original is not None, spec.extra["into"]
        self.decide(
            c.id,  # type: ignore[arg-type]
            "screen",
            CENTRE,
            outcome="merge",
            merge_into=original.number,
            comment="เรื่องเดียวกับที่รับไว้แล้ว",
        )

    def withdraw(self, c: Complaint, spec: DemoComplaint) -> None:
        service.withdraw_for_complainant(
            self.engine,
            complaint_id=c.id,  # type: ignore[arg-type]
            officer_id=self.user(CENTRE),
            reason=spec.extra["reason"],
        )


STORIES: dict[str, Callable[[_Demo, Complaint, DemoComplaint], Any]] = {
    "new": lambda demo, c, spec: None,  # waits for the centre's check
    "routed": _Demo.route,  # waits for the division's receipt
    "received": _Demo.receive,  # the division inspects and names a date
    "scheduled": _Demo.schedule,  # the division works on it by the date it gave
    "overdue": _Demo.schedule,  # as above, but its expected date has passed
    "rated": _Demo.rate,  # resolved with evidence, then rated (1–2 brings a review)
    "forwarded": _Demo.forward,  # sent to an outside agency, whose reply is awaited
    "merged": _Demo.merge,  # a duplicate of an earlier one
    "withdrawn": _Demo.withdraw,  # the complainant called to withdraw it
}


def seed_demo_complaints(engine: Engine) -> int:
    """File and handle the demo complaints not in the database yet; returns how many.
    Needs the organisation and the complaint categories (ops/seed.py) committed first."""
    with Session(engine) as session:
        present = set(session.exec(select(Complaint.description)))
    demo = _Demo(engine)
    added = 0
    for spec in DEMO_COMPLAINTS:
        if spec.description in present:
            continue
        complaint = demo.file(spec)
        STORIES[spec.story](demo, complaint, spec)
        added += 1
    return added


def expected_statuses() -> dict[ComplaintStatus, int]:
    """How many demo complaints end in each status."""
    counts: dict[ComplaintStatus, int] = {}
    for spec in DEMO_COMPLAINTS:
        counts[spec.expect] = counts.get(spec.expect, 0) + 1
    return counts
