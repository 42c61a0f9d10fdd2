"""The scholarship's follow-up and renewal (seed 000, ภารกิจที่ 8): each recipient has a mentor
(พี่เลี้ยง: a user, or a named outside person) who reports during the year (attendance, grades,
situation, continue or not); the next year the appointed scholarship committee decides renewal
for each recipient on the mentor's latest report at a meeting (quorum; one engine step, kind
``renewal``, members present vote to adopt). A renewed recipient is carried into the next
fiscal year's scholarship round as a candidate whose history is the decision."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.db import in_transaction, utcnow
from domain.engine import audit
from domain.engine.steps import decide, open_step
from domain.errors import Conflict, InvalidInput, NotEntitled, NotFound
from domain.screening.certify import member_ids
from domain.screening.programmes import stages_of
from domain.screening.rounds import check_coordinator, get_round
from domain.screening.states import CASE_TYPE
from models.people import Committee, User
from models.screening import (
    Candidate,
    CandidateState,
    Nomination,
    NominationSource,
    Programme,
    RoundStatus,
    ScreeningRound,
)
from models.screening_renewal import MentorAssignment, MentorReport, RenewalDecision, RenewalMeeting
from models.steps import Decision, HumanStep, Outcome, StepStatus

RENEWAL_STAGE = "renewal"
NOMINATOR = "คณะกรรมการพิจารณาทุนการศึกษา (ต่อทุนจากปีก่อน)"


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise NotEntitled("บัญชีผู้ใช้นี้ใช้งานไม่ได้")
    return user


def require_scholarship(screening_round: ScreeningRound) -> None:
    """Mentors and renewal belong to the scholarship programme; other rounds have neither."""
    if screening_round.programme != Programme.scholarship:
        raise Conflict("พี่เลี้ยงและการต่อทุนใช้กับโครงการทุนการศึกษาเท่านั้น")


def _recipient(session: Session, candidate_id: int) -> tuple[Candidate, ScreeningRound]:
    candidate = session.get(Candidate, candidate_id)
    if candidate is None:
        raise NotFound("ไม่พบผู้รับทุนรายนี้")
    screening_round = get_round(session, candidate.round_id)
    require_scholarship(screening_round)
    if candidate.state != CandidateState.certified:
        raise Conflict("ผู้ได้รับการเสนอชื่อรายนี้ไม่ได้เป็นผู้รับทุนที่ได้รับการรับรอง")
    return candidate, screening_round


def recipients(session: Session, round_id: int) -> list[Candidate]:
    return list(
        session.exec(
            select(Candidate)
            .where(Candidate.round_id == round_id, Candidate.state == CandidateState.certified)
            .order_by(col(Candidate.id))
        )
    )


def mentor_of(session: Session, candidate_id: int) -> MentorAssignment | None:
    return session.exec(
        select(MentorAssignment).where(MentorAssignment.candidate_id == candidate_id)
    ).first()


def is_mentor_of(session: Session, user: User, person_id: int) -> bool:
    """A scholarship recipient's mentor reads the recipient's record: the mentor follows the
    pupil through the year (``domain.screening.protection.READER_RULES``)."""
    return (
        session.exec(
            select(MentorAssignment.id)
            .join(Candidate, col(Candidate.id) == col(MentorAssignment.candidate_id))
            .where(Candidate.person_id == person_id, MentorAssignment.mentor_user_id == user.id)
        ).first()
        is not None
    )


def mentored_in(session: Session, user: User, round_id: int) -> set[int]:
    """The recipients of the round whom ``user`` mentors (candidate ids): a mentor from outside
    the round's readers opens its renewal page for these alone."""
    return set(
        session.exec(
            select(MentorAssignment.candidate_id)
            .join(Candidate, col(Candidate.id) == col(MentorAssignment.candidate_id))
            .where(Candidate.round_id == round_id, MentorAssignment.mentor_user_id == user.id)
        )
    )


