"""The sealed channel for its named officers (pages and JSON): the list, a report opened with
a stated purpose (logged), questions to the reporter, internal notes, evidence files, and the
two decisions; and, for the complaint centre, moving a general complaint into the sealed
track. Every other officer is refused, and a refused read is logged too."""

from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from api.deps import CurrentUser, EngineDep, SessionDep, SettingsDep
from api.pages.common import PageUser, csrf_ok, error_page, render
from domain.errors import DomainError, NotEntitled
from domain.integrity import handling
from domain.integrity.move import move_complaint
from domain.integrity.rules import named_officer_ids
from models.integrity import ACTION_STAGE_TITLES, IntegrityStatus
from models.people import User
from models.steps import HumanStep, Outcome

pages = APIRouter(prefix="/pages/integrity", tags=["pages"], include_in_schema=False)
api = APIRouter(prefix="/api/integrity", tags=["integrity (officers)"])

STALE_FORM = NotEntitled("แบบฟอร์มหมดอายุ กรุณาเปิดหน้าใหม่แล้วลองอีกครั้ง")
OUTCOME_CHOICES = {
    "integrity-assess": [(Outcome.receive, "รับเรื่องไว้ตรวจสอบ"), (Outcome.decline, "ไม่รับไว้พิจารณา")],
    "integrity-decide": [(Outcome.substantiated, "มีมูล"), (Outcome.unsubstantiated, "ไม่มีมูล")],
}


# --------------------------------------------------------------------------- JSON


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=20000)
    internal: bool = False


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Outcome
    to_reporter: str = Field(max_length=20000, description="What the reporter reads")
    note: str = Field(default="", max_length=20000, description="Officers' own findings")
    action_stage: str | None = Field(default=None, max_length=40)


class MoveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: str = Field(max_length=40)


@api.get("/reports")
def list_json(user: CurrentUser, engine: EngineDep) -> list[dict[str, Any]]:
    return [
        {
            "id": r.id,
            "received_on": r.received_on.isoformat(),
            "status": r.status.value,
            "origin": r.origin,
            "anonymous": r.anonymous,
            "due_at": r.step.due_at.isoformat() if r.step else None,
            "reporter_messages": r.reporter_messages,
        }
        for r in handling.list_reports(engine, user_id=user.id)  # type: ignore[arg-type]
    ]


@api.get("/reports/{report_id}")
def read_json(report_id: int, purpose: str, user: CurrentUser, engine: EngineDep) -> dict[str, Any]:
    """The whole report; ``purpose`` (why it is opened) is logged with the read."""
    view = handling.read_report(
        engine,
        user_id=user.id,
        report_id=report_id,
        purpose=purpose,
        channel="api",  # type: ignore[arg-type]
    )
    return {
        "id": view.report.id,
        "received_on": view.report.received_on.isoformat(),
        "status": view.report.status,
        "outcome": view.report.outcome,
        "action_stage": view.report.action_stage,
        "subject": view.subject,
        "text": view.text,
        "identity": view.identity,
        "files": [{"id": f[0], "name": f[1], "content_type": f[2]} for f in view.files],
        "messages": [
            {
                "from": "reporter" if m.from_reporter else "officer",
                "internal": m.internal,
                "officer": m.officer_name,
                "written_on": m.written_on.isoformat(),
                "text": m.text,
            }
            for m in view.messages
        ],
        "step": {"id": view.step.id, "kind": view.step.kind} if view.step else None,
    }


@api.post("/reports/{report_id}/messages", status_code=201)
def message_json(
    report_id: int, body: MessageIn, user: CurrentUser, engine: EngineDep
) -> dict[str, str]:
    handling.write_message(
        engine,
        user_id=user.id,
        report_id=report_id,
        text=body.text,
        internal=body.internal,  # type: ignore[arg-type]
    )
    return {"status": "sent"}


@api.post("/reports/{report_id}/decision")
def decide_json(
    report_id: int, body: DecisionIn, user: CurrentUser, engine: EngineDep
) -> dict[str, Any]:
    result = handling.decide_report(
        engine,
        user_id=user.id,  # type: ignore[arg-type]
        report_id=report_id,
        outcome=body.outcome,
        to_reporter=body.to_reporter,
        note=body.note,
        action_stage=body.action_stage,
    )
    return {"step_id": result.step.id, "closed": result.closed_now, "outcome": result.step.outcome}


@api.post("/moves", status_code=201)
def move_json(body: MoveIn, user: CurrentUser, engine: EngineDep) -> dict[str, str]:
    """Move a general complaint into the sealed track (complaint centre). The receipt is
    shown once: hand it to the complainant."""
    receipt = move_complaint(engine, user_id=user.id, number=body.number)  # type: ignore[arg-type]
    return {"code": receipt.code, "passphrase": receipt.passphrase}


# --------------------------------------------------------------------------- pages


def _view_url(report_id: int, purpose: str) -> str:
    return f"/pages/integrity/{report_id}?" + urlencode({"purpose": purpose})


