"""The complaint as officers see it on its steps' pages and its own page (the panel), and the
choices from the data for the centre's screening form."""

import hashlib
import hmac
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup
from sqlmodel import Session, col, select

from api.pages.common import templates, users_by_id
from api.workflows import Choices
from core.db import utcnow
from core.settings import Settings, get_settings
from domain.complaints.duplicates import find_duplicates
from domain.complaints.lookups import categories, works_in_division
from domain.complaints.policy import complaint_policy
from domain.complaints.public import EVENT_TITLES, PUBLIC_ACTIONS
from domain.complaints.states import CASE_TYPE
from domain.complaints.visibility import can_see_contact
from domain.engine import audit
from domain.engine.calendar import format_thai_date
from domain.engine.visibility import can_view
from models.complaint import (
    OPEN_STATUSES,
    Channel,
    Complaint,
    ComplaintCategory,
    ComplaintPhoto,
    ComplaintSchedule,
    ComplaintStatus,
    PhotoKind,
)
from models.people import Division, User
from models.steps import HumanStep, StepStatus

PAGE_SIZE = 50
OTHER_AGENCY = "other"
"""The agency select's "another agency" choice: the page's script turns it into a text box."""
STEP_KIND_TITLES = {
    "screen": "ตรวจสอบอำนาจหน้าที่",
    "agency": "บันทึกการตอบรับของหน่วยงานภายนอก",
    "receipt": "ยืนยันการรับเรื่อง",
    "schedule": "แจ้งกำหนดวันดำเนินการ",
    "result": "รายงานผลการแก้ไข",
    "obstacle": "พิจารณาปัญหาอุปสรรค",
    "review": "ทบทวนผลการแก้ไข",
}
STEP_STATUS_TITLES = {
    StepStatus.open: "รอพิจารณา",
    StepStatus.decided: "พิจารณาแล้ว",
    StepStatus.cancelled: "ยกเลิก",
}
DETAIL_TITLES = {
    "number": "เลขที่เรื่อง",
    "category": "ประเภท",
    "division": "หน่วยงาน",
    "expected_at": "กำหนดแล้วเสร็จ",
    "planned_date": "กำหนดวันดำเนินการ",
    "previous_date": "กำหนดเดิม",
    "reason": "เหตุผล",
    "result": "ผลการดำเนินการ",
    "obstacle": "ปัญหาอุปสรรค",
    "extra_working_days": "ขอขยายเวลา (วันทำการ)",
    "explanation": "คำชี้แจง",
    "agency": "หน่วยงานภายนอก",
    "acknowledged_on": "ตอบรับเมื่อ",
    "reference": "เลขที่หนังสือตอบรับ",
    "merged_into": "รวมกับเรื่องเลขที่",
    "duplicate": "เรื่องที่รวมเข้ามา",
    "score": "คะแนน",
    "photos": "จำนวนรูปภาพ",
}
"""What of an event's detail the officers' timeline shows, and its Thai name."""
WORKED = frozenset(
    {
        ComplaintStatus.in_progress,
        ComplaintStatus.resolved,
        ComplaintStatus.under_review,
        ComplaintStatus.closed_unresolved,
    }
)
"""Statuses in which the division works or has worked: its evidence is asked for."""
DAY_KEYS = {"expected_at", "planned_date", "previous_date", "acknowledged_on"}


# --------------------------------------------------------------------------- small helpers


def thai_day(value: Any) -> str:
    """A date, datetime or ISO text (as kept in audit details) as a Thai date (พ.ศ.)."""
    if value is None or value == "":
        return "-"
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, date):
        return format_thai_date(value)
    return str(value)


def _detail(entry_detail: dict[str, Any]) -> list[tuple[str, str]]:
    rows = []
    for key, title in DETAIL_TITLES.items():
        value = entry_detail.get(key)
        if value is None or value == "":
            continue
        rows.append((title, thai_day(value) if key in DAY_KEYS else str(value)))
    return rows


def evidence_token(settings: Settings, user_id: int | None, complaint_id: int | None) -> str:
    """The evidence form's token (the panel has no request to bind the usual CSRF token to):
    bound to the officer and the complaint, unknowable to another site."""
    message = f"complaint-evidence:{user_id}:{complaint_id}".encode()
    return hmac.new(settings.secret_key.encode(), message, hashlib.sha256).hexdigest()[:40]


def is_overdue(complaint: Complaint, now: datetime | None = None) -> bool:
    return ComplaintStatus(complaint.status).open and complaint.expected_at < (now or utcnow())


def _division_names(session: Session) -> dict[int, Division]:
    return {d.id: d for d in session.exec(select(Division))}  # type: ignore[misc]


