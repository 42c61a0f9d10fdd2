"""The model sub-district demo for `make run` (ops/seed.py --demo): the responsible committee
(คณะทำงานโครงการตำบลต้นแบบ ห่วงใยไม่ทอดทิ้งกัน, quorum 3) and two sub-districts of fiscal year
2569 run by the welfare section head through the use cases:

- ตำบลในเมือง (existing): plan, meetings and activities, both self-assessments accepted by the
  committee, the annual report sent complete on 10 Sep 2569: level 5 at 6 and at 12 months;
- ตำบลศิลา (new): the 6-month self-assessment accepted at level 3; the 12-month one waiting for
  the committee (its step in the members' inboxes).

Idempotent: nothing is done when any sub-district exists."""

from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from domain.engine.service import decide_step
from domain.pdca.model_subdistrict import service
from domain.pdca.model_subdistrict.config import default_config
from models.model_subdistrict import ModelSubdistrict
from models.people import Committee, CommitteeMember, CommitteeRole, User

COMMITTEE = "คณะทำงานโครงการตำบลต้นแบบ ห่วงใยไม่ทอดทิ้งกัน"
COMMITTEE_MEMBERS = (
    ("sompong", CommitteeRole.chair),
    ("wanna", CommitteeRole.member),
    ("ratana", CommitteeRole.member),
    ("sunee", CommitteeRole.secretary),
)
COMMITTEE_VOTES = ("sompong", "wanna", "sunee")
OFFICER = "sunee"
"""The welfare section head (สส.) who registers the sub-districts and keeps their cycle."""
FISCAL_YEAR = 2569

REPORT_SECTIONS = {
    "project": "โครงการตำบลต้นแบบ ห่วงใยไม่ทอดทิ้งกัน ตำบลในเมือง",
    "responsible_person": "นางสุนีย์ หัวหน้าฝ่ายสังคมสงเคราะห์",
    "responsible_unit": "ฝ่ายสังคมสงเคราะห์ สำนักสวัสดิการสังคม",
    "when_where": "ตุลาคม 2568 – กันยายน 2569 ศาลาประชาคมชุมชนในเขตตำบลในเมือง",
    "objectives": "ส่งเสริมครอบครัว ชุมชน และท้องถิ่น ให้มีส่วนร่วมช่วยเหลือคนเร่ร่อน คนไร้ที่พึ่ง"
    " และจัดบริการสวัสดิการในชุมชน",
    "budget": "50,000 บาท",
    "area": "ตำบลในเมือง 95 ชุมชน ประชากรตามข้อมูล จปฐ.",
    "participants": "ผู้เข้าร่วมโครงการ/กิจกรรม ทั้งหมด 180 คน",
    "method": "ประชุมคณะทำงาน ทบทวนแผนบูรณาการภายใต้ MOU จัดกิจกรรมตามแผน ติดตามประเมินผลร่วมกัน",
    "work_plan": "ไตรมาส 1 ประชุมคณะทำงาน ไตรมาส 2 สำรวจกลุ่มเป้าหมาย ไตรมาส 3–4 จัดกิจกรรมและประเมินผล",
    "results": "กลุ่มเป้าหมาย 42 คนได้รับสวัสดิการขั้นพื้นฐาน ชุมชนจัดอาสาสมัครเยี่ยมบ้านทุกเดือน",
    "illustrations": "ภาพการประชุมและกิจกรรม 12 ภาพ (แนบท้ายรายงาน)",
}


def seed_subdistrict_committee(session: Session, users: dict[str, User]) -> Committee:
    """The responsible committee, unless it exists."""
    found = session.exec(select(Committee).where(Committee.name == COMMITTEE)).first()
    if found is not None:
        return found
    committee = Committee(
        name=COMMITTEE, order_ref="คำสั่งเทศบาลนครขอนแก่น เรื่อง แต่งตั้งคณะทำงานโครงการตำบลต้นแบบ", quorum=3
    )
    session.add(committee)
    session.flush()
    for username, role in COMMITTEE_MEMBERS:
        session.add(
            CommitteeMember(committee_id=committee.id, user_id=users[username].id, role=role)  # type: ignore[arg-type]
        )
    session.flush()
    return committee


def accept(engine: Engine, users: dict[str, User], step_id: int) -> None:
    """The committee's quorum accepts a self-assessment on its step."""
    for who in COMMITTEE_VOTES:
        decide_step(
            engine,
            step_id=step_id,
            user_id=users[who].id,  # type: ignore[arg-type]
            data={"outcome": "approve", "comment": "รับรองผลการประเมินตนเอง"},
        )


