"""Working-day, fiscal-year and Thai date helpers for Khon Kaen City Municipality.

Everything here is pure: no environment reads, no database. Holidays the
municipality declares itself are passed in as data (settings inject them), so
deadlines can be computed and tested deterministically.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import Literal, overload
from zoneinfo import ZoneInfo

import holidays
from holidays.constants import GOVERNMENT, PUBLIC
from pythainlp.util import thai_digit_to_arabic_digit, thai_strftime
from pythainlp.util.date import thai_abbr_months, thai_full_months

__all__ = [
    "BANGKOK",
    "WorkCalendar",
    "fiscal_quarter",
    "fiscal_year",
    "fiscal_year_bounds",
    "format_thai_date",
    "parse_thai_date",
    "reporting_round_bounds",
    "to_buddhist_year",
    "to_common_year",
]

BANGKOK = ZoneInfo("Asia/Bangkok")

#: Difference between the Buddhist Era and the Common Era (BE = CE + 543).
BE_OFFSET = 543

#: BE years below this are almost certainly CE years passed by mistake
#: (2400 BE = 1857 CE), so they are rejected rather than silently shifted by 543 years.
_MIN_PLAUSIBLE_BE = 2400

_NO_EXTRA_HOLIDAYS: Mapping[date, str] = MappingProxyType({})


def _local_date(d: date, tz: ZoneInfo = BANGKOK) -> date:
    """Calendar date of ``d`` as seen in ``tz``; aware datetimes are converted first."""
    if isinstance(d, datetime):
        if d.tzinfo is not None:
            d = d.astimezone(tz)
        return d.date()
    return d


# --------------------------------------------------------------------------- working days


@lru_cache(maxsize=64)
def _thai_holidays(year: int, categories: tuple[str, ...]) -> holidays.HolidayBase:
    """Thailand's holidays of one year, built once per process (2 ms each time otherwise)."""
    return holidays.Thailand(years=year, categories=categories, language="th")


