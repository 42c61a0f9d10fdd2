"""What the consolidated report's pages share: the charts (progress by division and by dimension
as stacked bars, drawn server-side as inline SVG: the site's Content-Security-Policy forbids
outside scripts and inline styles, so geometry goes in SVG attributes), the Thai helpers the
templates call, and the report's files as responses."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fastapi.responses import JSONResponse, Response

from domain.engine.calendar import thai_date_text
from domain.pdca import consolidate_export as export
from domain.pdca.consolidate import Counts, percent_text
from domain.pdca.consolidate_service import ReportView
from domain.pdca.money import baht_text
from models.pdca import TargetOperator
from models.pdca_report import ConsolidatedStatus
from models.pdca_round import ProjectStatus, RoundKind, RoundSource

CHART_WIDTH = 100.0
"""Bars are drawn in a 0–100 user space and stretched to the column's width."""
SEGMENTS = (
    (ProjectStatus.completed, "ดำเนินการแล้วเสร็จ", "#15803d"),
    (ProjectStatus.in_progress, "อยู่ระหว่างดำเนินการ", "#2563eb"),
    (ProjectStatus.not_done, "ไม่สามารถดำเนินการได้", "#b91c1c"),
    (ProjectStatus.awaiting, "รอรายงาน", "#9ca3af"),
)


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    color: str
    label: str
    count: int


@dataclass(frozen=True)
class Bar:
    title: str
    counts: Counts
    segments: list[Segment]
    disbursed_width: float
    """The disbursed share as a bar (0–100, capped: a division over budget fills it)."""


def bars(groups: list[Counts]) -> list[Bar]:
    """One stacked bar per group: projects by status, widths in percent of the group."""
    found = []
    for group in groups:
        x, segments = 0.0, []
        total = group.projects or 1
        for status, label, color in SEGMENTS:
            n = group.by_status[status]
            if n:
                width = CHART_WIDTH * n / total
                segments.append(Segment(round(x, 3), round(width, 3), color, label, n))
                x += width
        share = group.disbursed_share
        found.append(
            Bar(
                title=group.title,
                counts=group,
                segments=segments,
                disbursed_width=float(min(share, Decimal(100))) if share is not None else 0.0,
            )
        )
    return found


def helpers() -> dict[str, Any]:
    return {
        "baht": baht_text,
        "percent": percent_text,
        "bars": bars,
        "legend": SEGMENTS,
        "statuses": [s for s, _, _ in SEGMENTS],
        "status_order": (
            ProjectStatus.awaiting,
            ProjectStatus.in_progress,
            ProjectStatus.completed,
            ProjectStatus.not_done,
        ),
        "status_thai": lambda s: ProjectStatus(s).thai,
        "report_status_thai": lambda s: ConsolidatedStatus(s).thai,
        "kind_thai": lambda k: RoundKind(k).thai,
        "source_thai": lambda s: RoundSource(s).thai,
        "operator_thai": lambda v: TargetOperator(v).thai,
        "number": lambda d: f"{d.normalize():f}",
        "day": lambda d: thai_date_text(d, with_time=False),
        "moment": lambda d: thai_date_text(d),
    }


def file_response(view: ReportView, ext: str) -> Response:
    name = export.filename(view, ext)
    if ext == "json":
        return JSONResponse(
            export.report_json(view),
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    return Response(
        content=export.report_csv(view).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
