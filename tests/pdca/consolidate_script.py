"""A 12-month round of the 56-project plan played through the rounds' use cases, as the tests
of the consolidated report need it: every division reports what ``script`` says (status and
amount per project, indicator values for completed projects), its director approves on a set
day (one division after the due date), under a controlled clock. The expectations the tests
compare with are computed from the plan's CSV file and the script, not from the database."""

import csv
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.db import in_transaction
from domain.engine.chains import LEVEL_STEP
from domain.engine.steps import decide, open_steps_of_case
from domain.pdca import rounds, rounds_service
from domain.pdca.rounds_entry import IndicatorEntry, ReportEntry, ResultEntry
from models.pdca import PlanProject, ProjectIndicator
from models.pdca_round import DivisionReport, ProjectStatus, RoundKind
from models.people import Division, User
from ops.demo_pdca import INDICATORS, PROJECTS
from tests.pdca.helpers import approved_plan

OFFICERS = {
    "สป.": "nipa",
    "กย.": "somchai",
    "คลัง": "kanokwan",
    "ช่าง": "piyawat",
    "สธ.": "jintana",
    "ศษ.": "orathai",
    "สส.": "siriporn",
    "กจ.": "pranee",
    "ตส.": "prapai",
}
DIRECTORS = {
    "สป.": "ratana",
    "กย.": "malee",
    "คลัง": "thawee",
    "ช่าง": "pornthip",
    "สธ.": "wanna",
    "ศษ.": "boonmee",
    "สส.": "sompong",
    "กจ.": "kittisak",
    "ตส.": "chaiwat",
}


@dataclass(frozen=True)
class Planned:
    no: int
    dimension: int
    division: str
    budget: int
    """Satang for the fiscal year, from the plan's CSV (``-``: 0)."""


def plan_rows(fiscal_year: int) -> dict[int, Planned]:
    with PROJECTS.open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    found = {}
    for r in rows:
        raw = r[f"budget_{fiscal_year}"].replace(",", "").strip()
        budget = 0 if raw in ("", "-") else int(Decimal(raw) * 100)
        no = int(r["no"])
        found[no] = Planned(no, int(r["dimension"].split(".")[0]), r["unit"], budget)
    return found


def indicator_rows() -> dict[int, list[tuple[int, str, Decimal, str]]]:
    """Project number → (seq, operator, target, text) in file order."""
    with INDICATORS.open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    found: dict[int, list[tuple[int, str, Decimal, str]]] = {}
    for r in rows:
        items = found.setdefault(int(r["project_no"]), [])
        items.append((len(items) + 1, r["operator"], Decimal(r["value"]), r["text"].strip()))
    return found


Script = Callable[[Planned], tuple[ProjectStatus, int]]


def script_2569(p: Planned) -> tuple[ProjectStatus, int]:
    """Statuses in a fixed pattern, amounts with odd satang; project 40 over its budget,
    project 7 could not be done yet has money disbursed."""
    if p.no == 40:
        return ProjectStatus.completed, p.budget + 1_234_567
    if p.no % 7 == 0:
        return ProjectStatus.not_done, 100_050 if p.no == 7 else 0
    status = ProjectStatus.in_progress if p.no % 7 in (1, 2) else ProjectStatus.completed
    paid = (p.budget * (p.no % 5 + 5)) // 10 + (p.no * 37 % 100) if p.budget else 0
    return status, paid


def script_2568(p: Planned) -> tuple[ProjectStatus, int]:
    """An earlier year: fewer projects done, half the budget spent."""
    if p.no % 4 == 0:
        return ProjectStatus.not_done, 0
    status = ProjectStatus.in_progress if p.no % 2 else ProjectStatus.completed
    return status, p.budget // 2


def indicator_value(no: int, operator: str, target: Decimal) -> Decimal:
    """Met (the target itself) unless the project's number is a multiple of 3."""
    return target - 1 if no % 3 == 0 else target


