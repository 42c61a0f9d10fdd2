"""The complaint policy (config/complaints.toml, typed): limits, days, categories, the chase,
the outside agencies."""

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from core.settings import get_settings
from models.people import Position


@dataclass(frozen=True)
class ComplaintPolicy:
    """config/complaints.toml, typed."""

    number_prefix: str = "KKC"
    max_photos: int = 5
    max_photo_bytes: int = 5 * 1024 * 1024
    centre_division: str = "สป."
    centre_phone: str = "043-271-261"
    screening_working_days: int = 1
    receipt_working_days: int = 1
    inspect_working_days: int = 2
    handler_position: Position = Position.section_head
    decision_working_days: int = 2
    agency_ack_working_days: int = 5
    duplicate_radius_metres: float = 150.0
    follow_up_days: int = 10
    first_notice_days: int = 7
    second_notice_days: int = 5
    follow_up_in_working_days: bool = False
    first_notice_in_working_days: bool = False
    second_notice_in_working_days: bool = False
    meeting_weekday: int = 0
    review_below_or_at: int = 2
    categories: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    agencies: tuple[str, ...] = field(default_factory=tuple)
    """Outside agencies the centre forwards to (offered on the screening step's form)."""

    @classmethod
    def from_file(cls, path: Path) -> "ComplaintPolicy":
        with path.open("rb") as f:
            data = tomllib.load(f)
        intake, routing = data.get("intake", {}), data.get("routing", {})
        dup, esc, rating = (
            data.get("duplicates", {}),
            data.get("escalation", {}),
            data.get("rating", {}),
        )
        d = cls()
        # `working_days` counts every stage one way (the older key); a stage's own
        # `<stage>_in_working_days` overrides it.
        all_working = bool(esc.get("working_days", False))
        return cls(
            number_prefix=intake.get("number_prefix", d.number_prefix),
            max_photos=intake.get("max_photos", d.max_photos),
            max_photo_bytes=intake.get("max_photo_bytes", d.max_photo_bytes),
            centre_division=intake.get("centre_division", d.centre_division),
            centre_phone=intake.get("centre_phone", d.centre_phone),
            screening_working_days=intake.get("screening_working_days", 1),
            receipt_working_days=routing.get("receipt_working_days", 1),
            inspect_working_days=routing.get("inspect_working_days", 2),
            handler_position=Position(routing.get("handler_position", "section_head")),
            decision_working_days=routing.get("decision_working_days", 2),
            agency_ack_working_days=routing.get("agency_ack_working_days", 5),
            duplicate_radius_metres=float(dup.get("radius_metres", 150)),
            follow_up_days=esc.get("follow_up_days", 10),
            first_notice_days=esc.get("first_notice_days", 7),
            second_notice_days=esc.get("second_notice_days", 5),
            follow_up_in_working_days=bool(esc.get("follow_up_in_working_days", all_working)),
            first_notice_in_working_days=bool(esc.get("first_notice_in_working_days", all_working)),
            second_notice_in_working_days=bool(
                esc.get("second_notice_in_working_days", all_working)
            ),
            meeting_weekday=esc.get("meeting_weekday", 0),
            review_below_or_at=rating.get("review_below_or_at", 2),
            categories=tuple(data.get("categories", [])),
            agencies=tuple(str(a["name"]) for a in data.get("agencies", []) if a.get("name")),
        )


@lru_cache
def _policy_in(path: Path) -> ComplaintPolicy:
    return ComplaintPolicy.from_file(path)


def complaint_policy() -> ComplaintPolicy:
    """The policy in the file the settings name (``KKM_COMPLAINTS_FILE``), read once."""
    return _policy_in(get_settings().complaints_file)
