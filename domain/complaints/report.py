"""The monthly complaint report to the executives (scheduled on the 1st, and on demand):
counts by status, category, channel and division; the solved share against the 90 % target;
the satisfied share (4–5 of 5) against the 85 % target; the median days to resolve; overdue
cases, chase notices and escalations to the mayor per division. Mailed as HTML, downloadable
as CSV.

Scope: complaints *registered* in the month (Bangkok time). Honest outcomes: the solved share
counts resolved complaints among those within the municipality's powers only; complaints
forwarded to an outside agency, merged as duplicates or withdrawn by the complainant are left
out of the denominator, and the report says so."""

import csv
import io
import statistics
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlmodel import Session, col, select

from core.db import utcnow
from core.settings import get_settings
from domain.complaints.states import CASE_TYPE
from domain.engine.calendar import BANGKOK, format_thai_date, to_buddhist_year, to_common_year
from domain.engine.notify import PdfAttachment, queue_email, render_email
from domain.errors import InvalidInput
from models.chase import AgendaItem, ChaseNotice
from models.complaint import (
    OPEN_STATUSES,
    Channel,
    Complaint,
    ComplaintCategory,
    ComplaintRating,
    ComplaintStatus,
    NoticeStage,
)
from models.people import Division, Position, User

SOLVED_TARGET = 0.90
SATISFIED_TARGET = 0.85
SATISFIED_FROM = 4
OUTSIDE_POWERS = frozenset(
    {ComplaintStatus.forwarded_outside, ComplaintStatus.duplicate, ComplaintStatus.withdrawn}
)
"""Not counted in the solved share's denominator."""
EXECUTIVE_POSITIONS = (Position.mayor, Position.deputy_mayor, Position.permanent_secretary)
REPORT_CASE_TYPE = "complaint_report"
TEMPLATE = "complaint_monthly_report"

THAI_MONTHS = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
SOLVED_NOTE = (
    "ร้อยละของเรื่องที่แก้ไขได้ คิดจากเรื่องที่อยู่ในอำนาจหน้าที่ของเทศบาลเท่านั้น "
    "ไม่นับเรื่องที่ส่งต่อหน่วยงานภายนอก เรื่องที่รวมกับเรื่องร้องเรียนที่ซ้ำกัน "
    "และเรื่องที่ผู้ร้องถอนเรื่อง"
)
SATISFIED_NOTE = (
    "ร้อยละความพึงพอใจ คิดจากเรื่องที่ผู้ร้องให้คะแนนแล้ว (คะแนนครั้งล่าสุดของแต่ละเรื่อง) "
    "พึงพอใจ หมายถึง 4–5 คะแนนจาก 5"
)
SCOPE_NOTE = "นับเฉพาะเรื่องร้องเรียนที่รับเข้าในเดือนที่รายงาน (ตามเวลาประเทศไทย)"
NO_DIVISION = "ยังไม่ได้ส่งหน่วยงาน / ไม่อยู่ในอำนาจหน้าที่"


class CountRow(BaseModel):
    code: str
    title: str
    count: int


class DivisionRow(BaseModel):
    division_id: int | None
    code: str | None
    name: str
    registered: int
    resolved: int
    open: int
    overdue: int
    notices: int
    """Chase notices (follow-up, first and second notice, receipt late) on its complaints."""
    escalations: int
    """Complaints escalated to the mayor and the follow-up meeting's agenda."""


class Share(BaseModel):
    numerator: int
    denominator: int
    share: float | None
    """numerator / denominator (None when there is nothing to count)."""
    percent: float | None
    target: float
    target_percent: float
    met: bool | None
    note: str