def latest_report(session: Session, candidate_id: int) -> MentorReport | None:
    return session.exec(
        select(MentorReport)
        .where(MentorReport.candidate_id == candidate_id)
        .order_by(col(MentorReport.reported_on).desc(), col(MentorReport.id).desc())
    ).first()


def assign_mentor(
    session: Session,
    *,
    candidate_id: int,
    actor: User,
    mentor_user_id: int | None = None,
    mentor_name: str = "",
    mentor_contact: str = "",
) -> MentorAssignment:
    """A coordinator names the recipient's mentor (again to change it)."""
    check_coordinator(session, actor)
    candidate, _ = _recipient(session, candidate_id)
    name = mentor_name.strip()
    if mentor_user_id is not None:
        mentor = session.get(User, mentor_user_id)
        if mentor is None or not mentor.active:
            raise InvalidInput("ไม่พบผู้ใช้ที่เป็นพี่เลี้ยง", field="mentor_user_id")
        name = name or mentor.full_name
    elif len(name) < 3:
        raise InvalidInput("กรุณาระบุชื่อพี่เลี้ยง (ผู้ใช้ในระบบหรือบุคคลภายนอก)", field="mentor_name")
    assignment = mentor_of(session, candidate_id) or MentorAssignment(
        round_id=candidate.round_id,
        candidate_id=candidate_id,
        assigned_by_id=actor.id,  # type: ignore[arg-type]
    )
    assignment.mentor_user_id = mentor_user_id
    assignment.mentor_name = name
    assignment.mentor_contact = mentor_contact.strip()
    assignment.assigned_by_id = actor.id  # type: ignore[assignment]
    assignment.assigned_at = utcnow()
    session.add(assignment)
    session.flush()
    audit.record(
        session,
        case_type=CASE_TYPE,
        case_id=candidate.round_id,
        action="screening_mentor_assigned",
        actor=actor,
        detail={"candidate_id": candidate_id, "mentor_user_id": mentor_user_id, "mentor": name},
        public=False,
    )
    return assignment


@dataclass(frozen=True)
class ReportInput:
    reported_on: date
    attendance_percent: int
    situation: str
    recommend_continue: bool
    grade_average: float | None = None


def record_report(
    session: Session, *, candidate_id: int, reporter: User, report: ReportInput
) -> MentorReport:
    """The mentor reports (or a coordinator records an outside mentor's report)."""
    candidate, _ = _recipient(session, candidate_id)
    assignment = mentor_of(session, candidate_id)
    if assignment is None:
        raise Conflict("ยังไม่ได้กำหนดพี่เลี้ยงของผู้รับทุนรายนี้")
    if assignment.mentor_user_id != reporter.id:
        try:
            check_coordinator(session, reporter)
        except NotEntitled:
            raise NotEntitled("รายงานได้เฉพาะพี่เลี้ยงของผู้รับทุนหรือเจ้าหน้าที่ผู้ประสานงาน") from None
    if not 0 <= report.attendance_percent <= 100:
        raise InvalidInput("ร้อยละการมาเรียนต้องอยู่ระหว่าง 0 ถึง 100", field="attendance_percent")
    grade = None
    if report.grade_average is not None:
        if not 0 <= report.grade_average <= 4:
            raise InvalidInput("เกรดเฉลี่ยต้องอยู่ระหว่าง 0.00 ถึง 4.00", field="grade_average")
        grade = round(report.grade_average * 100)
    situation = report.situation.strip()
    if len(situation) < 5:
        raise InvalidInput("กรุณาเล่าสภาพความเป็นอยู่ของผู้รับทุน", field="situation")
    found = MentorReport(
        assignment_id=assignment.id,  # type: ignore[arg-type]
        candidate_id=candidate_id,
        reported_on=report.reported_on,
        attendance_percent=report.attendance_percent,
        grade_average_hundredths=grade,
        situation=situation,
        recommend_continue=report.recommend_continue,
        recorded_by_id=reporter.id,  # type: ignore[arg-type]
    )
    session.add(found)
    session.flush()
    audit.record(
        session,
        case_type=CASE_TYPE,
        case_id=candidate.round_id,
        action="screening_mentor_report",
        actor=reporter,
        detail={"candidate_id": candidate_id, "recommend_continue": report.recommend_continue},
        public=False,
    )
    return found


