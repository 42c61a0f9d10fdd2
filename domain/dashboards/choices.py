"""A round the executives may pick in a chart's selector (screening, PDCA): its id and the
Thai title the selector shows."""

from dataclasses import dataclass


@dataclass(frozen=True)
class RoundChoice:
    id: int
    title: str
