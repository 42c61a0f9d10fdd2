from datetime import UTC, date, datetime

import pytest

from domain.engine.calendar import (
    BANGKOK,
    WorkCalendar,
    fiscal_quarter,
    fiscal_year,
    fiscal_year_bounds,
    format_thai_date,
    parse_thai_date,
    reporting_round_bounds,
    to_buddhist_year,
    to_common_year,
)

CAL = WorkCalendar()


# ----------------------------------------------------------------------------- holidays


def test_songkran_2026_days_are_not_working_days() -> None:
    for day in (13, 14, 15):
        assert not CAL.is_working_day(date(2026, 4, day))
        assert CAL.holiday_name(date(2026, 4, day)) == "วันสงกรานต์"
    assert CAL.is_working_day(date(2026, 4, 16))


def test_substitution_day_2026_12_07_is_a_holiday() -> None:
    assert date(2026, 12, 5).weekday() == 5  # Saturday, so 7 Dec is in lieu
    assert not CAL.is_working_day(date(2026, 12, 7))
    name = CAL.holiday_name(date(2026, 12, 7))
    assert name is not None and name.startswith("ชดเชย")


def test_government_only_holiday_is_observed() -> None:
    # Royal Ploughing Ceremony: a day off for government offices, not a public holiday.
    assert not CAL.is_working_day(date(2026, 5, 13))
    assert CAL.holiday_name(date(2026, 5, 13)) == "วันพืชมงคล"


def test_ordinary_weekday_and_weekend() -> None:
    assert CAL.is_working_day(date(2026, 11, 20))  # Friday
    assert not CAL.is_working_day(date(2026, 11, 21))  # Saturday
    assert CAL.holiday_name(date(2026, 11, 20)) is None


# ----------------------------------------------------------------------------- add_working_days


def test_add_working_days_across_songkran_2026() -> None:
    assert CAL.add_working_days(date(2026, 4, 10), 1) == date(2026, 4, 16)
    assert CAL.add_working_days(date(2026, 4, 10), 3) == date(2026, 4, 20)
    assert CAL.add_working_days(datetime(2026, 4, 10, 10, 0), 1) == datetime(2026, 4, 16, 10, 0)


def test_add_working_days_across_substitution_holiday() -> None:
    assert CAL.add_working_days(date(2026, 12, 4), 1) == date(2026, 12, 8)
    assert CAL.add_working_days(datetime(2026, 12, 4, 14, 15), 2) == datetime(2026, 12, 9, 14, 15)


def test_add_working_days_across_municipal_extra_holiday() -> None:
    monday = date(2026, 11, 23)
    local = WorkCalendar(extra_holidays={monday: "วันหยุดเทศบาลนครขอนแก่น"})
    assert CAL.add_working_days(date(2026, 11, 20), 1) == monday
    assert local.add_working_days(date(2026, 11, 20), 1) == date(2026, 11, 24)
    assert not local.is_working_day(monday)
    assert local.holiday_name(monday) == "วันหยุดเทศบาลนครขอนแก่น"


def test_add_working_days_across_weekend_keeps_time_of_day() -> None:
    assert CAL.add_working_days(datetime(2026, 11, 20, 10, 0), 1) == datetime(2026, 11, 23, 10, 0)
    assert CAL.add_working_days(datetime(2026, 11, 20, 10, 0), 5) == datetime(2026, 11, 27, 10, 0)


def test_add_working_days_from_weekend_starts_at_next_opening() -> None:
    saturday = datetime(2026, 11, 21, 10, 0)
    assert CAL.add_working_days(saturday, 1) == datetime(2026, 11, 24, 8, 30)
    assert CAL.add_working_days(saturday, 0) == datetime(2026, 11, 23, 8, 30)
    assert CAL.add_working_days(date(2026, 11, 21), 1) == date(2026, 11, 24)


def test_add_working_days_from_weekday_holiday() -> None:
    # Received on Songkran Monday: counts as received Thu 16 Apr 08:30.
    assert CAL.add_working_days(datetime(2026, 4, 13, 10, 0), 1) == datetime(2026, 4, 17, 8, 30)
    assert CAL.add_working_days(date(2026, 4, 13), 0) == date(2026, 4, 16)


def test_add_working_days_outside_office_hours() -> None:
    assert CAL.add_working_days(datetime(2026, 11, 20, 17, 0), 1) == datetime(2026, 11, 24, 8, 30)
    assert CAL.add_working_days(datetime(2026, 11, 20, 16, 30), 0) == datetime(2026, 11, 23, 8, 30)
    assert CAL.add_working_days(datetime(2026, 11, 20, 7, 0), 0) == datetime(2026, 11, 20, 8, 30)


def test_add_working_days_zero_on_working_day_is_identity() -> None:
    assert CAL.add_working_days(date(2026, 11, 20), 0) == date(2026, 11, 20)
    start = datetime(2026, 11, 20, 9, 45)
    assert CAL.add_working_days(start, 0) == start


def test_add_working_days_aware_datetime_keeps_its_timezone() -> None:
    start = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)  # Fri 10:00 in Bangkok
    result = CAL.add_working_days(start, 1)
    assert result == datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
    assert result.tzinfo is UTC
    assert result.astimezone(BANGKOK).hour == 10


