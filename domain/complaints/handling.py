"""What each closed step of a complaint does: the centre's check, the division's receipt,
schedule and result, the centre's decisions on an obstacle or a low rating."""

from datetime import date

from sqlmodel import Session, select

from domain.complaints.lookups import (
    by_number,
    category,
    centre_division,
    division_by_code,
    division_directors,
    get_complaint,
    handler_of,
)
from domain.complaints.notices import tell_complainant, tell_followers, tell_staff
from domain.complaints.policy import ComplaintPolicy, complaint_policy
from domain.complaints.states import audit_event, set_status
from domain.complaints.steps import open_complaint_step, open_result_step
from domain.engine.calendar import format_thai_date
from domain.engine.deadlines import working_calendar
from domain.engine.steps import Assignee
from domain.errors import InvalidInput
from models.complaint import (
    Complaint,
    ComplaintCategory,
    ComplaintPhoto,
    ComplaintSchedule,
    ComplaintStatus,
    PhotoKind,
)
from models.people import Position, User
from models.steps import Decision, HumanStep, Outcome


def route(
    session: Session, complaint: Complaint, decision: Decision, policy: ComplaintPolicy
) -> None:
    fields = decision.fields
    cat = session.get(ComplaintCategory, complaint.category_code)
    if fields.get("category") and fields["category"] != complaint.category_code:
        cat = category(session, fields["category"])
        complaint.category_code = cat.code
        complaint.expected_at = working_calendar(session).add_working_days(
            complaint.registered_at, cat.days
        )
    assert cat is not None
    division = division_by_code(session, fields.get("division_code") or cat.division_code)
    complaint.division_id = division.id
    complaint.routing_round += 1
    set_status(
        session,
        complaint,
        ComplaintStatus.routed,
        division=division.name,
        category=cat.name,
        expected_at=complaint.expected_at,
    )
    open_complaint_step(
        session,
        complaint,
        kind="receipt",
        round=complaint.routing_round,
        what=f"ยืนยันการรับเรื่อง ({cat.name})",
        assignee=handler_of(session, division.id, policy),  # type: ignore[arg-type]
        form="complaint-receipt",
        outcomes=[Outcome.receive],
        days=policy.receipt_working_days,
    )
    tell_staff(
        session,
        complaint,
        [],
        "new_for_division",
        dedupe=f"routed-{complaint.routing_round}",
        also=[division.email],
    )
    tell_complainant(session, complaint, "routed", dedupe=f"routed-{complaint.routing_round}")


def forward(
    session: Session, complaint: Complaint, decision: Decision, policy: ComplaintPolicy
) -> None:
    complaint.agency = str(decision.fields["agency"]).strip()
    complaint.closed_at = decision.decided_at
    set_status(session, complaint, ComplaintStatus.forwarded_outside, agency=complaint.agency)
    open_complaint_step(
        session,
        complaint,
        kind="agency",
        round=None,
        what=f"บันทึกการตอบรับของ {complaint.agency}",
        assignee=Assignee.holder_of(Position.officer, centre_division(session, policy).id),
        form="complaint-agency-ack",
        outcomes=[Outcome.acknowledge],
        days=policy.agency_ack_working_days,
    )
    tell_complainant(session, complaint, "forwarded", dedupe="forwarded", agency=complaint.agency)


def merge(session: Session, complaint: Complaint, decision: Decision) -> None:
    target = by_number(session, str(decision.fields["merge_into"]))
    while target is not None and target.merged_into_id is not None:
        target = session.get(Complaint, target.merged_into_id)
    if target is None:
        raise InvalidInput("ไม่พบเรื่องเดิมตามเลขที่ที่ระบุ", field="merge_into")
    if target.id == complaint.id:
        raise InvalidInput("รวมเรื่องเข้ากับตัวเองไม่ได้", field="merge_into")
    if not ComplaintStatus(target.status).open and target.status != ComplaintStatus.resolved:
        raise InvalidInput(
            f"เรื่องเลขที่ {target.number} สิ้นสุดแล้ว ({ComplaintStatus(target.status).thai})",
            field="merge_into",
        )
    complaint.merged_into_id = target.id
    complaint.closed_at = decision.decided_at
    set_status(session, complaint, ComplaintStatus.duplicate, merged_into=target.number)
    audit_event(session, target, "complaint_merged_in", public=False, duplicate=complaint.number)
    tell_complainant(session, complaint, "merged", dedupe="merged", original_number=target.number)
    if target.status == ComplaintStatus.resolved:
        tell_followers(session, target, dedupe=f"resolved-{target.review_round}")


