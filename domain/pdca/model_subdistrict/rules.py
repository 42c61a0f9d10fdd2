"""The model sub-district's rules: who runs its cycle, the plan items and activities, the
committee's self-assessment (a committee step decided by quorum; accepting it fixes the level),
the annual report and its day of arrival at the department."""

from collections.abc import Mapping
from datetime import date

from sqlmodel import Session, col, select

from core.db import utcnow
from domain.engine import audit
from domain.engine.people import division_by_code
from domain.engine.registry import Audience
from domain.engine.steps import Assignee, open_step, open_steps_of_case
from domain.engine.visibility import can_view
from domain.errors import Conflict, InvalidInput, NotEntitled, NotFound
from domain.pdca.model_subdistrict.config import (
    PERIODS,
    ModelSubdistrictConfig,
    SubdistrictKind,
    default_config,
)
from domain.pdca.model_subdistrict.scoring import ReportFacts, Score, score
from models.model_subdistrict import (
    AssessmentAnswer,
    AssessmentStatus,
    ModelSubdistrict,
    SelfAssessment,
    SubdistrictAnnualReport,
)
from models.people import Committee, CommitteeMember, User
from models.steps import Decision, HumanStep, Outcome

CASE_TYPE = "pdca-model-subdistrict"
ASSESSMENT_STEP = "self-assessment"
"""Step kind: the responsible committee's self-assessment (ประเมินตนเอง)."""


def get_subdistrict(
    session: Session, subdistrict_id: int, *, lock: bool = False
) -> ModelSubdistrict:
    found = session.get(ModelSubdistrict, subdistrict_id, with_for_update=lock)
    if found is None:
        raise NotFound("ไม่พบตำบลต้นแบบนี้")
    return found


def get_assessment(session: Session, assessment_id: int, *, lock: bool = False) -> SelfAssessment:
    found = session.get(SelfAssessment, assessment_id, with_for_update=lock)
    if found is None:
        raise NotFound("ไม่พบการประเมินตนเองนี้")
    return found


def record(
    session: Session, sub: ModelSubdistrict, action: str, actor: User | None, **detail: object
) -> None:
    audit.record(
        session,
        case_type=CASE_TYPE,
        case_id=sub.id,  # type: ignore[arg-type]
        action=action,
        actor=actor,
        detail={"name": sub.name, "fiscal_year": sub.fiscal_year, **detail},
        public=True,
    )


# --------------------------------------------------------------------------- who


def is_member(session: Session, user: User, committee_id: int) -> bool:
    return (
        session.exec(
            select(CommitteeMember.id).where(
                CommitteeMember.committee_id == committee_id, CommitteeMember.user_id == user.id
            )
        ).first()
        is not None
    )


def may_manage(session: Session, user: User, sub: ModelSubdistrict) -> bool:
    """The owner division's officers and the responsible committee run the cycle."""
    return user.active and (
        user.division_id == sub.division_id or is_member(session, user, sub.committee_id)
    )


def check_manager(session: Session, user: User, sub: ModelSubdistrict) -> None:
    if not may_manage(session, user, sub):
        raise NotEntitled("เฉพาะหน่วยงานเจ้าของโครงการและคณะทำงานที่รับผิดชอบตำบลนี้ดำเนินการได้")


def check_committee(session: Session, user: User, sub: ModelSubdistrict) -> None:
    if not (user.active and is_member(session, user, sub.committee_id)):
        raise NotEntitled("เฉพาะคณะทำงานที่รับผิดชอบตำบลนี้ประเมินตนเองได้")


# --------------------------------------------------------------------------- the sub-district


def register(
    session: Session,
    *,
    actor: User,
    name: str,
    kind: str,
    fiscal_year: int,
    committee_id: int,
    config: ModelSubdistrictConfig,
) -> ModelSubdistrict:
    division = division_by_code(session, config.owner_division)
    if not actor.active or actor.division_id != division.id:
        raise NotEntitled(f"เฉพาะบุคลากร{division.name}ลงทะเบียนตำบลต้นแบบได้")
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("กรุณาระบุชื่อตำบล", field="name")
    if kind not in {k.value for k in SubdistrictKind}:
        raise InvalidInput("ประเภทพื้นที่ต้องเป็นตำบลเดิมหรือตำบลใหม่", field="kind")
    if not 2500 <= fiscal_year <= 2700:
        raise InvalidInput("ปีงบประมาณต้องเป็น พ.ศ. เช่น 2569", field="fiscal_year")
    if session.get(Committee, committee_id) is None:
        raise InvalidInput("ไม่พบคณะทำงานที่เลือก", field="committee_id")
    taken = session.exec(
        select(ModelSubdistrict).where(
            ModelSubdistrict.name == name, ModelSubdistrict.fiscal_year == fiscal_year
        )
    ).first()
    if taken is not None:
        raise Conflict(f"ลงทะเบียน{name} ปีงบประมาณ {fiscal_year} ไว้แล้ว", subdistrict_id=taken.id)
    sub = ModelSubdistrict(
        name=name,
        kind=kind,
        fiscal_year=fiscal_year,
        committee_id=committee_id,
        division_id=division.id,  # type: ignore[arg-type]
        created_by_id=actor.id,  # type: ignore[arg-type]
    )
    session.add(sub)
    session.flush()
    record(session, sub, "msd_registered", actor, kind=kind, committee_id=committee_id)
    return sub


