"""Committees appointed by order (คำสั่งแต่งตั้ง, seed 004 around lines 246–385): the mayor's
order appoints the plan's steering committee (คณะกรรมการฝ่ายอำนวยการ) and an operating team in
each division (คณะทำงานฝ่ายดำเนินการ); a new order cancels the one before it from its effective
date and both stay on record.

The engine decides committee steps from ``CommitteeMember`` (quorum, the chair's casting vote),
so the order in force is written there: by the use case when an order takes effect on the day
it is recorded, and by the daily sweep (``apply_orders_in_force``) for orders dated ahead.
Only members with an account can vote in the system; people named without one are kept on the
order and its pages."""

import math
from dataclasses import dataclass
from datetime import date, datetime

from pydantic import BaseModel, Field
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.db import in_transaction, utcnow
from domain.engine import audit
from domain.engine.calendar import BANGKOK, format_thai_date
from domain.errors import InvalidInput, NotEntitled, NotFound
from domain.pdca.rules import OWNER_DIVISION, check_owner
from models.pdca_orders import AppointmentOrder, OrderMember, OrderRole
from models.people import Committee, CommitteeMember, CommitteeRole, Division, Position, User

AUDIT_CASE_TYPE = "pdca-order"
"""Audit chain of an order: recorded and applied to its committee."""
STEERING_COMMITTEE = "คณะกรรมการฝ่ายอำนวยการ แผนปฏิบัติการป้องกันการทุจริต"
"""The engine committee the mayor's orders appoint (it decides the Act's carry-overs)."""
STEERING_SIZE = 12
"""The order of 7 Feb 2566: twelve members, the mayor as chair, the กย. director secretary."""

ENGINE_ROLE = {
    OrderRole.chair: CommitteeRole.chair,
    OrderRole.vice_chair: CommitteeRole.member,
    OrderRole.member: CommitteeRole.member,
    OrderRole.secretary: CommitteeRole.secretary,
    OrderRole.assistant_secretary: CommitteeRole.member,
}
"""The engine knows chair (casting vote), member and secretary."""


class MemberIn(BaseModel):
    """A member as the order names them: an account (``user_id`` or ``username``) or a name
    and title; ``division_code`` for a division's operating team."""

    user_id: int | None = None
    username: str | None = Field(default=None, max_length=64)
    name: str = Field(default="", max_length=200)
    title: str = Field(default="", max_length=300)
    role: OrderRole = OrderRole.member
    division_code: str | None = Field(default=None, max_length=16)


class OrderIn(BaseModel):
    number: str = Field(min_length=1, max_length=40, description="เลขที่คำสั่ง")
    subject: str = Field(min_length=1, max_length=2000, description="เรื่อง")
    signed_on: date = Field(description="สั่ง ณ วันที่")
    effective_from: date | None = Field(default=None, description="มีผลตั้งแต่ (ว่าง: วันที่สั่ง)")
    replaces_id: int | None = Field(default=None, description="คำสั่งเดิมที่ถูกยกเลิก")
    committee_name: str | None = Field(default=None, max_length=300)
    quorum: int | None = Field(default=None, ge=1, description="องค์ประชุม (ว่าง: กึ่งหนึ่ง)")
    members: list[MemberIn] = Field(min_length=1, max_length=400)


@dataclass(frozen=True)
class OrderView:
    order: AppointmentOrder
    committee: Committee
    members: list[OrderMember]
    replaced_by: AppointmentOrder | None
    in_force: bool
    future: bool

    @property
    def steering(self) -> list[OrderMember]:
        return [m for m in self.members if m.division_code is None]

    @property
    def teams(self) -> dict[str, list[OrderMember]]:
        found: dict[str, list[OrderMember]] = {}
        for m in self.members:
            if m.division_code is not None:
                found.setdefault(m.division_code, []).append(m)
        return found