def start_renewal(
    session: Session, *, round_id: int, next_round_id: int, actor: User
) -> RenewalMeeting:
    """The next year: the committee's renewal step opens once every recipient has a report."""
    check_coordinator(session, actor)
    screening_round = get_round(session, round_id, lock=True)
    stage = stages_of(screening_round).stage(RENEWAL_STAGE)
    if screening_round.status != RoundStatus.following_up:
        raise Conflict("พิจารณาต่อทุนได้เมื่อรอบนี้อยู่ในขั้นติดตามผลเท่านั้น")
    if renewal_meeting(session, round_id) is not None:
        raise Conflict("เปิดการพิจารณาต่อทุนของรอบนี้แล้ว")
    missing = [c.id for c in recipients(session, round_id) if latest_report(session, c.id) is None]  # type: ignore[arg-type]
    if missing:
        raise Conflict("ยังไม่มีรายงานของพี่เลี้ยงสำหรับผู้รับทุนลำดับที่ " + ", ".join(map(str, missing)))
    next_round = get_round(session, next_round_id)
    if (
        next_round.programme != Programme.scholarship
        or next_round.fiscal_year != screening_round.fiscal_year + 1
        or next_round.status != RoundStatus.nominating
    ):
        raise InvalidInput(
            f"รอบถัดไปต้องเป็นรอบทุนการศึกษาปีงบประมาณ {screening_round.fiscal_year + 1} ที่ยังรับการเสนอชื่อ",
            field="next_round_id",
        )
    step = open_step(
        session,
        case_type=CASE_TYPE,
        case_id=round_id,
        key=f"screening-{round_id}-{RENEWAL_STAGE}",
        title=f"{stage.title}: {screening_round.title}",
        assignee=stage.assignee(session),
        kind=RENEWAL_STAGE,
        allowed_outcomes=[Outcome.approve],
        due_in_working_days=20,
    )
    meeting = RenewalMeeting(
        round_id=round_id,
        step_id=step.id,  # type: ignore[arg-type]
        next_round_id=next_round_id,
        committee_id=step.committee_id,  # type: ignore[arg-type]
    )
    session.add(meeting)
    session.flush()
    audit.record(
        session,
        case_type=CASE_TYPE,
        case_id=round_id,
        action="screening_renewal_opened",
        actor=actor,
        detail={"step_id": step.id, "next_round_id": next_round_id},
    )
    return meeting


def renewal_meeting(session: Session, round_id: int) -> RenewalMeeting | None:
    return session.exec(select(RenewalMeeting).where(RenewalMeeting.round_id == round_id)).first()


def _meeting_of_step(session: Session, step_id: int) -> tuple[HumanStep, RenewalMeeting]:
    step = session.get(HumanStep, step_id, with_for_update=True)
    meeting = session.exec(select(RenewalMeeting).where(RenewalMeeting.step_id == step_id)).first()
    if step is None or meeting is None:
        raise NotFound("ไม่พบขั้นตอนการพิจารณาต่อทุนนี้")
    return step, meeting


@dataclass(frozen=True)
class RenewalRecord:
    meeting_date: date
    resolution_number: str
    members_present: list[int]
    decisions: dict[int, tuple[bool, str]] = field(default_factory=dict)
    """Candidate id -> (renew, reason); a reason is required when not renewed."""