class WorkCalendar:
    """Working days of a Thai government office: Mon–Fri minus official and local holidays.

    National holidays (including in-lieu/substitution days) come from
    ``holidays.Thailand`` with the public and government-official categories, because a
    municipality office also closes on government-only days such as the Royal Ploughing
    Ceremony. Holidays the municipality declares itself are passed as ``extra_holidays``.
    """

    #: Office opening / closing time (local time). Requests received outside these hours,
    #: or on a non-working day, count as received at the next opening.
    OFFICE_OPENS: time = time(8, 30)
    OFFICE_CLOSES: time = time(16, 30)

    #: ``holidays`` categories a government office observes.
    HOLIDAY_CATEGORIES: tuple[str, ...] = (PUBLIC, GOVERNMENT)

    def __init__(
        self,
        extra_holidays: Mapping[date, str] = _NO_EXTRA_HOLIDAYS,
        tz: ZoneInfo = BANGKOK,
    ) -> None:
        self._extra: dict[date, str] = {
            _local_date(d, tz): name for d, name in extra_holidays.items()
        }
        self._tz = tz

    @property
    def tz(self) -> ZoneInfo:
        """Time zone in which datetimes are interpreted."""
        return self._tz

    @property
    def extra_holidays(self) -> Mapping[date, str]:
        """Municipality-declared holidays (read-only view)."""
        return MappingProxyType(self._extra)

    def _national(self, year: int) -> holidays.HolidayBase:
        """National holidays for one year, built on first use so startup stays cheap."""
        return _thai_holidays(year, self.HOLIDAY_CATEGORIES)

    def holiday_name(self, d: date) -> str | None:
        """Thai name of the holiday on ``d`` (national and/or municipal), or ``None``."""
        d = _local_date(d, self._tz)
        names = [n for n in (self._national(d.year).get(d), self._extra.get(d)) if n]
        return "; ".join(dict.fromkeys(names)) or None

    def is_holiday(self, d: date) -> bool:
        """Whether ``d`` is a national or municipality holiday (weekends not counted)."""
        d = _local_date(d, self._tz)
        return d in self._extra or d in self._national(d.year)

    def is_working_day(self, d: date) -> bool:
        """Whether the office is open on ``d``: Monday–Friday and not a holiday."""
        d = _local_date(d, self._tz)
        return d.weekday() < 5 and not self.is_holiday(d)

    def next_working_day(self, d: date, *, inclusive: bool = True) -> date:
        """First working day on or after ``d`` (strictly after if ``inclusive`` is False)."""
        d = _local_date(d, self._tz)
        if not inclusive:
            d += timedelta(days=1)
        while not self.is_working_day(d):
            d += timedelta(days=1)
        return d

    def _received(self, start: datetime) -> datetime:
        """Moment (naive, local) a request counts as received, per government practice."""
        day, t = start.date(), start.time()
        if not self.is_working_day(day) or t >= self.OFFICE_CLOSES:
            return datetime.combine(self.next_working_day(day, inclusive=False), self.OFFICE_OPENS)
        if t < self.OFFICE_OPENS:
            return datetime.combine(day, self.OFFICE_OPENS)
        return start.replace(tzinfo=None)

    @overload
    def add_working_days(self, start: datetime, n: int) -> datetime: ...
    @overload
    def add_working_days(self, start: date, n: int) -> date: ...

    def add_working_days(self, start: date, n: int) -> date:
        """Deadline ``n`` working days after ``start`` (e.g. an SLA "within 15 working days").

        Rule, as a Thai government office counts: a request received on a non-working day
        counts as received at the start of the next working day, and counting starts from
        there. For datetimes, a request received outside office hours (before
        ``OFFICE_OPENS`` or from ``OFFICE_CLOSES`` on) likewise counts as received at the
        next opening; the result keeps that local time-of-day. Examples (no holidays)::

            Fri 10:00, n=1 -> Mon 10:00
            Sat 10:00, n=1 -> Tue 08:30   (received Mon 08:30)
            Sat 10:00, n=0 -> Mon 08:30
            Fri (date), n=1 -> Mon;  Sat (date), n=1 -> Tue

        Naive datetimes are taken as local time in ``tz`` and returned naive; aware datetimes
        are returned in their own tzinfo. ``n`` = 0 gives the moment of receipt.
        """
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        if isinstance(start, datetime):
            local = start.astimezone(self._tz) if start.tzinfo is not None else start
            received = self._received(local)
            day = received.date()
            for _ in range(n):
                day = self.next_working_day(day, inclusive=False)
            result = datetime.combine(day, received.time())
            if start.tzinfo is None:
                return result
            return result.replace(tzinfo=self._tz).astimezone(start.tzinfo)
        day = self.next_working_day(start)
        for _ in range(n):
            day = self.next_working_day(day, inclusive=False)
        return day

    def working_days_between(self, a: date, b: date) -> int:
        """Number of working days in ``(a, b]``; negative (``-count in (b, a]``) if b < a."""
        a, b = _local_date(a, self._tz), _local_date(b, self._tz)
        if b < a:
            return -self.working_days_between(b, a)
        return sum(
            1 for i in range(1, (b - a).days + 1) if self.is_working_day(a + timedelta(days=i))
        )


# --------------------------------------------------------------------------- fiscal year


def to_buddhist_year(ce: int) -> int:
    """Buddhist Era year for a Common Era year (BE = CE + 543)."""
    return ce + BE_OFFSET


def to_common_year(be: int) -> int:
    """Common Era year for a Buddhist Era year (CE = BE - 543)."""
    return be - BE_OFFSET


def _check_be(fy_be: int) -> None:
    if fy_be < _MIN_PLAUSIBLE_BE:
        raise ValueError(f"ปีงบประมาณต้องเป็น พ.ศ. (เช่น 2569) ไม่ใช่ ค.ศ.: {fy_be}")


def fiscal_year(d: date) -> int:
    """Thai government fiscal year (BE) containing ``d``.

    The fiscal year runs 1 Oct – 30 Sep and is named by the BE year in which it ends,
    so 2022-10-01 and 2023-09-30 are both in FY 2566.
    """
    d = _local_date(d)
    return to_buddhist_year(d.year + 1 if d.month >= 10 else d.year)


def fiscal_year_bounds(fy_be: int) -> tuple[date, date]:
    """First and last day (inclusive) of fiscal year ``fy_be`` (BE)."""
    _check_be(fy_be)
    end_ce = to_common_year(fy_be)
    return date(end_ce - 1, 10, 1), date(end_ce, 9, 30)


def fiscal_quarter(d: date) -> int:
    """Fiscal quarter of ``d``: 1 = Oct–Dec, 2 = Jan–Mar, 3 = Apr–Jun, 4 = Jul–Sep."""
    d = _local_date(d)
    return (d.month - 10) % 12 // 3 + 1


def reporting_round_bounds(fy_be: int, months: Literal[6, 12]) -> tuple[date, date]:
    """Period (inclusive) covered by the 6- or 12-month performance report of ``fy_be``.

    The 6-month round covers 1 Oct – 31 Mar; the 12-month round the whole fiscal year.
    """
    first, last = fiscal_year_bounds(fy_be)
    if months == 6:
        return first, date(last.year, 3, 31)
    if months == 12:
        return first, last
    raise ValueError(f"months must be 6 or 12, got {months!r}")


