"""Working-day (工作日) clock for administrative-approval time limits.

Approval time limits in China are counted in working days on the official
calendar: weekends are rest days unless the State Council declares them
adjusted working days (调休), and statutory holidays are rest days even when
they fall on weekdays.  Each year's calendar comes from the first source
that has it:

1. the State Council's arrangement an administrator loaded for the year
   (domain/holiday_arrangement.py): weekends rest, its holiday periods rest,
   its adjusted working days work -- authoritative once loaded;
2. the official data ``chinese_calendar`` carries for the years it knows;
3. otherwise a computed fallback: weekends plus the statutory holidays of
   the 放假办法 and their make-up days (domain/statutory_holidays.py).  A
   deadline that touches such a year is *provisional*: bridges and adjusted
   working days are unknown until the arrangement is published.  The clock
   logs one WARNING per fallback year and never raises, because a missing
   calendar year must not take the API down.

Counting rules (shared by every method here):

* the start (acceptance) day itself is never counted; a limit of N working
  days ends on the N-th working day *after* the start date;
* a pause (expert review, site inspection, hearing, ...) covers its start
  and end dates inclusively; an open pause runs up to "today";
* working days inside pauses (and after the start date) are not counted,
  so they push the deadline later by exactly that many working days;
  overlapping pauses are merged so that no day is counted twice.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from types import ModuleType
from typing import Any

from chalicelib.domain import statutory_holidays
from chalicelib.domain.holiday_arrangement import HolidayArrangement

__all__ = [
    "DEFAULT_CALENDAR",
    "CalendarSource",
    "Pause",
    "WorkingDayCalendar",
    "has_official_data",
]

logger = logging.getLogger(__name__)

DEADLINE_ENTRIES = 4096
"""Due dates each calendar instance remembers (`WorkingDayCalendar.deadline`) before it starts afresh."""

_WORKDAY_MARKERS = frozenset({"workday", "工作日", "上班"})
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Pause:
    """A suspension of the approval clock; both ends are inclusive.

    ``end`` is ``None`` while the pause is still running: it then lasts up to
    whatever "today" the caller passes in.
    """

    start: date
    end: date | None = None

    def __post_init__(self) -> None:
        """Reject inverted pauses early: they would silently count as zero."""
        if not isinstance(self.start, date):
            raise TypeError(f"Pause.start must be a date, got {type(self.start).__name__}")
        if self.end is not None:
            if not isinstance(self.end, date):
                raise TypeError(f"Pause.end must be a date or None, got {type(self.end).__name__}")
            if _as_date(self.end) < _as_date(self.start):
                raise ValueError(f"pause ends ({self.end}) before it starts ({self.start})")

    @property
    def is_open(self) -> bool:
        """True while the pause has not been closed yet."""
        return self.end is None


@dataclass(frozen=True)
class _YearTable:
    """Precomputed working days of one year, so lookups and sums are O(1).

    ``prefix[i]`` is the number of working days among the first ``i`` days of
    the year, and ``work_days[k]`` the day-of-year index (0-based) of the
    (k+1)-th working day.
    """

    jan1: int  # proleptic ordinal of 1 January
    flags: bytes
    prefix: tuple[int, ...]
    work_days: tuple[int, ...]

    @property
    def total(self) -> int:
        """Working days in the whole year."""
        return self.prefix[-1]

    @classmethod
    def build(cls, year: int, flags: bytearray) -> _YearTable:
        """Derive the prefix sums and the working-day index from the flags."""
        prefix = [0]
        work_days: list[int] = []
        for i, flag in enumerate(flags):
            if flag:
                work_days.append(i)
            prefix.append(prefix[-1] + flag)
        return cls(date(year, 1, 1).toordinal(), bytes(flags), tuple(prefix), tuple(work_days))


def _as_date(d: date) -> date:
    """Normalise datetimes to dates: the clock works in whole calendar days."""
    if not isinstance(d, date):
        raise TypeError(f"expected a date, got {type(d).__name__}")
    if type(d) is not date:  # datetime (or another subclass)
        return date(d.year, d.month, d.day)
    return d


@functools.cache
def _chinese_calendar() -> ModuleType:
    """``chinese_calendar``, imported on the first deadline rather than at start-up (cold start:
    `import app` must not load data that the catalogue and most requests never use)."""
    import chinese_calendar  # type: ignore[import-untyped]

    return chinese_calendar


def _days_in_year(year: int) -> int:
    """366 for leap years, 365 otherwise."""
    if year == 9999:
        return 365
    return date(year + 1, 1, 1).toordinal() - date(year, 1, 1).toordinal()


@functools.cache
def _official_flags(year: int) -> bytes | None:
    """Working-day flags from ``chinese_calendar`` for ``year``, or None if it lacks the year.

    Cached per year for the whole process: the library validates its year
    range on every call, so asking it once per date is comparatively slow.
    """
    jan1 = date(year, 1, 1)
    try:
        return bytes(
            1 if _chinese_calendar().is_workday(jan1 + timedelta(days=i)) else 0 for i in range(_days_in_year(year))
        )
    except NotImplementedError:
        return None


def has_official_data(year: int) -> bool:
    """Whether ``chinese_calendar`` holds the State Council's calendar for ``year``."""
    return _official_flags(year) is not None


