"""Importing a round's results from the municipality's report table (CSV or XLSX): JSON routes
(/api/pdca/rounds/…/import, /api/pdca/history/import; multipart, 2 MB a file) and the officers'
page (/pages/pdca/rounds/import): a division uploads its report, the coordinator (กย.) a whole
round or a past year's published report. A refused file answers 422 with every broken row
(row, column, project, what is wrong) and stores nothing; the page shows them as a table."""

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Request, UploadFile, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlmodel import Session, col, select

from api.deps import CurrentUser, EngineDep, SessionDep, SettingsDep
from api.errors import status_of
from api.pages.common import PageUser, csrf_ok, render
from api.pdca.common import read_upload
from domain.engine.calendar import parse_thai_date
from domain.errors import DomainError, InvalidInput
from domain.pdca import round_import_service as service
from domain.pdca.import_common import ImportRefused
from domain.pdca.money import baht_text
from domain.pdca.rounds import EDITABLE, round_title
from domain.pdca.rules import check_owner
from models.pdca_round import (
    PROJECT_STATUS_TITLES,
    DivisionReport,
    ReportingRound,
    RoundKind,
    RoundStatus,
)
from models.people import User

router = APIRouter(prefix="/api/pdca", tags=["pdca"])
pages = APIRouter(prefix="/pages/pdca/rounds", tags=["pages"], include_in_schema=False)
PAGE = "/pages/pdca/rounds/import"
FILE_LABEL = "รายงานผล"
FIRST_YEAR, LAST_YEAR = 2500, 2700


class NoticePublic(BaseModel):
    row: int
    project_no: int
    message: str


class RoundImportReport(BaseModel):
    round_id: int
    report_ids: list[int] = Field(description="The division reports the file filled")
    source: str = Field(description="csv or xlsx")
    rows: int
    statuses: dict[str, int] = Field(description="Projects per status in the file")
    disbursed_satang: int
    disbursed_baht: str
    notices: list[NoticePublic] = Field(description="Reported, not refused (budget differences)")
    plan_id: int | None = None
    plan_created: bool = False

    @classmethod
    def of(cls, result: service.RoundImportResult) -> "RoundImportReport":
        return cls(
            round_id=result.round_id,
            report_ids=result.report_ids,
            source=result.source,
            rows=result.rows,
            statuses=result.statuses,
            disbursed_satang=result.disbursed_satang,
            disbursed_baht=baht_text(result.disbursed_satang, none="0"),
            notices=[
                NoticePublic(row=n.row, project_no=n.project_no, message=n.message)
                for n in result.notices
            ],
            plan_id=result.plan_id,
            plan_created=result.plan_created,
        )


async def _file(upload: UploadFile | None) -> bytes:
    data = await read_upload(upload, FILE_LABEL)
    if data is None:
        raise InvalidInput("กรุณาแนบไฟล์รายงานผล (CSV หรือ Excel .xlsx)", field="file")
    return data


@router.post(
    "/rounds/reports/{report_id}/import",
    response_model=RoundImportReport,
    status_code=status.HTTP_201_CREATED,
)
async def import_division_report(
    report_id: int,
    user: CurrentUser,
    engine: EngineDep,
    file: Annotated[UploadFile, File(description="ตารางรายงานผลของกอง (CSV หรือ XLSX)")],
    data_as_of: Annotated[date | None, Form(description="ข้อมูล ณ วันที่ (เว้นว่าง: วันของรอบ)")] = None,
) -> RoundImportReport:
    """The division's officers fill their report from their spreadsheet (a draft they still
    submit). A broken row refuses the file (422, every row in ``errors``); nothing is stored."""
    result = service.import_division_report(
        engine,
        user_id=user.id,  # type: ignore[arg-type]
        report_id=report_id,
        data=await _file(file),
        filename=file.filename,
        data_as_of=data_as_of,
    )
    return RoundImportReport.of(result)


