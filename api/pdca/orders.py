"""Appointment orders: JSON (/api/pdca/orders) and the officers' page (/pages/pdca/orders) with
the orders in force, their history (which order replaced which, from when) and the form that
records a new order (กย.)."""

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlmodel import Session, col, select

from api.deps import CurrentUser, EngineDep, SessionDep, SettingsDep
from api.errors import status_of
from api.pages.common import PageUser, csrf_ok, error_page, render, thai_validation_messages
from domain.engine.calendar import parse_thai_date
from domain.errors import DomainError, InvalidInput
from domain.pdca import orders
from domain.pdca.orders_text import members_text, parse_members
from domain.pdca.rules import check_owner
from models.pdca_orders import OrderRole
from models.people import User

router = APIRouter(tags=["pdca"])

LABELS = {
    "number": "เลขที่คำสั่ง",
    "subject": "เรื่อง",
    "signed_on": "วันที่สั่ง",
    "effective_from": "วันที่มีผล",
    "quorum": "องค์ประชุม",
    "members": "รายชื่อ",
}


class MemberPublic(BaseModel):
    seq: int
    user_id: int | None
    name: str
    title: str
    role: OrderRole
    role_thai: str
    division_code: str | None


class OrderPublic(BaseModel):
    id: int
    number: str
    subject: str
    signed_on: date
    effective_from: date
    committee: str
    quorum: int
    replaces_id: int | None
    replaced_by_id: int | None
    in_force: bool
    future: bool
    members: list[MemberPublic]

    @classmethod
    def of(cls, view: orders.OrderView) -> "OrderPublic":
        o = view.order
        return cls(
            id=o.id,  # type: ignore[arg-type]
            number=o.number,
            subject=o.subject,
            signed_on=o.signed_on,
            effective_from=o.effective_from,
            committee=view.committee.name,
            quorum=o.quorum,
            replaces_id=o.replaces_id,
            replaced_by_id=view.replaced_by.id if view.replaced_by else None,
            in_force=view.in_force,
            future=view.future,
            members=[
                MemberPublic(
                    seq=m.seq,
                    user_id=m.user_id,
                    name=m.name,
                    title=m.title,
                    role=m.role,
                    role_thai=OrderRole(m.role).thai,
                    division_code=m.division_code,
                )
                for m in view.members
            ],
        )


@router.get("/api/pdca/orders", response_model=list[OrderPublic])
def list_orders(user: CurrentUser, session: SessionDep) -> list[OrderPublic]:
    """Every appointment order, newest first: in force, ahead, or replaced (and by which)."""
    return [OrderPublic.of(v) for v in orders.order_views(session, orders.local_today())]


@router.get("/api/pdca/orders/{order_id}", response_model=OrderPublic)
def read_order(order_id: int, user: CurrentUser, session: SessionDep) -> OrderPublic:
    return OrderPublic.of(orders.order_view(session, order_id, orders.local_today()))


@router.post("/api/pdca/orders", response_model=OrderPublic, status_code=status.HTTP_201_CREATED)
def create_order(data: orders.OrderIn, user: CurrentUser, engine: EngineDep) -> OrderPublic:
    """Record a mayor's order (กย.); a steering committee order is checked whole (12 members,
    the mayor chair, the กย. director secretary); it replaces ``replaces_id`` from its date."""
    order = orders.record_order(engine, user_id=user.id, data=data)  # type: ignore[arg-type]
    with Session(engine) as session:
        return OrderPublic.of(orders.order_view(session, order.id, orders.local_today()))  # type: ignore[arg-type]


# --------------------------------------------------------------------------- pages


def _may_record(session: Session, user: User) -> bool:
    try:
        check_owner(session, user)
    except DomainError:
        return False
    return True