def _weekend_flags(year: int) -> bytearray:
    """Monday to Friday work, weekends rest."""
    first_weekday = date(year, 1, 1).weekday()
    return bytearray(1 if (first_weekday + i) % 7 < 5 else 0 for i in range(_days_in_year(year)))


@functools.cache
def _computed_rest_days(year: int) -> dict[date, str]:
    """The statutory holidays and make-up days of ``year``; never raises (weekends only then)."""
    try:
        return statutory_holidays.rest_days(year)
    except Exception:  # a lunar-calendar failure must not take a deadline down
        logger.exception("statutory holidays of %d could not be computed; weekends only", year)
        return {}


def _fallback_flags(year: int) -> bytearray:
    """Weekends plus the computed statutory holidays (with make-up days) of ``year``."""
    flags = _weekend_flags(year)
    jan1 = date(year, 1, 1).toordinal()
    for day in _computed_rest_days(year):
        flags[day.toordinal() - jan1] = 0
    return flags


def _arrangement_flags(arrangement: HolidayArrangement) -> bytearray:
    """Weekends, then the arrangement's holidays rest and its adjusted working days work."""
    flags = _weekend_flags(arrangement.year)
    jan1 = date(arrangement.year, 1, 1).toordinal()
    for day in arrangement.rest_days():
        flags[day.toordinal() - jan1] = 0
    for day in arrangement.workdays:
        flags[day.toordinal() - jan1] = 1
    return flags


_OFFICIAL_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


class CalendarSource(StrEnum):
    """Where a year's working days come from (first match wins)."""

    ARRANGEMENT = "arrangement"  # loaded by an administrator: authoritative
    OFFICIAL = "official"  # chinese_calendar's State Council data
    COMPUTED = "computed"  # weekends + statutory holidays: deadlines are provisional