def half_up(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def play_round(
    engine: Engine,
    people: dict[str, User],
    plan_id: int,
    *,
    fiscal_year: int,
    script: Script,
    opened: str,
    submitted: str,
    approved: str,
    late: dict[str, str] | None = None,
) -> int:
    """Open the 12-month round, every division reports per ``script`` and submits, every
    director approves on ``approved`` (the divisions in ``late`` on their own day)."""
    late = late or {}
    found = rounds_service.open_round(
        engine,
        user_id=people["somchai"].id,  # type: ignore[arg-type]
        plan_id=plan_id,
        fiscal_year=fiscal_year,
        kind=RoundKind.twelve_month,
        now=at(opened),
    )
    round_id = found.round.id
    planned = plan_rows(fiscal_year)
    targets = indicator_rows()
    with Session(engine) as session:
        reports = [
            (r.id, d.code)
            for r, d in session.exec(
                select(DivisionReport, Division)
                .join(Division, col(Division.id) == col(DivisionReport.division_id))
                .where(DivisionReport.round_id == round_id)
            )
        ]
        ids = {
            (p.no, i.seq): i.id
            for p, i in session.exec(
                select(PlanProject, ProjectIndicator)
                .join(ProjectIndicator, col(ProjectIndicator.project_id) == col(PlanProject.id))
                .where(PlanProject.plan_id == plan_id)
            )
        }
        numbers = {
            code: [p.no for p in planned.values() if p.division == code] for _, code in reports
        }
    for report_id, code in reports:
        results = []
        for no in numbers[code]:
            status, paid = script(planned[no])
            indicators = []
            if status is ProjectStatus.completed:
                indicators = [
                    IndicatorEntry(
                        indicator_id=ids[(no, seq)], value=indicator_value(no, op, target)
                    )
                    for seq, op, target, _ in targets.get(no, [])
                ]
            results.append(
                ResultEntry(
                    project_no=no,
                    status=status,
                    reason="งบประมาณไม่ได้รับจัดสรร" if status is ProjectStatus.not_done else "",
                    disbursed_satang=paid,
                    note=f"ข้อมูลโครงการ {no}",
                    indicators=indicators,
                )
            )
        rounds_service.submit_report(
            engine,
            user_id=people[OFFICERS[code]].id,  # type: ignore[arg-type]
            report_id=report_id,
            entry=ReportEntry(results=results),
            now=at(submitted),
        )
        approve_division(
            engine, people[DIRECTORS[code]], round_id, report_id, late.get(code, approved)
        )
    return round_id  # type: ignore[return-value]


def approve_division(
    engine: Engine, director: User, round_id: int, report_id: int, when: str
) -> None:
    def work(session: Session) -> None:
        report = session.get(DivisionReport, report_id)
        assert report is not None
        (step,) = [
            s
            for s in open_steps_of_case(session, case_type=rounds.CASE_TYPE, case_id=round_id)
            if s.kind == LEVEL_STEP and s.assignee_division_id == report.division_id
        ]
        decide(
            session,
            step_id=step.id,  # type: ignore[arg-type]
            user=director,
            data={"outcome": "approve", "comment": "เห็นชอบ"},
            now=at(when),
        )

    in_transaction(engine, work)


def played_2569(engine: Engine, people: dict[str, User]) -> tuple[int, int]:
    """The approved plan and its 12-month round of 2569, every division approved by 27 Oct
    2026 (due 31 Oct) except Personnel (กจ.), approved on 4 Nov: (plan id, round id)."""
    plan = approved_plan(engine, people)
    round_id = play_round(
        engine,
        people,
        plan.id,  # type: ignore[arg-type]
        fiscal_year=2569,
        script=script_2569,
        opened="2026-10-01T02:00:00",
        submitted="2026-10-20T03:00:00",
        approved="2026-10-27T04:00:00",
        late={"กจ.": "2026-11-04T04:00:00"},
    )
    return plan.id, round_id  # type: ignore[return-value]