def record_renewal_meeting(
    session: Session, *, step_id: int, recorder: User, record: RenewalRecord
) -> RenewalMeeting:
    """A member records the meeting and a decision for every recipient (again until adopted)."""
    step, meeting = _meeting_of_step(session, step_id)
    if step.status != StepStatus.open:
        raise Conflict("คณะกรรมการพิจารณาต่อทุนของรอบนี้แล้ว")
    members = member_ids(session, meeting.committee_id)
    if recorder.id not in members:
        raise NotEntitled("ผู้บันทึกการประชุมต้องเป็นกรรมการพิจารณาทุนการศึกษา")
    if set(record.members_present) - members:
        raise InvalidInput("ผู้เข้าประชุมบางคนไม่ได้เป็นกรรมการ", field="members_present")
    resolution = record.resolution_number.strip()
    if not resolution:
        raise InvalidInput("กรุณาระบุเลขที่มติที่ประชุม", field="resolution_number")
    expected = {c.id for c in recipients(session, meeting.round_id)}
    if set(record.decisions) != expected:
        raise InvalidInput("ต้องพิจารณาต่อทุนให้ครบทุกคนและเฉพาะผู้รับทุนของรอบนี้", field="decisions")
    for candidate_id, (renew, reason) in record.decisions.items():
        if not renew and len(reason.strip()) < 3:
            raise InvalidInput(f"กรุณาระบุเหตุผลที่ไม่ต่อทุนให้ผู้รับทุนลำดับที่ {candidate_id}", field="decisions")
    committee_quorum = _quorum(session, meeting)
    meeting.meeting_date = record.meeting_date
    meeting.resolution_number = resolution
    meeting.members_present = sorted(set(record.members_present))
    meeting.quorum = committee_quorum
    meeting.quorum_reached = len(meeting.members_present) >= committee_quorum
    meeting.recorded_by_id = recorder.id
    meeting.recorded_at = utcnow()
    session.add(meeting)
    for old in session.exec(
        select(RenewalDecision).where(RenewalDecision.meeting_id == meeting.id)
    ).all():
        session.delete(old)
    session.flush()
    for candidate_id, (renew, reason) in sorted(record.decisions.items()):
        report = latest_report(session, candidate_id)
        assert report is not None  # checked when the step opened; reports are never deleted
        session.add(
            RenewalDecision(
                meeting_id=meeting.id,  # type: ignore[arg-type]
                candidate_id=candidate_id,
                report_id=report.id,  # type: ignore[arg-type]
                renew=renew,
                reason=reason.strip(),
            )
        )
    audit.record(
        session,
        case_type=CASE_TYPE,
        case_id=meeting.round_id,
        action="screening_renewal_meeting_recorded",
        actor=recorder,
        detail={
            "resolution_number": resolution,
            "members_present": len(meeting.members_present),
            "quorum_reached": meeting.quorum_reached,
            "renewed": sum(1 for renew, _ in record.decisions.values() if renew),
        },
    )
    session.flush()
    return meeting


def _quorum(session: Session, meeting: RenewalMeeting) -> int:
    committee = session.get(Committee, meeting.committee_id)
    if committee is None:
        raise NotFound("ไม่พบคณะกรรมการพิจารณาทุนการศึกษา")
    return committee.quorum


def cast_renewal_vote(session: Session, *, step_id: int, voter: User, comment: str = "") -> bool:
    """A member present votes to adopt the meeting's decisions; True once the step closed."""
    step, meeting = _meeting_of_step(session, step_id)
    if meeting.recorded_at is None:
        raise Conflict("ยังไม่ได้บันทึกการประชุม (วันที่ประชุม เลขที่มติ ผู้เข้าประชุม)")
    if not meeting.quorum_reached:
        raise Conflict(
            f"ที่ประชุมไม่ครบองค์ประชุม: มีกรรมการเข้าประชุม {len(meeting.members_present)} คน "
            f"ต้องมีอย่างน้อย {meeting.quorum} คน"
        )
    if voter.id not in meeting.members_present:
        raise NotEntitled("ลงมติได้เฉพาะกรรมการที่เข้าประชุมตามที่บันทึกไว้")
    result = decide(
        session,
        step_id=step.id,  # type: ignore[arg-type]
        user=voter,
        data={"outcome": Outcome.approve.value, "comment": comment},
    )
    return result.closed_now