@pages.get("", response_class=HTMLResponse)
def list_page(
    request: Request, user: PageUser, engine: EngineDep, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    try:
        reports = handling.list_reports(engine, user_id=user.id)  # type: ignore[arg-type]
    except DomainError as exc:
        return error_page(request, exc, user=user, session=session, settings=settings)
    context = {"reports": reports, "Status": IntegrityStatus}
    return render(
        request, "integrity/pages/list.html", context, user=user, session=session, settings=settings
    )


@pages.get("/{report_id}", response_class=HTMLResponse)
def report_page(
    request: Request,
    report_id: int,
    user: PageUser,
    engine: EngineDep,
    session: SessionDep,
    settings: SettingsDep,
    purpose: str = "",
) -> HTMLResponse:
    context: dict[str, Any] = {"report_id": report_id, "purpose": purpose}
    if not purpose.strip():
        return render(
            request,
            "integrity/pages/purpose.html",
            context,
            user=user,
            session=session,
            settings=settings,
        )
    try:
        view = handling.read_report(
            engine,
            user_id=user.id,
            report_id=report_id,
            purpose=purpose,
            channel="page",  # type: ignore[arg-type]
        )
    except DomainError as exc:
        return error_page(request, exc, user=user, session=session, settings=settings)
    context |= {
        "view": view,
        "choices": OUTCOME_CHOICES.get(view.step.kind, []) if view.step else [],
        "stages": ACTION_STAGE_TITLES,
        "quoted_purpose": quote(purpose),
    }
    return render(
        request,
        "integrity/pages/report.html",
        context,
        user=user,
        session=session,
        settings=settings,
    )


@pages.get("/{report_id}/files/{file_id}")
def file_download(
    report_id: int, file_id: int, purpose: str, user: PageUser, engine: EngineDep
) -> Response:
    name, kind, data = handling.read_file(
        engine,
        user_id=user.id,
        report_id=report_id,
        file_id=file_id,
        purpose=purpose,
        channel="page",  # type: ignore[arg-type]
    )
    disposition = f"attachment; filename*=UTF-8''{quote(name)}"
    return Response(data, media_type=kind, headers={"Content-Disposition": disposition})


@pages.post("/{report_id}/message")
def message_page(
    request: Request,
    report_id: int,
    user: PageUser,
    engine: EngineDep,
    session: SessionDep,
    settings: SettingsDep,
    csrf: Annotated[str, Form()] = "",
    purpose: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
    internal: Annotated[str, Form()] = "",
) -> Response:
    if not csrf_ok(request, settings, csrf):
        return error_page(request, STALE_FORM, user=user, session=session, settings=settings)
    try:
        handling.write_message(
            engine,
            user_id=user.id,
            report_id=report_id,
            text=text,
            internal=bool(internal),  # type: ignore[arg-type]
        )
    except DomainError as exc:
        return error_page(request, exc, user=user, session=session, settings=settings)
    return RedirectResponse(_view_url(report_id, purpose or "ติดตามเรื่อง"), status_code=303)


@pages.post("/{report_id}/decide")
def decide_page(
    request: Request,
    report_id: int,
    user: PageUser,
    engine: EngineDep,
    session: SessionDep,
    settings: SettingsDep,
    csrf: Annotated[str, Form()] = "",
    purpose: Annotated[str, Form()] = "",
    outcome: Annotated[str, Form()] = "",
    to_reporter: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    action_stage: Annotated[str, Form()] = "",
) -> Response:
    if not csrf_ok(request, settings, csrf):
        return error_page(request, STALE_FORM, user=user, session=session, settings=settings)
    try:
        handling.decide_report(
            engine,
            user_id=user.id,  # type: ignore[arg-type]
            report_id=report_id,
            outcome=outcome,
            to_reporter=to_reporter,
            note=note,
            action_stage=action_stage or None,
        )
    except DomainError as exc:
        return error_page(request, exc, user=user, session=session, settings=settings)
    return RedirectResponse(_view_url(report_id, purpose or "บันทึกผลการพิจารณา"), status_code=303)


@pages.post("/move", response_class=HTMLResponse)
def move_page(
    request: Request,
    user: PageUser,
    engine: EngineDep,
    session: SessionDep,
    settings: SettingsDep,
    csrf: Annotated[str, Form()] = "",
    number: Annotated[str, Form()] = "",
) -> HTMLResponse:
    if not csrf_ok(request, settings, csrf):
        return error_page(request, STALE_FORM, user=user, session=session, settings=settings)
    try:
        receipt = move_complaint(engine, user_id=user.id, number=number)  # type: ignore[arg-type]
    except DomainError as exc:
        return error_page(request, exc, user=user, session=session, settings=settings)
    return render(
        request,
        "integrity/pages/moved.html",
        {"receipt": receipt, "number": number},
        user=user,
        session=session,
        settings=settings,
    )


def case_panel(session: Session, user: User, step: HumanStep) -> Markup:
    """On the engine's step page: a link, never the content (reads go through the log)."""
    if user.id not in named_officer_ids(session):
        return Markup("")
    return Markup(
        '<p><a class="button" href="/pages/integrity/{0}">เปิดเรื่อง ทจ. {0} '
        "(ต้องระบุวัตถุประสงค์ และบันทึกเหตุผลในหน้าเรื่อง)</a></p>"
    ).format(step.case_id)
