"""The model sub-district's JSON routes (/api/pdca/model-subdistricts): register a sub-district,
its cycle (plan items, meetings and activities), the committee's self-assessment (open it,
answer the criteria: the level by the rules with what is missing for the next), the annual
report (fill, send). Its pages are in ``api.pdca.model_subdistrict_pages``; ``PAGES`` joins both."""

from datetime import date, datetime

from fastapi import APIRouter, FastAPI, status
from pydantic import BaseModel, Field
from sqlmodel import Session

from api.deps import CurrentUser, EngineDep, PathId, SessionDep
from api.pdca import model_subdistrict_pages as pages
from api.workflows import NavLink, WorkflowPages
from domain.pdca.model_subdistrict import menu_access, rules, service
from domain.pdca.model_subdistrict.scoring import Score
from domain.pdca.model_subdistrict.service import SubdistrictView, subdistrict_view
from models.model_subdistrict import ModelSubdistrict

router = APIRouter(prefix="/api/pdca/model-subdistricts", tags=["pdca-model-subdistrict"])


class SubdistrictCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200, description="ชื่อตำบล")
    kind: str = Field(pattern="^(existing|new)$", description="existing = ตำบลเดิม, new = ตำบลใหม่")
    fiscal_year: int = Field(ge=2500, le=2700, description="ปีงบประมาณ (พ.ศ.)")
    committee_id: int = Field(ge=1, description="คณะทำงานที่รับผิดชอบ")


class SubdistrictPublic(BaseModel):
    id: int
    name: str
    kind: str
    fiscal_year: int
    committee_id: int
    division_id: int
    created_at: datetime

    @classmethod
    def of(cls, sub: ModelSubdistrict) -> "SubdistrictPublic":
        return cls.model_validate(sub, from_attributes=True)


class ConditionPublic(BaseModel):
    key: str
    level: int
    text: str
    check: str
    met: bool
    reason: str
    source_line: int


class ScorePublic(BaseModel):
    level: int | None = Field(description="3–5 by the rules now; None: below level 3")
    level_text: str
    next_level: int | None
    missing: list[ConditionPublic] = Field(description="What keeps it from the next level")
    conditions: list[ConditionPublic]

    @classmethod
    def of(cls, score: Score) -> "ScorePublic":
        def one(r) -> ConditionPublic:  # type: ignore[no-untyped-def]
            c = r.criterion
            return ConditionPublic(
                key=c.key,
                level=c.level,
                text=r.text,
                check=c.check,
                met=r.met,
                reason=r.reason,
                source_line=c.source_line,
            )

        return cls(
            level=score.level,
            level_text=score.level_text,
            next_level=score.next_level,
            missing=[one(r) for r in score.missing],
            conditions=[one(r) for r in score.conditions],
        )


class AssessmentPublic(BaseModel):
    id: int
    months: int
    status: str
    round: int
    accepted_level: int | None = Field(description="Fixed when the committee accepted it")
    accepted_at: datetime | None
    step_id: int | None = Field(description="The committee's open step, if any")
    score: ScorePublic


class PlanItemPublic(BaseModel):
    id: int
    target: str
    owner: str
    starts_on: date
    ends_on: date
    budget_satang: int
    done_on: date | None


class ActivityPublic(BaseModel):
    id: int
    held_on: date
    kind: str
    title: str
    result: str
    participants: int | None


class ReportPublic(BaseModel):
    sections: dict[str, str]
    missing_sections: list[str]
    submitted_on: date | None
    deadline: date


class SubdistrictDetail(BaseModel):
    subdistrict: SubdistrictPublic
    committee: str
    quorum: int
    plan_items: list[PlanItemPublic]
    activities: list[ActivityPublic]
    assessments: list[AssessmentPublic]
    annual_report: ReportPublic

    @classmethod
    def of(cls, view: SubdistrictView) -> "SubdistrictDetail":
        return cls(
            subdistrict=SubdistrictPublic.of(view.sub),
            committee=view.committee.name,
            quorum=view.committee.quorum,
            plan_items=[
                PlanItemPublic.model_validate(i, from_attributes=True) for i in view.plan_items
            ],
            activities=[
                ActivityPublic.model_validate(a, from_attributes=True) for a in view.activities
            ],
            assessments=[
                AssessmentPublic(
                    id=a.assessment.id,  # type: ignore[arg-type]
                    months=a.assessment.months,
                    status=a.assessment.status,
                    round=a.assessment.round,
                    accepted_level=a.assessment.level,
                    accepted_at=a.assessment.accepted_at,
                    step_id=a.step.id if a.step else None,
                    score=ScorePublic.of(a.score),
                )
                for a in view.assessments.values()
            ],
            annual_report=ReportPublic(
                sections=dict(view.report.sections) if view.report else {},
                missing_sections=view.missing_sections,
                submitted_on=view.report.submitted_on if view.report else None,
                deadline=view.deadline,
            ),
        )


class PlanItemCreate(BaseModel):
    target: str = Field(min_length=1, max_length=2000)
    owner: str = Field(min_length=1, max_length=200)
    starts_on: date
    ends_on: date
    budget_satang: int = Field(default=0, ge=0, description="งบประมาณ (สตางค์)")


class PlanItemDone(BaseModel):
    done_on: date


