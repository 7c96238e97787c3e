"""The working-day calendar in force, and loading a year's State Council arrangement.

Every request that counts deadlines reads the calendar, so each process keeps it in memory: the
arrangements are read with one Query at most once per `MAX_STALENESS_SECONDS` (and at once after
a load in the same process). Another process therefore sees a newly loaded arrangement at most
`MAX_STALENESS_SECONDS` late; the sweep recomputes stored deadlines only after that bound has
passed, so no process can re-file a deadline on the old calendar after the sweep moved it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import date, datetime

from chalicelib.domain import holiday_arrangement as dh
from chalicelib.domain.errors import DomainError
from chalicelib.domain.holiday_arrangement import HolidayArrangement, HolidayPeriod
from chalicelib.domain.identity import Principal, Role
from chalicelib.domain.working_days import WorkingDayCalendar
from chalicelib.services import clock
from chalicelib.storage.calendar_repository import CalendarRepository
from chalicelib.storage.idempotency import IdempotencyRepository
from chalicelib.storage.unit_of_work import CONFLICT, UnitOfWork

MAX_STALENESS_SECONDS = 60.0
OPERATION = "workingDayArrangementLoad"


class CalendarCache:
    """The per-process calendar: refreshed when older than `max_age` seconds (one Query), and
    the same `WorkingDayCalendar` instance (with its memoised year tables) while nothing changed."""

    def __init__(
        self,
        repository: Callable[[], CalendarRepository] = CalendarRepository,
        max_age: float = MAX_STALENESS_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._repository = repository
        self.max_age = max_age
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._read_at: float | None = None
        self._signature: tuple[tuple[int, int], ...] | None = None
        self._calendar = WorkingDayCalendar()

    def current(self) -> WorkingDayCalendar:
        now = self._monotonic()
        if self._read_at is not None and now - self._read_at < self.max_age:
            return self._calendar
        with self._lock:
            if self._read_at is None or now - self._read_at >= self.max_age:
                loaded = {year: a for year, (a, _rev) in self._repository().current().items()}
                signature = tuple(sorted((year, a.version) for year, a in loaded.items()))
                if signature != self._signature:
                    self._calendar = WorkingDayCalendar(arrangements=loaded)
                    self._signature = signature
                self._read_at = now
        return self._calendar

    def invalidate(self) -> None:
        """Forget what was read: the next `current()` reads again (after a load; per test)."""
        with self._lock:
            self._read_at = None
            self._signature = None
            self._calendar = WorkingDayCalendar()


CALENDAR_CACHE = CalendarCache()


def current_calendar() -> WorkingDayCalendar:
    """The calendar in force for this process (official data, loaded arrangements, fallback)."""
    return CALENDAR_CACHE.current()


class CalendarService:
    def __init__(
        self,
        repository: CalendarRepository | None = None,
        now: Callable[[], datetime] | None = None,
        cache: CalendarCache | None = None,
    ) -> None:
        self.repository = repository or CalendarRepository()
        self.now = now or (lambda: clock.utc_now())
        self.cache = cache or CALENDAR_CACHE
        self.idempotency = IdempotencyRepository()

    def load(
        self,
        principal: Principal,
        year: int,
        periods: list[HolidayPeriod],
        workdays: list[date],
        reason: str,
        expected_version: int | None = None,
        key: str | None = None,
    ) -> HolidayArrangement:
        """A new version of the year's arrangement: authoritative from now on (catalogue admins)."""
        if not principal.has_any(Role.ADMIN) or principal.subject is None:
            raise DomainError.one("FORBIDDEN", "只有目录管理员可以载入节假日安排")
        if key:
            earlier = self._remembered(principal.subject, key, year)
            if earlier is not None:
                return earlier
        found = self.repository.current().get(year)
        current_version = found[0].version if found else 0
        if expected_version is not None and expected_version != current_version:
            raise DomainError.one(
                "STALE_VERSION", f"{year}年节假日安排已是第{current_version}版,请刷新后再载入", "expectedVersion"
            )
        arrangement = dh.build(
            year,
            periods,
            workdays,
            reason,
            version=current_version + 1,
            loaded_by=principal.subject,
            loaded_at=self.now().isoformat(timespec="seconds"),
        )
        uow = UnitOfWork()
        self.repository.stage_load(uow, arrangement, found[1] if found else None)
        if key:
            self.idempotency.remember(
                uow, principal.subject, OPERATION, key, {"year": year, "version": arrangement.version}
            )
        try:
            uow.commit()
        except DomainError as error:
            if key and error.violations[0].code == CONFLICT:
                again = self._remembered(principal.subject, key, year)
                if again is not None:
                    return again
            raise
        self.cache.invalidate()
        return arrangement

    def _remembered(self, subject: str, key: str, year: int) -> HolidayArrangement | None:
        if len(key) > 100:
            raise DomainError.one("OUT_OF_RANGE", "幂等键不能超过100个字符", "idempotencyKey")
        earlier = self.idempotency.remembered(subject, OPERATION, key)
        if earlier is None:
            return None
        if earlier.get("year") != year:
            raise DomainError.one("IDEMPOTENCY_KEY_REUSED", "该幂等键已用于另一请求,请换用新的幂等键", "idempotencyKey")
        version = int(earlier["version"])
        return next((a for a in self.repository.versions(year) if a.version == version), None)

    def versions(self, year: int) -> list[HolidayArrangement]:
        return self.repository.versions(year)
