"""The dashboards as JSON: what the page's charts draw and what /api/dashboards answers. Counts
and shares only."""

from decimal import Decimal
from typing import Any

from domain.dashboards.complaints import ComplaintFigures
from domain.dashboards.overdue import OverdueFigures
from domain.dashboards.pdca import PdcaFigures
from domain.dashboards.screening import ScreeningFigures
from domain.dashboards.service import Dashboard
from domain.pdca.consolidate import Counts


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def complaints_json(c: ComplaintFigures) -> dict[str, Any]:
    return {
        "fiscal_year": c.fiscal_year,
        "targets_percent": {"solved": c.solved_target, "satisfied": c.satisfied_target},
        "total": c.total,
        "solved_percent": c.solved_percent,
        "satisfied_percent": c.satisfied_percent,
        "months": [vars(m) for m in c.months],
        "divisions": [
            {
                "code": d.code,
                "name": d.name,
                "registered": d.registered,
                "resolved": d.resolved,
                "open": d.open,
                "overdue": d.overdue,
                "within_powers": d.within_powers,
                "solved_percent": d.solved_percent,
                "rated": d.rated,
                "satisfied": d.satisfied,
                "satisfied_percent": d.satisfied_percent,
            }
            for d in c.divisions
        ],
    }


def screening_json(s: ScreeningFigures) -> dict[str, Any]:
    return {
        "round": vars(s.round) if s.round else None,
        "rounds": [vars(r) for r in s.rounds],
        "stages": [vars(x) for x in s.stages],
        "benefits": [vars(x) for x in s.benefits],
    }


def _counts(c: Counts) -> dict[str, Any]:
    return {
        "key": c.key,
        "title": c.title,
        "projects": c.projects,
        "by_status": {status.value: n for status, n in c.by_status.items()},
        "practice_percent": _number(c.practice_share),
        "budget_satang": c.budget_satang,
        "disbursed_satang": c.disbursed_satang,
    }


def pdca_json(p: PdcaFigures) -> dict[str, Any]:
    return {
        "round": vars(p.round) if p.round else None,
        "rounds": [vars(r) for r in p.rounds],
        "statuses": [{"status": s, "title": t} for s, t in p.statuses],
        "divisions": [_counts(c) for c in p.divisions],
        "dimensions": [_counts(c) for c in p.dimensions],
        "overall": _counts(p.figures.overall) if p.figures else None,
    }


def overdue_json(o: OverdueFigures) -> dict[str, Any]:
    return {
        "total": o.total,
        "workflows": [{"case_type": t, "title": title} for t, title in o.workflows],
        "divisions": [
            {"code": r.code, "name": r.name, "total": r.total, "by_workflow": r.by_workflow}
            for r in o.rows
        ],
    }


def dashboard_json(d: Dashboard) -> dict[str, Any]:
    return {
        "as_of": d.as_of.isoformat(),
        "as_of_text": d.as_of_text,
        "complaints": complaints_json(d.complaints),
        "screening": screening_json(d.screening),
        "pdca": pdca_json(d.pdca),
        "overdue": overdue_json(d.overdue),
    }