def _assess(
    engine: Engine, users: dict[str, User], sub: ModelSubdistrict, months: int, met: set[str]
) -> int:
    """Open the assessment, answer every asked condition, return its step's id."""
    officer = users[OFFICER].id
    assessment = service.open_assessment(
        engine,
        user_id=officer,
        subdistrict_id=sub.id,
        months=months,  # type: ignore[arg-type]
    )
    asked = [c.key for c in default_config().criteria_for(sub.kind, months) if c.check == "answer"]
    service.record_answers(
        engine,
        user_id=officer,  # type: ignore[arg-type]
        assessment_id=assessment.id,  # type: ignore[arg-type]
        answers={
            k: (k in met, "รายงานการประชุมคณะทำงานและภาพถ่าย" if k in met else "") for k in asked
        },
    )
    with Session(engine) as session:
        view = service.subdistrict_view(session, sub)
    step = view.assessments[months].step
    assert step is not None
    return step.id  # type: ignore[return-value]


def seed_demo_model_subdistricts(engine: Engine) -> int:
    """The committee and the two demo sub-districts; the number of sub-districts made."""
    with Session(engine, expire_on_commit=False) as session:
        if session.exec(select(ModelSubdistrict.id)).first() is not None:
            return 0
        users = {u.username: u for u in session.exec(select(User))}
        committee = seed_subdistrict_committee(session, users)
        session.commit()
    officer = users[OFFICER].id
    existing = service.register(
        engine,
        user_id=officer,  # type: ignore[arg-type]
        name="ตำบลในเมือง อำเภอเมืองขอนแก่น",
        kind="existing",
        fiscal_year=FISCAL_YEAR,
        committee_id=committee.id,  # type: ignore[arg-type]
    )
    item = service.add_plan_item(
        engine,
        user_id=officer,  # type: ignore[arg-type]
        subdistrict_id=existing.id,  # type: ignore[arg-type]
        target="เยี่ยมบ้านและจัดบริการสวัสดิการแก่คนไร้ที่พึ่งในชุมชน 40 ราย",
        owner="ฝ่ายสังคมสงเคราะห์ ร่วมกับอาสาสมัครชุมชน",
        starts_on=date(2025, 11, 1),
        ends_on=date(2026, 8, 31),
        budget_satang=5_000_000,
    )
    service.complete_plan_item(
        engine,
        user_id=officer,  # type: ignore[arg-type]
        subdistrict_id=existing.id,  # type: ignore[arg-type]
        item_id=item.id,  # type: ignore[arg-type]
        done_on=date(2026, 8, 28),
    )
    for held_on, kind, title, result, count in (
        (
            date(2025, 10, 20),
            "meeting",
            "ประชุมคณะทำงานทบทวนแผนบูรณาการภายใต้ MOU",
            "ปรับแผนปี 2569",
            14,
        ),
        (date(2026, 2, 14), "activity", "มหกรรมชุมชนห่วงใยไม่ทอดทิ้งกัน", "ผู้เข้าร่วม 180 คน", 180),
        (date(2026, 8, 30), "review", "ประชุมติดตามประเมินผลประจำปีร่วมกับชุมชน", "สรุปบทเรียน", 25),
    ):
        service.record_activity(
            engine,
            user_id=officer,  # type: ignore[arg-type]
            subdistrict_id=existing.id,  # type: ignore[arg-type]
            held_on=held_on,
            kind=kind,
            title=title,
            result=result,
            participants=count,
        )
    every = {c.key for c in default_config().criteria}
    accept(engine, users, _assess(engine, users, existing, 6, every))
    service.save_report(
        engine,
        user_id=officer,  # type: ignore[arg-type]
        subdistrict_id=existing.id,  # type: ignore[arg-type]
        sections=REPORT_SECTIONS,
    )
    service.submit_report(
        engine,
        user_id=officer,  # type: ignore[arg-type]
        subdistrict_id=existing.id,  # type: ignore[arg-type]
        submitted_on=date(2026, 9, 10),
    )
    accept(engine, users, _assess(engine, users, existing, 12, every))

    new = service.register(
        engine,
        user_id=officer,  # type: ignore[arg-type]
        name="ตำบลศิลา อำเภอเมืองขอนแก่น",
        kind="new",
        fiscal_year=FISCAL_YEAR,
        committee_id=committee.id,  # type: ignore[arg-type]
    )
    accept(engine, users, _assess(engine, users, new, 6, {"new-6-area-study"}))
    service.open_assessment(
        engine,
        user_id=officer,
        subdistrict_id=new.id,
        months=12,  # type: ignore[arg-type]
    )
    return 2
