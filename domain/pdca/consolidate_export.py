"""The consolidated report as files: CSV (UTF-8 with BOM, so that Excel reads the Thai) in the
municipality's own report columns (the same headings the round import reads, so a published
table can be imported as another year's history), and JSON with every figure (money in satang
and as baht text, shares as text with two decimals)."""

import csv
import io
from typing import Any

from domain.pdca.consolidate import Counts, percent_text
from domain.pdca.consolidate_service import ReportView
from domain.pdca.money import baht_plain, baht_text
from models.pdca_report import ConsolidatedStatus
from models.pdca_round import ProjectStatus, RoundKind, RoundSource

STATUS_COLUMNS = (
    (ProjectStatus.awaiting, "รอรายงาน"),
    (ProjectStatus.in_progress, "อยู่ระหว่างดำเนินการ"),
    (ProjectStatus.completed, "ดำเนินการแล้วเสร็จ"),
    (ProjectStatus.not_done, "ไม่สามารถดำเนินการได้"),
)
HEADINGS = (
    "ลำดับ",
    "รายการโครงการ",
    "มิติ",
    "หน่วยงาน",
    "งบประมาณ",
    "เบิกจ่าย",
    *(title for _, title in STATUS_COLUMNS),
    "หมายเหตุ",
)
MARK = "✓"


def filename(view: ReportView, ext: str) -> str:
    r = view.round
    return f"pdca-report-{r.fiscal_year}-{RoundKind(r.kind).value}-round{r.id}.{ext}"


def report_csv(view: ReportView) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADINGS)
    for line in view.figures.lines:
        note = line.note
        if line.status is ProjectStatus.not_done and line.reason:
            note = f"{line.reason} {note}".strip()
        writer.writerow(
            [
                line.no,
                line.name,
                line.dimension_no,
                line.division,
                baht_plain(line.budget_satang),
                baht_plain(line.disbursed_satang),
                *(MARK if line.status is status else "" for status, _ in STATUS_COLUMNS),
                note,
            ]
        )
    total = view.figures.overall
    writer.writerow(
        [
            "",
            "รวม",
            "",
            "",
            baht_plain(total.budget_satang),
            baht_plain(total.disbursed_satang),
            *(total.by_status[status] for status, _ in STATUS_COLUMNS),
            f"เบิกจ่ายร้อยละ {percent_text(total.disbursed_share)} "
            f"นำแผนไปสู่การปฏิบัติร้อยละ {percent_text(total.practice_share)}",
        ]
    )
    return out.getvalue()


def _counts(c: Counts) -> dict[str, Any]:
    return {
        "key": c.key,
        "title": c.title,
        "projects": c.projects,
        "by_status": {s.value: c.by_status[s] for s in ProjectStatus},
        "budget_satang": c.budget_satang,
        "budget_baht": baht_text(c.budget_satang),
        "disbursed_satang": c.disbursed_satang,
        "disbursed_baht": baht_text(c.disbursed_satang),
        "disbursed_share_percent": percent_text(c.disbursed_share),
        "put_into_practice": c.put_into_practice,
        "practice_share_percent": percent_text(c.practice_share),
    }


def report_json(view: ReportView) -> dict[str, Any]:
    f, r, report = view.figures, view.round, view.report
    return {
        "round": {
            "id": r.id,
            "plan_id": r.plan_id,
            "plan_name": f.plan.name,
            "fiscal_year": r.fiscal_year,
            "kind": RoundKind(r.kind).value,
            "title": view.title,
            "as_of": r.as_of.isoformat(),
            "due_on": r.due_on.isoformat(),
            "source": RoundSource(r.source).value,
        },
        "report": {
            "status": report.status if report else None,
            "status_thai": ConsolidatedStatus(report.status).thai if report else None,
            "problems": report.problems if report else "",
            "suggestions": report.suggestions if report else "",
            "submitted_at": report.submitted_at.isoformat()
            if report and report.submitted_at
            else None,
            "approved_at": report.approved_at.isoformat()
            if report and report.approved_at
            else None,
            "published_at": report.published_at.isoformat()
            if report and report.published_at
            else None,
        },
        "rounding": "ร้อยละทศนิยม 2 ตำแหน่ง ปัดครึ่งขึ้น (ROUND_HALF_UP)",
        "overall": _counts(f.overall),
        "dimensions": [_counts(c) for c in f.dimensions],
        "divisions": [_counts(c) for c in f.divisions],
        "indicators": {
            "total": f.indicators_total,
            "reported": f.indicators_reported,
            "met": f.indicators_met,
            "met_share_percent": percent_text(f.indicators_met_share),
        },
        "projects": [
            {
                "no": line.no,
                "code": line.code,
                "name": line.name,
                "dimension": line.dimension_no,
                "division": line.division,
                "plan_division": line.plan_division,
                "budget_satang": line.budget_satang,
                "disbursed_satang": line.disbursed_satang,
                "status": line.status.value,
                "counted": line.counted,
                "reason": line.reason,
                "note": line.note,
                "data_as_of": line.data_as_of.isoformat() if line.data_as_of else None,
            }
            for line in f.lines
        ],
        "anomalies": [
            {
                "kind": a.kind.value,
                "title": a.title,
                "division": a.division,
                "project_no": a.project_no,
                "detail": a.detail,
            }
            for a in f.anomalies
        ],
        "year_on_year": {
            "years": [
                {
                    "fiscal_year": y.fiscal_year,
                    "round_id": y.round_id,
                    "history": y.history,
                    "projects": y.projects,
                    "put_into_practice": y.put_into_practice,
                    "practice_share_percent": percent_text(y.practice_share),
                    "budget_satang": y.budget_satang,
                    "disbursed_satang": y.disbursed_satang,
                    "disbursed_share_percent": percent_text(y.disbursed_share),
                }
                for y in view.yoy.years
            ],
            "indicators": [
                {
                    "project_no": i.project_no,
                    "text": i.text,
                    "unit": i.unit,
                    "years": {
                        str(y): {"value": f"{v.normalize():f}", "met": met}
                        for y, (v, met) in sorted(i.years.items())
                    },
                }
                for i in view.yoy.indicators
            ],
        },
    }
