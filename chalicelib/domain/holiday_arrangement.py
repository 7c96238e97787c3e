"""The State Council's holiday arrangement for one year (国务院办公厅关于某年部分节假日安排的通知).

Published each November for the next year: holiday periods (with the weekend days and bridges
inside them) and adjusted working days (调休上班). Once an administrator loads it, it is the
authoritative calendar of that year (domain/working_days.py): weekends rest, the periods rest,
the adjusted days work. Each load is a new version with who, when and why.

Validation reports every problem at once: a date outside the year, a period ending before it
starts, overlapping periods, a day both a holiday and a working day, an adjusted working day that
is not a weekend day, a duplicate, and a statutory holiday of the year (computed from the
放假办法, domain/statutory_holidays.py) that no period covers.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from chalicelib.domain.errors import DomainError, Violation
from chalicelib.domain.statutory_holidays import statutory_holidays

MAX_PERIODS = 20
MAX_WORKDAYS = 20
MAX_PERIOD_DAYS = 15
MAX_NAME = 20
MAX_REASON = 500


class ArrangementCode(StrEnum):
    DATE_OUTSIDE_YEAR = "DATE_OUTSIDE_YEAR"
    PERIOD_INVERTED = "PERIOD_INVERTED"
    PERIOD_TOO_LONG = "PERIOD_TOO_LONG"
    OVERLAPPING_HOLIDAYS = "OVERLAPPING_HOLIDAYS"
    HOLIDAY_AND_WORKDAY = "HOLIDAY_AND_WORKDAY"
    WORKDAY_NOT_WEEKEND = "WORKDAY_NOT_WEEKEND"
    DUPLICATE_DAY = "DUPLICATE_DAY"
    STATUTORY_HOLIDAY_MISSING = "STATUTORY_HOLIDAY_MISSING"
    NAME_REQUIRED = "NAME_REQUIRED"
    REASON_REQUIRED = "REASON_REQUIRED"
    OUT_OF_RANGE = "OUT_OF_RANGE"


@dataclass(frozen=True)
class HolidayPeriod:
    """One holiday of the notice, both ends inclusive (e.g. 春节 2027-02-05 to 2027-02-12)."""

    name: str
    start: date
    end: date

    @property
    def days(self) -> tuple[date, ...]:
        return tuple(self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1))


@dataclass(frozen=True)
class HolidayArrangement:
    """One version of a year's arrangement as loaded (immutable once stored)."""

    year: int
    version: int
    periods: tuple[HolidayPeriod, ...]
    workdays: tuple[date, ...]
    reason: str
    loaded_by: str
    loaded_at: str

    def rest_days(self) -> dict[date, str]:
        """Holiday day -> holiday name."""
        return {day: p.name for p in self.periods for day in p.days}


def validate(
    year: int,
    periods: list[HolidayPeriod],
    workdays: list[date],
    reason: str,
) -> list[Violation]:
    """Every problem of a proposed arrangement (empty when it may be loaded)."""
    problems: list[Violation] = []

    def fail(code: ArrangementCode, message: str, field: str) -> None:
        problems.append(Violation(code.value, message, field))

    if not 1900 <= year <= 2200:
        fail(ArrangementCode.OUT_OF_RANGE, "年份须在1900至2200之间", "year")
        return problems
    if not reason.strip() or len(reason) > MAX_REASON:
        fail(ArrangementCode.REASON_REQUIRED, f"请填写载入依据(如通知文号),不超过{MAX_REASON}个字符", "reason")
    if len(periods) > MAX_PERIODS or len(workdays) > MAX_WORKDAYS:
        fail(ArrangementCode.OUT_OF_RANGE, f"假期不超过{MAX_PERIODS}段,调休上班日不超过{MAX_WORKDAYS}天", "holidays")
        return problems
    in_year: list[tuple[int, HolidayPeriod]] = []
    for i, p in enumerate(periods):
        where = f"holidays[{i}]"
        if not p.name.strip() or len(p.name) > MAX_NAME:
            fail(ArrangementCode.NAME_REQUIRED, f"假期名称不能为空且不超过{MAX_NAME}个字符", f"{where}.name")
        if p.end < p.start:
            fail(ArrangementCode.PERIOD_INVERTED, f"{p.name}的结束日期早于开始日期", f"{where}.end")
            continue
        outside = [d for d in (p.start, p.end) if d.year != year]
        if outside:
            fail(ArrangementCode.DATE_OUTSIDE_YEAR, f"{p.name}的日期{outside[0].isoformat()}不在{year}年内", where)
            continue
        if (p.end - p.start).days + 1 > MAX_PERIOD_DAYS:
            fail(ArrangementCode.PERIOD_TOO_LONG, f"{p.name}超过{MAX_PERIOD_DAYS}天", where)
            continue
        in_year.append((i, p))
    ordered = sorted((p.start, p.end, i, p.name) for i, p in in_year)
    for (_s1, e1, i1, n1), (s2, _e2, i2, n2) in itertools.pairwise(ordered):
        if s2 <= e1:
            fail(ArrangementCode.OVERLAPPING_HOLIDAYS, f"{n1}与{n2}的日期重叠", f"holidays[{max(i1, i2)}]")
    rest = {d for _i, p in in_year for d in p.days}
    seen: set[date] = set()
    for i, d in enumerate(workdays):
        where = f"workdays[{i}]"
        if d in seen:
            fail(ArrangementCode.DUPLICATE_DAY, f"调休上班日{d.isoformat()}重复", where)
            continue
        seen.add(d)
        if d.year != year:
            fail(ArrangementCode.DATE_OUTSIDE_YEAR, f"调休上班日{d.isoformat()}不在{year}年内", where)
        elif d in rest:
            fail(ArrangementCode.HOLIDAY_AND_WORKDAY, f"{d.isoformat()}既是假日又是调休上班日", where)
        elif d.weekday() < 5:
            fail(ArrangementCode.WORKDAY_NOT_WEEKEND, f"{d.isoformat()}本是工作日,不是调休上班日", where)
    if len(in_year) == len(periods):  # a dropped period would report its holiday twice
        for holiday in statutory_holidays(year):
            missing = [d for d in holiday.days if d not in rest]
            if missing:
                fail(
                    ArrangementCode.STATUTORY_HOLIDAY_MISSING,
                    f"法定节假日{holiday.name}({missing[0].isoformat()})未在安排中放假",
                    "holidays",
                )
    return problems


def build(
    year: int,
    periods: list[HolidayPeriod],
    workdays: list[date],
    reason: str,
    *,
    version: int,
    loaded_by: str,
    loaded_at: str,
) -> HolidayArrangement:
    """The arrangement as stored, or DomainError with every problem at once."""
    problems = validate(year, periods, workdays, reason)
    if problems:
        raise DomainError(problems)
    return HolidayArrangement(
        year,
        version,
        tuple(sorted((HolidayPeriod(p.name.strip(), p.start, p.end) for p in periods), key=lambda p: p.start)),
        tuple(sorted(workdays)),
        reason.strip(),
        loaded_by,
        loaded_at,
    )
