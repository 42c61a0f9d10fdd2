"""The plan's JSON routes (/api/pdca): list and read plans (with the import's reported
differences), import the plan's files, submit a draft, revise an approved plan, record the entry
in E-PlanNACC, and download the E-PlanNACC file."""

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, BackgroundTasks, File, Form, Query, UploadFile, status
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session, col, select

from api.deps import CaseSyncDep, CurrentUser, EngineDep, SessionDep, sync_case_later
from api.pdca.common import export_response, read_upload
from api.schemas import StepPublic
from domain.errors import InvalidInput
from domain.pdca import rules, service
from domain.pdca.money import baht_plain
from domain.pdca.rules import may_read, readable_plan
from domain.pdca.summary import PlanView, plan_view
from models.pdca import ImportDiscrepancy, Plan, PlanProject, PlanStatus
from models.steps import HumanStep

router = APIRouter(prefix="/api/pdca", tags=["pdca"])

"""Approved versions are published: any officer may read them (the public page too)."""


class PlanPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    series: str
    name: str
    fiscal_year_from: int
    fiscal_year_to: int
    version: int
    previous_version_id: int | None
    status: PlanStatus
    status_thai: str = ""
    division_id: int
    revision_reason: str
    source_filename: str | None
    created_at: datetime
    submitted_at: datetime | None
    approved_by_id: int | None
    approved_at: datetime | None
    announced_on: date | None
    published_at: datetime | None
    enacc_due_on: date | None
    enacc_submitted_on: date | None
    enacc_reference: str | None

    @classmethod
    def of(cls, plan: Plan) -> "PlanPublic":
        found = cls.model_validate(plan, from_attributes=True)
        found.status_thai = PlanStatus(plan.status).thai
        return found


class DiscrepancyPublic(BaseModel):
    project_no: int
    field: str
    card_value: str = Field(description="The project's own page: the figure the plan keeps")
    table_value: str = Field(description="What the plan's summary table shows")
    source_note: str
    source_row: int


class ImportReport(BaseModel):
    plan: PlanPublic
    counts: dict[str, int]
    discrepancies: list[DiscrepancyPublic]


class Amounts(BaseModel):
    satang: dict[str, int | None]
    baht: dict[str, str | None]


class IndicatorPublic(BaseModel):
    text: str
    operator: str
    value: str
    unit: str


class ProjectPublic(BaseModel):
    no: int
    code: str
    name: str
    dimension_no: int
    mission_code: str
    division_code: str
    division: str
    budget: Amounts
    note: str
    indicators: list[IndicatorPublic]


class DimensionPublic(BaseModel):
    no: int
    name: str
    projects: int
    budget: Amounts


class RiskPublic(BaseModel):
    seq: int
    process_step: str
    risk: str
    level: str
    controls: list[int]
    control_note: str
    published: bool


class PlanDetail(BaseModel):
    plan: PlanPublic
    dimensions: list[DimensionPublic]
    projects: list[ProjectPublic]
    totals: Amounts
    discrepancies: list[DiscrepancyPublic]
    risks: list[RiskPublic]
    steps: list[StepPublic]


class ReviseRequest(BaseModel):
    reason: str = Field(min_length=3, max_length=2000, description="เหตุผลการปรับปรุงแผน")


class EnaccRecord(BaseModel):
    submitted_on: date = Field(description="วันที่บันทึกแผนในระบบ E-PlanNACC")
    reference: str | None = Field(default=None, max_length=200)
    comment: str = Field(default="", max_length=4000)


class EnaccReceipt(BaseModel):
    plan: PlanPublic
    step: StepPublic


def _amounts(values: dict[int, int | None]) -> Amounts:
    return Amounts(
        satang={str(y): v for y, v in values.items()},
        baht={str(y): (baht_plain(v) if v is not None else None) for y, v in values.items()},
    )


def _discrepancies(session: Session, rows: list[ImportDiscrepancy]) -> list[DiscrepancyPublic]:
    numbers = {
        p.id: p.no
        for p in session.exec(
            select(PlanProject).where(col(PlanProject.id).in_([r.project_id for r in rows]))
        )
    }
    return [
        DiscrepancyPublic(
            project_no=numbers.get(r.project_id, 0),
            field=r.field,
            card_value=r.card_value,
            table_value=r.table_value,
            source_note=r.source_note,
            source_row=r.source_row,
        )
        for r in rows
    ]


def detail_of(session: Session, view: PlanView) -> PlanDetail:
    steps = session.exec(
        select(HumanStep)
        .where(HumanStep.case_type == rules.CASE_TYPE, HumanStep.case_id == view.plan.id)
        .order_by(col(HumanStep.id))
    )
    return PlanDetail(
        plan=PlanPublic.of(view.plan),
        dimensions=[
            DimensionPublic(
                no=d.dimension.no,
                name=d.dimension.name,
                projects=len(d.projects),
                budget=_amounts(dict(d.totals)),  # type: ignore[arg-type]
            )
            for d in view.dimensions
        ],
        projects=[
            ProjectPublic(
                no=p.project.no,
                code=p.project.code,
                name=p.project.name,
                dimension_no=d.dimension.no,
                mission_code=m.mission.code,
                division_code=p.project.division_code,
                division=p.division_name,
                budget=_amounts(p.budgets),
                note=p.project.note,
                indicators=[
                    IndicatorPublic(
                        text=i.text,
                        operator=str(i.target_operator),
                        value=f"{i.target_value:f}",
                        unit=i.target_unit,
                    )
                    for i in p.indicators
                ],
            )
            for d in view.dimensions
            for m in d.missions
            for p in m.projects
        ],
        totals=_amounts(dict(view.totals)),  # type: ignore[arg-type]
        discrepancies=[
            DiscrepancyPublic(
                project_no=d.project.no,
                field=d.row.field,
                card_value=d.row.card_value,
                table_value=d.row.table_value,
                source_note=d.row.source_note,
                source_row=d.row.source_row,
            )
            for d in view.discrepancies
        ],
        risks=[
            RiskPublic(
                seq=r.item.seq,
                process_step=r.item.process_step,
                risk=r.item.risk,
                level=str(r.item.level),
                controls=[p.no for p in r.controls],
                control_note=r.item.control_note,
                published=r.item.published,
            )
            for r in view.risks
        ],
        steps=[StepPublic.model_validate(s) for s in steps],
    )


