"""What a division enters in its report: each project's status (with the reason when it could
not be done), amount disbursed, indicator values (met or not is computed from the indicator's
target), a note with the date of the data, and evidence files. Checked whole: a broken entry
names its project and nothing of the request is stored."""

import hashlib
from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session, col, select

from domain.engine.calendar import BANGKOK, fiscal_year_bounds
from domain.errors import Conflict, InvalidInput, NotEntitled
from domain.pdca.rounds import EDITABLE, division_of
from domain.pdca.rounds_policy import RoundPolicy
from domain.pdca.rounds_results import project_label, results_of
from models.pdca import PlanProject, ProjectIndicator, TargetOperator
from models.pdca_round import (
    DivisionReport,
    IndicatorResult,
    ProjectResult,
    ProjectStatus,
    ReportingRound,
    ResultEvidence,
    RoundStatus,
)
from models.people import User

MAX_SATANG = 10**13
"""One hundred billion baht: more than any municipal project; beyond it is a typing slip."""
MAX_VALUE = Decimal("999999999999.99")


class IndicatorEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    indicator_id: int = Field(ge=1, le=2**31 - 1)
    value: Decimal = Field(description="ค่าที่ได้ตามตัวชี้วัด")


class ResultEntry(BaseModel):
    """One project's result as the division enters it."""

    model_config = ConfigDict(extra="forbid")

    project_no: int = Field(ge=1, le=10_000, description="ลำดับโครงการในแผน")
    status: ProjectStatus
    reason: str = Field(default="", max_length=4000, description="เหตุผลที่ไม่สามารถดำเนินการได้")
    disbursed_satang: int = Field(default=0, description="เบิกจ่าย (สตางค์)")
    note: str = Field(default="", max_length=4000)
    data_as_of: date | None = Field(default=None, description="ข้อมูล ณ วันที่")
    indicators: list[IndicatorEntry] = Field(default_factory=list, max_length=50)


class ReportEntry(BaseModel):
    """A division's report, all or some of its projects (the rest stay as they are)."""

    model_config = ConfigDict(extra="forbid")

    data_as_of: date | None = Field(default=None, description="ข้อมูลของกอง ณ วันที่")
    results: list[ResultEntry] = Field(default_factory=list, max_length=500)


def meets(operator: TargetOperator | str, value: Decimal, target: Decimal) -> bool:
    """Whether ``value`` meets the target (``>= 80`` …)."""
    match TargetOperator(operator):
        case TargetOperator.at_least:
            return value >= target
        case TargetOperator.more_than:
            return value > target
        case TargetOperator.at_most:
            return value <= target
        case TargetOperator.less_than:
            return value < target
        case TargetOperator.equal:
            return value == target


def check_editable(
    session: Session, rnd: ReportingRound, report: DivisionReport, user: User
) -> None:
    """Only the division's own people change its report, while the round is open and the
    report is not submitted (or was sent back)."""
    division = division_of(session, report)
    if not user.active or user.division_id != report.division_id:
        raise NotEntitled(f"เฉพาะบุคลากรของ{division.name}รายงานผลของกองนี้ได้")
    if rnd.status != RoundStatus.open:
        raise Conflict("รอบการรายงานนี้ปิดแล้ว")
    if report.status not in EDITABLE:
        raise Conflict(f"รายงานของ{division.name}ส่งแล้ว แก้ไขได้เมื่อผู้อำนวยการกองส่งกลับ")


def _check_date(rnd: ReportingRound, value: date | None, today: date, label: str) -> str | None:
    if value is None:
        return None
    first, _ = fiscal_year_bounds(rnd.fiscal_year)
    if value < first:
        return f"{label}: วันที่ของข้อมูลต้องไม่ก่อนวันเริ่มปีงบประมาณ {rnd.fiscal_year}"
    if value > today:
        return f"{label}: วันที่ของข้อมูลต้องไม่เกินวันนี้"
    return None


def _problems_of(
    entry: ResultEntry,
    project: PlanProject,
    indicators: dict[int, ProjectIndicator],
    rnd: ReportingRound,
    today: date,
) -> list[str]:
    label = project_label(project)
    found = []
    if entry.status == ProjectStatus.not_done and not entry.reason.strip():
        found.append(f"{label}: ไม่สามารถดำเนินการได้ กรุณาระบุเหตุผล")
    if entry.disbursed_satang < 0:
        found.append(f"{label}: จำนวนเงินเบิกจ่ายติดลบไม่ได้")
    elif entry.disbursed_satang > MAX_SATANG:
        found.append(f"{label}: จำนวนเงินเบิกจ่ายสูงเกินกว่าที่เป็นไปได้")
    problem = _check_date(rnd, entry.data_as_of, today, label)
    if problem:
        found.append(problem)
    seen = set()
    for given in entry.indicators:
        indicator = indicators.get(given.indicator_id)
        if indicator is None:
            found.append(f"{label}: ไม่มีตัวชี้วัดเลขที่ {given.indicator_id} ในโครงการนี้")
            continue
        if given.indicator_id in seen:
            found.append(f"{label}: กรอกตัวชี้วัดที่ {indicator.seq} ซ้ำ")
        seen.add(given.indicator_id)
        value = given.value
        if not value.is_finite() or abs(value) > MAX_VALUE or value != round(value, 2):
            found.append(f"{label}: ค่าตัวชี้วัดที่ {indicator.seq} ต้องเป็นตัวเลข ทศนิยมไม่เกิน 2 ตำแหน่ง")
        elif value < 0:
            found.append(f"{label}: ค่าตัวชี้วัดที่ {indicator.seq} ติดลบไม่ได้")
    return found


