"""The sealed channel as citizens and staff use it, with no account: file a report (pages and
JSON), follow it with the receipt code and passphrase (sent in the body, never in the URL),
answer the officers, add evidence; the published manual and statistics.

Nothing here reads the caller's address, and the access log skips these paths
(``api.integrity.quiet_access_log``)."""

import csv
import io
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, ConfigDict, Field
from starlette.datastructures import UploadFile

from api.deps import EngineDep, SessionDep
from api.errors import status_of
from core.settings import PROJECT_ROOT
from domain.engine.calendar import fiscal_year, thai_date_text
from domain.errors import DomainError, InvalidInput
from domain.integrity import reporting
from domain.integrity.forms import NewReport
from domain.integrity.policy import integrity_policy
from domain.integrity.reporting import ReporterView, Upload
from domain.integrity.rules import today
from domain.integrity.statistics import COLUMNS, Statistics, statistics

pages = APIRouter(prefix="/integrity", tags=["integrity pages"], include_in_schema=False)
api = APIRouter(prefix="/api/integrity", tags=["integrity (public)"])
templates = Jinja2Templates(
    directory=[PROJECT_ROOT / "templates" / "integrity" / "public", PROJECT_ROOT / "templates"]
)
templates.env.filters["thaiday"] = lambda d: thai_date_text(d, with_time=False)


# --------------------------------------------------------------------------- JSON


class FollowRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(max_length=40, description="รหัสรับเรื่อง เช่น KKI-ABCD-EFGH-JKMN")
    passphrase: str = Field(max_length=200)


class ReplyRequest(FollowRequest):
    text: str = Field(max_length=20000)


class ReceiptOut(BaseModel):
    code: str
    passphrase: str | None = Field(description="Given by the system; null if the reporter chose it")
    follow_url: str


def _view_json(view: ReporterView) -> dict[str, Any]:
    return {
        "code": view.code,
        "received_on": view.received_on.isoformat(),
        "status": view.status.value,
        "status_thai": view.status.thai,
        "outcome": view.outcome,
        "action_stage": view.action_stage,
        "decided_on": view.decided_on.isoformat() if view.decided_on else None,
        "subject": view.subject,
        "text": view.text,
        "anonymous": view.anonymous,
        "files": view.files,
        "messages": [
            {
                "from": "reporter" if m.from_reporter else "officer",
                "written_on": m.written_on.isoformat(),
                "text": m.text,
                "files": m.files,
            }
            for m in view.messages
        ],
    }


@api.post("/reports", status_code=201, response_model=ReceiptOut)
def file_report_json(body: dict[str, Any], engine: EngineDep) -> ReceiptOut:
    """File a report (no files here: attach them on the page). Keep the code and passphrase:
    they are the only way back to the report."""
    receipt = reporting.file_report(engine, reporting.parse_report(body))
    return ReceiptOut(
        code=receipt.code,
        passphrase=None if receipt.chosen else receipt.passphrase,
        follow_url="/integrity/follow",
    )


@api.post("/reports/follow")
def follow_json(body: FollowRequest, engine: EngineDep) -> dict[str, Any]:
    return _view_json(reporting.follow(engine, code=body.code, passphrase=body.passphrase))


@api.post("/reports/reply")
def reply_json(body: ReplyRequest, engine: EngineDep) -> dict[str, Any]:
    view = reporting.reply(engine, code=body.code, passphrase=body.passphrase, text=body.text)
    return _view_json(view)


def _statistics_json(stats: Statistics) -> dict[str, Any]:
    return {
        "fiscal_year": stats.fiscal_year,
        "columns": [{"key": k, "title": t} for k, t in COLUMNS],
        "quarters": [{"quarter": r.quarter, **r.cells, "total": r.total} for r in stats.rows],
        "total": stats.total,
        "suppressed_below": integrity_policy().suppress_below,
        "as_of": today().isoformat(),
    }


@api.get("/statistics")
def statistics_json(session: SessionDep, fy: int | None = None) -> dict[str, Any]:
    """Reports by fiscal quarter and outcome; counts of 1–4 are published as "<5"."""
    return _statistics_json(statistics(session, _fiscal_year(fy)))


@api.get(
    "/statistics.csv",
    response_class=Response,
    responses={
        200: {
            "description": "CSV (UTF-8 with BOM)",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    },
)
def statistics_csv(session: SessionDep, fy: int | None = None) -> Response:
    stats = statistics(session, _fiscal_year(fy))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["ปีงบประมาณ", "ไตรมาส", *(t for _, t in COLUMNS), "รวม"])
    for row in stats.rows:
        writer.writerow(
            [stats.fiscal_year, row.quarter, *(row.cells[k] for k, _ in COLUMNS), row.total]
        )
    return Response(
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="integrity-{stats.fiscal_year}.csv"'
        },
    )