# --------------------------------------------------------------------------- self-assessment


def step_key(sub: ModelSubdistrict, months: int, round: int) -> str:
    return f"pdca-msd-{sub.id}-assess-{months}-r{round}"


def _open_assessment_step(
    session: Session,
    sub: ModelSubdistrict,
    assessment: SelfAssessment,
    config: ModelSubdistrictConfig,
) -> HumanStep:
    return open_step(
        session,
        case_type=CASE_TYPE,
        case_id=sub.id,  # type: ignore[arg-type]
        key=step_key(sub, assessment.months, assessment.round),
        title=f"ประเมินตนเอง รอบ {assessment.months} เดือน: {sub.name} (ปีงบประมาณ {sub.fiscal_year})",
        assignee=Assignee.committee(sub.committee_id),
        kind=ASSESSMENT_STEP,
        level=str(assessment.months),
        round=assessment.round,
        allowed_outcomes=[Outcome.approve, Outcome.return_for_revision],
        due_in_working_days=config.assessment_due_working_days,
    )


def open_assessment(
    session: Session,
    sub: ModelSubdistrict,
    *,
    months: int,
    actor: User,
    config: ModelSubdistrictConfig,
) -> SelfAssessment:
    """Open the 6- or 12-month self-assessment: its step waits on the committee."""
    check_manager(session, actor, sub)
    if months not in PERIODS:
        raise InvalidInput("รอบการประเมินต้องเป็น 6 หรือ 12 เดือน", field="months")
    existing = session.exec(
        select(SelfAssessment).where(
            SelfAssessment.subdistrict_id == sub.id, SelfAssessment.months == months
        )
    ).first()
    if existing is not None:
        raise Conflict(f"เปิดการประเมินตนเองรอบ {months} เดือนไว้แล้ว", assessment_id=existing.id)
    assessment = SelfAssessment(
        subdistrict_id=sub.id,  # type: ignore[arg-type]
        months=months,
        opened_by_id=actor.id,  # type: ignore[arg-type]
    )
    session.add(assessment)
    session.flush()
    _open_assessment_step(session, sub, assessment, config)
    record(session, sub, "msd_assessment_opened", actor, months=months)
    return assessment


def assessment_step(session: Session, assessment: SelfAssessment) -> HumanStep | None:
    """The assessment's open step, if the committee has not decided it yet."""
    for step in open_steps_of_case(session, case_type=CASE_TYPE, case_id=assessment.subdistrict_id):
        if step.kind == ASSESSMENT_STEP and step.level == str(assessment.months):
            return step
    return None


def answers_of(session: Session, assessment: SelfAssessment) -> dict[str, AssessmentAnswer]:
    rows = session.exec(
        select(AssessmentAnswer).where(AssessmentAnswer.assessment_id == assessment.id)
    )
    return {a.criterion: a for a in rows}


def may_answer(session: Session, user: User, assessment: SelfAssessment) -> bool:
    """A committee member, while the step is open and nobody has voted yet."""
    sub = get_subdistrict(session, assessment.subdistrict_id)
    step = assessment_step(session, assessment)
    return (
        user.active
        and is_member(session, user, sub.committee_id)
        and step is not None
        and not session.exec(select(Decision.id).where(Decision.step_id == step.id)).first()
    )


