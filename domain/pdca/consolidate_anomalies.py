"""What looks wrong in a round, flagged on the consolidated report for Strategy and Budget to
check before it goes up: money disbursed above the year's budget, money disbursed on a project
that could not be done, a project reported by another division than the plan names, and
division reports missing (not approved by the due date) or late (approved after it)."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlmodel import Session, col, select

from domain.engine.calendar import BANGKOK, thai_date_text
from domain.pdca.money import baht_text
from models.pdca_round import (
    DivisionReport,
    ProjectStatus,
    ReportingRound,
    ReportStatus,
    RoundSource,
    RoundStatus,
)
from models.people import Division

if TYPE_CHECKING:
    from domain.pdca.consolidate import ProjectLine


class AnomalyKind(StrEnum):
    over_budget = "over_budget"
    disbursed_not_done = "disbursed_not_done"
    division_changed = "division_changed"
    missing_report = "missing_report"
    late_report = "late_report"

    @property
    def thai(self) -> str:
        return ANOMALY_TITLES[self]


ANOMALY_TITLES = {
    AnomalyKind.over_budget: "เบิกจ่ายเกินงบประมาณ",
    AnomalyKind.disbursed_not_done: "มีการเบิกจ่ายในโครงการที่ไม่สามารถดำเนินการได้",
    AnomalyKind.division_changed: "หน่วยงานที่รายงานไม่ตรงกับแผน",
    AnomalyKind.missing_report: "ไม่ได้รายงานผล (ผู้อำนวยการกองยังไม่เห็นชอบภายในกำหนด)",
    AnomalyKind.late_report: "รายงานผลล่าช้า (เห็นชอบหลังวันกำหนดส่ง)",
}


@dataclass(frozen=True)
class Anomaly:
    kind: AnomalyKind
    division: str
    detail: str
    project_no: int | None = None

    @property
    def title(self) -> str:
        return self.kind.thai


def _project_anomalies(lines: "list[ProjectLine]") -> list[Anomaly]:
    found = []
    for line in lines:
        if not line.counted:
            continue
        if line.disbursed_satang > line.budget_satang:
            over = line.disbursed_satang - line.budget_satang
            found.append(
                Anomaly(
                    AnomalyKind.over_budget,
                    line.division_name,
                    f"เบิกจ่าย {baht_text(line.disbursed_satang)} บาท งบประมาณ "
                    f"{baht_text(line.budget_satang)} บาท เกิน {baht_text(over)} บาท",
                    line.no,
                )
            )
        if line.status is ProjectStatus.not_done and line.disbursed_satang > 0:
            found.append(
                Anomaly(
                    AnomalyKind.disbursed_not_done,
                    line.division_name,
                    f"รายงานว่าไม่สามารถดำเนินการได้ แต่เบิกจ่าย {baht_text(line.disbursed_satang)} บาท",
                    line.no,
                )
            )
        if line.division != line.plan_division:
            found.append(
                Anomaly(
                    AnomalyKind.division_changed,
                    line.division_name,
                    f"แผนกำหนดให้ {line.plan_division} รับผิดชอบ แต่ {line.division} เป็นผู้รายงาน",
                    line.no,
                )
            )
    return found


@cache
def _reports() -> sa.Select:  # type: ignore[type-arg]
    """Each division's report of a round: division name, status, approval time."""
    return (
        select(col(Division.name), col(DivisionReport.status), col(DivisionReport.approved_at))
        .join(Division, col(Division.id) == col(DivisionReport.division_id))
        .where(col(DivisionReport.round_id) == sa.bindparam("round_id"))
        .order_by(col(Division.name))
    )


def _report_anomalies(session: Session, round_: ReportingRound, today: date) -> list[Anomaly]:
    """Division reports not approved by the due date (once it has passed or the round is
    closed), and those approved after it. History rounds have no deadlines to keep."""
    if RoundSource(round_.source) is RoundSource.history:
        return []
    rows = session.execute(_reports(), {"round_id": round_.id}).all()
    past_due = today > round_.due_on or RoundStatus(round_.status) is RoundStatus.closed
    due = thai_date_text(round_.due_on, with_time=False)
    found = []
    for division, status, approved_at in rows:
        approved = ReportStatus(status) is ReportStatus.approved
        if not approved and past_due:
            found.append(
                Anomaly(
                    AnomalyKind.missing_report,
                    division,
                    f"กำหนดส่ง {due} สถานะ: {ReportStatus(status).thai}",
                )
            )
        elif approved and approved_at is not None:
            on = approved_at.astimezone(BANGKOK).date()
            if on > round_.due_on:
                found.append(
                    Anomaly(
                        AnomalyKind.late_report,
                        division,
                        f"กำหนดส่ง {due} เห็นชอบเมื่อ {thai_date_text(on, with_time=False)} "
                        f"ช้า {(on - round_.due_on).days} วัน",
                    )
                )
    return found


def find_anomalies(
    session: Session, round_: ReportingRound, lines: "list[ProjectLine]", *, today: date
) -> list[Anomaly]:
    return _report_anomalies(session, round_, today) + _project_anomalies(lines)