@router.get("/plans", response_model=list[PlanPublic])
def list_plans(user: CurrentUser, session: SessionDep) -> list[PlanPublic]:
    """Every version you may read, newest first."""
    plans = session.exec(select(Plan).order_by(col(Plan.series), col(Plan.version).desc()))
    return [PlanPublic.of(p) for p in plans if may_read(session, user, p)]


@router.post("/plans/import", response_model=ImportReport, status_code=status.HTTP_201_CREATED)
async def import_plan(
    user: CurrentUser,
    engine: EngineDep,
    projects: Annotated[UploadFile, File(description="โครงการ (CSV ตามรูปแบบ config/pdca)")],
    risks: Annotated[UploadFile | None, File(description="ทะเบียนความเสี่ยง (CSV)")] = None,
    indicators: Annotated[UploadFile | None, File(description="ตัวชี้วัด (CSV)")] = None,
    name: Annotated[str | None, Form(max_length=300)] = None,
    plan_id: Annotated[int | None, Form(description="แก้ไขเนื้อหาฉบับนี้แทนการทำฉบับใหม่")] = None,
) -> ImportReport:
    """Import the plan's files as a new draft version (or the corrected content of a draft or
    of a plan sent back for revision). A file with a broken row is refused whole (422, every
    broken row named in ``errors``) and nothing is stored."""
    data = await read_upload(projects, "โครงการ")
    if data is None:
        raise InvalidInput("กรุณาแนบไฟล์โครงการ", field="projects")
    result = service.import_plan(
        engine,
        user_id=user.id,  # type: ignore[arg-type]
        projects=data,
        filename=projects.filename,
        risks=await read_upload(risks, "ทะเบียนความเสี่ยง"),
        indicators=await read_upload(indicators, "ตัวชี้วัด"),
        name=name,
        plan_id=plan_id,
    )
    with Session(engine) as session:
        found = _discrepancies(session, result.discrepancies)
    return ImportReport(plan=PlanPublic.of(result.plan), counts=result.counts, discrepancies=found)


@router.get("/plans/{plan_id}", response_model=PlanDetail)
def read_plan(plan_id: int, user: CurrentUser, session: SessionDep) -> PlanDetail:
    """The version with its dimensions, projects and budgets per fiscal year, totals, the
    differences its import reported (both figures and the source), risks and steps."""
    return detail_of(session, plan_view(session, readable_plan(session, user, plan_id)))


@router.post("/plans/{plan_id}/submit", response_model=PlanPublic)
def submit_plan(
    plan_id: int,
    user: CurrentUser,
    engine: EngineDep,
    orchestrator: CaseSyncDep,
    background: BackgroundTasks,
) -> PlanPublic:
    """Send a draft to the working committee and up the chain to the mayor."""
    plan = service.submit_for_approval(engine, user_id=user.id, plan_id=plan_id)  # type: ignore[arg-type]
    background.add_task(sync_case_later, orchestrator, rules.CASE_TYPE, plan_id)
    return PlanPublic.of(plan)


@router.post("/plans/{plan_id}/revise", response_model=PlanPublic, status_code=201)
def revise_plan(
    plan_id: int, body: ReviseRequest, user: CurrentUser, engine: EngineDep
) -> PlanPublic:
    """A new draft version copied from this one, which keeps its approval."""
    plan = service.revise_plan(engine, user_id=user.id, plan_id=plan_id, reason=body.reason)  # type: ignore[arg-type]
    return PlanPublic.of(plan)


@router.post("/plans/{plan_id}/enacc", response_model=EnaccReceipt)
def record_enacc(
    plan_id: int,
    body: EnaccRecord,
    user: CurrentUser,
    engine: EngineDep,
    orchestrator: CaseSyncDep,
    background: BackgroundTasks,
) -> EnaccReceipt:
    """Record that the approved plan was entered in E-PlanNACC (decides its tracked step)."""
    result = service.record_submission(
        engine,
        user_id=user.id,  # type: ignore[arg-type]
        plan_id=plan_id,
        submitted_on=body.submitted_on,
        reference=body.reference,
        comment=body.comment,
    )
    background.add_task(sync_case_later, orchestrator, rules.CASE_TYPE, plan_id)
    with Session(engine) as session:
        plan = rules.get_plan(session, plan_id)
    return EnaccReceipt(plan=PlanPublic.of(plan), step=StepPublic.model_validate(result.step))


@router.get("/plans/{plan_id}/export")
def export_plan(
    plan_id: int,
    user: CurrentUser,
    session: SessionDep,
    format: Annotated[Literal["csv", "json"], Query()] = "csv",
) -> Response:
    """The file to enter in E-PlanNACC: one line per project with its dimension, mission,
    division and budget per fiscal year (CSV, UTF-8 with BOM; or JSON)."""
    view = plan_view(session, readable_plan(session, user, plan_id))
    return export_response(view, format)