def _fiscal_year(fy: int | None) -> int:
    if fy is None:
        return fiscal_year(today())
    if not 2500 <= fy <= 2700:
        raise InvalidInput("ปีงบประมาณต้องเป็นปีพุทธศักราช เช่น 2569", field="fy")
    return fy


# --------------------------------------------------------------------------- pages


def _page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    ctx = {"policy": integrity_policy(), **context}
    return templates.TemplateResponse(request, name, ctx, status_code=status)


async def _uploads(request: Request) -> list[Upload]:
    form = await request.form()
    found = []
    for item in form.getlist("files"):
        if isinstance(item, UploadFile) and item.filename:
            found.append(Upload(item.filename, await item.read()))
    return found


@pages.get("", response_class=HTMLResponse)
def landing(request: Request) -> HTMLResponse:
    return _page(request, "manual.html", {})


@pages.get("/manual", response_class=HTMLResponse)
def manual(request: Request) -> HTMLResponse:
    return _page(request, "manual.html", {})


@pages.get("/report", response_class=HTMLResponse)
def report_form(request: Request) -> HTMLResponse:
    return _page(request, "report.html", {"values": {}, "errors": []})


@pages.post("/report", response_class=HTMLResponse)
async def report_submit(
    request: Request,
    engine: EngineDep,
    subject: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
    give_identity: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    phone: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    staff: Annotated[str, Form()] = "",
    passphrase: Annotated[str, Form()] = "",
) -> HTMLResponse:
    values = {"subject": subject, "text": text, "give_identity": give_identity, "name": name}
    values |= {"phone": phone, "email": email, "staff": staff}
    data: dict[str, Any] = {"subject": subject, "text": text, "passphrase": passphrase or None}
    if give_identity:
        data["identity"] = {
            "name": name,
            "phone": phone or None,
            "email": email or None,
            "staff": bool(staff),
        }
    try:
        form: NewReport = reporting.parse_report(data)
        receipt = reporting.file_report(engine, form, await _uploads(request))
    except DomainError as exc:
        listed = exc.detail.get("errors")
        errors = [e["message"] for e in listed] if isinstance(listed, list) else [exc.message]
        return _page(request, "report.html", {"values": values, "errors": errors}, status_of(exc))
    return _page(request, "received.html", {"receipt": receipt}, 201)


@pages.get("/follow", response_class=HTMLResponse)
def follow_form(request: Request) -> HTMLResponse:
    return _page(request, "follow.html", {"view": None, "errors": []})


@pages.post("/follow", response_class=HTMLResponse)
def follow_page(
    request: Request,
    engine: EngineDep,
    code: Annotated[str, Form(max_length=40)] = "",
    passphrase: Annotated[str, Form(max_length=200)] = "",
) -> HTMLResponse:
    try:
        view = reporting.follow(engine, code=code, passphrase=passphrase)
    except DomainError as exc:
        return _page(
            request, "follow.html", {"view": None, "errors": [exc.message]}, status_of(exc)
        )
    return _page(request, "follow.html", {"view": view, "passphrase": passphrase, "errors": []})


@pages.post("/follow/reply", response_class=HTMLResponse)
async def reply_page(
    request: Request,
    engine: EngineDep,
    code: Annotated[str, Form(max_length=40)] = "",
    passphrase: Annotated[str, Form(max_length=200)] = "",
    text: Annotated[str, Form()] = "",
) -> HTMLResponse:
    try:
        view = reporting.reply(
            engine, code=code, passphrase=passphrase, text=text, files=await _uploads(request)
        )
    except DomainError as exc:
        try:
            view = reporting.follow(engine, code=code, passphrase=passphrase)
        except DomainError:
            view = None
        context = {"view": view, "passphrase": passphrase, "errors": [exc.message]}
        return _page(request, "follow.html", context, status_of(exc))
    context = {"view": view, "passphrase": passphrase, "errors": [], "sent": True}
    return _page(request, "follow.html", context)


@pages.get("/statistics", response_class=HTMLResponse)
def statistics_page(request: Request, session: SessionDep, fy: int | None = None) -> HTMLResponse:
    stats = statistics(session, _fiscal_year(fy))
    return _page(request, "statistics.html", {"stats": stats, "columns": COLUMNS, "today": today()})