@router.post(
    "/rounds/{round_id}/import",
    response_model=RoundImportReport,
    status_code=status.HTTP_201_CREATED,
)
async def import_round(
    round_id: int,
    user: CurrentUser,
    engine: EngineDep,
    file: Annotated[UploadFile, File(description="ตารางรายงานผลของทุกกอง (CSV หรือ XLSX)")],
    data_as_of: Annotated[date | None, Form(description="ข้อมูล ณ วันที่ (เว้นว่าง: วันของรอบ)")] = None,
) -> RoundImportReport:
    """Strategy and Budget (กย.) fills a whole round from one table; each division's report
    stays a draft its officers submit and its director approves."""
    result = service.import_round_results(
        engine,
        user_id=user.id,  # type: ignore[arg-type]
        round_id=round_id,
        data=await _file(file),
        filename=file.filename,
        data_as_of=data_as_of,
    )
    return RoundImportReport.of(result)


@router.post(
    "/history/import", response_model=RoundImportReport, status_code=status.HTTP_201_CREATED
)
async def import_history(
    user: CurrentUser,
    engine: EngineDep,
    file: Annotated[UploadFile, File(description="รายงานผลที่เผยแพร่แล้วของปีที่ผ่านมา (CSV หรือ XLSX)")],
    fiscal_year: Annotated[int, Form(ge=FIRST_YEAR, le=LAST_YEAR, description="ปีงบประมาณ (พ.ศ.)")],
    kind: Annotated[RoundKind, Form(description="6-month หรือ 12-month")] = RoundKind.twelve_month,
) -> RoundImportReport:
    """A past year's published report kept as a closed history round of its own plan."""
    result = service.import_history(
        engine,
        user_id=user.id,  # type: ignore[arg-type]
        fiscal_year=fiscal_year,
        kind=kind,
        data=await _file(file),
        filename=file.filename,
    )
    return RoundImportReport.of(result)


# --------------------------------------------------------------------------- the page


def _is_owner(session: Session, user: User) -> bool:
    try:
        check_owner(session, user)
    except DomainError:
        return False
    return True


def _context(session: Session, user: User) -> dict[str, Any]:
    open_rounds = list(
        session.exec(
            select(ReportingRound)
            .where(ReportingRound.status == RoundStatus.open)
            .order_by(col(ReportingRound.as_of).desc())
        )
    )
    reports = []
    if user.division_id is not None and open_rounds:
        reports = list(
            session.exec(
                select(DivisionReport, ReportingRound)
                .join(ReportingRound, col(ReportingRound.id) == col(DivisionReport.round_id))
                .where(
                    DivisionReport.division_id == user.division_id,
                    ReportingRound.status == RoundStatus.open,
                    col(DivisionReport.status).in_([s.value for s in EDITABLE]),
                )
                .order_by(col(ReportingRound.as_of).desc())
            )
        )
    return {
        "is_owner": _is_owner(session, user),
        "open_rounds": open_rounds,
        "reports": reports,
        "round_title": round_title,
        "kinds": list(RoundKind),
        "problems": [],
        "error": "",
        "status_titles": PROJECT_STATUS_TITLES,
    }


def _page(
    request: Request,
    user: User,
    session: Session,
    settings: Any,
    status_code: int = 200,
    **more: Any,
) -> HTMLResponse:
    ctx = _context(session, user) | more
    return render(
        request,
        "pdca/rounds/import.html",
        ctx,
        status_code=status_code,
        user=user,
        session=session,
        settings=settings,
    )


@pages.get("/import", response_class=HTMLResponse)
def import_page(
    request: Request, user: PageUser, session: SessionDep, settings: SettingsDep, flash: str = ""
) -> HTMLResponse:
    return _page(request, user, session, settings, flash=flash[:400])


def _data_date(text: str) -> date | None:
    if not text.strip():
        return None
    try:
        return parse_thai_date(text)
    except ValueError as exc:
        raise InvalidInput(str(exc), field="data_as_of") from None


