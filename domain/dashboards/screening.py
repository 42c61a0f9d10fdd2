"""A screening round's funnel as the round's fairness report counts it
(``domain.screening.fairness.funnel``): counts only, never a name. A benefit given only on a
protected fact (the HIV allowance: HIV status is read by named welfare officers alone,
config/screening.toml [protection]) is left out: its count would tell how many in the round
live with HIV."""

from dataclasses import dataclass

from sqlmodel import Session, col, select

from domain.dashboards.choices import RoundChoice
from domain.errors import NotFound
from domain.screening.benefits_catalogue import catalogue
from domain.screening.fairness import FunnelStage, funnel
from models.screening import RoundStatus, ScreeningRound


@dataclass(frozen=True)
class ScreeningFigures:
    round: RoundChoice | None
    rounds: list[RoundChoice]
    stages: list[FunnelStage]
    benefits: list[FunnelStage]
    """Recipients of each benefit, the protected ones left out."""


def protected_benefits() -> frozenset[str]:
    """Funnel keys of the benefits given only on a protected fact."""
    return frozenset(
        f"benefit:{b.code}" for b in catalogue().benefit if b.when.hiv_positive_student
    )


def _title(round_: ScreeningRound) -> str:
    return f"{round_.title} (ขั้น{RoundStatus(round_.status).thai})"


CERTIFIED = (RoundStatus.notifying, RoundStatus.following_up, RoundStatus.closed)
"""Rounds whose list the executives have certified: the whole funnel has figures."""


def _default(rounds: list[ScreeningRound]) -> ScreeningRound | None:
    """The newest certified round, else the newest round."""
    certified = [r for r in rounds if RoundStatus(r.status) in CERTIFIED]
    return next(iter(certified or rounds), None)


def screening_figures(session: Session, round_id: int | None) -> ScreeningFigures:
    """The chosen round's funnel; by default the newest certified round (else the newest)."""
    rounds = list(
        session.exec(
            select(ScreeningRound).order_by(
                col(ScreeningRound.fiscal_year).desc(), col(ScreeningRound.id).desc()
            )
        )
    )
    choices = [RoundChoice(r.id, _title(r)) for r in rounds]  # type: ignore[arg-type]
    if round_id is None:
        first = _default(rounds)
        chosen = next((c for c in choices if first and c.id == first.id), None)
    else:
        chosen = next((c for c in choices if c.id == round_id), None)
        if chosen is None:
            raise NotFound("ไม่พบรอบการคัดกรองนี้")
    if chosen is None:
        return ScreeningFigures(round=None, rounds=choices, stages=[], benefits=[])
    figures = funnel(session, chosen.id)
    hidden = protected_benefits()
    return ScreeningFigures(
        round=chosen,
        rounds=choices,
        stages=figures.stages,
        benefits=[b for b in figures.benefits if b.key not in hidden],
    )
