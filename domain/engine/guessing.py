"""Slowing down guessing of secrets (a complaint's PIN, an officer's password), shared by every
API process through the ``throttle`` table (``domain.engine.throttle``).

Two growing limits guard every try (``Guard``): one per *target* (a complaint number, a
username) and one per *client* (the caller's address). A few wrong tries in the window are
free; past that the next try waits a delay that starts at a few seconds and doubles up to a
cap, never the whole window, so the rightful person is slowed for seconds while guessing
becomes hopeless (5 free tries and then one try per 2, 4, 8 … s: at most ~15 tries a quarter
of an hour per target, out of a million PINs).

- A try is *admitted* against its target in one row-locked transaction (``admit``): refused
  while the target is held back, otherwise counted at once. Concurrent tries therefore cannot
  all slip in before the first wrong one is counted. The right answer clears the target's
  count (``succeeded``); a wrong one is already counted and is added to the client's
  (``failed``).
- A try refused while the target is held back is *not* counted against the target: an
  attacker hammering a number or a username cannot lengthen the rightful person's wait
  beyond the delay the schedule gives. It is counted against the client, whose own delay
  therefore grows; a client that is held back is refused before anything else.

While held back the answer is ``TooManyRequests`` (429 with Retry-After) whatever the target:
known or unknown numbers and usernames are counted alike, so the answer reveals nothing."""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.db import in_transaction
from core.settings import Settings, get_settings
from domain.engine import throttle
from domain.engine.throttle import Limit
from domain.errors import TooManyRequests

UNKNOWN_CLIENT = "unknown"
"""The client key when the server does not know the caller's address."""


@dataclass(frozen=True)
class Guard:
    """The limits for one kind of secret: per target and per client."""

    target: Limit
    client: Limit


def guard(kind: Literal["pin", "login"], settings: Settings | None = None) -> Guard:
    """The limits for PINs or passwords, from the settings (``KKM_PIN_*``, ``KKM_LOGIN_*``,
    ``KKM_GUESS_*``)."""
    s = settings or get_settings()
    window = timedelta(minutes=s.guess_window_minutes)
    base = timedelta(seconds=s.guess_base_delay_seconds)
    cap = timedelta(minutes=s.guess_max_delay_minutes)
    per_target, per_client = (
        (s.pin_free_tries_per_number, s.pin_free_tries_per_client)
        if kind == "pin"
        else (s.login_free_tries_per_user, s.login_free_tries_per_client)
    )

    def limit(scope: str, attempts: int) -> Limit:
        return Limit(scope, attempts, window, growing=True, base_delay=base, max_delay=cap)

    scopes = ("pin-number", "pin-client") if kind == "pin" else ("login-user", "login-client")
    return Guard(target=limit(scopes[0], per_target), client=limit(scopes[1], per_client))


def wait_message(wait: timedelta) -> tuple[str, int]:
    """The Thai refusal and the whole seconds to wait (Retry-After), rounded up."""
    seconds = max(1, math.ceil(wait.total_seconds()))
    text = f"ลองผิดหลายครั้ง กรุณารอ {seconds} วินาที"
    if seconds >= 120:
        text += f" (ประมาณ {math.ceil(seconds / 60)} นาที)"
    return text, seconds


def too_many(wait: timedelta) -> TooManyRequests:
    text, seconds = wait_message(wait)
    return TooManyRequests(text, retry_after=seconds)


def client_key(client: str | None) -> str:
    return (client or "").strip() or UNKNOWN_CLIENT


def admit(engine: Engine, limit: Limit, key: str, *, now: datetime) -> timedelta | None:
    """Admit one try against ``key`` in a row-locked transaction of its own: the wait left if
    ``key`` is held back (the try is not counted), otherwise None and the try is counted,
    holding ``key`` back as ``limit`` says once its free tries are used."""
    key = key[:200]

    def work(session: Session) -> timedelta | None:
        row = throttle.locked_counter(session, limit, key, now=now)
        if row.blocked_until is not None and row.blocked_until > now:
            return row.blocked_until - now
        throttle.count_locked(session, row, limit, now=now)  # still locked: one at a time
        return None

    return in_transaction(engine, work, attempts=8)


def begin_try(
    engine: Engine, limits: Guard, *, target: str | None, client: str, now: datetime
) -> None:
    """Let a try go ahead, or raise ``TooManyRequests``: the client first (not counted while
    it waits), then the target (admitted and counted at once; a refusal counts against the
    client). ``target`` None: nothing to admit (a malformed complaint number)."""
    wait = throttle.wait_needed(engine, limits.client, client, now=now)
    if wait is not None:
        raise too_many(wait)
    if target is None:
        return
    wait = admit(engine, limits.target, target, now=now)
    if wait is not None:
        throttle.count(engine, limits.client, client, now=now)
        raise too_many(wait)


def failed(engine: Engine, limits: Guard, *, client: str, now: datetime) -> None:
    """A wrong answer: the target's try is counted already; count it against the client."""
    throttle.count(engine, limits.client, client, now=now)


def succeeded(engine: Engine, limits: Guard, *, target: str) -> None:
    """The right answer: the target's count is forgotten (the client's is kept: one right
    PIN among many wrong ones on other numbers does not excuse the rest)."""
    throttle.clear(engine, limits.target, target)
