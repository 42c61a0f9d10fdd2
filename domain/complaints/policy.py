"""The complaint policy (config/complaints.toml, typed): limits, days, categories, the chase,
the outside agencies."""

import re
import tomllib
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from core.settings import get_settings
from domain.engine.throttle import Limit
from models.people import Position


@dataclass(frozen=True)
class IntakeLimits:
    """How many complaints public intake (web form, citizen page, Open311, LINE) takes before
    it answers 429: per client (IP address), per contact (each telephone number and e-mail
    address) and in all, each in its own window. 0 switches that limit off. Officers' entry
    (counter, telephone, post) is never limited."""

    per_client: int = 10
    per_client_minutes: float = 10
    per_contact: int = 5
    per_contact_minutes: float = 60
    overall: int = 300
    overall_minutes: float = 1

    @property
    def client_limit(self) -> Limit | None:
        return _limit("complaint-intake-client", self.per_client, self.per_client_minutes)

    @property
    def contact_limit(self) -> Limit | None:
        return _limit("complaint-intake-contact", self.per_contact, self.per_contact_minutes)

    @property
    def overall_limit(self) -> Limit | None:
        return _limit("complaint-intake-all", self.overall, self.overall_minutes)


def _limit(scope: str, attempts: int, minutes: float) -> Limit | None:
    if attempts <= 0:
        return None
    return Limit(scope, attempts=attempts, window=timedelta(minutes=minutes), growing=False)


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
    line_conversation_minutes: int = 30
    """A LINE user's messages (text, location, photos) make one complaint while each comes
    within this many minutes of the one before; after that the conversation expires."""
    categories: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    agencies: tuple[str, ...] = field(default_factory=tuple)
    """Outside agencies the centre forwards to (offered on the screening step's form)."""
    intake_limits: IntakeLimits = field(default_factory=IntakeLimits)

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
        d, dl = cls(), IntakeLimits()
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
            line_conversation_minutes=int(
                data.get("line", {}).get("conversation_minutes", d.line_conversation_minutes)
            ),
            categories=tuple(data.get("categories", [])),
            agencies=tuple(str(a["name"]) for a in data.get("agencies", []) if a.get("name")),
            intake_limits=IntakeLimits(
                per_client=int(intake.get("limit_per_client", dl.per_client)),
                per_client_minutes=float(
                    intake.get("limit_per_client_minutes", dl.per_client_minutes)
                ),
                per_contact=int(intake.get("limit_per_contact", dl.per_contact)),
                per_contact_minutes=float(
                    intake.get("limit_per_contact_minutes", dl.per_contact_minutes)
                ),
                overall=int(intake.get("limit_overall", dl.overall)),
                overall_minutes=float(intake.get("limit_overall_minutes", dl.overall_minutes)),
            ),
        )


@lru_cache
def _policy_in(path: Path) -> ComplaintPolicy:
    return ComplaintPolicy.from_file(path)


def complaint_policy() -> ComplaintPolicy:
    """The policy in the file the settings name (``KKM_COMPLAINTS_FILE``), read once."""
    return _policy_in(get_settings().complaints_file)


def with_intake_limits(source: Path, target: Path, **limits: float) -> Path:
    """Write ``source`` (a policy file) to ``target`` with other ``[intake]`` limits, e.g.
    ``limit_per_client=100_000``: for a benchmark's or a test's run (``KKM_COMPLAINTS_FILE``).
    Every key must already be in the file; the result is read back to prove it took."""
    text = source.read_text(encoding="utf-8")
    for key, value in limits.items():
        text, found = re.subn(rf"(?m)^{re.escape(key)}\s*=\s*[0-9_.]+", f"{key} = {value}", text)
        if found != 1:
            raise ValueError(f"{source}: no single `{key} = <number>` line to change")
    target.write_text(text, encoding="utf-8")
    written = ComplaintPolicy.from_file(target).intake_limits
    fields = {"limit_" + k: v for k, v in vars(written).items()}
    wrong = {k: v for k, v in limits.items() if float(fields.get(k, -1)) != float(v)}
    if wrong:
        raise ValueError(f"{target}: limits not taken: {wrong}")
    return target