def after_renewal(session: Session, step: HumanStep, decision: Decision) -> None:
    """Adopted: each renewed recipient becomes a candidate of the next round (nominated by the
    committee, the decision kept as its history); the finished round is closed."""
    _, meeting = _meeting_of_step(session, step.id)  # type: ignore[arg-type]
    screening_round = get_round(session, meeting.round_id, lock=True)
    next_round = get_round(session, meeting.next_round_id, lock=True)
    for found in session.exec(
        select(RenewalDecision).where(
            RenewalDecision.meeting_id == meeting.id, RenewalDecision.renew
        )
    ).all():
        old = session.get(Candidate, found.candidate_id)
        assert old is not None
        carried = session.exec(
            select(Candidate).where(
                Candidate.round_id == next_round.id, Candidate.person_id == old.person_id
            )
        ).first()
        if carried is None:
            carried = Candidate(round_id=next_round.id, person_id=old.person_id)  # type: ignore[arg-type]
            session.add(carried)
            session.flush()
        session.add(
            Nomination(
                round_id=next_round.id,  # type: ignore[arg-type]
                person_id=old.person_id,
                source=NominationSource.officer,
                nominator_name=NOMINATOR,
                note=f"ต่อทุนตามมติ {meeting.resolution_number} (รอบ {screening_round.title})",
                created_by_id=meeting.recorded_by_id,  # type: ignore[arg-type]
            )
        )
        found.carried_candidate_id = carried.id
        session.add(found)
        audit.record(
            session,
            case_type=CASE_TYPE,
            case_id=next_round.id,  # type: ignore[arg-type]
            action="screening_renewal_carried",
            detail={"candidate_id": carried.id, "from_round": screening_round.id},
            public=False,
        )
    meeting.decided_at = utcnow()
    session.add(meeting)
    screening_round.status = RoundStatus.closed
    screening_round.closed_at = utcnow()
    session.add(screening_round)


def renewal_history(session: Session, candidate_id: int) -> list[RenewalDecision]:
    """The renewals that carried this candidacy (its history from earlier rounds)."""
    return list(
        session.exec(
            select(RenewalDecision).where(RenewalDecision.carried_candidate_id == candidate_id)
        )
    )


# --------------------------------------------------------------------------- use cases


def assign_mentor_uc(
    engine: Engine, *, candidate_id: int, user_id: int, **mentor
) -> MentorAssignment:
    return in_transaction(
        engine,
        lambda s: assign_mentor(s, candidate_id=candidate_id, actor=_user(s, user_id), **mentor),
    )


def record_report_uc(
    engine: Engine, *, candidate_id: int, user_id: int, report: ReportInput
) -> MentorReport:
    return in_transaction(
        engine,
        lambda s: record_report(
            s, candidate_id=candidate_id, reporter=_user(s, user_id), report=report
        ),
    )


def start_renewal_uc(
    engine: Engine, *, round_id: int, next_round_id: int, user_id: int
) -> RenewalMeeting:
    return in_transaction(
        engine,
        lambda s: start_renewal(
            s, round_id=round_id, next_round_id=next_round_id, actor=_user(s, user_id)
        ),
    )


def record_renewal_meeting_uc(
    engine: Engine, *, step_id: int, user_id: int, record: RenewalRecord
) -> RenewalMeeting:
    return in_transaction(
        engine,
        lambda s: record_renewal_meeting(
            s, step_id=step_id, recorder=_user(s, user_id), record=record
        ),
    )


def cast_renewal_vote_uc(engine: Engine, *, step_id: int, user_id: int, comment: str = "") -> bool:
    return in_transaction(
        engine,
        lambda s: cast_renewal_vote(s, step_id=step_id, voter=_user(s, user_id), comment=comment),
    )