def _category_names(session: Session) -> dict[str, str]:
    return {c.code: c.name for c in session.exec(select(ComplaintCategory))}


def _open_steps(session: Session, complaint_ids: list[int]) -> dict[int, list[HumanStep]]:
    found: dict[int, list[HumanStep]] = {}
    if not complaint_ids:
        return found
    steps = session.exec(
        select(HumanStep)
        .where(
            HumanStep.case_type == CASE_TYPE,
            col(HumanStep.case_id).in_(complaint_ids),
            HumanStep.status == StepStatus.open,
        )
        .order_by(col(HumanStep.id))
    )
    for step in steps:
        found.setdefault(step.case_id, []).append(step)
    return found


# --------------------------------------------------------------------------- the panel


def panel_context(
    session: Session,
    user: User,
    complaint: Complaint,
    *,
    step: HumanStep | None,
    on_step_page: bool,
) -> dict[str, Any]:
    policy = complaint_policy()
    cid = complaint.id
    assert cid is not None
    cat = session.get(ComplaintCategory, complaint.category_code)
    division = session.get(Division, complaint.division_id) if complaint.division_id else None
    photos = session.exec(
        select(ComplaintPhoto.id, ComplaintPhoto.kind, ComplaintPhoto.uploaded_at)
        .where(ComplaintPhoto.complaint_id == cid)
        .order_by(col(ComplaintPhoto.id))
    ).all()

    def photo_rows(kind: PhotoKind) -> list[dict[str, Any]]:
        return [
            {"url": f"/api/complaints/{cid}/photos/{pid}", "at": at, "id": pid}
            for pid, k, at in photos
            if k == kind
        ]

    duplicates = [
        {
            "id": d.complaint.id,
            "number": d.complaint.number,
            "distance_m": d.distance_m,
            "status": ComplaintStatus(d.complaint.status).thai,
            "registered_at": d.complaint.registered_at,
            "description": d.complaint.description,
            "lat": d.complaint.latitude,
            "lng": d.complaint.longitude,
        }
        for d in find_duplicates(session, complaint=complaint, policy=policy)
        if can_view(session, user=user, case_type=CASE_TYPE, case_id=d.complaint.id)  # type: ignore[arg-type]
    ]
    merged_into = (
        session.get(Complaint, complaint.merged_into_id) if complaint.merged_into_id else None
    )
    merged_in = list(
        session.exec(
            select(Complaint).where(Complaint.merged_into_id == cid).order_by(col(Complaint.id))
        )
    )
    schedule = list(
        session.exec(
            select(ComplaintSchedule)
            .where(ComplaintSchedule.complaint_id == cid)
            .order_by(col(ComplaintSchedule.id))
        )
    )
    entries = [
        e
        for e in audit.timeline(session, case_type=CASE_TYPE, case_id=cid)
        if e.action in EVENT_TITLES
    ]
    people = users_by_id(
        session,
        {e.actor_user_id for e in entries}
        | {complaint.intake_officer_id}
        | {s.by_user_id for s in schedule},
    )
    events = [
        {
            "at": e.at,
            "title": EVENT_TITLES[e.action],
            "public": e.public and e.action in PUBLIC_ACTIONS,  # as public_timeline shows
            "actor": people.get(e.actor_user_id) if e.actor_user_id else None,
            "detail": _detail(e.detail or {}),
        }
        for e in entries
    ]
    has_point = complaint.latitude is not None and complaint.longitude is not None
    map_data = (
        {
            "lat": complaint.latitude,
            "lng": complaint.longitude,
            "number": complaint.number,
            "radius": policy.duplicate_radius_metres,
            "duplicates": [
                {
                    "lat": d["lat"],
                    "lng": d["lng"],
                    "number": d["number"],
                    "url": f"/pages/complaints/{d['id']}",
                }
                for d in duplicates
                if d["lat"] is not None and d["lng"] is not None
            ],
        }
        if has_point
        else None
    )
    upload_step = None
    if (
        step is not None
        and step.kind == "result"
        and step.status == StepStatus.open
        and complaint.status == ComplaintStatus.in_progress
        and works_in_division(session, complaint, user)
    ):
        upload_step = step
    evidence = photo_rows(PhotoKind.evidence)
    return {
        "c": complaint,
        "step": step,
        "on_step_page": on_step_page,
        "status": ComplaintStatus(complaint.status).thai,
        "overdue": is_overdue(complaint),
        "category_name": cat.name if cat else complaint.category_code,
        "category_days": cat.days if cat else None,
        "channel": Channel(complaint.channel).thai,
        "division": division,
        "intake_officer": people.get(complaint.intake_officer_id)
        if complaint.intake_officer_id
        else None,
        "registered_day": format_thai_date(complaint.registered_at, with_time=True),
        "expected_day": format_thai_date(complaint.expected_at),
        "planned_day": format_thai_date(complaint.planned_date) if complaint.planned_date else None,
        "resolved_day": format_thai_date(complaint.resolved_at, with_time=True)
        if complaint.resolved_at
        else None,
        "acknowledged_day": format_thai_date(complaint.agency_acknowledged_on)
        if complaint.agency_acknowledged_on
        else None,
        "show_contact": can_see_contact(session, user=user, complaint=complaint),
        "complaint_photos": photo_rows(PhotoKind.complaint),
        "evidence_photos": evidence,
        "show_evidence": bool(evidence) or upload_step is not None or complaint.status in WORKED,
        "duplicates": duplicates,
        "merged_into": merged_into,
        "merged_in": merged_in,
        "schedule": [
            {
                "day": format_thai_date(s.planned_date),
                "reason": s.reason,
                "at": s.at,
                "by": people.get(s.by_user_id) if s.by_user_id else None,
            }
            for s in schedule
        ],
        "events": events,
        "map": map_data,
        "osm_url": (
            "https://www.openstreetmap.org/?"
            + urlencode({"mlat": complaint.latitude, "mlon": complaint.longitude, "zoom": 18})
            + f"#map=18/{complaint.latitude}/{complaint.longitude}"
        )
        if has_point
        else None,
        "upload_step": upload_step,
        "evidence_token": evidence_token(get_settings(), user.id, cid) if upload_step else "",
        "max_photos": policy.max_photos,
        "screening": step is not None and step.kind == "screen" and step.status == StepStatus.open,
        "other_agency": OTHER_AGENCY,
    }


