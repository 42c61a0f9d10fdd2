"""Demo reports on the sealed corruption-report channel for `make run` (ops/seed.py --demo):
reports received in several fiscal quarters, one waiting for the assessment, one accepted with
a question to the reporter and the answer, two decided (substantiated with a disciplinary
inquiry, unsubstantiated), one not accepted; so the named officers' list, the reporter's follow
page and the published statistics (with "<5") show something. One demo receipt is printed so
a newcomer can follow it.

Through the use cases (``domain.integrity``); idempotent: nothing is done when any report
exists."""

from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from domain.integrity import handling, reporting
from domain.integrity.forms import Identity, NewReport
from domain.integrity.rules import open_received
from models.integrity import IntegrityReport
from models.people import User

DEMO_PASSPHRASE = "ทดลองติดตามเรื่อง-2569"
"""The passphrase of the first demo report (printed by `make run`)."""

REPORTS: tuple[tuple[str, str, Identity | None, str], ...] = (
    (
        "เรียกรับเงินค่าออกใบอนุญาตก่อสร้าง",
        "เจ้าหน้าที่ผู้ตรวจแบบแจ้งว่าต้องจ่ายเงินเพิ่ม 5,000 บาท ใบอนุญาตจึงจะออกภายในสัปดาห์",
        None,
        "2026-10-06",
    ),
    (
        "ใช้รถราชการไปธุระส่วนตัว",
        "พบรถยนต์ส่วนกลางของเทศบาลจอดที่ห้างสรรพสินค้าในวันหยุดหลายครั้ง มีภาพถ่ายประกอบ",
        Identity(name="นายสุจริต ใจตรง", phone="0861234567", staff=True),
        "2026-07-14",
    ),
    (
        "ตกลงราคากันล่วงหน้าในการจัดซื้อครุภัณฑ์",
        "ผู้เสนอราคาสามรายเป็นเครือญาติกัน ราคาเสนอห่างกันไม่ถึงร้อยละหนึ่ง",
        None,
        "2026-05-20",
    ),
    (
        "ลงเวลาปฏิบัติงานแทนกัน",
        "มีการฝากลงเวลาปฏิบัติงานแทนผู้ที่ไม่มาทำงานเป็นประจำ",
        None,
        "2026-02-03",
    ),
    (
        "ขอให้ตรวจสอบการเก็บค่าธรรมเนียมตลาด",
        "ค่าธรรมเนียมที่เรียกเก็บไม่ตรงกับประกาศ แต่ผู้ค้าไม่ประสงค์ให้ข้อมูลเพิ่มเติม",
        None,
        "2025-12-10",
    ),
)


def _at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=3, tzinfo=UTC)


def seed_demo_integrity(engine: Engine) -> str | None:
    """Create the demo reports; the first one's receipt code (None if reports existed)."""
    with Session(engine) as session:
        if session.exec(select(IntegrityReport.id)).first() is not None:
            return None
        officer = {u.username: u.id for u in session.exec(select(User))}
    receipts = []
    for i, (subject, text, identity, day) in enumerate(REPORTS):
        form = NewReport(
            subject=subject,
            text=text,
            identity=identity,
            passphrase=DEMO_PASSPHRASE if i == 0 else None,
        )
        receipts.append(reporting.file_report(engine, form, now=_at(day)))
    with Session(engine) as session:
        open_received(session)
        session.commit()
        ids = [
            session.exec(
                select(IntegrityReport.id).where(IntegrityReport.receipt_code == r.code)
            ).one()
            for r in receipts
        ]
    ratana, prapai = officer["ratana"], officer["prapai"]
    # 2: accepted, a question, the reporter's answer.
    handling.decide_report(
        engine,
        user_id=ratana,
        report_id=ids[1],
        outcome="receive",
        to_reporter="รับเรื่องไว้ตรวจสอบข้อเท็จจริงแล้ว",
    )
    handling.write_message(
        engine, user_id=prapai, report_id=ids[1], text="กรุณาระบุวันที่และทะเบียนรถที่พบ", internal=False
    )
    reporting.reply(
        engine,
        code=receipts[1].code,
        passphrase=receipts[1].passphrase,
        text="ทะเบียน กข 1234 ขอนแก่น วันเสาร์ที่ 12 ก.ค. 2569",
    )
    # 3: substantiated; 4: unsubstantiated; 5: not accepted.
    for report_id, outcome, stage, words in (
        (ids[2], "substantiated", "disciplinary_inquiry", "เรื่องมีมูล ได้ตั้งกรรมการสอบสวนทางวินัยแล้ว"),
        (ids[3], "unsubstantiated", None, "ตรวจสอบบันทึกเวลาและกล้องวงจรปิดแล้ว ไม่พบการลงเวลาแทนกัน"),
    ):
        handling.decide_report(
            engine,
            user_id=ratana,
            report_id=report_id,
            outcome="receive",
            to_reporter="รับเรื่องไว้ตรวจสอบแล้ว",
        )
        handling.decide_report(
            engine,
            user_id=prapai,
            report_id=report_id,
            outcome=outcome,
            to_reporter=words,
            action_stage=stage,
        )
    handling.decide_report(
        engine,
        user_id=ratana,
        report_id=ids[4],
        outcome="decline",
        to_reporter="ข้อมูลไม่เพียงพอที่จะตรวจสอบได้ หากมีหลักฐานเพิ่มเติมกรุณาแจ้งใหม่",
    )
    return receipts[0].code
