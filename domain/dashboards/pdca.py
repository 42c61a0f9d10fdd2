"""A PDCA reporting round's progress by division and by dimension: the consolidated report's
own counts (``domain.pdca.consolidate.consolidate``), projects per status."""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from domain.dashboards.choices import RoundChoice
from domain.errors import NotFound
from domain.pdca.consolidate import STATUSES, Consolidated, Counts, consolidate
from domain.pdca.consolidate_rules import round_title
from models.pdca_round import ReportingRound, RoundKind


@dataclass(frozen=True)
class PdcaFigures:
    round: RoundChoice | None
    rounds: list[RoundChoice]
    statuses: list[tuple[str, str]]
    """(status, Thai title), in the report's column order."""
    figures: Consolidated | None

    @property
    def divisions(self) -> list[Counts]:
        return self.figures.divisions if self.figures else []

    @property
    def dimensions(self) -> list[Counts]:
        return self.figures.dimensions if self.figures else []


def pdca_figures(session: Session, round_id: int | None, *, today: date) -> PdcaFigures:
    """The chosen round's figures; by default the newest round (latest year, 12 months
    before 6 in the same year)."""
    rounds = sorted(
        session.exec(select(ReportingRound).order_by(col(ReportingRound.id))),
        key=lambda r: (r.fiscal_year, RoundKind(r.kind) == RoundKind.twelve_month),
        reverse=True,
    )
    if round_id is None:
        chosen = rounds[0] if rounds else None
    else:
        chosen = next((r for r in rounds if r.id == round_id), None)
        if chosen is None:
            raise NotFound("ไม่พบรอบการรายงานนี้")
    return PdcaFigures(
        round=RoundChoice(chosen.id, round_title(chosen)) if chosen else None,  # type: ignore[arg-type]
        rounds=[RoundChoice(r.id, round_title(r)) for r in rounds],  # type: ignore[arg-type]
        statuses=[(s.value, s.thai) for s in STATUSES],
        figures=consolidate(session, chosen, today=today) if chosen else None,
    )