class MonthlyReport(BaseModel):
    year_be: int
    month: int
    month_title: str
    """e.g. "พฤศจิกายน 2569"."""
    starts_at: datetime
    ends_at: datetime
    as_of: datetime
    as_of_text: str
    total: int
    within_powers: int
    by_status: list[CountRow]
    by_category: list[CountRow]
    by_channel: list[CountRow]
    by_division: list[DivisionRow]
    solved: Share
    satisfied: Share
    ratings: dict[int, int]
    """Latest score per rated complaint: score -> complaints."""
    median_days_to_resolve: float | None
    resolved_count: int
    overdue: int
    notices: int
    escalations: int
    scope_note: str = SCOPE_NOTE

    @property
    def key(self) -> str:
        return f"{self.year_be}-{self.month:02d}"


def month_bounds(year_be: int, month: int, tz: ZoneInfo = BANGKOK) -> tuple[datetime, datetime]:
    """[start, end) of the Buddhist-Era month in Bangkok time, as aware datetimes."""
    if not 1 <= month <= 12:
        raise InvalidInput("เดือนต้องอยู่ระหว่าง 1 ถึง 12", field="month")
    try:
        year = to_common_year(year_be)
    except ValueError:
        raise InvalidInput("ปีต้องเป็นปีพุทธศักราช เช่น 2569", field="year") from None
    start = datetime(year, month, 1, tzinfo=tz)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return start, end


def previous_month(now: datetime | None = None) -> tuple[int, int]:
    """(year_be, month) of the month before ``now`` in Bangkok."""
    local = (now or utcnow()).astimezone(BANGKOK)
    year, month = (local.year, local.month - 1) if local.month > 1 else (local.year - 1, 12)
    return to_buddhist_year(year), month


def _share(num: int, den: int, target: float, note: str) -> Share:
    share = num / den if den else None
    return Share(
        numerator=num,
        denominator=den,
        share=share,
        percent=round(share * 100, 1) if share is not None else None,
        target=target,
        target_percent=round(target * 100, 1),
        met=share >= target if share is not None else None,
        note=note,
    )