def render_panel(
    session: Session,
    user: User,
    complaint: Complaint,
    *,
    step: HumanStep | None,
    on_step_page: bool,
) -> Markup:
    ctx = panel_context(session, user, complaint, step=step, on_step_page=on_step_page)
    return Markup(templates.get_template("complaints/pages/panel.html").render(**ctx))


def case_panel(session: Session, user: User, step: HumanStep) -> Markup:
    """The complaint on its steps' pages."""
    complaint = session.get(Complaint, step.case_id)
    if complaint is None:
        return Markup("")
    return render_panel(session, user, complaint, step=step, on_step_page=True)


# --------------------------------------------------------------------------- form choices


def field_choices(session: Session, step: HumanStep) -> dict[str, Choices]:
    """The centre's screening form: categories, divisions (the category's first), outside
    agencies (and another, typed), and the open complaints it may be merged into."""
    if step.form != "complaint-screening":
        return {}
    complaint = session.get(Complaint, step.case_id)
    if complaint is None:
        return {}
    current = session.get(ComplaintCategory, complaint.category_code)
    category_choices = [
        (c.code, c.name + (" (ประเภทปัจจุบัน)" if c.code == complaint.category_code else ""))
        for c in categories(session)
    ]
    default_division = current.division_code if current else None
    divisions = sorted(
        session.exec(select(Division)), key=lambda d: (d.code != default_division, d.code)
    )
    division_choices = [
        (
            d.code,
            f"{d.name} ({d.code})"
            + (" · ค่าเริ่มต้นตามประเภทเรื่อง" if d.code == default_division else ""),
        )
        for d in divisions
    ]
    agencies = [(name, name) for name in complaint_policy().agencies]
    agencies.append((OTHER_AGENCY, "หน่วยงานอื่น (พิมพ์ชื่อหน่วยงาน)"))
    return {
        "category": category_choices,
        "division_code": division_choices,
        "agency": agencies,
        "merge_into": merge_choices(session, complaint),
    }


def merge_choices(session: Session, complaint: Complaint, limit: int = 15) -> Choices:
    """Possible duplicates nearby first (with their distance), then the latest open
    complaints of the same category."""
    found: Choices = []
    seen = {complaint.id}
    for d in find_duplicates(session, complaint=complaint):
        seen.add(d.complaint.id)
        found.append(
            (
                d.complaint.number,
                f"{d.complaint.number} · ห่าง {d.distance_m:,.0f} ม. · "
                f"{_short(d.complaint.description)}",
            )
        )
    recent = session.exec(
        select(Complaint)
        .where(
            Complaint.category_code == complaint.category_code,
            col(Complaint.status).in_([s.value for s in OPEN_STATUSES]),
            col(Complaint.id).not_in([i for i in seen if i is not None]),
        )
        .order_by(col(Complaint.id).desc())
        .limit(limit)
    )
    for other in recent:
        found.append(
            (
                other.number,
                f"{other.number} · {format_thai_date(other.registered_at, style='short')} · "
                f"{_short(other.description)}",
            )
        )
    return found


def _short(text: str, limit: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