def _flash(result: service.RoundImportResult, what: str) -> str:
    counts = ", ".join(
        f"{PROJECT_STATUS_TITLES[s]} {n}"
        for s, n in result.statuses.items()
        if n  # type: ignore[index]
    )
    disbursed = baht_text(result.disbursed_satang, none="0")
    text = f"{what}: {result.rows} โครงการ ({counts}) เบิกจ่ายรวม {disbursed} บาท"
    if result.notices:
        text += " — " + "; ".join(n.text() for n in result.notices[:3])
    return text


async def _upload(
    request: Request,
    user: User,
    session: Session,
    settings: Any,
    csrf: str,
    run: Any,
    what: str,
) -> Response:
    if not csrf_ok(request, settings, csrf):
        return _page(request, user, session, settings, 403, error="แบบฟอร์มหมดอายุ กรุณาลองใหม่อีกครั้ง")
    try:
        result = await run()
    except ImportRefused as exc:
        return _page(
            request,
            user,
            session,
            settings,
            422,
            problems=exc.problems,
            error=exc.message.split(" — ")[0],
        )
    except DomainError as exc:
        return _page(request, user, session, settings, status_of(exc), error=exc.message)
    return RedirectResponse(f"{PAGE}?{urlencode({'flash': _flash(result, what)})}", status_code=303)


@pages.post("/reports/{report_id}/import", response_class=HTMLResponse)
async def import_report_page(
    report_id: int,
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
    file: Annotated[UploadFile | None, File()] = None,
    data_as_of: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    async def run() -> service.RoundImportResult:
        return service.import_division_report(
            engine,
            user_id=user.id,  # type: ignore[arg-type]
            report_id=report_id,
            data=await _file(file),
            filename=file.filename if file else None,
            data_as_of=_data_date(data_as_of),
        )

    what = "นำเข้ารายงานของกองแล้ว (ร่าง กรุณาตรวจสอบแล้วส่งรายงาน)"
    return await _upload(request, user, session, settings, csrf, run, what)


@pages.post("/history/import", response_class=HTMLResponse)
async def import_history_page(
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
    file: Annotated[UploadFile | None, File()] = None,
    fiscal_year: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = RoundKind.twelve_month.value,
    csrf: Annotated[str, Form()] = "",
) -> Response:
    async def run() -> service.RoundImportResult:
        year = int(fiscal_year) if fiscal_year.strip().isdigit() else 0
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise InvalidInput("กรุณาระบุปีงบประมาณเป็น พ.ศ. เช่น 2565", field="fiscal_year")
        if kind not in {k.value for k in RoundKind}:
            raise InvalidInput("กรุณาเลือกรอบรายงาน", field="kind")
        return service.import_history(
            engine,
            user_id=user.id,  # type: ignore[arg-type]
            fiscal_year=year,
            kind=RoundKind(kind),
            data=await _file(file),
            filename=file.filename if file else None,
        )

    what = f"นำเข้ารายงานผลย้อนหลังปีงบประมาณ {fiscal_year} แล้ว (ปิดรอบ)"
    return await _upload(request, user, session, settings, csrf, run, what)


@pages.post("/{round_id}/import", response_class=HTMLResponse)
async def import_round_page(
    round_id: int,
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
    file: Annotated[UploadFile | None, File()] = None,
    data_as_of: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    async def run() -> service.RoundImportResult:
        return service.import_round_results(
            engine,
            user_id=user.id,  # type: ignore[arg-type]
            round_id=round_id,
            data=await _file(file),
            filename=file.filename if file else None,
            data_as_of=_data_date(data_as_of),
        )

    what = "นำเข้าผลทั้งรอบแล้ว (เป็นร่างให้แต่ละกองตรวจสอบและส่ง)"
    return await _upload(request, user, session, settings, csrf, run, what)


def install(app: Any) -> None:
    app.include_router(router)
    app.include_router(pages)
