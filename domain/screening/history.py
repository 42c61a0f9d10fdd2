"""A person's history, shown with every nomination: the earlier rounds they were candidates
in (and how each ended), and the help they received in the past year. Help is recorded by the
benefits module; it is read through ``HELP_SOURCES`` so that this module needs none of it."""

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session, col, select

from domain.screening.rounds import today
from models.screening import (
    Candidate,
    CandidateState,
    Nomination,
    NominationSource,
    ScreeningRound,
)

HELP_WINDOW = timedelta(days=365)


@dataclass(frozen=True)
class HelpRecord:
    """One piece of help given to a person (a benefit award, an in-kind gift)."""

    on: date
    what: str
    """Thai, e.g. "ทุนการศึกษา ม.1–6"."""
    amount_satang: int | None = None
    round_id: int | None = None


HelpSource = Callable[[Session, int, date], list[HelpRecord]]
HELP_SOURCES: tuple[str, ...] = ("domain.screening.benefits_totals:help_given",)
""""module:function" of each provider of help given to a person (person_id) since a date;
the benefits module adds its line here."""


@dataclass(frozen=True)
class RoundEntry:
    round: ScreeningRound
    state: CandidateState
    sources: tuple[str, ...]
    """Thai titles of the nominations' sources in that round."""


@dataclass
class PersonHistory:
    rounds: list[RoundEntry] = field(default_factory=list)
    help: list[HelpRecord] = field(default_factory=list)

    def earlier_than(self, round_id: int) -> list[RoundEntry]:
        return [r for r in self.rounds if r.round.id != round_id and r.round.id < round_id]  # type: ignore[operator]

    @property
    def helped_in_past_year(self) -> bool:
        return bool(self.help)


def _providers() -> list[HelpSource]:
    found = []
    for spec in HELP_SOURCES:
        module_name, function = spec.split(":")
        found.append(getattr(importlib.import_module(module_name), function))
    return found


def history(session: Session, person_id: int, *, on: date | None = None) -> PersonHistory:
    """Every round the person was a candidate in (newest first) and the past year's help."""
    result = PersonHistory()
    entries = session.exec(
        select(ScreeningRound, Candidate)
        .join(Candidate, col(Candidate.round_id) == ScreeningRound.id)
        .where(Candidate.person_id == person_id)
        .order_by(col(ScreeningRound.id).desc())
    ).all()
    for screening_round, candidate in entries:
        sources = session.exec(
            select(Nomination.source)
            .where(Nomination.person_id == person_id, Nomination.round_id == screening_round.id)
            .distinct()
        ).all()
        result.rounds.append(
            RoundEntry(
                screening_round,
                CandidateState(candidate.state),
                tuple(sorted(NominationSource(s).thai for s in sources)),
            )
        )
    since = (on or today()) - HELP_WINDOW
    for provider in _providers():
        result.help.extend(provider(session, person_id, since))
    result.help.sort(key=lambda h: h.on, reverse=True)
    return result
