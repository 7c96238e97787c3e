"""The computed statutory holidays (《全国年节及纪念日放假办法》) against the official data.

What can be asserted against `chinese_calendar` (every year it holds, 2004 on): each statutory
holiday day computed for a year is an official day off of that year, under the rules in force
then (the 2025 lengths from 2025, the earlier lengths before). Make-up days (补假) are what the
State Council grants in all but two published years, which are named below; bridges and
adjusted working days are the State Council's own choice and cannot be computed.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st
from lunar_python import Solar

from chalicelib.domain.statutory_holidays import rest_days, rules_for, statutory_holidays

OFFICIAL_YEARS = sorted({d.year for d in chinese_calendar.holidays})
# 2012: 端午 on a Saturday was made up on the Friday before; 2015: 中秋 on a Sunday was not made up.
MAKE_UP_EXCEPTIONS = {date(2012, 6, 25), date(2015, 9, 28)}


def test_the_library_covers_2004_to_2026_at_least() -> None:
    assert OFFICIAL_YEARS[0] == 2004
    assert OFFICIAL_YEARS[-1] >= 2026
    assert list(range(OFFICIAL_YEARS[0], OFFICIAL_YEARS[-1] + 1)) == OFFICIAL_YEARS


@pytest.mark.parametrize("year", OFFICIAL_YEARS)
def test_every_computed_statutory_holiday_is_an_official_day_off(year: int) -> None:
    days = [(d, h.name) for h in statutory_holidays(year) for d in h.days]
    assert days
    assert [(d, name) for d, name in days if chinese_calendar.is_workday(d)] == []


@pytest.mark.parametrize("year", OFFICIAL_YEARS)
def test_make_up_days_are_official_days_off(year: int) -> None:
    wrong = {d for d in rest_days(year) if chinese_calendar.is_workday(d)}
    assert wrong <= MAKE_UP_EXCEPTIONS


@pytest.mark.parametrize(
    ("year", "spring", "labour"),
    [(2025, 4, 2), (2026, 4, 2), (2024, 3, 1), (2014, 3, 1), (2013, 3, 1), (2008, 3, 1), (2007, 3, 3), (1999, 3, 1)],
)
def test_lengths_follow_the_version_in_force(year: int, spring: int, labour: int) -> None:
    named = {h.name: h.days for h in statutory_holidays(year)}
    assert len(named["春节"]) == spring
    assert len(named["劳动节"]) == labour
    assert ("清明节" in named) == (year >= 2008)


def test_2027_by_the_2025_rules() -> None:
    named = {h.name: h.days for h in statutory_holidays(2027)}
    assert named["元旦"] == (date(2027, 1, 1),)
    assert named["春节"] == tuple(date(2027, 2, d) for d in (5, 6, 7, 8))  # 除夕 to 初三
    assert named["清明节"] == (date(2027, 4, 5),)
    assert named["劳动节"] == (date(2027, 5, 1), date(2027, 5, 2))
    assert named["端午节"] == (date(2027, 6, 9),)
    assert named["中秋节"] == (date(2027, 9, 15),)
    assert named["国庆节"] == (date(2027, 10, 1), date(2027, 10, 2), date(2027, 10, 3))


YEARS = st.integers(min_value=1900, max_value=2200)


@given(YEARS)
def test_lunar_festivals_fall_on_their_lunar_days(year: int) -> None:
    for holiday in statutory_holidays(year):
        assert all(d.year == year for d in holiday.days)
        assert all(b - a == timedelta(days=1) for a, b in zip(holiday.days, holiday.days[1:], strict=False))
        lunar = [Solar.fromYmd(d.year, d.month, d.day).getLunar() for d in holiday.days]
        if holiday.name == "春节":
            start = 0 if not rules_for(year).spring_from_eve else 1
            assert (lunar[start].getMonth(), lunar[start].getDay()) == (1, 1)
            if start:  # 除夕: the last day of the twelfth month
                assert lunar[0].getMonth() == 12
                assert (holiday.days[0] + timedelta(days=1)) == holiday.days[1]
        if holiday.name == "端午节":
            assert (lunar[0].getMonth(), lunar[0].getDay()) == (5, 5)
        if holiday.name == "中秋节":
            assert (lunar[0].getMonth(), lunar[0].getDay()) == (8, 15)
        if holiday.name == "清明节":
            assert lunar[0].getJieQi() == "清明"
            assert date(year, 4, 3) <= holiday.days[0] <= date(year, 4, 6)


@given(YEARS)
def test_every_holiday_day_off_a_weekday_is_made_up_once(year: int) -> None:
    """第六条: a holiday day on a weekend (or on another holiday) is made up on a working day, so
    the weekday days off equal the holidays' total length."""
    total = sum(len(h.days) for h in statutory_holidays(year))
    days = rest_days(year)
    assert sum(1 for d in days if d.weekday() < 5) == total
    assert all(d.year == year for d in days)
    statutory = {d for h in statutory_holidays(year) for d in h.days}
    assert statutory <= days.keys()
