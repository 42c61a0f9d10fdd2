"""Open human steps past their due time, by the division that must act and by workflow:
one grouped query over the engine's steps (``models.steps.HumanStep``). A step named to a
person counts in that person's division; to a position of the whole municipality (the mayor,
the permanent secretary) under the executives; to a committee under committees. Sealed
workflows (the corruption-report channel) are left out: their steps are nobody else's to count."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from domain.engine.registry import installed
from models.people import Division, User
from models.steps import AssigneeKind, HumanStep, StepStatus

EXECUTIVES_ROW = "ผู้บริหาร (ไม่สังกัดกอง)"
COMMITTEES_ROW = "คณะกรรมการ"


@dataclass
class OverdueRow:
    code: str | None
    name: str
    by_workflow: dict[str, int] = field(default_factory=dict)
    """Case type -> overdue steps."""

    @property
    def total(self) -> int:
        return sum(self.by_workflow.values())


@dataclass(frozen=True)
class OverdueFigures:
    workflows: list[tuple[str, str]]
    """(case type, Thai title) of the workflows with overdue steps."""
    rows: list[OverdueRow]

    @property
    def total(self) -> int:
        return sum(r.total for r in self.rows)


def overdue_by_division(session: Session, *, now: datetime) -> OverdueFigures:
    """Steps still open and due before ``now``, most overdue division first."""
    by_type = {w.case_type: w for w in installed().values()}
    counted = [t for t, w in by_type.items() if not w.sealed]
    person = aliased(User)
    division_id = func.coalesce(HumanStep.assignee_division_id, person.division_id)
    found = session.exec(
        select(
            HumanStep.case_type,
            HumanStep.assignee_kind,
            division_id,
            func.count(),
        )
        .outerjoin(person, col(person.id) == HumanStep.assignee_user_id)
        .where(
            HumanStep.status == StepStatus.open,
            HumanStep.due_at < now,
            col(HumanStep.case_type).in_(counted),
        )
        .group_by(HumanStep.case_type, HumanStep.assignee_kind, division_id)
    ).all()
    divisions = {d.id: d for d in session.exec(select(Division))}
    rows: dict[str, OverdueRow] = {}
    for case_type, kind, div_id, n in found:
        if div_id is not None:
            d = divisions[div_id]
            code, name = d.code, d.name
        elif AssigneeKind(kind) == AssigneeKind.committee:
            code, name = None, COMMITTEES_ROW
        else:
            code, name = None, EXECUTIVES_ROW
        row = rows.setdefault(name, OverdueRow(code=code, name=name))
        row.by_workflow[case_type] = row.by_workflow.get(case_type, 0) + int(n)
    types = sorted({t for r in rows.values() for t in r.by_workflow})
    return OverdueFigures(
        workflows=[(t, by_type[t].title) for t in types],
        rows=sorted(rows.values(), key=lambda r: (-r.total, r.name)),
    )
