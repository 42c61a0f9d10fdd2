"""The model sub-district's use cases, each in one unit of work: the JSON API, the pages, the
demo data and the tests call these. ``config`` defaults to config/pdca/model_subdistrict.toml."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.db import in_transaction
from domain.errors import NotEntitled
from domain.pdca.model_subdistrict import cycle, rules
from domain.pdca.model_subdistrict.config import ModelSubdistrictConfig, default_config
from domain.pdca.model_subdistrict.scoring import Score
from models.model_subdistrict import (
    ModelSubdistrict,
    SelfAssessment,
    SubdistrictActivity,
    SubdistrictAnnualReport,
    SubdistrictPlanItem,
)
from models.people import Committee, CommitteeMember, User
from models.steps import HumanStep


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise NotEntitled("บัญชีผู้ใช้นี้ใช้งานไม่ได้")
    return user


def register(
    engine: Engine,
    *,
    user_id: int,
    name: str,
    kind: str,
    fiscal_year: int,
    committee_id: int,
    config: ModelSubdistrictConfig | None = None,
) -> ModelSubdistrict:
    """A model sub-district of a fiscal year, existing or new, with its responsible committee."""
    return in_transaction(
        engine,
        lambda s: rules.register(
            s,
            actor=_user(s, user_id),
            name=name,
            kind=kind,
            fiscal_year=fiscal_year,
            committee_id=committee_id,
            config=config or default_config(),
        ),
    )


def add_plan_item(
    engine: Engine,
    *,
    user_id: int,
    subdistrict_id: int,
    target: str,
    owner: str,
    starts_on: date,
    ends_on: date,
    budget_satang: int = 0,
) -> SubdistrictPlanItem:
    def work(session: Session) -> SubdistrictPlanItem:
        return cycle.add_plan_item(
            session,
            rules.get_subdistrict(session, subdistrict_id),
            actor=_user(session, user_id),
            target=target,
            owner=owner,
            starts_on=starts_on,
            ends_on=ends_on,
            budget_satang=budget_satang,
        )

    return in_transaction(engine, work)


def complete_plan_item(
    engine: Engine, *, user_id: int, subdistrict_id: int, item_id: int, done_on: date
) -> SubdistrictPlanItem:
    return in_transaction(
        engine,
        lambda s: cycle.complete_plan_item(
            s,
            rules.get_subdistrict(s, subdistrict_id),
            actor=_user(s, user_id),
            item_id=item_id,
            done_on=done_on,
        ),
    )


def record_activity(
    engine: Engine,
    *,
    user_id: int,
    subdistrict_id: int,
    held_on: date,
    kind: str,
    title: str,
    result: str = "",
    participants: int | None = None,
) -> SubdistrictActivity:
    def work(session: Session) -> SubdistrictActivity:
        return cycle.record_activity(
            session,
            rules.get_subdistrict(session, subdistrict_id),
            actor=_user(session, user_id),
            held_on=held_on,
            kind=kind,
            title=title,
            result=result,
            participants=participants,
        )

    return in_transaction(engine, work)


def open_assessment(
    engine: Engine,
    *,
    user_id: int,
    subdistrict_id: int,
    months: int,
    config: ModelSubdistrictConfig | None = None,
) -> SelfAssessment:
    """Open the 6- or 12-month self-assessment; its step waits on the committee (quorum)."""

    def work(session: Session) -> SelfAssessment:
        return rules.open_assessment(
            session,
            rules.get_subdistrict(session, subdistrict_id, lock=True),
            months=months,
            actor=_user(session, user_id),
            config=config or default_config(),
        )

    return in_transaction(engine, work)


def record_answers(
    engine: Engine,
    *,
    user_id: int,
    assessment_id: int,
    answers: Mapping[str, tuple[bool, str]],
    config: ModelSubdistrictConfig | None = None,
) -> Score:
    """The committee's answers (criterion key → met, evidence); the level they give back."""

    def work(session: Session) -> Score:
        assessment = rules.get_assessment(session, assessment_id, lock=True)
        rules.record_answers(
            session,
            assessment,
            actor=_user(session, user_id),
            answers=answers,
            config=config or default_config(),
        )
        return rules.assessment_score(session, assessment, config)

    return in_transaction(engine, work)


def save_report(
    engine: Engine,
    *,
    user_id: int,
    subdistrict_id: int,
    sections: Mapping[str, str],
    config: ModelSubdistrictConfig | None = None,
) -> SubdistrictAnnualReport:
    return in_transaction(
        engine,
        lambda s: rules.save_report(
            s,
            rules.get_subdistrict(s, subdistrict_id, lock=True),
            actor=_user(s, user_id),
            sections=sections,
            config=config or default_config(),
        ),
    )


def submit_report(
    engine: Engine,
    *,
    user_id: int,
    subdistrict_id: int,
    submitted_on: date,
    config: ModelSubdistrictConfig | None = None,
) -> SubdistrictAnnualReport:
    """The complete report reached the department on ``submitted_on``."""
    return in_transaction(
        engine,
        lambda s: rules.submit_report(
            s,
            rules.get_subdistrict(s, subdistrict_id, lock=True),
            actor=_user(s, user_id),
            submitted_on=submitted_on,
            config=config or default_config(),
        ),
    )


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class AssessmentView:
    assessment: SelfAssessment
    score: Score
    """By the rules now (answers, the report's record); the accepted level is fixed apart."""
    answers: dict[str, tuple[bool, str]]
    step: HumanStep | None


@dataclass(frozen=True)
class SubdistrictView:
    sub: ModelSubdistrict
    committee: Committee
    members: list[tuple[User, str]]
    plan_items: list[SubdistrictPlanItem]
    activities: list[SubdistrictActivity]
    assessments: dict[int, AssessmentView]
    report: SubdistrictAnnualReport | None
    missing_sections: list[str]
    deadline: date

    @property
    def budget_satang(self) -> int:
        return sum(i.budget_satang for i in self.plan_items)


def subdistrict_view(
    session: Session, sub: ModelSubdistrict, config: ModelSubdistrictConfig | None = None
) -> SubdistrictView:
    config = config or default_config()
    committee = session.get(Committee, sub.committee_id)
    members = [
        (user, role)
        for user, role in session.exec(
            select(User, CommitteeMember.role)
            .join(CommitteeMember, CommitteeMember.user_id == User.id)  # type: ignore[arg-type]
            .where(CommitteeMember.committee_id == sub.committee_id)
        )
    ]
    assessments = {
        months: AssessmentView(
            assessment=a,
            score=rules.assessment_score(session, a, config),
            answers={k: (x.met, x.evidence) for k, x in rules.answers_of(session, a).items()},
            step=rules.assessment_step(session, a),
        )
        for months, a in rules.assessments_of(session, sub).items()
    }
    report = rules.annual_report(session, sub)
    return SubdistrictView(
        sub=sub,
        committee=committee,  # type: ignore[arg-type]
        members=members,
        plan_items=cycle.plan_items(session, sub),
        activities=cycle.activities(session, sub),
        assessments=assessments,
        report=report,
        missing_sections=rules.missing_sections(config, report.sections if report else {}),
        deadline=config.annual_report.deadline(sub.fiscal_year),
    )
