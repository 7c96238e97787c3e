"""Per-process reference data with bounded staleness: the centre hierarchy filing routes on.

Every filing routes its case up the centre hierarchy (seed 000 在地受理、按职权内部流转), which
changes a few times a year. Each process keeps the hierarchy in memory and reads it again (one
Query) when its copy is older than `MAX_STALENESS_SECONDS`, as the working-day calendar does
(services/calendar.py). A change an administrator makes is seen at once by the process that made
it (`invalidate`) and by every other process within the bound: a centre closed a moment ago may
still take a filing in another process for up to that long, which is the price of one request
fewer per filing. Authorisation never rests on this copy (scopes read the hierarchy per request).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from chalicelib.domain.organisation import Centre
from chalicelib.storage.catalogue_repository import CatalogueRepository

T = TypeVar("T")
MAX_STALENESS_SECONDS = 60.0


class BoundedCache(Generic[T]):
    """A value loaded at most once per `max_age` seconds per process (and at once after
    `invalidate`); readers in between get the same object."""

    def __init__(
        self,
        load: Callable[[], T],
        max_age: float = MAX_STALENESS_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load = load
        self.max_age = max_age
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._read_at: float | None = None
        self._value: T | None = None

    def current(self) -> T:
        now = self._monotonic()
        with self._lock:
            if self._value is None or self._read_at is None or now - self._read_at >= self.max_age:
                self._value = self._load()
                self._read_at = now
            return self._value

    def invalidate(self) -> None:
        """Forget what was read: the next `current()` reads again (after a change here; per test)."""
        with self._lock:
            self._read_at = None
            self._value = None


CENTRE_HIERARCHY: BoundedCache[dict[str, Centre]] = BoundedCache(lambda: CatalogueRepository().all_centres())


def centre_hierarchy() -> dict[str, Centre]:
    """Every centre by id, as this process last read them (at most `MAX_STALENESS_SECONDS` ago)."""
    return CENTRE_HIERARCHY.current()
