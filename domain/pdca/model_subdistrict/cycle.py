"""The sub-district's cycle as recorded: Plan (targets with their owner, schedule and budget)
and Do (committee meetings, activities, review meetings with their results)."""

from datetime import date

from sqlmodel import Session, col, select

from domain.errors import InvalidInput, NotFound
from domain.pdca.model_subdistrict.rules import check_manager, record
from models.model_subdistrict import (
    ActivityKind,
    ModelSubdistrict,
    SubdistrictActivity,
    SubdistrictPlanItem,
)
from models.people import User


def add_plan_item(
    session: Session,
    sub: ModelSubdistrict,
    *,
    actor: User,
    target: str,
    owner: str,
    starts_on: date,
    ends_on: date,
    budget_satang: int,
) -> SubdistrictPlanItem:
    check_manager(session, actor, sub)
    problems = []
    if not target.strip():
        problems.append("กรุณาระบุเป้าหมาย/กิจกรรม")
    if not owner.strip():
        problems.append("กรุณาระบุผู้รับผิดชอบ")
    if ends_on < starts_on:
        problems.append("วันสิ้นสุดต้องไม่ก่อนวันเริ่ม")
    if budget_satang < 0:
        problems.append("งบประมาณต้องไม่ติดลบ")
    if problems:
        raise InvalidInput("; ".join(problems))
    item = SubdistrictPlanItem(
        subdistrict_id=sub.id,  # type: ignore[arg-type]
        target=target.strip(),
        owner=owner.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        budget_satang=budget_satang,
        created_by_id=actor.id,  # type: ignore[arg-type]
    )
    session.add(item)
    session.flush()
    record(session, sub, "msd_plan_item_added", actor, item_id=item.id, target=item.target)
    return item


def complete_plan_item(
    session: Session, sub: ModelSubdistrict, *, actor: User, item_id: int, done_on: date
) -> SubdistrictPlanItem:
    check_manager(session, actor, sub)
    item = session.get(SubdistrictPlanItem, item_id)
    if item is None or item.subdistrict_id != sub.id:
        raise NotFound("ไม่พบรายการในแผนนี้")
    item.done_on = done_on
    session.add(item)
    session.flush()
    record(session, sub, "msd_plan_item_done", actor, item_id=item.id, done_on=done_on.isoformat())
    return item


def record_activity(
    session: Session,
    sub: ModelSubdistrict,
    *,
    actor: User,
    held_on: date,
    kind: str,
    title: str,
    result: str = "",
    participants: int | None = None,
) -> SubdistrictActivity:
    check_manager(session, actor, sub)
    if kind not in {k.value for k in ActivityKind}:
        raise InvalidInput("ประเภทกิจกรรมไม่ถูกต้อง", field="kind")
    if not title.strip():
        raise InvalidInput("กรุณาระบุชื่อการประชุม/กิจกรรม", field="title")
    if participants is not None and participants < 0:
        raise InvalidInput("จำนวนผู้เข้าร่วมต้องไม่ติดลบ", field="participants")
    row = SubdistrictActivity(
        subdistrict_id=sub.id,  # type: ignore[arg-type]
        held_on=held_on,
        kind=kind,
        title=title.strip(),
        result=result.strip(),
        participants=participants,
        recorded_by_id=actor.id,  # type: ignore[arg-type]
    )
    session.add(row)
    session.flush()
    record(session, sub, "msd_activity_recorded", actor, activity_id=row.id, title=row.title)
    return row


def plan_items(session: Session, sub: ModelSubdistrict) -> list[SubdistrictPlanItem]:
    return list(
        session.exec(
            select(SubdistrictPlanItem)
            .where(SubdistrictPlanItem.subdistrict_id == sub.id)
            .order_by(col(SubdistrictPlanItem.starts_on), col(SubdistrictPlanItem.id))
        )
    )


def activities(session: Session, sub: ModelSubdistrict) -> list[SubdistrictActivity]:
    return list(
        session.exec(
            select(SubdistrictActivity)
            .where(SubdistrictActivity.subdistrict_id == sub.id)
            .order_by(col(SubdistrictActivity.held_on), col(SubdistrictActivity.id))
        )
    )
