"""The reporting rounds' JSON routes (/api/pdca/rounds, /api/pdca/reports): open a round, list
rounds, a round's progress by division, a division's report (read, save, submit) and its
evidence files."""

from datetime import date, datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, BackgroundTasks, File, Form, UploadFile, status
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session, col, select

from api.deps import CaseSyncDep, CurrentUser, EngineDep, PathId, SessionDep, sync_case_later
from api.schemas import StepPublic
from domain.engine.visibility import can_view
from domain.errors import InvalidInput
from domain.pdca import rounds_service
from domain.pdca.rounds import CASE_TYPE, round_title
from domain.pdca.rounds_entry import ReportEntry
from domain.pdca.rounds_policy import round_policy
from domain.pdca.rounds_view import (
    ReportView,
    RoundProgress,
    readable_evidence,
    readable_report,
    readable_round,
    report_view,
    round_progress,
)
from models.pdca_round import (
    ProjectStatus,
    ReportingRound,
    ReportStatus,
    RoundKind,
    RoundStatus,
)
from models.people import User

router = APIRouter(prefix="/api/pdca", tags=["pdca"])


class RoundPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    plan_id: int
    fiscal_year: int
    kind: RoundKind
    title: str = ""
    as_of: date
    due_on: date
    status: RoundStatus
    source: str
    opened_at: datetime
    opened_by_id: int | None
    closed_at: datetime | None

    @classmethod
    def of(cls, rnd: ReportingRound) -> "RoundPublic":
        found = cls.model_validate(rnd, from_attributes=True)
        found.title = round_title(rnd)
        return found


class OpenRound(BaseModel):
    plan_id: int = Field(ge=1, le=2**31 - 1)
    fiscal_year: int = Field(ge=2500, le=2700, description="ปีงบประมาณ (พ.ศ.)")
    kind: RoundKind


class OpenedRound(BaseModel):
    round: RoundPublic
    created: bool


class DivisionProgressPublic(BaseModel):
    report_id: int
    division_code: str
    division: str
    status: ReportStatus
    status_thai: str
    projects: int
    counts: dict[str, int]
    submitted_at: datetime | None
    approved_at: datetime | None
    overdue: bool
    submitted_late: bool
    chase_stage: str | None


class RoundProgressPublic(BaseModel):
    round: RoundPublic
    due_at: datetime
    divisions: list[DivisionProgressPublic]
    submitted: int
    approved: int
    late: int
    complete: bool


class IndicatorPublic(BaseModel):
    indicator_id: int
    seq: int
    text: str
    operator: str
    target: str
    unit: str
    value: str | None
    met: bool | None


class EvidencePublic(BaseModel):
    id: int
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    uploaded_at: datetime


class ProjectResultPublic(BaseModel):
    project_no: int
    code: str
    name: str
    status: ProjectStatus
    status_thai: str
    reason: str
    budget_satang: int
    disbursed_satang: int
    note: str
    data_as_of: date | None
    indicators: list[IndicatorPublic]
    evidence: list[EvidencePublic]


class ReportPublic(BaseModel):
    id: int
    round: RoundPublic
    division_code: str
    division: str
    status: ReportStatus
    status_thai: str
    data_as_of: date | None
    submitted_by_id: int | None
    submitted_at: datetime | None
    approved_by_id: int | None
    approved_at: datetime | None
    returned_reason: str
    returns_count: int
    editable: bool
    budget_satang: int
    disbursed_satang: int
    results: list[ProjectResultPublic]


class SubmitReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: str = Field(default="", max_length=4000)
    entry: ReportEntry | None = Field(default=None, description="บันทึกพร้อมกันก่อนส่ง (ถ้ามี)")


class SubmitReceipt(BaseModel):
    report: ReportPublic
    step: StepPublic


def progress_public(progress: RoundProgress) -> RoundProgressPublic:
    return RoundProgressPublic(
        round=RoundPublic.of(progress.round),
        due_at=progress.due_at,
        divisions=[
            DivisionProgressPublic(
                report_id=d.report.id,  # type: ignore[arg-type]
                division_code=d.division.code,
                division=d.division.name,
                status=d.report.status,
                status_thai=ReportStatus(d.report.status).thai,
                projects=d.projects,
                counts={s.value: n for s, n in d.counts.items()},
                submitted_at=d.report.submitted_at,
                approved_at=d.report.approved_at,
                overdue=d.overdue,
                submitted_late=d.submitted_late,
                chase_stage=d.chase_stage,
            )
            for d in progress.divisions
        ],
        submitted=progress.submitted,
        approved=progress.approved,
        late=progress.late,
        complete=progress.complete,
    )


def report_public(view: ReportView) -> ReportPublic:
    report = view.report
    return ReportPublic(
        id=report.id,  # type: ignore[arg-type]
        round=RoundPublic.of(view.round),
        division_code=view.division.code,
        division=view.division.name,
        status=report.status,
        status_thai=ReportStatus(report.status).thai,
        data_as_of=report.data_as_of,
        submitted_by_id=report.submitted_by_id,
        submitted_at=report.submitted_at,
        approved_by_id=report.approved_by_id,
        approved_at=report.approved_at,
        returned_reason=report.returned_reason,
        returns_count=report.returns_count,
        editable=view.editable_by,
        budget_satang=view.budget_satang,
        disbursed_satang=view.disbursed_satang,
        results=[
            ProjectResultPublic(
                project_no=line.project.no,
                code=line.project.code,
                name=line.project.name,
                status=line.result.status,
                status_thai=ProjectStatus(line.result.status).thai,
                reason=line.result.reason,
                budget_satang=line.result.budget_satang,
                disbursed_satang=line.result.disbursed_satang,
                note=line.result.note,
                data_as_of=line.result.data_as_of,
                indicators=[
                    IndicatorPublic(
                        indicator_id=i.indicator.id,  # type: ignore[arg-type]
                        seq=i.indicator.seq,
                        text=i.indicator.text,
                        operator=str(i.indicator.target_operator),
                        target=f"{i.indicator.target_value:f}",
                        unit=i.indicator.target_unit,
                        value=f"{i.result.value:f}" if i.result else None,
                        met=i.result.met if i.result else None,
                    )
                    for i in line.indicators
                ],
                evidence=[
                    EvidencePublic.model_validate(e, from_attributes=True) for e in line.evidence
                ],
            )
            for line in view.lines
        ],
    )