class ActivityCreate(BaseModel):
    held_on: date
    kind: str = Field(pattern="^(meeting|activity|review)$")
    title: str = Field(min_length=1, max_length=300)
    result: str = Field(default="", max_length=4000)
    participants: int | None = Field(default=None, ge=0)


class AssessmentOpen(BaseModel):
    months: int = Field(description="6 or 12")


class Answer(BaseModel):
    met: bool
    evidence: str = Field(default="", max_length=2000)


class AnswersIn(BaseModel):
    answers: dict[str, Answer] = Field(description="criterion key → answer")


class ReportIn(BaseModel):
    sections: dict[str, str] = Field(description="section key → text")


class ReportSubmit(BaseModel):
    submitted_on: date = Field(description="วันที่รายงานถึงกองฯ")


def _detail(session: Session, sub_id: int) -> SubdistrictDetail:
    session.expire_all()
    return SubdistrictDetail.of(subdistrict_view(session, rules.get_subdistrict(session, sub_id)))


@router.get("", response_model=list[SubdistrictPublic])
def list_subdistricts(user: CurrentUser, session: SessionDep) -> list[SubdistrictPublic]:
    return [SubdistrictPublic.of(s) for s in rules.readable_subdistricts(session, user)]


@router.post("", response_model=SubdistrictPublic, status_code=status.HTTP_201_CREATED)
def register(body: SubdistrictCreate, user: CurrentUser, engine: EngineDep) -> SubdistrictPublic:
    sub = service.register(engine, user_id=user.id, **body.model_dump())  # type: ignore[arg-type]
    return SubdistrictPublic.of(sub)


@router.get("/{sub_id}", response_model=SubdistrictDetail)
def read(sub_id: PathId, user: CurrentUser, session: SessionDep) -> SubdistrictDetail:
    rules.readable(session, user, sub_id)
    return _detail(session, sub_id)


@router.post("/{sub_id}/plan-items", response_model=SubdistrictDetail, status_code=201)
def add_plan_item(
    sub_id: PathId, body: PlanItemCreate, user: CurrentUser, engine: EngineDep, session: SessionDep
) -> SubdistrictDetail:
    service.add_plan_item(engine, user_id=user.id, subdistrict_id=sub_id, **body.model_dump())  # type: ignore[arg-type]
    return _detail(session, sub_id)


@router.post("/{sub_id}/plan-items/{item_id}/done", response_model=SubdistrictDetail)
def complete_plan_item(
    sub_id: PathId,
    item_id: PathId,
    body: PlanItemDone,
    user: CurrentUser,
    engine: EngineDep,
    session: SessionDep,
) -> SubdistrictDetail:
    service.complete_plan_item(
        engine,
        user_id=user.id,
        subdistrict_id=sub_id,
        item_id=item_id,
        done_on=body.done_on,  # type: ignore[arg-type]
    )
    return _detail(session, sub_id)


@router.post("/{sub_id}/activities", response_model=SubdistrictDetail, status_code=201)
def record_activity(
    sub_id: PathId, body: ActivityCreate, user: CurrentUser, engine: EngineDep, session: SessionDep
) -> SubdistrictDetail:
    service.record_activity(engine, user_id=user.id, subdistrict_id=sub_id, **body.model_dump())  # type: ignore[arg-type]
    return _detail(session, sub_id)


@router.post("/{sub_id}/assessments", response_model=SubdistrictDetail, status_code=201)
def open_assessment(
    sub_id: PathId, body: AssessmentOpen, user: CurrentUser, engine: EngineDep, session: SessionDep
) -> SubdistrictDetail:
    service.open_assessment(engine, user_id=user.id, subdistrict_id=sub_id, months=body.months)  # type: ignore[arg-type]
    return _detail(session, sub_id)


@router.put("/assessments/{assessment_id}/answers", response_model=ScorePublic)
def record_answers(
    assessment_id: PathId, body: AnswersIn, user: CurrentUser, engine: EngineDep
) -> ScorePublic:
    answers = {k: (a.met, a.evidence) for k, a in body.answers.items()}
    score = service.record_answers(
        engine,
        user_id=user.id,
        assessment_id=assessment_id,
        answers=answers,  # type: ignore[arg-type]
    )
    return ScorePublic.of(score)


@router.put("/{sub_id}/annual-report", response_model=SubdistrictDetail)
def save_report(
    sub_id: PathId, body: ReportIn, user: CurrentUser, engine: EngineDep, session: SessionDep
) -> SubdistrictDetail:
    service.save_report(engine, user_id=user.id, subdistrict_id=sub_id, sections=body.sections)  # type: ignore[arg-type]
    return _detail(session, sub_id)


@router.post("/{sub_id}/annual-report/submit", response_model=SubdistrictDetail)
def submit_report(
    sub_id: PathId, body: ReportSubmit, user: CurrentUser, engine: EngineDep, session: SessionDep
) -> SubdistrictDetail:
    service.submit_report(
        engine,
        user_id=user.id,
        subdistrict_id=sub_id,
        submitted_on=body.submitted_on,  # type: ignore[arg-type]
    )
    return _detail(session, sub_id)


def install(app: FastAPI) -> None:
    app.include_router(router)
    app.include_router(pages.router)


PAGES = WorkflowPages(
    install=install,
    case_panel=pages.case_panel,
    nav=(
        NavLink("/pages/pdca/model-subdistricts", "ตำบลต้นแบบ", shown_to=menu_access.has_business),
    ),
)
