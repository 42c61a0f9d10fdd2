"""The reporting rounds' policy (config/pdca/rounds.toml, typed): the data date and due date of
the 6- and 12-month rounds, when a due date ends, evidence files, and the chase ladder for
divisions that have not reported."""

import tomllib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import lru_cache
from pathlib import Path
from typing import Any

from core.settings import PROJECT_ROOT
from domain.engine import chase
from domain.engine.calendar import BANGKOK, to_common_year
from models.pdca_round import RoundKind
from models.people import Position

ROUNDS_FILE = PROJECT_ROOT / "config" / "pdca" / "rounds.toml"


@dataclass(frozen=True)
class RoundDates:
    as_of: tuple[int, int]
    """(month, day) of the data date, in the fiscal year's calendar year."""
    due: tuple[int, int]
    """(month, day) the divisions report by; before ``as_of``'s month: the following year."""


@dataclass(frozen=True)
class RoundPolicy:
    six_month: RoundDates
    twelve_month: RoundDates
    due_time: time
    resubmit_working_days: int
    evidence_max_bytes: int
    evidence_types: frozenset[str]
    ladder: chase.Ladder

    def dates(self, fiscal_year: int, kind: RoundKind) -> tuple[date, date]:
        """The round's data date and due date (fiscal year in BE)."""
        spec = self.six_month if kind is RoundKind.six_month else self.twelve_month
        year = to_common_year(fiscal_year)
        as_of = date(year, *spec.as_of)
        due_year = year + 1 if spec.due[0] < spec.as_of[0] else year
        return as_of, date(due_year, *spec.due)

    def due_at(self, due_on: date) -> datetime:
        """The moment a due date ends (office closing time, Bangkok), in UTC."""
        return datetime.combine(due_on, self.due_time, tzinfo=BANGKOK).astimezone(UTC)


def _month_day(text: str) -> tuple[int, int]:
    month, day = (int(part) for part in text.split("-"))
    date(2000, month, day)  # a real day (2000 is a leap year: 02-29 is allowed)
    return month, day


def _dates(raw: dict[str, Any]) -> RoundDates:
    return RoundDates(as_of=_month_day(raw["as_of"]), due=_month_day(raw["due"]))


def _ladder(raw: dict[str, Any]) -> chase.Ladder:
    working = bool(raw.get("working_days", True))
    return chase.Ladder(
        stages=(
            chase.Stage("follow_up", "ติดตามการรายงานผล", int(raw["follow_up_days"]), working),
            chase.Stage("first_notice", "แจ้งเตือนครั้งที่ 1", int(raw["first_notice_days"]), working),
            chase.Stage("second_notice", "แจ้งเตือนครั้งที่ 2", int(raw["second_notice_days"]), working),
        ),
        escalation=chase.Escalation(
            key="mayor",
            title="รายงานนายกเทศมนตรีและบรรจุวาระการประชุมติดตามงาน",
            authority=Position.mayor,
            meeting_weekday=raw.get("meeting_weekday", 0),
        ),
    )


def parse_policy(data: dict[str, Any]) -> RoundPolicy:
    report = data.get("report", {})
    hours, minutes = (int(part) for part in str(report.get("due_time", "16:30")).split(":"))
    return RoundPolicy(
        six_month=_dates(data["six_month"]),
        twelve_month=_dates(data["twelve_month"]),
        due_time=time(hours, minutes),
        resubmit_working_days=int(report.get("resubmit_working_days", 3)),
        evidence_max_bytes=int(float(report.get("evidence_max_mb", 5)) * 1024 * 1024),
        evidence_types=frozenset(report.get("evidence_types", ["application/pdf"])),
        ladder=_ladder(data["chase"]),
    )


@lru_cache
def load_policy(path: Path = ROUNDS_FILE) -> RoundPolicy:
    with path.open("rb") as f:
        return parse_policy(tomllib.load(f))


def round_policy() -> RoundPolicy:
    return load_policy(ROUNDS_FILE)