@router.post("/rounds", response_model=OpenedRound, status_code=status.HTTP_201_CREATED)
def open_round(
    body: OpenRound,
    user: CurrentUser,
    engine: EngineDep,
    orchestrator: CaseSyncDep,
    background: BackgroundTasks,
) -> OpenedRound:
    """Strategy and Budget opens a round of the approved plan; the round already open comes
    back (``created`` false)."""
    opened = rounds_service.open_round(
        engine,
        user_id=user.id,  # type: ignore[arg-type]
        plan_id=body.plan_id,
        fiscal_year=body.fiscal_year,
        kind=body.kind,
    )
    if opened.created:
        background.add_task(
            sync_case_later, orchestrator, CASE_TYPE, opened.round.id, new_case=True
        )
    return OpenedRound(round=RoundPublic.of(opened.round), created=opened.created)


@router.get("/rounds", response_model=list[RoundPublic])
def list_rounds(user: CurrentUser, session: SessionDep) -> list[RoundPublic]:
    """The rounds you may follow, newest first."""
    found = session.exec(
        select(ReportingRound).order_by(
            col(ReportingRound.fiscal_year).desc(), col(ReportingRound.as_of).desc()
        )
    )
    return [
        RoundPublic.of(r)
        for r in found
        if can_view(session, user=user, case_type=CASE_TYPE, case_id=r.id)  # type: ignore[arg-type]
    ]


@router.get("/rounds/{round_id}", response_model=RoundProgressPublic)
def read_round(round_id: PathId, user: CurrentUser, session: SessionDep) -> RoundProgressPublic:
    """The round's progress by division: status, projects per status, late ones marked and
    how far their chase has gone."""
    return progress_public(round_progress(session, readable_round(session, user, round_id)))


@router.get("/reports/{report_id}", response_model=ReportPublic)
def read_report(report_id: PathId, user: CurrentUser, session: SessionDep) -> ReportPublic:
    report = readable_report(session, user, report_id)
    return report_public(report_view(session, report, user))


@router.put("/reports/{report_id}", response_model=ReportPublic)
def save_report(
    report_id: PathId, body: ReportEntry, user: CurrentUser, engine: EngineDep
) -> ReportPublic:
    """The division saves results (all or some projects). A broken entry refuses the whole
    request (422, every problem named with its project) and nothing is stored."""
    rounds_service.save_report(engine, user_id=user.id, report_id=report_id, entry=body)  # type: ignore[arg-type]
    with Session(engine) as session:
        report = readable_report(session, user, report_id)
        return report_public(report_view(session, report, user))


@router.post("/reports/{report_id}/submit", response_model=SubmitReceipt)
def submit_report(
    report_id: PathId,
    body: SubmitReport,
    user: CurrentUser,
    engine: EngineDep,
    orchestrator: CaseSyncDep,
    background: BackgroundTasks,
) -> SubmitReceipt:
    """The division's officers submit the report to its director (decides the division's
    report step; an incomplete report is refused naming each project)."""
    result = rounds_service.submit_report(
        engine,
        user_id=user.id,  # type: ignore[arg-type]
        report_id=report_id,
        entry=body.entry,
        comment=body.comment,
    )
    background.add_task(sync_case_later, orchestrator, CASE_TYPE, result.step.case_id)
    with Session(engine) as session:
        report = readable_report(session, user, report_id)
        return SubmitReceipt(
            report=report_public(report_view(session, report, user)),
            step=StepPublic.model_validate(result.step),
        )


@router.post(
    "/reports/{report_id}/evidence",
    response_model=EvidencePublic,
    status_code=status.HTTP_201_CREATED,
)
async def upload_evidence(
    report_id: PathId,
    user: CurrentUser,
    engine: EngineDep,
    project_no: Annotated[int, Form(ge=1, le=10_000, description="ลำดับโครงการ")],
    file: Annotated[UploadFile, File(description="หลักฐาน: PDF, JPEG, PNG, XLSX, DOCX")],
) -> EvidencePublic:
    limit = round_policy().evidence_max_bytes
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise InvalidInput(f"ไฟล์หลักฐานใหญ่เกิน {limit // (1024 * 1024)} MB", field="file")
    evidence = rounds_service.upload_evidence(
        engine,
        user_id=user.id,  # type: ignore[arg-type]
        report_id=report_id,
        project_no=project_no,
        filename=file.filename or "",
        content_type=file.content_type or "",
        data=data,
    )
    return EvidencePublic.model_validate(evidence, from_attributes=True)


@router.get("/evidence/{evidence_id}")
def download_evidence(evidence_id: PathId, user: CurrentUser, session: SessionDep) -> Response:
    """An evidence file, to whoever may read its round."""
    return evidence_response(session, user, evidence_id)


def evidence_response(session: Session, user: User, evidence_id: int) -> Response:
    """The file as a download (never shown inline: its type is the uploader's word)."""
    evidence = readable_evidence(session, user, evidence_id)
    name = quote(evidence.filename, safe="")
    return Response(
        content=evidence.data,
        media_type=evidence.content_type,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
    )