class WorkingDayCalendar:
    """Official Chinese working-day calendar with an overridable holiday table.

    ``holidays`` (date -> name) and ``workdays`` (adjusted working days) are
    applied on top of whatever the year's base calendar is: the official
    ``chinese_calendar`` data where it exists, plain weekends otherwise.  That
    lets operators load next year's State Council notice before the library
    ships it.  Per-year tables are built lazily and memoised per instance, and
    the missing-year warning is logged once per year per instance.
    """

    def __init__(
        self,
        holidays: Mapping[date, str] | None = None,
        workdays: Iterable[date] | None = None,
        arrangements: Mapping[int, HolidayArrangement] | None = None,
    ) -> None:
        """Validate and index the override table by year."""
        self._arrangements: dict[int, HolidayArrangement] = dict(arrangements or {})
        self._holidays: dict[date, str] = {}
        for d, name in (holidays or {}).items():
            if not isinstance(name, str):
                raise TypeError(f"holiday name for {d} must be a string, got {type(name).__name__}")
            self._holidays[_as_date(d)] = name
        self._workdays: frozenset[date] = frozenset(_as_date(d) for d in (workdays or ()))
        both = sorted(self._workdays.intersection(self._holidays))
        if both:
            listed = ", ".join(d.isoformat() for d in both)
            raise ValueError(f"dates listed both as holidays and as working days: {listed}")
        self._override_years: dict[int, list[tuple[date, int]]] = {}
        for d in self._holidays:
            self._override_years.setdefault(d.year, []).append((d, 0))
        for d in self._workdays:
            self._override_years.setdefault(d.year, []).append((d, 1))
        self._years: dict[int, _YearTable] = {}
        self._lock = threading.Lock()
        # Due dates already counted on this calendar: every read of a case counts the same few
        # (each review task's, the promised one) again. The calendar never changes once built
        # (services/calendar.py builds a new instance when an arrangement is loaded), so an entry
        # is valid for as long as the instance lives; bounded, emptied when full.
        self._deadlines: dict[tuple[date, int, tuple[Pause, ...], date | None], date] = {}

    def __repr__(self) -> str:
        """Summarise the override table size rather than dumping it."""
        return f"{type(self).__name__}(holidays=<{len(self._holidays)} dates>, workdays=<{len(self._workdays)} dates>)"

    @property
    def holidays(self) -> Mapping[date, str]:
        """Override holidays (a copy): rest days on top of the base calendar."""
        return dict(self._holidays)

    @property
    def workdays(self) -> frozenset[date]:
        """Override adjusted working days on top of the base calendar."""
        return self._workdays

    @property
    def arrangements(self) -> Mapping[int, HolidayArrangement]:
        """The loaded State Council arrangements by year (a copy)."""
        return dict(self._arrangements)

    def source(self, year: int) -> CalendarSource:
        """Which source decides ``year``'s working days."""
        if year in self._arrangements:
            return CalendarSource.ARRANGEMENT
        return CalendarSource.OFFICIAL if has_official_data(year) else CalendarSource.COMPUTED

    def is_provisional(self, start: date, end: date) -> bool:
        """Whether a deadline counted from ``start`` to ``end`` crosses a computed (fallback) year:
        it may still move when that year's arrangement is loaded."""
        first, last = sorted((_as_date(start).year, _as_date(end).year))
        return any(self.source(y) is CalendarSource.COMPUTED for y in range(first, last + 1))

    def rest_days(self, year: int) -> dict[date, str]:
        """Named days off of ``year`` by its source (holidays, bridges, make-up days)."""
        source = self.source(year)
        if source is CalendarSource.ARRANGEMENT:
            return self._arrangements[year].rest_days()
        if source is CalendarSource.COMPUTED:
            return dict(_computed_rest_days(year))
        return {
            d: _OFFICIAL_NAMES.get(name, name) for d, name in _chinese_calendar().holidays.items() if d.year == year
        }

    def adjusted_workdays(self, year: int) -> tuple[date, ...]:
        """Weekend days of ``year`` that are working days (调休上班)."""
        source = self.source(year)
        if source is CalendarSource.ARRANGEMENT:
            return self._arrangements[year].workdays
        if source is CalendarSource.COMPUTED:
            return ()
        return tuple(sorted(d for d in _chinese_calendar().workdays if d.year == year and d.weekday() >= 5))

    # -- construction from data ------------------------------------------------

    @classmethod
    def from_json(cls, text: str) -> WorkingDayCalendar:
        """Build a calendar from a JSON override table.

        Accepted shapes::

            {"holidays": {"2027-01-01": "元旦", ...}, "workdays": ["2027-02-07", ...]}
            {"2027-01-01": "元旦", "2027-02-07": "workday", ...}

        In the flat shape a value of ``"workday"`` (or ``"工作日"``/``"上班"``)
        marks an adjusted working day and any other string names a holiday.
        ``workdays`` may also be an object whose keys are the dates.  Anything
        malformed raises ValueError naming the offending entry, so a bad
        deployment fails loudly at load time rather than miscounting deadlines.
        """
        try:
            data: Any = json.loads(text)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"working-day calendar JSON is not valid JSON: {exc}") from exc
        if not isinstance(data, dict):
            # bad *data*, not a programming error: the API promises ValueError
            raise ValueError(f"working-day calendar JSON must be an object, got {type(data).__name__}")
        holidays: dict[date, str] = {}
        workdays: list[date] = []
        if set(data) <= {"holidays", "workdays"}:
            raw_holidays = data.get("holidays", {})
            if not isinstance(raw_holidays, dict):
                raise ValueError('"holidays" must be an object mapping "YYYY-MM-DD" to a name')
            for key, name in raw_holidays.items():
                holidays[_parse_day(key, "holidays")] = _parse_name(key, name)
            raw_workdays = data.get("workdays", [])
            if not isinstance(raw_workdays, (list, dict)):
                raise ValueError('"workdays" must be a list of "YYYY-MM-DD" strings')
            for key in raw_workdays:
                workdays.append(_parse_day(key, "workdays"))
        else:
            for key, value in data.items():
                day = _parse_day(key, "calendar")
                name = _parse_name(key, value)
                if name.strip().lower() in _WORKDAY_MARKERS:
                    workdays.append(day)
                else:
                    holidays[day] = name
        dupes = sorted(set(workdays).intersection(holidays))
        if dupes:
            listed = ", ".join(d.isoformat() for d in dupes)
            raise ValueError(f"dates listed both as holidays and as working days: {listed}")
        return cls(holidays=holidays, workdays=workdays)

    # -- per-year tables -------------------------------------------------------

    def _table(self, year: int) -> _YearTable:
        """Return the memoised table for ``year``, building it on first use."""
        table = self._years.get(year)
        if table is not None:
            return table
        with self._lock:
            table = self._years.get(year)
            if table is None:
                table = self._build_table(year)
                self._years[year] = table
        return table

    def _build_table(self, year: int) -> _YearTable:
        """Combine base calendar and overrides; warn if the official data is missing."""
        if not 1 <= year <= 9999:
            raise OverflowError(f"year {year} is outside the supported date range")
        overrides = self._override_years.get(year, ())
        arrangement = self._arrangements.get(year)
        official = None if arrangement else _official_flags(year)
        if arrangement is not None:
            flags = _arrangement_flags(arrangement)
        elif official is None:
            logger.warning(
                "no State Council arrangement for %d (chinese_calendar lacks it, none loaded); "
                "falling back to weekends, the statutory holidays and %d override date(s): "
                "deadlines in that year are provisional",
                year,
                len(overrides),
            )
            flags = _fallback_flags(year)
        else:
            flags = bytearray(official)
        jan1 = date(year, 1, 1).toordinal()
        for d, flag in overrides:
            flags[d.toordinal() - jan1] = flag
        return _YearTable.build(year, flags)

    def _locate(self, d: date) -> tuple[_YearTable, int]:
        """Table of ``d``'s year and ``d``'s 0-based day-of-year index."""
        table = self._table(d.year)
        return table, d.toordinal() - table.jan1

    # -- public API ------------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        """Whether civil servants work on ``d`` (official data plus overrides)."""
        table, i = self._locate(_as_date(d))
        return bool(table.flags[i])

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start`` (``start`` itself never counts).

        ``n == 0`` returns ``start`` unchanged even if it is a rest day, so a
        zero limit means "due on the day of acceptance".  Cost is one table
        lookup per calendar year crossed.
        """
        start = _as_date(start)
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(f"n must be an int, got {type(n).__name__}")
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        if n == 0:
            return start
        table, i = self._locate(start)
        # index into table.work_days of the n-th working day after start
        k = table.prefix[i + 1] + n - 1
        year = start.year
        while k >= table.total:
            k -= table.total
            year += 1
            table = self._table(year)
        return date.fromordinal(table.jan1 + table.work_days[k])

    def working_days_between(self, start: date, end: date) -> int:
        """Count working days ``d`` with ``start < d <= end``; 0 if ``end <= start``."""
        start, end = _as_date(start), _as_date(end)
        if end <= start:
            return 0
        t_start, i_start = self._locate(start)
        t_end, i_end = self._locate(end)
        if start.year == end.year:
            return t_end.prefix[i_end + 1] - t_start.prefix[i_start + 1]
        count = t_start.total - t_start.prefix[i_start + 1]
        for year in range(start.year + 1, end.year):
            count += self._table(year).total
        return count + t_end.prefix[i_end + 1]

    def paused_working_days(
        self,
        start: date,
        pauses: Sequence[Pause],
        today: date | None = None,
        *,
        until: date | None = None,
    ) -> int:
        """Working days after ``start`` covered by at least one pause.

        Open pauses run up to ``today`` (required if any pause is open);
        ``until`` additionally caps every pause, for "so far" questions.
        Overlapping pauses are merged so no day is subtracted twice.
        """
        start = _as_date(start)
        today = None if today is None else _as_date(today)
        until = None if until is None else _as_date(until)
        intervals: list[tuple[date, date]] = []
        for pause in pauses:
            if not isinstance(pause, Pause):
                raise TypeError(f"expected a Pause, got {type(pause).__name__}")
            if pause.end is None:
                if today is None:
                    raise ValueError(f"pause starting {pause.start} is still open: pass today= to count it")
                end = today
            else:
                end = _as_date(pause.end)
            if until is not None and until < end:
                end = until
            # a pause covers [p_start, end]; only days after `start` ever count
            p_start = max(_as_date(pause.start), start + timedelta(days=1))
            if p_start <= end:
                intervals.append((p_start, end))
        intervals.sort()
        total = 0
        merged: list[tuple[date, date]] = []
        for p_start, end in intervals:
            if merged and p_start <= merged[-1][1] + timedelta(days=1):
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((p_start, end))
        for p_start, end in merged:
            total += self.working_days_between(p_start - timedelta(days=1), end)
        return total

    def deadline(
        self,
        start: date,
        limit: int,
        pauses: Sequence[Pause] = (),
        today: date | None = None,
    ) -> date:
        """Due date: ``limit`` working days after ``start``, pushed back by paused working days.

        ``today`` is only needed (and then required) when a pause is still
        open, since an open pause keeps extending the deadline day by day.
        """
        if isinstance(limit, bool) or not isinstance(limit, int):
            raise TypeError(f"limit must be an int, got {type(limit).__name__}")
        if limit < 0:
            raise ValueError(f"limit must be >= 0, got {limit}")
        shape = tuple(pauses)
        key = None
        if type(start) is date and all(type(p) is Pause for p in shape):
            # `today` matters only while a pause is open (an open pause without it raises below).
            key = (start, limit, shape, today if any(p.end is None for p in shape) else None)
            due = self._deadlines.get(key)
            if due is not None:
                return due
        paused = self.paused_working_days(start, shape, today)
        due = self.add_working_days(start, limit + paused)
        if key is not None:
            if len(self._deadlines) >= DEADLINE_ENTRIES:
                self._deadlines.clear()
            self._deadlines[key] = due
        return due

    def working_days_used(self, start: date, today: date, pauses: Sequence[Pause] = ()) -> int:
        """Working days consumed from ``start`` (exclusive) to ``today`` (inclusive), pauses excluded."""
        elapsed = self.working_days_between(start, today)
        if elapsed == 0:
            return 0
        return elapsed - self.paused_working_days(start, pauses, today, until=today)

    def working_days_left(
        self,
        start: date,
        limit: int,
        today: date,
        pauses: Sequence[Pause] = (),
    ) -> int:
        """``limit`` minus the days used; negative once the item is overdue."""
        if isinstance(limit, bool) or not isinstance(limit, int):
            raise TypeError(f"limit must be an int, got {type(limit).__name__}")
        if limit < 0:
            raise ValueError(f"limit must be >= 0, got {limit}")
        return limit - self.working_days_used(start, today, pauses)


def _parse_day(key: object, where: str) -> date:
    """Parse one "YYYY-MM-DD" key, naming the section on failure."""
    if not isinstance(key, str):
        raise ValueError(f'{where}: date must be a "YYYY-MM-DD" string, got {key!r}')
    if _ISO_DAY.fullmatch(key) is not None:
        try:
            return date.fromisoformat(key)
        except ValueError:
            pass
    raise ValueError(f'{where}: invalid date {key!r}, expected "YYYY-MM-DD"')


def _parse_name(key: str, value: object) -> str:
    """Holiday names must be non-empty strings."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{key}: holiday name must be a non-empty string, got {value!r}")
    return value


DEFAULT_CALENDAR = WorkingDayCalendar()
"""Official calendar without overrides; shared so its per-year tables are built once."""