def after_screening(
    session: Session, complaint: Complaint, decision: Decision, policy: ComplaintPolicy
) -> None:
    action = Outcome(decision.outcome)
    if action is Outcome.route:
        route(session, complaint, decision, policy)
    elif action is Outcome.forward:
        forward(session, complaint, decision, policy)
    else:
        merge(session, complaint, decision)


# --------------------------------------------------------------------------- the division


def after_receipt(session: Session, complaint: Complaint, policy: ComplaintPolicy) -> None:
    set_status(session, complaint, ComplaintStatus.in_progress)
    assert complaint.division_id is not None
    open_complaint_step(
        session,
        complaint,
        kind="schedule",
        round=complaint.routing_round,
        what="ตรวจสอบพื้นที่และแจ้งกำหนดวันดำเนินการ",
        assignee=handler_of(session, complaint.division_id, policy),
        form="complaint-schedule",
        outcomes=[Outcome.schedule],
        days=policy.inspect_working_days,
    )


def record_schedule(
    session: Session, complaint: Complaint, planned: date, reason: str, user: User | None
) -> ComplaintSchedule:
    previous = complaint.planned_date
    complaint.planned_date = planned
    session.add(complaint)
    row = ComplaintSchedule(
        complaint_id=complaint.id,  # type: ignore[arg-type]
        planned_date=planned,
        reason=reason,
        by_user_id=user.id if user else None,
    )
    session.add(row)
    session.flush()
    audit_event(
        session,
        complaint,
        "complaint_scheduled" if previous is None else "complaint_rescheduled",
        actor=user,
        public=True,
        planned_date=planned.isoformat(),
        previous_date=previous.isoformat() if previous else None,
        reason=reason,
    )
    tell_complainant(
        session,
        complaint,
        "scheduled" if previous is None else "rescheduled",
        dedupe=f"schedule-{row.id}",
        planned_day=format_thai_date(planned),
        reason=reason,
    )
    return row


def after_schedule(
    session: Session, complaint: Complaint, decision: Decision, policy: ComplaintPolicy
) -> None:
    planned = date.fromisoformat(str(decision.fields["planned_date"]))
    user = session.get(User, decision.user_id)
    record_schedule(session, complaint, planned, decision.comment, user)
    open_result_step(session, complaint, policy)


def after_result(
    session: Session, complaint: Complaint, decision: Decision, policy: ComplaintPolicy
) -> None:
    fields = decision.fields
    if decision.outcome == Outcome.obstacle:
        complaint.obstacle_round += 1
        audit_event(
            session,
            complaint,
            "complaint_obstacle",
            actor=session.get(User, decision.user_id),
            public=True,
            obstacle=fields.get("obstacle"),
            extra_working_days=fields.get("extra_working_days"),
        )
        open_complaint_step(
            session,
            complaint,
            kind="obstacle",
            round=complaint.obstacle_round,
            what="พิจารณาปัญหาอุปสรรค/การขอขยายเวลา",
            assignee=Assignee.holder_of(Position.officer, centre_division(session, policy).id),
            form="complaint-obstacle",
            outcomes=[Outcome.grant, Outcome.refuse, Outcome.close_unresolved],
            days=policy.decision_working_days,
        )
        return
    evidence = session.exec(
        select(ComplaintPhoto.id).where(
            ComplaintPhoto.complaint_id == complaint.id,
            ComplaintPhoto.kind == PhotoKind.evidence,
        )
    ).first()
    if evidence is None:
        raise InvalidInput("ต้องแนบรูปภาพหลักฐานผลการดำเนินการก่อนรายงานผล", field="evidence")
    complaint.result = str(fields["result"]).strip()
    complaint.resolved_at = decision.decided_at
    complaint.review_round += 1
    set_status(session, complaint, ComplaintStatus.resolved, result=complaint.result)
    # The supervisor first, then the complainant (DOMAIN.md §5.4): the outbox keeps the order.
    tell_staff(
        session,
        complaint,
        division_directors(session, complaint.division_id),
        "result_for_supervisor",
        dedupe=f"result-{complaint.review_round}",
    )
    tell_complainant(session, complaint, "resolved", dedupe=f"resolved-{complaint.review_round}")
    tell_followers(session, complaint, dedupe=f"resolved-{complaint.review_round}")