def record_answers(
    session: Session,
    assessment: SelfAssessment,
    *,
    actor: User,
    answers: Mapping[str, tuple[bool, str]],
    config: ModelSubdistrictConfig,
) -> dict[str, AssessmentAnswer]:
    """The committee's answers (criterion key → met, evidence); a met condition needs its
    evidence. Only before the first vote: the committee votes on what it sees."""
    sub = get_subdistrict(session, assessment.subdistrict_id)
    check_committee(session, actor, sub)
    step = assessment_step(session, assessment)
    if step is None or assessment.status != AssessmentStatus.in_review:
        raise Conflict("การประเมินนี้ไม่ได้เปิดให้แก้ไขคำตอบ")
    if session.exec(select(Decision.id).where(Decision.step_id == step.id)).first():
        raise Conflict("กรรมการลงมติแล้ว แก้ไขคำตอบไม่ได้ (ส่งกลับแก้ไขเพื่อเปิดรอบใหม่)")
    asked = {
        c.key: c for c in config.criteria_for(sub.kind, assessment.months) if c.check == "answer"
    }
    problems = [f"ไม่มีเงื่อนไข {key} ในการประเมินรอบนี้" for key in answers if key not in asked]
    problems += [
        f"“{asked[key].asked()}”: ตอบว่าดำเนินการแล้วต้องระบุหลักฐาน"
        for key, (met, evidence) in answers.items()
        if key in asked and met and not evidence.strip()
    ]
    if problems:
        raise InvalidInput("; ".join(problems), field="answers")
    found = answers_of(session, assessment)
    for key, (met, evidence) in answers.items():
        row = found.get(key) or AssessmentAnswer(
            assessment_id=assessment.id,  # type: ignore[arg-type]
            criterion=key,
            met=met,
            answered_by_id=actor.id,  # type: ignore[arg-type]
        )
        row.met, row.evidence = met, evidence.strip()
        row.answered_by_id, row.answered_at = actor.id, utcnow()  # type: ignore[assignment]
        session.add(row)
        found[key] = row
    session.flush()
    record(
        session,
        sub,
        "msd_answers_recorded",
        actor,
        months=assessment.months,
        answers={k: m for k, (m, _) in answers.items()},
    )
    return found


def assessment_score(
    session: Session, assessment: SelfAssessment, config: ModelSubdistrictConfig | None = None
) -> Score:
    """The level by the rules, from the answers and (12 months) the annual report's record."""
    config = config or default_config()
    sub = get_subdistrict(session, assessment.subdistrict_id)
    answers = {k: (a.met, a.evidence) for k, a in answers_of(session, assessment).items()}
    return score(
        config,
        kind=sub.kind,
        months=assessment.months,
        fiscal_year=sub.fiscal_year,
        answers=answers,
        report=report_facts(session, sub, config),
    )


# --------------------------------------------------------------------------- annual report


def annual_report(session: Session, sub: ModelSubdistrict) -> SubdistrictAnnualReport | None:
    return session.exec(
        select(SubdistrictAnnualReport).where(SubdistrictAnnualReport.subdistrict_id == sub.id)
    ).first()


def missing_sections(config: ModelSubdistrictConfig, sections: Mapping[str, str]) -> list[str]:
    return [
        s.title
        for s in config.annual_report.sections
        if s.required and not str(sections.get(s.key) or "").strip()
    ]


def report_facts(
    session: Session, sub: ModelSubdistrict, config: ModelSubdistrictConfig
) -> ReportFacts | None:
    report = annual_report(session, sub)
    if report is None:
        return None
    return ReportFacts(tuple(missing_sections(config, report.sections)), report.submitted_on)


def save_report(
    session: Session,
    sub: ModelSubdistrict,
    *,
    actor: User,
    sections: Mapping[str, str],
    config: ModelSubdistrictConfig,
) -> SubdistrictAnnualReport:
    """Fill the report's sections (those given; the others kept); not once sent."""
    check_manager(session, actor, sub)
    known = config.section_titles()
    unknown = [k for k in sections if k not in known]
    if unknown:
        raise InvalidInput(f"แบบรายงานไม่มีหัวข้อ: {', '.join(unknown)}", field="sections")
    report = annual_report(session, sub)
    if report is not None and report.submitted_on is not None:
        raise Conflict("ส่งรายงานประจำปีถึงกองฯ แล้ว แก้ไขไม่ได้")
    if report is None:
        report = SubdistrictAnnualReport(subdistrict_id=sub.id, updated_by_id=actor.id)  # type: ignore[arg-type]
    report.sections = {**report.sections, **{k: v.strip() for k, v in sections.items()}}
    report.updated_by_id, report.updated_at = actor.id, utcnow()  # type: ignore[assignment]
    session.add(report)
    session.flush()
    record(session, sub, "msd_report_saved", actor, sections=sorted(sections))
    return report


