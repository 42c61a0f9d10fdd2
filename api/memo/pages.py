"""The memo's pages: propose a memo and see your own; the memo itself on its steps' pages."""

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, BackgroundTasks, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from pydantic import ValidationError
from sqlmodel import Session, col, select

from api.deps import CaseSyncDep, EngineDep, SessionDep, SettingsDep, sync_case_later
from api.errors import status_of
from api.pages.common import PageUser, csrf_ok, render, templates, thai_validation_messages
from core.settings import Settings
from domain.engine.chains import chain_named
from domain.errors import DomainError
from domain.memo.rules import CASE_TYPE, memo_chains
from domain.memo.service import propose
from models.memo import Memo, MemoCreate, MemoStatus
from models.people import User
from models.steps import HumanStep

router = APIRouter(prefix="/pages", tags=["pages"], include_in_schema=False)


def _memos_context(session: Session, user: User, settings: Settings) -> dict[str, Any]:
    memos = session.exec(
        select(Memo).where(Memo.originator_id == user.id).order_by(col(Memo.id).desc()).limit(20)
    ).all()
    return {
        "chains": [(c.name, c.title) for c in memo_chains(settings.chains_file)],
        "my_memos": [
            {"memo": m, "status": MemoStatus(m.status).thai, "open": m.status == "in_review"}
            for m in memos
        ],
        "memo_form": {"subject": "", "body": "", "chain": "memo"},
    }


@router.get("/memos", response_class=HTMLResponse)
def memos_page(
    request: Request, user: PageUser, session: SessionDep, settings: SettingsDep, flash: str = ""
) -> HTMLResponse:
    ctx = _memos_context(session, user, settings) | {"flash": flash[:300]}
    return render(
        request, "memo/pages/memos.html", ctx, user=user, session=session, settings=settings
    )


@router.post("/memos", response_class=HTMLResponse)
def propose_page(
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
    case_sync: CaseSyncDep,
    background: BackgroundTasks,
    subject: Annotated[str, Form()] = "",
    body: Annotated[str, Form()] = "",
    chain: Annotated[str, Form()] = "memo",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    def again(errors: list[str], status_code: int) -> HTMLResponse:
        ctx = _memos_context(session, user, settings)
        ctx["memo_form"] = {"subject": subject, "body": body, "chain": chain}
        ctx["memo_errors"] = errors
        return render(
            request,
            "memo/pages/memos.html",
            ctx,
            status_code=status_code,
            user=user,
            session=session,
            settings=settings,
        )

    if not csrf_ok(request, settings, csrf):
        return again(["แบบฟอร์มหมดอายุ กรุณาลองใหม่อีกครั้ง"], 403)
    try:
        data = MemoCreate(subject=subject.strip(), body=body.strip(), chain=chain)
        chain_named(settings.chains_file, data.chain)
        memo = propose(engine, author_id=user.id, data=data)  # type: ignore[arg-type]
    except ValidationError as exc:
        labels = {"subject": "เรื่อง", "body": "รายละเอียด", "chain": "สายการอนุมัติ"}
        return again(thai_validation_messages(exc, labels), 422)
    except DomainError as exc:
        return again([exc.message], status_of(exc))
    background.add_task(sync_case_later, case_sync, CASE_TYPE, memo.id)
    flash = f"เสนอบันทึกข้อความ “{data.subject}” แล้ว (เลขที่ {memo.id})"
    return RedirectResponse(f"/pages/memos?{urlencode({'flash': flash})}", status_code=303)


def case_panel(session: Session, user: User, step: HumanStep) -> Markup:
    """The memo on its steps' pages: subject, text, author, chain."""
    from core.settings import get_settings

    memo = session.get(Memo, step.case_id)
    if memo is None:
        return Markup("")
    try:
        chain_title = chain_named(get_settings().chains_file, memo.chain).title
    except DomainError:
        chain_title = memo.chain
    html = templates.get_template("memo/pages/panel.html").render(
        memo=memo,
        author=session.get(User, memo.originator_id),
        chain_title=chain_title,
        status=MemoStatus(memo.status).thai,
    )
    return Markup(html)
