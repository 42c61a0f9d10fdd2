"""Screening instruments, pluggable: each is an ``Instrument`` (its items, answer scale,
forms and scoring), found by key in ``INSTRUMENTS`` ("module:attribute"). The first is the
SDQ (``domain.children.instruments.sdq``); another instrument is a module and one line here."""

import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from domain.errors import InvalidInput


class Band(StrEnum):
    """Where a score falls: the three bands of a screening (SDQ: normal, borderline,
    abnormal)."""

    normal = "normal"
    at_risk = "at_risk"
    problem = "problem"

    @property
    def thai(self) -> str:
        return BAND_TITLES[self]


BAND_TITLES = {Band.normal: "ปกติ", Band.at_risk: "เสี่ยง", Band.problem: "มีปัญหา"}


@dataclass(frozen=True)
class Scored:
    """One completed questionnaire, scored: each scale's score and band, the total and its
    band (the pupil's band)."""

    scales: Mapping[str, int]
    scale_bands: Mapping[str, Band]
    total: int
    band: Band
    notes: tuple[str, ...] = field(default_factory=tuple)


class Instrument(Protocol):
    key: str
    title: str
    source: str
    item_count: int

    def answers(self) -> Sequence[tuple[int, str]]:
        """The answer scale (value, Thai label); forms show these with item numbers only."""
        ...

    def forms(self) -> Mapping[str, str]:
        """Form key -> Thai title (who answers: teacher, parent, the pupil)."""
        ...

    def scale_titles(self) -> Mapping[str, str]: ...

    def score(self, form: str, answers: Sequence[int]) -> Scored:
        """Score one questionnaire; InvalidInput (Thai) for a wrong form or answer."""
        ...


INSTRUMENTS: dict[str, str] = {
    "sdq": "domain.children.instruments.sdq:SDQ",
}
"""Instrument key -> "module:attribute" of its ``Instrument``."""


def instrument(key: str) -> Instrument:
    try:
        module_name, attribute = INSTRUMENTS[key].split(":")
    except KeyError:
        raise InvalidInput(f"ไม่รู้จักแบบคัดกรอง {key}", field="instrument") from None
    found: Instrument = getattr(importlib.import_module(module_name), attribute)
    return found
