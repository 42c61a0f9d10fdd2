"""The published consolidated report as the public reads it, without signing in: an A4-printable
page in Thai (/pdca/rounds/{id}/report) and its CSV (UTF-8 with BOM) and JSON. Only reports the
mayor approved, and history rounds (reports published before the system), are public."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from sqlmodel import Session

from api.deps import SessionDep
from api.pdca.report_view import file_response, helpers
from core.settings import PROJECT_ROOT
from domain.errors import DomainError
from domain.pdca import consolidate_service as service
from models.people import User

router = APIRouter(prefix="/pdca/rounds", tags=["public pages"], include_in_schema=False)
templates = Jinja2Templates(
    directory=[PROJECT_ROOT / "templates" / "pdca" / "public", PROJECT_ROOT / "templates"]
)
templates.env.globals.update(helpers())


PUBLIC_REPORT = "pdca/report/public.html"


def not_public_page(request: Request, message: str) -> HTMLResponse:
    """404 in Thai for a round whose report is not public (or a file type there is not)."""
    return templates.TemplateResponse(request, "none.html", {"message": message}, status_code=404)


def public_report_context(session: Session, round_id: int) -> dict[str, Any]:
    """What the public report prints (the report's view, the mayor who approved it), for the
    page and its PDF alike; DomainError when the round's report is not public."""
    view = service.report_view(session, service.public_round(session, round_id))
    approver = (
        session.get(User, view.report.approved_by_id)
        if view.report and view.report.approved_by_id
        else None
    )
    return {"v": view, "approver": approver}


@router.get("/{round_id}/report", response_class=HTMLResponse)
def public_report(round_id: int, request: Request, session: SessionDep) -> HTMLResponse:
    try:
        context = public_report_context(session, round_id)
    except DomainError as exc:
        return not_public_page(request, exc.message)
    return templates.TemplateResponse(request, PUBLIC_REPORT, context)


@router.get("/{round_id}/report.{ext}")
def public_report_file(round_id: int, ext: str, request: Request, session: SessionDep) -> Response:
    if ext not in ("csv", "json"):
        return not_public_page(request, "ไม่มีไฟล์รูปแบบนี้")
    try:
        round_ = service.public_round(session, round_id)
    except DomainError as exc:
        return not_public_page(request, exc.message)
    return file_response(service.report_view(session, round_), ext)
