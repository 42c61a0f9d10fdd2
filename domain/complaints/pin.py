"""The complainant's number and PIN: checked, and guessing limited."""

import threading
from collections import OrderedDict
from datetime import datetime, timedelta

from sqlmodel import Session

from core.db import utcnow
from core.settings import get_settings
from domain.complaints.lookups import by_number
from domain.engine.accounts import verify_pin
from domain.errors import NotFound
from models.complaint import (
    Complaint,
)


class PinGuessLimit:
    """At most ``attempts`` wrong PINs per complaint number in ``window``, then every try is
    refused until the window passes: six digits cannot be guessed through the web. Kept in
    the process (no write in the caller's transaction, which a refusal rolls back); with
    several API processes the allowance multiplies by their number, still far too few."""

    def __init__(
        self, attempts: int = 10, window: timedelta = timedelta(minutes=15), keep: int = 100_000
    ) -> None:
        self.attempts, self.window, self.keep = attempts, window, keep
        self._failures: OrderedDict[str, list[datetime]] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, number: str, now: datetime) -> list[datetime]:
        recent = [t for t in self._failures.get(number, []) if t > now - self.window]
        if recent:
            self._failures[number] = recent
        else:
            self._failures.pop(number, None)
        return recent

    def blocked(self, number: str, now: datetime) -> bool:
        with self._lock:
            return len(self._recent(number, now)) >= self.attempts

    def clear(self) -> None:
        with self._lock:
            self._failures.clear()

    def failed(self, number: str, now: datetime) -> None:
        with self._lock:
            self._failures[number] = [*self._recent(number, now), now]
            self._failures.move_to_end(number)
            while len(self._failures) > self.keep:
                self._failures.popitem(last=False)


PIN_GUESSES = PinGuessLimit()


def check_pin(session: Session, *, number: str, pin: str, now: datetime | None = None) -> Complaint:
    """The complaint if number and PIN match; otherwise one answer for every failure (unknown
    number, wrong PIN, too many wrong PINs), so an answer reveals nothing."""
    now = now or utcnow()
    number = number or ""
    refused = NotFound("ไม่พบเรื่องร้องเรียนตามเลขที่และรหัส PIN ที่ระบุ")
    if PIN_GUESSES.blocked(number, now):
        raise refused
    found = by_number(session, number)
    if found is None or not verify_pin(
        str(pin or ""), number=found.number, secret=get_settings().secret_key, stored=found.pin_hash
    ):
        PIN_GUESSES.failed(number, now)
        raise refused
    return found