def save_entry(
    session: Session,
    *,
    rnd: ReportingRound,
    report: DivisionReport,
    user: User,
    entry: ReportEntry,
    now: datetime,
) -> list[ProjectResult]:
    """Store the division's entries after checking every one; any problem refuses all of them
    (``InvalidInput`` naming each project) before anything is written."""
    check_editable(session, rnd, report, user)
    today = now.astimezone(BANGKOK).date()
    division = division_of(session, report)
    mine = {project.no: (result, project) for result, project in results_of(session, report)}
    indicators: dict[int, dict[int, ProjectIndicator]] = {}
    for indicator in session.exec(
        select(ProjectIndicator).where(
            col(ProjectIndicator.project_id).in_([p.id for _, p in mine.values()])
        )
    ):
        indicators.setdefault(indicator.project_id, {})[indicator.id] = indicator  # type: ignore[index]
    problems = []
    problem = _check_date(rnd, entry.data_as_of, today, "ข้อมูลของกอง")
    if problem:
        problems.append(problem)
    numbers = [e.project_no for e in entry.results]
    for no in sorted({n for n in numbers if numbers.count(n) > 1}):
        problems.append(f"โครงการลำดับที่ {no}: กรอกซ้ำในรายงานเดียวกัน")
    for given in entry.results:
        if given.project_no not in mine:
            problems.append(
                f"โครงการลำดับที่ {given.project_no}: ไม่อยู่ในรายงานของ{division.name}ในรอบนี้"
            )
            continue
        _, project = mine[given.project_no]
        problems += _problems_of(given, project, indicators.get(project.id, {}), rnd, today)  # type: ignore[arg-type]
    if problems:
        raise InvalidInput(
            "บันทึกรายงานไม่ได้ ไม่มีการบันทึกข้อมูลใด ๆ — "
            + "; ".join(problems[:5])
            + (f" และอีก {len(problems) - 5} รายการ" if len(problems) > 5 else ""),
            errors=[{"field": "results", "message": p} for p in problems],
        )
    if entry.data_as_of is not None:
        report.data_as_of = entry.data_as_of
        session.add(report)
    saved = []
    for given in entry.results:
        result, project = mine[given.project_no]
        result.status = given.status
        result.reason = given.reason.strip()
        result.disbursed_satang = given.disbursed_satang
        result.note = given.note.strip()
        result.data_as_of = given.data_as_of
        result.updated_at = now
        result.updated_by_id = user.id
        session.add(result)
        _store_indicators(session, result, given, indicators.get(project.id, {}))  # type: ignore[arg-type]
        saved.append(result)
    session.flush()
    return saved


def _store_indicators(
    session: Session,
    result: ProjectResult,
    given: ResultEntry,
    indicators: dict[int, ProjectIndicator],
) -> None:
    stored = {
        r.indicator_id: r
        for r in session.exec(
            select(IndicatorResult).where(IndicatorResult.project_result_id == result.id)
        )
    }
    for value in given.indicators:
        indicator = indicators[value.indicator_id]
        row = stored.get(value.indicator_id) or IndicatorResult(
            project_result_id=result.id,  # type: ignore[arg-type]
            indicator_id=value.indicator_id,
            value=value.value,
            met=False,
        )
        row.value = value.value
        row.met = meets(indicator.target_operator, value.value, indicator.target_value)
        session.add(row)


# --------------------------------------------------------------------------- evidence

SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (b"PK\x03\x04",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (b"PK\x03\x04",),
}
"""What a file of each accepted type starts with: the declared type must match the bytes."""


def add_evidence(
    session: Session,
    *,
    rnd: ReportingRound,
    report: DivisionReport,
    user: User,
    project_no: int,
    filename: str,
    content_type: str,
    data: bytes,
    policy: RoundPolicy,
    now: datetime,
) -> ResultEvidence:
    """Attach an evidence file to one project's result of the division's report."""
    check_editable(session, rnd, report, user)
    mine = {project.no: (result, project) for result, project in results_of(session, report)}
    if project_no not in mine:
        division = division_of(session, report)
        raise InvalidInput(
            f"โครงการลำดับที่ {project_no}: ไม่อยู่ในรายงานของ{division.name}ในรอบนี้",
            field="project_no",
        )
    result, project = mine[project_no]
    label = project_label(project)
    name = (filename or "").strip().replace("\\", "/").rsplit("/", 1)[-1][:255]
    if not data or not name:
        raise InvalidInput(f"{label}: กรุณาแนบไฟล์หลักฐาน", field="file")
    if len(data) > policy.evidence_max_bytes:
        limit = policy.evidence_max_bytes // (1024 * 1024)
        raise InvalidInput(f"{label}: ไฟล์หลักฐานใหญ่เกิน {limit} MB", field="file")
    kind = content_type.split(";")[0].strip().lower()
    if kind not in policy.evidence_types or not data.startswith(SIGNATURES.get(kind, (b"",))):
        raise InvalidInput(
            f"{label}: รับไฟล์หลักฐานเฉพาะ PDF, JPEG, PNG, Excel (.xlsx) หรือ Word (.docx)",
            field="file",
        )
    evidence = ResultEvidence(
        project_result_id=result.id,  # type: ignore[arg-type]
        filename=name,
        content_type=kind,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        uploaded_at=now,
        uploaded_by_id=user.id,
    )
    session.add(evidence)
    session.flush()
    return evidence
