"""The consolidated report's JSON routes (/api/pdca/rounds/{id}/report…): read it (JSON or the
CSV file, UTF-8 with BOM), start it, save its text and submit it (Strategy and Budget, กย.).
The chain's levels decide through the engine's steps (/api/steps/{id}/decide)."""

from typing import Any

from fastapi import APIRouter, BackgroundTasks
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.deps import CaseSyncDep, CurrentUser, EngineDep, SessionDep, sync_case_later
from api.pdca.report_view import file_response
from domain.errors import InvalidInput
from domain.pdca import consolidate_rules as report_rules
from domain.pdca import consolidate_service as service
from domain.pdca.consolidate_export import report_json
from domain.pdca.consolidate_forms import TEXT_LIMIT
from models.pdca_report import ConsolidatedReport

router = APIRouter(prefix="/api/pdca/rounds", tags=["pdca"])


class ReportText(BaseModel):
    problems: str = Field(default="", max_length=TEXT_LIMIT, description="ปัญหาและอุปสรรค")
    suggestions: str = Field(default="", max_length=TEXT_LIMIT, description="ข้อเสนอแนะ")
    comment: str = Field(default="", max_length=4000, description="ความเห็นเมื่อเสนอ")


class ReportState(BaseModel):
    round_id: int
    status: str
    problems: str
    suggestions: str

    @classmethod
    def of(cls, report: ConsolidatedReport) -> "ReportState":
        return cls(
            round_id=report.round_id,
            status=str(report.status),
            problems=report.problems,
            suggestions=report.suggestions,
        )


@router.get("/{round_id}/report")
def read_report(round_id: int, user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    """The consolidated report with every figure (money in satang and baht text, shares as
    text with two decimals, half up), its anomalies and the year-on-year comparison."""
    round_ = service.readable_round(session, user, round_id)
    return report_json(service.report_view(session, round_))


@router.get("/{round_id}/report.{ext}")
def report_file(round_id: int, ext: str, user: CurrentUser, session: SessionDep) -> Response:
    """The report as a file: ``csv`` (the municipality's table) or ``json``."""
    if ext not in ("csv", "json"):
        raise InvalidInput("ไฟล์ได้เฉพาะ csv หรือ json", field="ext")
    round_ = service.readable_round(session, user, round_id)
    return file_response(service.report_view(session, round_), ext)


@router.post("/{round_id}/report/start", status_code=201)
def start(
    round_id: int,
    user: CurrentUser,
    engine: EngineDep,
    case_sync: CaseSyncDep,
    background: BackgroundTasks,
) -> ReportState:
    report = service.start_report(engine, user_id=user.id, round_id=round_id)  # type: ignore[arg-type]
    background.add_task(sync_case_later, case_sync, report_rules.ROUND_CASE_TYPE, round_id)
    return ReportState.of(report)


@router.put("/{round_id}/report/text")
def save_text(round_id: int, body: ReportText, user: CurrentUser, engine: EngineDep) -> ReportState:
    report = service.save_report_text(
        engine,
        user_id=user.id,  # type: ignore[arg-type]
        round_id=round_id,
        problems=body.problems,
        suggestions=body.suggestions,
    )
    return ReportState.of(report)


@router.post("/{round_id}/report/submit")
def submit(
    round_id: int,
    body: ReportText,
    user: CurrentUser,
    engine: EngineDep,
    session: SessionDep,
    case_sync: CaseSyncDep,
    background: BackgroundTasks,
) -> ReportState:
    """กย. submits the report (problems and suggestions with it) up the chain."""
    service.submit_report(
        engine,
        user_id=user.id,  # type: ignore[arg-type]
        round_id=round_id,
        problems=body.problems,
        suggestions=body.suggestions,
        comment=body.comment,
    )
    background.add_task(sync_case_later, case_sync, report_rules.ROUND_CASE_TYPE, round_id)
    return ReportState.of(report_rules.report_for(session, round_id))
