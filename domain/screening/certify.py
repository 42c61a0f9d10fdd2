"""Confirmation and certification (seed 000): the welfare division confirms the list, grouped
by complexity of problem and by benefit group (one step); then the certifying committee (the
executive committee, คทม.; configured per programme) certifies it at a meeting: date,
resolution number, members present, quorum checked. It may exclude a person, with a reason.

The meeting is recorded by a member of the committee; members present then vote on the
committee's engine step (quorum by the engine). When the step closes approved, every
confirmed candidate is certified except those excluded; a list not certified goes back to the
confirmation."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from core.db import utcnow
from domain.engine import audit
from domain.engine.steps import decide
from domain.errors import Conflict, InvalidInput, NotEntitled, NotFound
from domain.screening.assessment import assessments_of, open_stage_step, stage_step
from domain.screening.programmes import programmes, stages_of
from domain.screening.rounds import get_round
from domain.screening.states import CASE_TYPE, set_state
from models.people import Committee, CommitteeMember, User
from models.screening import Candidate, CandidateState, RoundStatus
from models.screening_assessment import (
    Certification,
    Exclusion,
    JointSurvey,
    ProblemArea,
)
from models.steps import AssigneeKind, Decision, HumanStep, Outcome, StepStatus


@dataclass
class ListEntry:
    candidate: Candidate
    complexity: str
    areas: list[str]
    income_satang: int | None


@dataclass
class ConfirmedList:
    """The confirmed candidates by complexity group, and how many need each benefit area."""

    groups: dict[str, list[ListEntry]] = field(default_factory=dict)
    by_area: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(len(g) for g in self.groups.values())


def confirmed_list(session: Session, round_id: int) -> ConfirmedList:
    """Who passed the screening, grouped as the welfare division confirms them: complexity
    (the joint survey's where there was one, else the higher of the two teams') and the areas
    of their problems (the latest assessment's), which are their benefit groups."""
    order = [key for key, _ in programmes().complexity_groups]
    found = ConfirmedList(groups={key: [] for key in order})
    by_area: dict[str, int] = defaultdict(int)
    candidates = session.exec(
        select(Candidate)
        .where(
            Candidate.round_id == round_id,
            col(Candidate.state).in_([CandidateState.confirmed, CandidateState.certified]),
        )
        .order_by(col(Candidate.id))
    ).all()
    for candidate in candidates:
        assessments = assessments_of(session, candidate.id)  # type: ignore[arg-type]
        survey = session.exec(
            select(JointSurvey).where(JointSurvey.candidate_id == candidate.id)
        ).first()
        complexity = (
            survey.complexity
            if survey and survey.complexity
            else max((a.complexity for a in assessments), key=order.index, default=order[0])
        )
        latest = assessments[-1] if assessments else None
        areas = [a.value for a in ProblemArea if latest and a.value in latest.problems]
        for area in areas:
            by_area[area] += 1
        found.groups.setdefault(complexity, []).append(
            ListEntry(
                candidate, complexity, areas, latest.household_income_satang if latest else None
            )
        )
    found.by_area = {a.value: by_area[a.value] for a in ProblemArea}
    return found


def after_confirmation(session: Session, step: HumanStep, decision: Decision) -> None:
    """The list confirmed: the certification meeting's step opens (held by the committee)."""
    screening_round = get_round(session, step.case_id, lock=True)
    stage = stages_of(screening_round).first("certification")
    if stage is None:
        raise Conflict(f"{screening_round.title}: ไม่ได้กำหนดขั้นตอนการรับรอง")
    if confirmed_list(session, step.case_id).total == 0:
        screening_round.status = RoundStatus.notifying  # nobody passed: everyone is told
    else:
        screening_round.status = RoundStatus.certifying
        open_stage_step(session, screening_round, stage, attempt=step.round)
    session.add(screening_round)


# --------------------------------------------------------------------------- the meeting


@dataclass(frozen=True)
class MeetingRecord:
    meeting_date: date
    resolution_number: str
    members_present: list[int]
    exclusions: dict[int, str] = field(default_factory=dict)
    """Candidate id -> the reason the committee did not certify the person."""


def _committee_of(session: Session, step: HumanStep) -> Committee:
    if step.assignee_kind != AssigneeKind.committee or step.committee_id is None:
        raise Conflict("ขั้นตอนนี้ไม่ใช่การรับรองโดยคณะกรรมการ")
    committee = session.get(Committee, step.committee_id)
    if committee is None:
        raise NotFound("ไม่พบคณะกรรมการของขั้นตอนนี้")
    return committee


def member_ids(session: Session, committee_id: int) -> set[int]:
    return set(
        session.exec(
            select(CommitteeMember.user_id).where(CommitteeMember.committee_id == committee_id)
        )
    )


def certification_step(session: Session, step_id: int) -> HumanStep:
    step = session.get(HumanStep, step_id, with_for_update=True)
    if step is None or step.case_type != CASE_TYPE:
        raise NotFound("ไม่พบขั้นตอนการรับรองนี้")
    screening_round = get_round(session, step.case_id)
    if stages_of(screening_round).stage(step.kind).kind != "certification":
        raise NotFound("ไม่พบขั้นตอนการรับรองนี้")
    return step


def record_meeting(
    session: Session, *, step_id: int, recorder: User, record: MeetingRecord
) -> Certification:
    """The committee's meeting as its minutes say; recorded again (corrected) until the list
    is certified. Quorum: the members present against the committee's quorum."""
    step = certification_step(session, step_id)
    if step.status != StepStatus.open:
        raise Conflict("คณะกรรมการรับรองรายชื่อรอบนี้แล้ว")
    committee = _committee_of(session, step)
    members = member_ids(session, committee.id)  # type: ignore[arg-type]
    if recorder.id not in members:
        raise NotEntitled(f"ผู้บันทึกการประชุมต้องเป็นกรรมการใน{committee.name}")
    resolution = record.resolution_number.strip()
    if not resolution:
        raise InvalidInput("กรุณาระบุเลขที่มติที่ประชุม", field="resolution_number")
    present = set(record.members_present)
    strangers = present - members
    if strangers:
        raise InvalidInput(
            f"ผู้เข้าประชุมบางคนไม่ได้เป็นกรรมการใน{committee.name}", field="members_present"
        )
    reasons = {cid: reason.strip() for cid, reason in record.exclusions.items()}
    for candidate_id, reason in reasons.items():
        candidate = session.get(Candidate, candidate_id)
        if candidate is None or candidate.round_id != step.case_id:
            raise InvalidInput(f"ไม่พบผู้ผ่านการคัดกรองลำดับที่ {candidate_id} ในรอบนี้")
        if candidate.state != CandidateState.confirmed:
            raise InvalidInput(f"ลำดับที่ {candidate_id} ไม่ได้อยู่ในรายชื่อที่เสนอรับรอง")
        if len(reason) < 3:
            raise InvalidInput(
                f"กรุณาระบุเหตุผลที่ไม่รับรองผู้ได้รับการเสนอชื่อลำดับที่ {candidate_id}",
                field="exclusions",
            )
    meeting = session.exec(select(Certification).where(Certification.step_id == step_id)).first()
    if meeting is None:
        meeting = Certification(
            round_id=step.case_id,
            step_id=step_id,
            committee_id=committee.id,  # type: ignore[arg-type]
            meeting_date=record.meeting_date,
            resolution_number=resolution,
            quorum=committee.quorum,
            quorum_reached=False,
            recorded_by_id=recorder.id,  # type: ignore[arg-type]
        )
    meeting.meeting_date = record.meeting_date
    meeting.resolution_number = resolution
    meeting.members_present = sorted(present)
    meeting.quorum = committee.quorum
    meeting.quorum_reached = len(present) >= committee.quorum
    meeting.recorded_by_id = recorder.id  # type: ignore[assignment]
    meeting.recorded_at = utcnow()
    session.add(meeting)
    session.flush()
    for old in session.exec(
        select(Exclusion).where(Exclusion.certification_id == meeting.id)
    ).all():
        session.delete(old)
    session.flush()
    for candidate_id, reason in sorted(reasons.items()):
        session.add(
            Exclusion(
                certification_id=meeting.id,  # type: ignore[arg-type]
                candidate_id=candidate_id,
                reason=reason,
                recorded_by_id=recorder.id,  # type: ignore[arg-type]
            )
        )
    audit.record(
        session,
        case_type=CASE_TYPE,
        case_id=step.case_id,
        action="screening_meeting_recorded",
        actor=recorder,
        detail={
            "meeting_date": record.meeting_date.isoformat(),
            "resolution_number": resolution,
            "members_present": len(present),
            "quorum": committee.quorum,
            "quorum_reached": meeting.quorum_reached,
            "exclusions": len(reasons),
        },
    )
    session.flush()
    return meeting


def meeting_of(session: Session, step_id: int) -> Certification | None:
    return session.exec(select(Certification).where(Certification.step_id == step_id)).first()


def _check_meeting(meeting: Certification | None) -> Certification:
    if meeting is None:
        raise Conflict("ยังไม่ได้บันทึกการประชุม (วันที่ประชุม เลขที่มติ ผู้เข้าประชุม)")
    if not meeting.quorum_reached:
        raise Conflict(
            f"ที่ประชุมไม่ครบองค์ประชุม: มีกรรมการเข้าประชุม {len(meeting.members_present)} คน "
            f"ต้องมีอย่างน้อย {meeting.quorum} คน จึงรับรองรายชื่อไม่ได้"
        )
    return meeting


def cast_vote(
    session: Session, *, step_id: int, voter: User, certify: bool, comment: str = ""
) -> bool:
    """A member present at the meeting votes (certify or not); True once the step closed."""
    step = certification_step(session, step_id)
    meeting = _check_meeting(meeting_of(session, step_id))
    if voter.id not in meeting.members_present:
        raise NotEntitled("ลงมติได้เฉพาะกรรมการที่เข้าประชุมตามที่บันทึกไว้")
    result = decide(
        session,
        step_id=step.id,  # type: ignore[arg-type]
        user=voter,
        data={
            "outcome": (Outcome.approve if certify else Outcome.reject).value,
            "comment": comment,
        },
    )
    return result.closed_now


def after_certification(session: Session, step: HumanStep, decision: Decision) -> None:
    """Certified: every confirmed candidate is certified but those excluded (with the reason);
    not certified: the welfare division confirms the list again."""
    screening_round = get_round(session, step.case_id, lock=True)
    meeting = _check_meeting(meeting_of(session, step.id))  # type: ignore[arg-type]
    voters = set(
        session.exec(select(Decision.principal_user_id).where(Decision.step_id == step.id))
    )
    if not voters <= set(meeting.members_present):
        raise Conflict("ผู้ลงมติบางคนไม่ได้อยู่ในที่ประชุมตามที่บันทึกไว้")
    if step.outcome != Outcome.approve:
        confirmation = stages_of(screening_round).first("confirmation")
        screening_round.status = RoundStatus.reconciling
        session.add(screening_round)
        if confirmation is not None:
            open_stage_step(session, screening_round, confirmation, attempt=step.round + 1)
        return
    excluded = {
        e.candidate_id: e.reason
        for e in session.exec(select(Exclusion).where(Exclusion.certification_id == meeting.id))
    }
    candidates = session.exec(
        select(Candidate)
        .where(Candidate.round_id == step.case_id, Candidate.state == CandidateState.confirmed)
        .with_for_update()
    ).all()
    for candidate in candidates:
        if candidate.id in excluded:
            set_state(
                session,
                candidate,
                CandidateState.excluded,
                reason=excluded[candidate.id],  # type: ignore[index]
                resolution_number=meeting.resolution_number,
            )
        else:
            set_state(
                session,
                candidate,
                CandidateState.certified,
                resolution_number=meeting.resolution_number,
            )
    meeting.certified_at = utcnow()
    session.add(meeting)
    screening_round.status = RoundStatus.notifying
    session.add(screening_round)


def latest_certification_step(session: Session, round_id: int) -> HumanStep | None:
    screening_round = get_round(session, round_id)
    stage = stages_of(screening_round).first("certification")
    return stage_step(session, round_id, stage.key) if stage else None


def confirmation_step(session: Session, round_id: int) -> HumanStep | None:
    screening_round = get_round(session, round_id)
    stage = stages_of(screening_round).first("confirmation")
    return stage_step(session, round_id, stage.key) if stage else None


def is_certifier_of(session: Session, user: User, person_id: int) -> bool:
    """A member of the committee that certifies a round the person is a candidate in reads
    the person's record (``domain.screening.protection.READER_RULES``)."""
    for candidate in session.exec(select(Candidate).where(Candidate.person_id == person_id)):
        screening_round = get_round(session, candidate.round_id)
        for stage in stages_of(screening_round).of_kind("certification"):
            found = session.exec(select(Committee).where(Committee.name == stage.committee)).first()
            if found is not None and user.id in member_ids(session, found.id):  # type: ignore[arg-type]
                return True
    return False