def after_obstacle(
    session: Session, complaint: Complaint, decision: Decision, policy: ComplaintPolicy
) -> None:
    fields = decision.fields
    action = Outcome(decision.outcome)
    if action is Outcome.grant:
        days = int(fields["extra_working_days"])
        calendar = working_calendar(session)
        complaint.expected_at = calendar.add_working_days(
            max(complaint.expected_at, decision.decided_at), days
        )
        complaint.ladder_cycle += 1  # more time granted: the chase starts again
        audit_event(
            session,
            complaint,
            "complaint_extended",
            public=True,
            extra_working_days=days,
            expected_at=complaint.expected_at,
        )
        tell_complainant(
            session, complaint, "extended", dedupe=f"extended-{complaint.obstacle_round}"
        )
        open_result_step(session, complaint, policy)
    elif action is Outcome.refuse:
        audit_event(session, complaint, "complaint_obstacle_refused")
        open_result_step(session, complaint, policy)
    else:
        close_unresolved(session, complaint, str(fields.get("explanation")), decision)


def close_unresolved(
    session: Session, complaint: Complaint, reason: str, decision: Decision
) -> None:
    complaint.close_reason = reason
    complaint.closed_at = decision.decided_at
    set_status(session, complaint, ComplaintStatus.closed_unresolved, reason=reason)
    tell_complainant(session, complaint, "closed_unresolved", dedupe="closed", reason=reason)
    tell_followers(session, complaint, dedupe="closed")


def after_review(
    session: Session, complaint: Complaint, decision: Decision, policy: ComplaintPolicy
) -> None:
    fields = decision.fields
    action = Outcome(decision.outcome)
    explanation = str(fields.get("explanation") or "")
    if action is Outcome.reopen:
        complaint.result = None
        complaint.resolved_at = None
        complaint.closed_at = None
        cat = session.get(ComplaintCategory, complaint.category_code)
        complaint.expected_at = working_calendar(session).add_working_days(
            decision.decided_at, cat.days if cat else 7
        )
        complaint.ladder_cycle += 1
        set_status(session, complaint, ComplaintStatus.in_progress, reopened=True)
        tell_complainant(
            session, complaint, "reopened", dedupe=f"reopened-{complaint.review_round}"
        )
        open_result_step(session, complaint, policy)
    elif action is Outcome.close:
        complaint.close_reason = explanation
        complaint.closed_at = decision.decided_at
        set_status(session, complaint, ComplaintStatus.resolved, explanation=explanation)
        tell_complainant(
            session,
            complaint,
            "review_closed",
            dedupe=f"review-closed-{complaint.review_round}",
            reason=explanation,
        )
    else:
        close_unresolved(session, complaint, explanation, decision)


def after_agency(session: Session, complaint: Complaint, decision: Decision) -> None:
    complaint.agency_acknowledged_on = date.fromisoformat(str(decision.fields["acknowledged_on"]))
    session.add(complaint)
    audit_event(
        session,
        complaint,
        "complaint_agency_acknowledged",
        public=True,
        agency=complaint.agency,
        acknowledged_on=complaint.agency_acknowledged_on.isoformat(),
        reference=decision.fields.get("agency_reference"),
    )


def on_step_closed(session: Session, step: HumanStep, decision: Decision) -> None:
    """Apply a closed step of a complaint: each kind of step has its handler."""
    complaint = get_complaint(session, step.case_id, lock=True)
    policy = complaint_policy()
    kind = step.kind
    if kind == "screen":
        after_screening(session, complaint, decision, policy)
    elif kind == "agency":
        after_agency(session, complaint, decision)
    elif kind == "receipt":
        after_receipt(session, complaint, policy)
    elif kind == "schedule":
        after_schedule(session, complaint, decision, policy)
    elif kind == "result":
        after_result(session, complaint, decision, policy)
    elif kind == "obstacle":
        after_obstacle(session, complaint, decision, policy)
    elif kind == "review":
        after_review(session, complaint, decision, policy)
    else:
        raise InvalidInput(f"ไม่รู้จักขั้นตอน {kind} ของเรื่องร้องเรียน")
