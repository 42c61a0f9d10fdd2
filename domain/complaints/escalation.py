"""The chase of divisions that have not reported a complaint by its expected date, up to the
mayor and the follow-up meeting's agenda: the engine's ladder (domain/engine/chase.py) set
from the complaint policy, with the complaint's own mail and audit entries; and the centre
told of receipts not confirmed in time."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from core.db import utcnow
from domain.complaints.lookups import (
    centre_division,
    centre_officers,
    division_handlers,
    get_complaint,
    works_in_division,
)
from domain.complaints.notices import tell_staff
from domain.complaints.policy import ComplaintPolicy, complaint_policy
from domain.complaints.states import CASE_TYPE, S, audit_event
from domain.engine import chase
from domain.engine.calendar import format_thai_date
from domain.engine.deadlines import working_calendar
from domain.engine.people import holders_of
from domain.errors import NotEntitled
from models.chase import AgendaItem
from models.complaint import Complaint, ComplaintCategory, NoticeStage
from models.people import Division, Position, User
from models.steps import HumanStep, StepStatus


def complaint_ladder(policy: ComplaintPolicy) -> chase.Ladder:
    """The centre's ladder (config/complaints.toml [escalation]) on the engine's chase."""

    def stage(key: NoticeStage, days: int, working_days: bool) -> chase.Stage:
        return chase.Stage(key=key.value, title=key.thai, days=days, working_days=working_days)

    return chase.Ladder(
        stages=(
            stage(NoticeStage.follow_up, policy.follow_up_days, policy.follow_up_in_working_days),
            stage(
                NoticeStage.first_notice,
                policy.first_notice_days,
                policy.first_notice_in_working_days,
            ),
            stage(
                NoticeStage.second_notice,
                policy.second_notice_days,
                policy.second_notice_in_working_days,
            ),
        ),
        escalation=chase.Escalation(
            key=NoticeStage.mayor.value,
            title=NoticeStage.mayor.thai,
            authority=Position.mayor,
            meeting_weekday=policy.meeting_weekday,
        ),
    )


def sweep_escalations(
    session: Session, *, now: datetime | None = None, policy: ComplaintPolicy | None = None
) -> dict[str, int]:
    """Tell the centre of receipts not confirmed in time, and chase divisions that have not
    reported by the expected date (no obstacle pending, no extension granted) up the
    complaint ladder: follow-up, first notice, second notice, then the mayor and the next
    follow-up meeting's agenda. Each notice is claimed once (domain.engine.chase): safe to
    run at any rate."""
    now = now or utcnow()
    policy = policy or complaint_policy()
    calendar = working_calendar(session)
    ladder = complaint_ladder(policy)
    sent: dict[str, int] = {}

    def count(stage: str) -> None:
        sent[stage] = sent.get(stage, 0) + 1

    late_receipts = session.exec(
        select(HumanStep).where(
            HumanStep.case_type == CASE_TYPE,
            HumanStep.kind == "receipt",
            HumanStep.status == StepStatus.open,
            HumanStep.due_at <= now,
        )
    ).all()
    for step in late_receipts:
        complaint = session.get(Complaint, step.case_id)
        if complaint is None:
            continue
        # A one-off notice per receipt round, kept apart from the ladder's cycles (>= 1).
        if not chase.claim_notice(
            session,
            case_type=CASE_TYPE,
            case_id=step.case_id,
            cycle=-step.round,
            stage=NoticeStage.receipt_late.value,
            division_id=complaint.division_id,
            now=now,
        ):
            continue
        centre = centre_division(session, policy)
        audit_event(session, complaint, "complaint_receipt_late", step_key=step.key)
        tell_staff(
            session,
            complaint,
            centre_officers(session, policy),
            "receipt_late",
            dedupe=f"receipt-late-{step.round}",
            also=[centre.email],
        )
        count(NoticeStage.receipt_late.value)

    chased = session.exec(
        select(Complaint)
        .where(
            col(Complaint.status).in_([S.routed.value, S.in_progress.value]),
            Complaint.expected_at <= now,
        )
        .order_by(col(Complaint.id))
    ).all()
    for complaint in chased:
        pending_obstacle = session.exec(
            select(HumanStep.id).where(
                HumanStep.case_type == CASE_TYPE,
                HumanStep.case_id == complaint.id,
                HumanStep.kind == "obstacle",
                HumanStep.status == StepStatus.open,
            )
        ).first()
        if pending_obstacle is not None:
            continue
        claimed = chase.advance(
            session,
            ladder=ladder,
            case_type=CASE_TYPE,
            case_id=complaint.id,  # type: ignore[arg-type]
            cycle=complaint.ladder_cycle,
            due_at=complaint.expected_at,
            now=now,
            division_id=complaint.division_id,
            calendar=calendar,
        )
        if claimed is None:
            continue
        count(claimed.stage.key)
        _tell(session, complaint, ladder, claimed)
    return sent


def _tell(
    session: Session, complaint: Complaint, ladder: chase.Ladder, claimed: chase.Claimed
) -> None:
    """The audit entry and the mail for a stage of the ladder just claimed."""
    key, cycle = claimed.stage.key, claimed.cycle
    audit_event(
        session,
        complaint,
        f"complaint_{key}",
        public=claimed.final,
        cycle=cycle,
        respond_by=claimed.respond_by,
    )
    handlers = division_handlers(session, complaint)
    if claimed.final:
        authority = holders_of(session, ladder.escalation.authority)
        meeting = claimed.meeting_date
        tell_staff(
            session,
            complaint,
            [*authority, *handlers],
            key,
            dedupe=f"ladder-{cycle}-{key}",
            meeting_day=format_thai_date(meeting) if meeting else "",
        )
        return
    division = session.get(Division, complaint.division_id) if complaint.division_id else None
    tell_staff(
        session,
        complaint,
        handlers,
        key,
        dedupe=f"ladder-{cycle}-{key}",
        also=[division.email if division else None],
        stage_title=claimed.stage.title,
        respond_by_day=format_thai_date(claimed.respond_by) if claimed.respond_by else "",
    )


def explain_agenda_item(
    session: Session, *, complaint_id: int, user: User, explanation: str
) -> AgendaItem:
    """The division's explanation for the follow-up meeting."""
    complaint = get_complaint(session, complaint_id)
    if not works_in_division(session, complaint, user):
        raise NotEntitled("เฉพาะหน่วยงานที่รับผิดชอบเรื่องนี้ชี้แจงได้")
    item = chase.explain(
        session, case_type=CASE_TYPE, case_id=complaint_id, user=user, explanation=explanation
    )
    audit_event(session, complaint, "complaint_agenda_explained", actor=user)
    return item


@dataclass(frozen=True)
class AgendaEntry:
    item: AgendaItem
    complaint: Complaint
    division: Division | None
    category_name: str


def meeting_agenda(
    session: Session, *, meeting_date: date | None = None, now: datetime | None = None
) -> tuple[date, list[AgendaEntry]]:
    """The complaints on a follow-up meeting's agenda (by default the next meeting that has
    any), with each division's explanation."""
    day, items = chase.agenda(session, meeting_date=meeting_date, case_type=CASE_TYPE, now=now)
    entries = []
    for item in items:
        complaint = session.get(Complaint, item.case_id)
        assert complaint is not None
        cat = session.get(ComplaintCategory, complaint.category_code)
        division = session.get(Division, item.division_id) if item.division_id else None
        entries.append(AgendaEntry(item, complaint, division, cat.name if cat else ""))
    return day, entries