def test_add_working_days_negative_raises() -> None:
    with pytest.raises(ValueError):
        CAL.add_working_days(date(2026, 11, 20), -1)


def test_working_days_between() -> None:
    # (10 Apr, 17 Apr]: weekend + Songkran 13-15 leave Thu 16 and Fri 17.
    assert CAL.working_days_between(date(2026, 4, 10), date(2026, 4, 17)) == 2
    assert CAL.working_days_between(date(2026, 4, 17), date(2026, 4, 10)) == -2
    assert CAL.working_days_between(date(2026, 11, 20), date(2026, 11, 20)) == 0
    assert CAL.working_days_between(date(2026, 11, 20), date(2026, 11, 27)) == 5


# ----------------------------------------------------------------------------- fiscal year


def test_fiscal_year_boundaries() -> None:
    assert fiscal_year(date(2022, 9, 30)) == 2565
    assert fiscal_year(date(2022, 10, 1)) == 2566
    assert fiscal_year(date(2023, 9, 30)) == 2566
    assert fiscal_year(date(2023, 10, 1)) == 2567


def test_fiscal_year_bounds() -> None:
    assert fiscal_year_bounds(2569) == (date(2025, 10, 1), date(2026, 9, 30))
    with pytest.raises(ValueError):
        fiscal_year_bounds(2026)  # a CE year by mistake


@pytest.mark.parametrize(
    ("d", "quarter"),
    [
        (date(2025, 10, 1), 1),
        (date(2025, 12, 31), 1),
        (date(2026, 1, 1), 2),
        (date(2026, 3, 31), 2),
        (date(2026, 4, 1), 3),
        (date(2026, 6, 30), 3),
        (date(2026, 7, 1), 4),
        (date(2026, 9, 30), 4),
    ],
)
def test_fiscal_quarter(d: date, quarter: int) -> None:
    assert fiscal_quarter(d) == quarter


def test_reporting_round_bounds() -> None:
    assert reporting_round_bounds(2569, 6) == (date(2025, 10, 1), date(2026, 3, 31))
    assert reporting_round_bounds(2569, 12) == (date(2025, 10, 1), date(2026, 9, 30))
    with pytest.raises(ValueError):
        reporting_round_bounds(2569, 9)  # type: ignore[arg-type]


def test_buddhist_era_conversions() -> None:
    assert to_buddhist_year(2026) == 2569
    assert to_common_year(2569) == 2026
    assert to_common_year(to_buddhist_year(1999)) == 1999


# ----------------------------------------------------------------------------- formatting


def test_format_thai_date_long_and_short() -> None:
    assert format_thai_date(date(2023, 2, 2)) == "2 กุมภาพันธ์ 2566"
    assert format_thai_date(date(2023, 2, 2), style="short") == "2 ก.พ. 2566"


def test_format_thai_date_thai_digits() -> None:
    assert format_thai_date(date(2023, 2, 2), thai_digits=True) == "๒ กุมภาพันธ์ ๒๕๖๖"


def test_format_thai_date_with_time() -> None:
    text = format_thai_date(datetime(2023, 2, 2, 10, 30), with_time=True)
    assert text == "2 กุมภาพันธ์ 2566 เวลา 10:30 น."
    with pytest.raises(ValueError):
        format_thai_date(date(2023, 2, 2), with_time=True)


def test_format_thai_date_converts_aware_utc_to_bangkok() -> None:
    moment = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)
    assert format_thai_date(moment, style="short", with_time=True) == "21 พ.ย. 2569 เวลา 03:00 น."
    assert format_thai_date(moment) == "21 พฤศจิกายน 2569"


def test_format_thai_date_rejects_unknown_style() -> None:
    with pytest.raises(ValueError):
        format_thai_date(date(2023, 2, 2), style="medium")  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    "text",
    [
        "2 ก.พ. 2566",
        "๒ ก.พ. ๒๕๖๖",
        "2 กุมภาพันธ์ 2566",
        "02/02/2566",
        "  2  กุมภาพันธ์   2566 ",
        "วันที่ 2 กุมภาพันธ์ พ.ศ. 2566",
    ],
)
def test_parse_thai_date_accepted_forms(text: str) -> None:
    assert parse_thai_date(text) == date(2023, 2, 2)


@pytest.mark.parametrize("d", [date(2023, 2, 2), date(2025, 12, 31), date(2026, 7, 1)])
@pytest.mark.parametrize("style", ["long", "short"])
@pytest.mark.parametrize("thai_digits", [False, True])
def test_parse_thai_date_round_trip(d: date, style: str, thai_digits: bool) -> None:
    text = format_thai_date(d, style=style, thai_digits=thai_digits)  # type: ignore[arg-type]
    assert parse_thai_date(text) == d


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2 ก.พ.",
        "31 ก.พ. 2566",
        "13/13/2566",
        "02/02/2023",
        "x2 ก.พ. 2566",
        "2 ก.พ. 66",
        "2 Feb 2566",
    ],
)
def test_parse_thai_date_invalid(text: str) -> None:
    with pytest.raises(ValueError, match="รูปแบบวันที่ไม่ถูกต้อง"):
        parse_thai_date(text)