def _context(session: Session, user: User, replaces: int | None = None) -> dict[str, Any]:
    views = orders.order_views(session, orders.local_today())
    form: dict[str, Any] = {"replaces_id": "", "members": "", "subject": ""}
    source = next((v for v in views if v.order.id == replaces), None)
    if source is not None:
        usernames = {
            u.id: u.username
            for u in session.exec(
                select(User).where(
                    col(User.id).in_([m.user_id for m in source.members if m.user_id])
                )
            )
        }
        form = {
            "replaces_id": source.order.id,
            "members": members_text(source.members, usernames),  # type: ignore[arg-type]
            "subject": source.order.subject,
        }
    return {
        "in_force": [v for v in views if v.in_force],
        "views": views,
        "may_record": _may_record(session, user),
        "form": form,
        "errors": [],
        "role_thai": lambda r: OrderRole(r).thai,
    }


@router.get("/pages/pdca/orders", response_class=HTMLResponse, include_in_schema=False)
def orders_page(
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    replaces: int | None = None,
    flash: str = "",
) -> HTMLResponse:
    ctx = _context(session, user, replaces) | {"flash": flash[:300]}
    return render(
        request, "pdca/orders/list.html", ctx, user=user, session=session, settings=settings
    )


@router.get("/pages/pdca/orders/{order_id}", response_class=HTMLResponse, include_in_schema=False)
def order_page(
    order_id: int, request: Request, user: PageUser, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    try:
        view = orders.order_view(session, order_id, orders.local_today())
    except DomainError as exc:
        return error_page(request, exc, user=user, session=session, settings=settings)
    ctx = {
        "view": view,
        "may_record": _may_record(session, user),
        "role_thai": lambda r: OrderRole(r).thai,
    }
    return render(
        request, "pdca/orders/detail.html", ctx, user=user, session=session, settings=settings
    )


def _date(value: str, label: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return parse_thai_date(value)
    except ValueError:
        pass
    try:
        found = date.fromisoformat(value)
    except ValueError:
        found = None
    if found is None or found.year > 2400:  # a BE year typed as ISO would land in 2566 CE
        raise InvalidInput(f"{label}: รูปแบบวันที่ไม่ถูกต้อง (เช่น 7 ก.พ. 2566)")
    return found


@router.post("/pages/pdca/orders", response_class=HTMLResponse, include_in_schema=False)
def record_order_page(
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
    number: Annotated[str, Form()] = "",
    subject: Annotated[str, Form()] = "",
    signed_on: Annotated[str, Form()] = "",
    effective_from: Annotated[str, Form()] = "",
    replaces_id: Annotated[str, Form()] = "",
    quorum: Annotated[str, Form()] = "",
    members: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    def again(errors: list[str], status_code: int) -> HTMLResponse:
        ctx = _context(session, user) | {
            "errors": errors,
            "form": {
                "number": number,
                "subject": subject,
                "signed_on": signed_on,
                "effective_from": effective_from,
                "replaces_id": replaces_id,
                "quorum": quorum,
                "members": members,
            },
        }
        return render(
            request,
            "pdca/orders/list.html",
            ctx,
            status_code=status_code,
            user=user,
            session=session,
            settings=settings,
        )

    if not csrf_ok(request, settings, csrf):
        return again(["แบบฟอร์มหมดอายุ กรุณาลองใหม่อีกครั้ง"], 403)
    try:
        data = orders.OrderIn(
            number=number,
            subject=subject,
            signed_on=_date(signed_on, "วันที่สั่ง"),  # type: ignore[arg-type]
            effective_from=_date(effective_from, "วันที่มีผล"),
            replaces_id=int(replaces_id) if replaces_id.strip().isdigit() else None,
            quorum=int(quorum) if quorum.strip().isdigit() else None,
            members=parse_members(members),
        )
        order = orders.record_order(engine, user_id=user.id, data=data)  # type: ignore[arg-type]
    except ValidationError as exc:
        return again(thai_validation_messages(exc, LABELS), 422)
    except DomainError as exc:
        problems = exc.detail.get("problems")
        return again(
            list(problems) if isinstance(problems, list) else [exc.message], status_of(exc)
        )
    flash = f"บันทึกคำสั่งที่ {order.number} แล้ว"
    return RedirectResponse(f"/pages/pdca/orders?{urlencode({'flash': flash})}", status_code=303)