def submit_report(
    session: Session,
    sub: ModelSubdistrict,
    *,
    actor: User,
    submitted_on: date,
    config: ModelSubdistrictConfig,
) -> SubdistrictAnnualReport:
    """Record the day the report reached the department; only a complete report is sent."""
    check_manager(session, actor, sub)
    report = annual_report(session, sub)
    if report is None:
        raise InvalidInput("ยังไม่ได้จัดทำรายงานประจำปี")
    if report.submitted_on is not None:
        raise Conflict("บันทึกการส่งรายงานประจำปีไว้แล้ว")
    missing = missing_sections(config, report.sections)
    if missing:
        raise InvalidInput(f"รายงานยังไม่ครบถ้วน กรุณากรอกหัวข้อ: {', '.join(missing)}", field="sections")
    if submitted_on > utcnow().date():
        raise InvalidInput("วันที่ส่งรายงานต้องไม่เป็นวันในอนาคต", field="submitted_on")
    report.submitted_on, report.submitted_by_id = submitted_on, actor.id
    session.add(report)
    session.flush()
    deadline = config.annual_report.deadline(sub.fiscal_year)
    record(
        session,
        sub,
        "msd_report_submitted",
        actor,
        submitted_on=submitted_on.isoformat(),
        deadline=deadline.isoformat(),
        on_time=submitted_on <= deadline,
    )
    return report


# --------------------------------------------------------------------------- the engine's hooks


def on_step_closed(session: Session, step: HumanStep, decision: Decision) -> None:
    """The committee accepted its self-assessment (the level is fixed), or sent it back: a new
    round of the step, where the answers may be corrected before the vote."""
    sub = get_subdistrict(session, step.case_id, lock=True)
    assessment = session.exec(
        select(SelfAssessment).where(
            SelfAssessment.subdistrict_id == sub.id, SelfAssessment.months == int(step.level or 0)
        )
    ).one()
    if step.outcome == Outcome.approve:
        result = assessment_score(session, assessment)
        assessment.status = AssessmentStatus.accepted
        assessment.level = result.level
        assessment.accepted_at = utcnow()
        session.add(assessment)
        record(
            session,
            sub,
            "msd_assessment_accepted",
            None,
            months=assessment.months,
            level=result.level,
        )
        return
    assessment.round += 1
    session.add(assessment)
    session.flush()
    _open_assessment_step(session, sub, assessment, default_config())
    record(
        session,
        sub,
        "msd_assessment_returned",
        None,
        months=assessment.months,
        round=assessment.round,
    )


def audience(session: Session, case_id: int) -> Audience | None:
    """The owner division, the committee's members, whoever registered it."""
    sub = session.get(ModelSubdistrict, case_id)
    if sub is None:
        return None
    members = session.exec(
        select(CommitteeMember.user_id).where(CommitteeMember.committee_id == sub.committee_id)
    ).all()
    return Audience(
        user_ids=frozenset({sub.created_by_id, *members}), division_ids=frozenset({sub.division_id})
    )


def is_finished(session: Session, case_id: int) -> bool:
    """Done once the 12-month self-assessment is accepted."""
    return (
        session.exec(
            select(SelfAssessment.id).where(
                SelfAssessment.subdistrict_id == case_id,
                SelfAssessment.months == 12,
                SelfAssessment.status == AssessmentStatus.accepted,
            )
        ).first()
        is not None
    )


def assessments_of(session: Session, sub: ModelSubdistrict) -> dict[int, SelfAssessment]:
    rows = session.exec(
        select(SelfAssessment)
        .where(SelfAssessment.subdistrict_id == sub.id)
        .order_by(col(SelfAssessment.months))
    )
    return {a.months: a for a in rows}


def readable(session: Session, user: User, subdistrict_id: int) -> ModelSubdistrict:
    """A sub-district its audience may read (the engine's rule: owner division, committee,
    executives, holders of its steps)."""
    sub = get_subdistrict(session, subdistrict_id)
    if not can_view(session, user=user, case_type=CASE_TYPE, case_id=sub.id):  # type: ignore[arg-type]
        raise NotEntitled("ท่านไม่มีสิทธิ์ดูข้อมูลตำบลต้นแบบนี้")
    return sub


def readable_subdistricts(session: Session, user: User) -> list[ModelSubdistrict]:
    rows = session.exec(
        select(ModelSubdistrict).order_by(
            col(ModelSubdistrict.fiscal_year).desc(), col(ModelSubdistrict.name)
        )
    )
    return [
        s
        for s in rows
        if can_view(session, user=user, case_type=CASE_TYPE, case_id=s.id)  # type: ignore[arg-type]
    ]