def build_monthly_report(
    session: Session, *, year_be: int, month: int, as_of: datetime | None = None
) -> MonthlyReport:
    """The report of complaints registered in ``month`` of ``year_be``; overdue is judged at
    ``as_of`` (now by default): still open after the expected date."""
    start, end = month_bounds(year_be, month)
    as_of = as_of or utcnow()
    complaints = list(
        session.exec(
            select(Complaint)
            .where(Complaint.registered_at >= start, Complaint.registered_at < end)
            .order_by(col(Complaint.id))
        )
    )
    ids = [c.id for c in complaints]
    statuses = Counter(ComplaintStatus(c.status) for c in complaints)
    cats = {c.code: c.name for c in session.exec(select(ComplaintCategory))}
    divisions = {d.id: d for d in session.exec(select(Division))}

    latest: dict[int, tuple[int, int]] = {}  # complaint -> (round, score)
    notices: list[ChaseNotice] = []
    agenda: list[AgendaItem] = []
    if ids:
        for r in session.exec(
            select(ComplaintRating).where(col(ComplaintRating.complaint_id).in_(ids))
        ):
            if r.complaint_id not in latest or r.round > latest[r.complaint_id][0]:
                latest[r.complaint_id] = (r.round, r.score)
        notices = list(
            session.exec(
                select(ChaseNotice).where(
                    ChaseNotice.case_type == CASE_TYPE, col(ChaseNotice.case_id).in_(ids)
                )
            )
        )
        agenda = list(
            session.exec(
                select(AgendaItem).where(
                    AgendaItem.case_type == CASE_TYPE, col(AgendaItem.case_id).in_(ids)
                )
            )
        )
    by_complaint = {c.id: c for c in complaints}

    def is_overdue(c: Complaint) -> bool:
        return ComplaintStatus(c.status) in OPEN_STATUSES and c.expected_at < as_of

    resolved = [c for c in complaints if c.status == ComplaintStatus.resolved]
    within = [c for c in complaints if ComplaintStatus(c.status) not in OUTSIDE_POWERS]
    days = [
        (c.resolved_at - c.registered_at).total_seconds() / 86400
        for c in resolved
        if c.resolved_at is not None
    ]
    scores = [score for _, score in latest.values()]

    rows: dict[int | None, DivisionRow] = {}

    def row(division_id: int | None) -> DivisionRow:
        if division_id not in rows:
            d = divisions.get(division_id)
            rows[division_id] = DivisionRow(
                division_id=division_id,
                code=d.code if d else None,
                name=d.name if d else NO_DIVISION,
                registered=0,
                resolved=0,
                open=0,
                overdue=0,
                notices=0,
                escalations=0,
            )
        return rows[division_id]

    for c in complaints:
        r = row(c.division_id)
        r.registered += 1
        r.resolved += c.status == ComplaintStatus.resolved
        r.open += ComplaintStatus(c.status) in OPEN_STATUSES
        r.overdue += is_overdue(c)
    for n in notices:
        division_id = n.division_id if n.division_id else by_complaint[n.case_id].division_id
        if n.stage == NoticeStage.mayor:
            continue  # counted once, as the agenda item
        row(division_id).notices += 1
    for a in agenda:
        division_id = a.division_id if a.division_id else by_complaint[a.case_id].division_id
        row(division_id).escalations += 1

    ordered = sorted(
        rows.values(), key=lambda r: (r.division_id is None, -r.registered, r.code or "")
    )
    category_counts = Counter(c.category_code for c in complaints)
    channel_counts = Counter(Channel(c.channel) for c in complaints)
    return MonthlyReport(
        year_be=year_be,
        month=month,
        month_title=f"{THAI_MONTHS[month - 1]} {year_be}",
        starts_at=start,
        ends_at=end,
        as_of=as_of,
        as_of_text=format_thai_date(as_of, style="long", with_time=True),
        total=len(complaints),
        within_powers=len(within),
        by_status=[
            CountRow(code=s.value, title=s.thai, count=statuses[s]) for s in ComplaintStatus
        ],
        by_category=[
            CountRow(code=code, title=cats.get(code, code), count=n)
            for code, n in sorted(category_counts.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        by_channel=[
            CountRow(code=ch.value, title=ch.thai, count=channel_counts[ch]) for ch in Channel
        ],
        by_division=ordered,
        solved=_share(len(resolved), len(within), SOLVED_TARGET, SOLVED_NOTE),
        satisfied=_share(
            sum(s >= SATISFIED_FROM for s in scores), len(scores), SATISFIED_TARGET, SATISFIED_NOTE
        ),
        ratings={score: scores.count(score) for score in range(5, 0, -1)},
        median_days_to_resolve=round(statistics.median(days), 1) if days else None,
        resolved_count=len(resolved),
        overdue=sum(r.overdue for r in ordered),
        notices=sum(r.notices for r in ordered),
        escalations=sum(r.escalations for r in ordered),
    )


# --------------------------------------------------------------------------- CSV

CSV_HEADERS = ("หัวข้อ", "รายการ", "ตัวชี้วัด", "ค่า")


def _num(value: float | int | None) -> str:
    return "" if value is None else str(value)


def report_csv(report: MonthlyReport) -> str:
    """The report as CSV (UTF-8 with a BOM, so Excel shows the Thai): one value a row."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(CSV_HEADERS)
    title = f"รายงานเรื่องร้องเรียนประจำเดือน {report.month_title}"
    w.writerow(["รายงาน", title, "ขอบเขต", report.scope_note])
    w.writerow(["รายงาน", title, "ข้อมูล ณ", report.as_of_text])
    w.writerow(["ภาพรวม", "เรื่องร้องเรียนทั้งหมด", "จำนวนเรื่อง", report.total])
    w.writerow(["ภาพรวม", "เรื่องในอำนาจหน้าที่ของเทศบาล", "จำนวนเรื่อง", report.within_powers])
    for r in report.by_status:
        w.writerow(["สถานะ", r.title, "จำนวนเรื่อง", r.count])
    for r in report.by_category:
        w.writerow(["ประเภทเรื่อง", r.title, "จำนวนเรื่อง", r.count])
    for r in report.by_channel:
        w.writerow(["ช่องทาง", r.title, "จำนวนเรื่อง", r.count])
    for label, share in (
        ("ร้อยละของเรื่องที่แก้ไขได้", report.solved),
        ("ร้อยละความพึงพอใจ (4–5 คะแนน)", report.satisfied),
    ):
        w.writerow(["ผลสัมฤทธิ์", label, "จำนวนที่นับได้", share.numerator])
        w.writerow(["ผลสัมฤทธิ์", label, "ฐานที่ใช้คำนวณ", share.denominator])
        w.writerow(["ผลสัมฤทธิ์", label, "ร้อยละ", _num(share.percent)])
        w.writerow(["ผลสัมฤทธิ์", label, "เป้าหมาย (ร้อยละ)", share.target_percent])
        met = "" if share.met is None else ("ผ่านเป้าหมาย" if share.met else "ไม่ผ่านเป้าหมาย")
        w.writerow(["ผลสัมฤทธิ์", label, "ผลเทียบเป้าหมาย", met])
        w.writerow(["ผลสัมฤทธิ์", label, "หมายเหตุ", share.note])
    for score, n in report.ratings.items():
        w.writerow(["คะแนนความพึงพอใจ", f"{score} คะแนน", "จำนวนเรื่อง", n])
    w.writerow(
        [
            "ระยะเวลา",
            "ค่ามัธยฐานของจำนวนวันที่ใช้แก้ไข",
            "วัน",
            _num(report.median_days_to_resolve),
        ]
    )
    for d in report.by_division:
        for label, value in (
            ("รับเรื่อง", d.registered),
            ("แก้ไขแล้ว", d.resolved),
            ("ยังดำเนินการ", d.open),
            ("ค้างเกินกำหนด", d.overdue),
            ("หนังสือแจ้งเตือน", d.notices),
            ("รายงานนายกเทศมนตรี", d.escalations),
        ):
            w.writerow(["หน่วยงาน", d.name, label, value])
    return "\ufeff" + out.getvalue()


def csv_filename(report: MonthlyReport) -> str:
    return f"complaint-report-{report.key}.csv"


# --------------------------------------------------------------------------- mail


def executives(session: Session) -> list[User]:
    """The mayor, the deputy mayors and the permanent secretary (active)."""
    return list(
        session.exec(
            select(User)
            .where(
                col(User.position).in_([p.value for p in EXECUTIVE_POSITIONS]),
                User.active == True,  # noqa: E712
            )
            .order_by(col(User.id))
        )
    )


def pdf_url(report: MonthlyReport) -> str:
    """Where the month's report is downloaded as PDF (api/complaints/monthly_report_pdf.py)."""
    base = get_settings().public_base_url
    return f"{base}/api/complaints/reports/monthly.pdf?year={report.year_be}&month={report.month}"


def report_context(report: MonthlyReport, **extra: object) -> dict[str, object]:
    return {
        "report": report,
        "person_name": None,
        "pdf_url": pdf_url(report),
        "pdf_attached": False,
        **extra,
    }


def render_report_html(report: MonthlyReport) -> str:
    return render_email(TEMPLATE, report_context(report)).html


def report_case_id(report: MonthlyReport) -> int:
    """The outbox's case id of a month's report mail, e.g. 256911."""
    return report.year_be * 100 + report.month


def queue_monthly_report(
    session: Session,
    *,
    report: MonthlyReport,
    recipients: Sequence[User],
    attachment: PdfAttachment | None = None,
) -> int:
    """Put the report in the outbox for each recipient, once per month and recipient, with
    its PDF attached when given (else the mail links it). Returns how many mails were added
    (a repeat adds none)."""
    added = 0
    for person in recipients:
        added += queue_email(
            session,
            dedupe_key=f"complaint-report:{report.key}:{person.email}",
            to=person.email,
            template=TEMPLATE,
            context=report_context(
                report, person_name=person.full_name, pdf_attached=attachment is not None
            ),
            case_type=REPORT_CASE_TYPE,
            case_id=report_case_id(report),
            attachment=attachment,
        )
    return added
