"""The complainant's number and PIN: one check for every public route and page, with guessing
slowed down per complaint number and per client (``domain.engine.guessing``).

The number is normalised first, so that writing it differently ("kkc 2569 123",
"KKC–๒๕๖๙–000123", full-width letters) reaches the same complaint *and the same counter*;
anything that is not ``<prefix>-<4-digit BE year>-<up to 6 digits>`` gets the same refusal as
a wrong PIN."""

import re
import unicodedata
from datetime import datetime

from pythainlp.util import thai_digit_to_arabic_digit
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.db import utcnow
from core.settings import get_settings
from domain.complaints.lookups import by_number
from domain.complaints.policy import complaint_policy
from domain.engine import guessing
from domain.engine.accounts import verify_pin
from domain.errors import NotFound
from models.complaint import Complaint

REFUSED = "ไม่พบเรื่องร้องเรียนตามเลขที่และรหัส PIN ที่ระบุ"
"""One answer for an unknown number, a malformed one and a wrong PIN."""

_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u2043\ufe58\ufe63\uff0d]+")
"""Spaces, the hyphen-minus and the Unicode dashes and hyphens, in runs."""
_INVISIBLE = {"Cf", "Cc"}


def _plain(text: str) -> str:
    """NFKC (full-width forms), Thai digits to Arabic, no invisible characters, upper case."""
    text = unicodedata.normalize("NFKC", text or "")
    text = thai_digit_to_arabic_digit(text)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in _INVISIBLE)
    return text.strip().upper()


def canonical_number(text: str, *, prefix: str | None = None) -> str | None:
    """``KKC-2569-000123`` for any way of writing that number; None if it is not one."""
    prefix = (prefix or complaint_policy().number_prefix).upper()
    spaced = _SEPARATORS.sub(" ", _plain(text)).strip()
    # A separator (or none) only between the prefix, the year and the sequence.
    match = re.fullmatch(rf"{re.escape(prefix)} ?(\d{{4}}) ?(\d{{1,6}})", spaced)
    if match is None:
        return None
    year, sequence = match.groups()
    return f"{prefix}-{year}-{int(sequence):06d}"


def normalise_pin(text: str) -> str:
    """The PIN as digits (Thai digits and full-width forms accepted, spaces ignored)."""
    return re.sub(r"\s+", "", _plain(text))[:12]


def check_pin(
    engine: Engine,
    *,
    number: str,
    pin: str,
    client: str | None,
    now: datetime | None = None,
) -> Complaint:
    """The complaint if number and PIN match. Every failure (malformed or unknown number,
    wrong PIN) gets the same ``NotFound``; while the number or the client (the caller's
    address) is held back after wrong tries, ``TooManyRequests`` (429) with the wait, for
    the right PIN too. Runs in sessions and counter transactions of its own: call it before
    the use case's transaction, not inside it."""
    now = now or utcnow()
    limits = guessing.guard("pin")
    who = guessing.client_key(client)
    canonical = canonical_number(number)
    guessing.begin_try(engine, limits, target=canonical, client=who, now=now)
    found = None
    if canonical is not None:
        with Session(engine, expire_on_commit=False) as session:  # a read: no writers' turn
            found = by_number(session, canonical)
    if found is None or not verify_pin(
        normalise_pin(pin),
        number=found.number,
        secret=get_settings().secret_key,
        stored=found.pin_hash,
    ):
        guessing.failed(engine, limits, client=who, now=now)
        raise NotFound(REFUSED)
    guessing.succeeded(engine, limits, target=canonical)  # type: ignore[arg-type]
    return found
