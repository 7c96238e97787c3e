"""Statutory holidays of 《全国年节及纪念日放假办法》, computed for any year.

The State Council publishes each year's arrangement (bridges and adjusted working days) in the
year before; until it does, deadlines in that year still have to skip the holidays the law itself
fixes. These are computed here from the rules in force in the year, never tabled per year:

* 2025 on (2024 amendment): 元旦 1 day, 春节 4 (除夕 to 初三), 清明 1 (the solar term day),
  劳动节 2 (1-2 May), 端午 1 (5th of the 5th lunar month), 中秋 1 (15th of the 8th), 国庆 3;
* 2014-2024 (2013 amendment): 春节 3 (初一 to 初三), 劳动节 1, the rest as above;
* 2008-2013 (2007 amendment): 春节 3 (除夕 to 初二), 劳动节 1, 清明/端午/中秋 added;
* 2000-2007 (1999 amendment): 元旦 1, 春节 3 (初一 to 初三), 劳动节 3, 国庆 3;
* before 2000 (1949 rules): 元旦 1, 春节 3, 劳动节 1, 国庆 2.

The law also says a holiday falling on a Saturday or Sunday is made up on a working day (第六条
补假); `rest_days` adds those make-up days right after the holiday, which is what every
arrangement the State Council has published does. The lunar calendar and the solar terms come
from `lunar_python` (pure Python, MIT; China standard time), whose results are checked against
the official data of every year `chinese_calendar` holds (tests/unit/test_statutory_holidays.py).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["Holiday", "rest_days", "rules_for", "statutory_holidays"]


@dataclass(frozen=True)
class Rules:
    """The holiday lengths of one version of the 放假办法."""

    since: int  # first year the version applies to
    spring_from_eve: bool  # 春节 starts on 除夕 (New Year's Eve) instead of 初一
    spring_days: int
    labour_days: int
    national_days: int
    lunar_festivals: bool  # 清明, 端午 and 中秋 are holidays (2008 on)


RULES = (
    Rules(2025, True, 4, 2, 3, True),
    Rules(2014, False, 3, 1, 3, True),
    Rules(2008, True, 3, 1, 3, True),
    Rules(2000, False, 3, 3, 3, False),
    Rules(1, False, 3, 1, 2, False),
)


def rules_for(year: int) -> Rules:
    """The version of the rules in force in ``year``."""
    return next(r for r in RULES if year >= r.since)


@dataclass(frozen=True)
class Holiday:
    """One statutory holiday of a year: its name and its days (consecutive, in order)."""

    name: str
    days: tuple[date, ...]


def _run(start: date, length: int) -> tuple[date, ...]:
    return tuple(start + timedelta(days=i) for i in range(length))


@functools.cache
def statutory_holidays(year: int) -> tuple[Holiday, ...]:
    """The statutory holidays of ``year`` in date order (without make-up days)."""
    # Imported on first use, not at start-up: only a year without official data needs it (cold start).
    from lunar_python import Lunar  # type: ignore[import-untyped]

    rules = rules_for(year)
    spring = date.fromisoformat(Lunar.fromYmd(year, 1, 1).getSolar().toYmd())
    if rules.spring_from_eve:
        spring -= timedelta(days=1)
    out = [
        Holiday("元旦", (date(year, 1, 1),)),
        Holiday("春节", _run(spring, rules.spring_days)),
        Holiday("劳动节", _run(date(year, 5, 1), rules.labour_days)),
        Holiday("国庆节", _run(date(year, 10, 1), rules.national_days)),
    ]
    if rules.lunar_festivals:
        qingming = Lunar.fromYmd(year, 1, 1).getJieQiTable()["清明"]
        out += [
            Holiday("清明节", (date.fromisoformat(qingming.toYmd()),)),
            Holiday("端午节", (date.fromisoformat(Lunar.fromYmd(year, 5, 5).getSolar().toYmd()),)),
            Holiday("中秋节", (date.fromisoformat(Lunar.fromYmd(year, 8, 15).getSolar().toYmd()),)),
        ]
    return tuple(sorted(out, key=lambda h: (h.days[0], h.name)))


@functools.cache
def rest_days(year: int) -> dict[date, str]:
    """Every day off the law itself gives in ``year``: the holidays, and for each holiday day on a
    Saturday, a Sunday or another holiday (中秋 on 1 October), a make-up day on the next free
    working day after that holiday (第六条 补假)."""
    taken: dict[date, str] = {}
    for holiday in statutory_holidays(year):
        owed = 0
        for day in holiday.days:
            if day.weekday() >= 5 or day in taken:
                owed += 1
            if day not in taken:
                taken[day] = holiday.name
        day = holiday.days[-1]
        while owed:
            day += timedelta(days=1)
            if day.year != year:
                break  # never spills into next year: New Year's Eve is not a holiday
            if day.weekday() < 5 and day not in taken:
                taken[day] = f"{holiday.name}(补假)"
                owed -= 1
    return taken