def local_today(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(BANGKOK).date()


def order_ref(order: AppointmentOrder) -> str:
    return f"คำสั่งเทศบาลนครขอนแก่น ที่ {order.number} ลงวันที่ {format_thai_date(order.signed_on)}"


# --------------------------------------------------------------------------- checks


def _resolve_member(
    session: Session, no: int, given: MemberIn, divisions: dict[str, Division]
) -> tuple[OrderMember, list[str]]:
    problems: list[str] = []
    where = f"ลำดับที่ {no}"
    user: User | None = None
    if given.user_id is not None:
        user = session.get(User, given.user_id)
    elif given.username:
        user = session.exec(select(User).where(User.username == given.username)).first()
    if (given.user_id is not None or given.username) and (user is None or not user.active):
        problems.append(f"{where}: ไม่พบผู้ใช้ {given.username or given.user_id} ที่ใช้งานได้")
    if user is None and not given.name.strip():
        problems.append(f"{where}: กรุณาระบุชื่อ หรือเลือกผู้ใช้ในระบบ")
    if given.division_code is not None and given.division_code not in divisions:
        problems.append(f"{where}: ไม่รู้จักหน่วยงาน {given.division_code}")
    title = given.title.strip()
    if not title and user is not None:
        division = next((d for d in divisions.values() if d.id == user.division_id), None)
        title = Position(user.position).thai + (f" {division.name}" if division else "")
    if not title:
        problems.append(f"{where}: กรุณาระบุตำแหน่ง")
    member = OrderMember(
        order_id=0,
        seq=no,
        user_id=user.id if user else None,
        name=given.name.strip() or (user.full_name if user else ""),
        title=title,
        role=given.role,
        division_code=given.division_code,
    )
    return member, problems


def _steering_problems(session: Session, steering: list[OrderMember], quorum: int) -> list[str]:
    """Twelve members, the mayor as chair, the Strategy director as secretary, one seat each,
    enough members with an account to make the quorum."""
    problems = []
    if len(steering) != STEERING_SIZE:
        problems.append(f"คณะกรรมการฝ่ายอำนวยการต้องมี {STEERING_SIZE} คน (คำสั่งนี้มี {len(steering)} คน)")
    chairs = [m for m in steering if m.role == OrderRole.chair]
    secretaries = [m for m in steering if m.role == OrderRole.secretary]
    users = {m.user_id: session.get(User, m.user_id) for m in steering if m.user_id}
    if len(chairs) != 1:
        problems.append(f"ต้องมีประธานกรรมการ 1 คน (คำสั่งนี้มี {len(chairs)} คน)")
    elif (chair := users.get(chairs[0].user_id)) is None or chair.position != Position.mayor:
        problems.append(f"ประธานกรรมการ (ลำดับที่ {chairs[0].seq}) ต้องเป็นนายกเทศมนตรี ที่มีบัญชีผู้ใช้ในระบบ")
    strategy = session.exec(select(Division).where(Division.code == OWNER_DIVISION)).first()
    if len(secretaries) != 1:
        problems.append(f"ต้องมีกรรมการและเลขานุการ 1 คน (คำสั่งนี้มี {len(secretaries)} คน)")
    else:
        secretary = users.get(secretaries[0].user_id)
        if (
            secretary is None
            or secretary.position != Position.division_director
            or strategy is None
            or secretary.division_id != strategy.id
        ):
            problems.append(
                f"กรรมการและเลขานุการ (ลำดับที่ {secretaries[0].seq}) ต้องเป็นผู้อำนวยการ"
                f"{strategy.name if strategy else 'กองยุทธศาสตร์และงบประมาณ'} ที่มีบัญชีผู้ใช้ในระบบ"
            )
    seen: dict[int, int] = {}
    for m in steering:
        if m.user_id is None:
            continue
        if m.user_id in seen:
            problems.append(f"ลำดับที่ {m.seq}: ซ้ำกับลำดับที่ {seen[m.user_id]} (คนเดียวกัน)")
        seen.setdefault(m.user_id, m.seq)
    if quorum > len(steering):
        problems.append(f"องค์ประชุม {quorum} คน มากกว่าจำนวนกรรมการ {len(steering)} คน")
    elif len(seen) < quorum:
        problems.append(
            f"กรรมการที่มีบัญชีผู้ใช้ในระบบมี {len(seen)} คน น้อยกว่าองค์ประชุม {quorum} คน "
            "คณะกรรมการจะพิจารณาในระบบไม่ได้"
        )
    return problems


def default_quorum(steering_count: int) -> int:
    """Not less than half of all members (พ.ร.บ.วิธีปฏิบัติราชการทางปกครอง มาตรา 80)."""
    return max(1, math.ceil(steering_count / 2))


def latest_order(session: Session, committee_id: int) -> AppointmentOrder | None:
    return session.exec(
        select(AppointmentOrder)
        .where(AppointmentOrder.committee_id == committee_id)
        .order_by(col(AppointmentOrder.effective_from).desc(), col(AppointmentOrder.id).desc())
    ).first()


def _committee_for(
    session: Session, data: OrderIn, effective: date
) -> tuple[Committee, AppointmentOrder | None]:
    if data.replaces_id is not None:
        replaced = session.get(AppointmentOrder, data.replaces_id)
        if replaced is None:
            raise NotFound(f"ไม่พบคำสั่งเดิมที่จะยกเลิก (รหัส {data.replaces_id})")
        latest = latest_order(session, replaced.committee_id)
        if latest is not None and latest.id != replaced.id:
            raise InvalidInput(
                f"คำสั่งที่ {replaced.number} ถูกแทนที่ด้วยคำสั่งที่ {latest.number} แล้ว "
                "กรุณาระบุคำสั่งล่าสุดเป็นคำสั่งเดิม",
                field="replaces_id",
            )
        if effective <= replaced.effective_from:
            raise InvalidInput(
                f"คำสั่งใหม่ต้องมีผลหลังวันที่คำสั่งเดิมมีผล ({format_thai_date(replaced.effective_from)})",
                field="effective_from",
            )
        committee = session.get(Committee, replaced.committee_id)
        assert committee is not None
        return committee, replaced
    name = (data.committee_name or STEERING_COMMITTEE).strip()
    committee = session.exec(select(Committee).where(Committee.name == name)).first()
    if committee is not None and latest_order(session, committee.id) is not None:  # type: ignore[arg-type]
        raise InvalidInput(f"{name} มีคำสั่งแต่งตั้งอยู่แล้ว กรุณาระบุคำสั่งเดิมที่คำสั่งนี้ยกเลิก", field="replaces_id")
    if committee is None:
        committee = Committee(name=name, quorum=1)
        session.add(committee)
        session.flush()
    return committee, None


def record_order_in(
    session: Session, *, actor: User, data: OrderIn, today: date
) -> AppointmentOrder:
    """Check the whole order, store it with its members, and apply it to its committee when
    it is in force ``today``. A broken order stores nothing (the errors name each member)."""
    check_owner(session, actor)
    effective = data.effective_from or data.signed_on
    if effective < data.signed_on:
        raise InvalidInput("วันที่มีผลต้องไม่ก่อนวันที่สั่ง", field="effective_from")
    if session.exec(
        select(AppointmentOrder).where(AppointmentOrder.number == data.number.strip())
    ).first():
        raise InvalidInput(f"มีคำสั่งเลขที่ {data.number.strip()} อยู่แล้ว", field="number")
    mayor = session.exec(
        select(User).where(User.position == Position.mayor, col(User.active).is_(True))
    ).first()
    if mayor is None:
        raise InvalidInput("ไม่พบบัญชีผู้ใช้นายกเทศมนตรีผู้ลงนามคำสั่ง")
    divisions = {d.code: d for d in session.exec(select(Division))}
    members, problems = [], []
    for no, given in enumerate(data.members, start=1):
        member, found = _resolve_member(session, no, given, divisions)
        members.append(member)
        problems += found
    steering = [m for m in members if m.division_code is None]
    quorum = data.quorum or default_quorum(len(steering))
    problems += _steering_problems(session, steering, quorum)
    if problems:
        raise InvalidInput(
            "คำสั่งแต่งตั้งไม่ถูกต้อง: " + " · ".join(problems), field="members", problems=problems
        )
    committee, replaced = _committee_for(session, data, effective)
    order = AppointmentOrder(
        number=data.number.strip(),
        subject=data.subject.strip(),
        signed_on=data.signed_on,
        effective_from=effective,
        signed_by_id=mayor.id,  # type: ignore[arg-type]
        committee_id=committee.id,  # type: ignore[arg-type]
        replaces_id=replaced.id if replaced else None,
        quorum=quorum,
        created_by_id=actor.id,  # type: ignore[arg-type]
    )
    session.add(order)
    session.flush()
    for member in members:
        member.order_id = order.id  # type: ignore[assignment]
        session.add(member)
    session.flush()
    audit.record(
        session,
        case_type=AUDIT_CASE_TYPE,
        case_id=order.id,  # type: ignore[arg-type]
        action="pdca_order_recorded",
        actor=actor,
        detail={
            "number": order.number,
            "committee": committee.name,
            "effective_from": effective,
            "replaces": replaced.number if replaced else None,
            "members": len(members),
        },
        public=True,
    )
    apply_orders_in_force(session, today)
    return order


# --------------------------------------------------------------------------- in force


def order_in_force(session: Session, committee_id: int, on: date) -> AppointmentOrder | None:
    """The order a committee sits under on ``on``: the latest to have taken effect."""
    return session.exec(
        select(AppointmentOrder)
        .where(AppointmentOrder.committee_id == committee_id, AppointmentOrder.effective_from <= on)
        .order_by(col(AppointmentOrder.effective_from).desc(), col(AppointmentOrder.id).desc())
    ).first()


def members_of(session: Session, order_id: int) -> list[OrderMember]:
    return list(
        session.exec(
            select(OrderMember)
            .where(OrderMember.order_id == order_id)
            .order_by(col(OrderMember.seq))
        )
    )


def _apply(session: Session, order: AppointmentOrder, committee: Committee) -> bool:
    """Make the committee's voting members those of ``order``; False when they already are."""
    wanted = {
        m.user_id: ENGINE_ROLE[OrderRole(m.role)]
        for m in members_of(session, order.id)  # type: ignore[arg-type]
        if m.division_code is None and m.user_id is not None
    }
    current = list(
        session.exec(select(CommitteeMember).where(CommitteeMember.committee_id == committee.id))
    )
    same = {c.user_id: CommitteeRole(c.role) for c in current} == wanted
    ref = order_ref(order)
    if same and committee.quorum == order.quorum and committee.order_ref == ref:
        return False
    for row in current:
        if row.user_id not in wanted:
            session.delete(row)
        elif row.role != wanted[row.user_id]:
            row.role = wanted[row.user_id]
            session.add(row)
    for user_id, role in wanted.items():
        if user_id not in {c.user_id for c in current}:
            session.add(CommitteeMember(committee_id=committee.id, user_id=user_id, role=role))  # type: ignore[arg-type]
    committee.quorum = order.quorum
    committee.order_ref = ref
    session.add(committee)
    if order.applied_at is None:
        order.applied_at = utcnow()
        session.add(order)
    session.flush()
    audit.record(
        session,
        case_type=AUDIT_CASE_TYPE,
        case_id=order.id,  # type: ignore[arg-type]
        action="pdca_order_applied",
        detail={"committee": committee.name, "voting_members": len(wanted), "quorum": order.quorum},
        public=True,
    )
    return True


def apply_orders_in_force(session: Session, today: date) -> list[AppointmentOrder]:
    """For every committee appointed by order, seat the members of the order in force
    ``today`` (safe to repeat: nothing changes when they already sit)."""
    applied = []
    committee_ids = session.exec(select(AppointmentOrder.committee_id).distinct()).all()
    for committee_id in sorted(committee_ids):
        order = order_in_force(session, committee_id, today)
        committee = session.get(Committee, committee_id, with_for_update=True)
        if order is not None and committee is not None and _apply(session, order, committee):
            applied.append(order)
    return applied


def steering_committee(session: Session, on: date) -> Committee | None:
    """The steering committee appointed by the order in force on ``on`` (None: no order)."""
    committee = session.exec(select(Committee).where(Committee.name == STEERING_COMMITTEE)).first()
    if committee is None or order_in_force(session, committee.id, on) is None:  # type: ignore[arg-type]
        return None
    return committee


def order_views(session: Session, today: date) -> list[OrderView]:
    """Every order, newest first, with whether it is in force, ahead, or replaced (by which)."""
    orders = list(
        session.exec(
            select(AppointmentOrder).order_by(
                col(AppointmentOrder.effective_from).desc(), col(AppointmentOrder.id).desc()
            )
        )
    )
    replaced_by = {o.replaces_id: o for o in orders if o.replaces_id is not None}
    views = []
    for order in orders:
        in_force = order_in_force(session, order.committee_id, today)
        views.append(
            OrderView(
                order=order,
                committee=session.get(Committee, order.committee_id),  # type: ignore[arg-type]
                members=members_of(session, order.id),  # type: ignore[arg-type]
                replaced_by=replaced_by.get(order.id),
                in_force=in_force is not None and in_force.id == order.id,
                future=order.effective_from > today,
            )
        )
    return views


def order_view(session: Session, order_id: int, today: date) -> OrderView:
    for view in order_views(session, today):
        if view.order.id == order_id:
            return view
    raise NotFound("ไม่พบคำสั่งแต่งตั้งนี้")


# --------------------------------------------------------------------------- use cases


def record_order(
    engine: Engine, *, user_id: int, data: OrderIn, today: date | None = None
) -> AppointmentOrder:
    """Record a mayor's appointment order (กย. officers), in one unit of work."""

    def work(session: Session) -> AppointmentOrder:
        actor = session.get(User, user_id)
        if actor is None or not actor.active:
            raise NotEntitled("บัญชีผู้ใช้นี้ใช้งานไม่ได้")
        return record_order_in(session, actor=actor, data=data, today=today or local_today())

    return in_transaction(engine, work)


def apply_orders(engine: Engine, *, today: date | None = None) -> list[str]:
    """The daily sweep: seat the members of orders that took effect; their numbers."""
    return in_transaction(
        engine,
        lambda session: [o.number for o in apply_orders_in_force(session, today or local_today())],
    )