# --------------------------------------------------------------------------- Thai formatting

_STYLE_FORMATS: Mapping[str, str] = MappingProxyType({"long": "%-d %B %Y", "short": "%-d %b %Y"})
_TIME_FORMAT = " เวลา %H:%M น."


def format_thai_date(
    d: date,
    *,
    style: Literal["long", "short"] = "long",
    thai_digits: bool = False,
    with_time: bool = False,
    tz: ZoneInfo = BANGKOK,
) -> str:
    """Thai official date text, e.g. "2 กุมภาพันธ์ 2566" / "2 ก.พ. 2566" (BE year).

    Aware datetimes are converted to ``tz`` (Bangkok) first so letters show local dates;
    naive datetimes are taken as already local. ``with_time`` appends " เวลา 10:30 น."
    and requires a datetime, since a plain date has no time to show.
    """
    try:
        fmt = _STYLE_FORMATS[style]
    except KeyError:
        raise ValueError(f"style must be 'long' or 'short', got {style!r}") from None
    if isinstance(d, datetime):
        dt = d.astimezone(tz) if d.tzinfo is not None else d
    elif with_time:
        raise ValueError("with_time=True requires a datetime, not a date")
    else:
        dt = datetime.combine(d, time())
    if with_time:
        fmt += _TIME_FORMAT
    return thai_strftime(dt, fmt, thaidigit=thai_digits)


def thai_date_text(
    value: date | str | None,
    *,
    style: Literal["long", "short"] = "long",
    with_time: bool | None = None,
) -> str:
    """Any date the pages and mail show, in Thai with the BE year: "-" for none, ISO text (as
    the audit detail keeps dates) read first, a datetime with its time unless ``with_time`` is
    False. The one helper behind every template filter."""
    if value is None or value == "":
        return "-"
    if isinstance(value, str):
        try:
            when = date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
        except ValueError:
            return value
    else:
        when = value
    timed = isinstance(when, datetime) and with_time is not False
    return format_thai_date(when, style=style, with_time=timed)


def _month_lookup() -> dict[str, int]:
    table: dict[str, int] = {}
    for names in (thai_full_months, thai_abbr_months):
        for i, name in enumerate(names, start=1):
            table[name] = i
            table[name.replace(".", "")] = i  # "กพ" as well as "ก.พ."
    return table


_MONTHS: Mapping[str, int] = MappingProxyType(_month_lookup())
_MONTH_ALT = "|".join(re.escape(m) for m in sorted(_MONTHS, key=len, reverse=True))
_NAMED_RE = re.compile(
    rf"(?:วันที่\s*)?(?P<d>\d{{1,2}})\s*(?P<m>{_MONTH_ALT})\s*(?:พ\.?\s*ศ\.?\s*)?(?P<y>\d{{4}})"
)
_NUMERIC_RE = re.compile(r"(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})")


def parse_thai_date(text: str) -> date:
    """Parse a Thai date with a BE year, as people type it into forms.

    Accepts "2 ก.พ. 2566", "2 กุมภาพันธ์ 2566", "๒ ก.พ. ๒๕๖๖", "02/02/2566" and an optional
    leading "วันที่" / "พ.ศ." before the year. Written by hand rather than with
    ``pythainlp.util.thai_strptime`` because that matches substrings (accepting junk around
    the date) and cannot read dd/mm/yyyy. Raises ValueError with a Thai message.
    """
    cleaned = " ".join(thai_digit_to_arabic_digit(text or "").split())
    match = _NAMED_RE.fullmatch(cleaned) or _NUMERIC_RE.fullmatch(cleaned)
    if match is None:
        raise ValueError(f"รูปแบบวันที่ไม่ถูกต้อง: {text!r}")
    month_text = match["m"]
    month = int(month_text) if month_text.isdigit() else _MONTHS[month_text]
    be_year = int(match["y"])
    if be_year < _MIN_PLAUSIBLE_BE:
        raise ValueError(f"รูปแบบวันที่ไม่ถูกต้อง (ต้องใช้ปี พ.ศ.): {text!r}")
    try:
        return date(to_common_year(be_year), month, int(match["d"]))
    except ValueError:
        raise ValueError(f"รูปแบบวันที่ไม่ถูกต้อง (ไม่มีวันที่นี้): {text!r}") from None
