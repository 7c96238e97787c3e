"""Public transparency use cases (阳光审批, seed 001 四(四)2): progress by tracking code, and each
department's on-time rate.

Both are open to anyone without logging in, so a progress lookup must not help anyone find out
which codes exist: a malformed code, an unknown code and a hidden case (confidential item,
withdrawn) all get the same NOT_FOUND, and every caller is limited to a few lookups a minute.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from chalicelib.domain import application as da
from chalicelib.domain import public_progress as dp
from chalicelib.domain.errors import DomainError
from chalicelib.domain.statistics import Statistics
from chalicelib.services import clock
from chalicelib.services.applications import TRACKING_ALPHABET
from chalicelib.storage.application_repository import ApplicationRepository
from chalicelib.storage.catalogue_repository import CatalogueRepository
from chalicelib.storage.rate_limit_repository import RateLimitRepository
from chalicelib.storage.statistics_repository import StatisticsRepository


@dataclass(frozen=True)
class DepartmentRate:
    """A department's decisions in a month, as published."""

    department_id: str
    decided: int
    on_time: int
    overdue: int
    on_time_rate: float | None


def _not_found() -> DomainError:
    return DomainError.one(dp.PublicCode.NOT_FOUND, dp.NOT_FOUND_MESSAGE, "trackingCode")


class PublicProgressService:
    def __init__(
        self,
        applications: ApplicationRepository,
        lookups_per_minute: int,
        rates: RateLimitRepository | None = None,
        statistics: StatisticsRepository | None = None,
        now: Callable[[], datetime] | None = None,
        catalogue: CatalogueRepository | None = None,
    ) -> None:
        self.applications = applications
        self.catalogue = catalogue or CatalogueRepository()
        self.lookups_per_minute = lookups_per_minute
        self.rates = rates or RateLimitRepository()
        self.statistics = statistics or StatisticsRepository()
        self.now = now or (lambda: clock.utc_now())  # read at call time: tests move the clock

    def progress(self, tracking_code: str, caller_key: str) -> dp.PublicProgress:
        """The published view of a case, or NOT_FOUND (the same for every reason), or RATE_LIMITED
        (then no lookup is made). Costs one UpdateItem and at most three GetItems."""
        code = tracking_code.strip().upper()
        if not dp.is_well_formed(code, TRACKING_ALPHABET):
            raise _not_found()
        now = self.now()
        window = dp.rate_window(now)
        if self.rates.hit(caller_key, window, now + dp.RATE_RECORD_LIFETIME) > self.lookups_per_minute:
            raise DomainError.one(dp.PublicCode.RATE_LIMITED, dp.RATE_LIMITED_MESSAGE, "trackingCode")
        application_id = self.applications.by_tracking_code(code)
        found = self.applications.get(application_id) if application_id else None
        if found is None or not dp.is_published(found[0]):
            raise _not_found()
        # Confidentiality follows the catalogue as it is now: an item marked confidential after
        # filing hides its earlier cases too.
        current = self.catalogue.get_item(found[0].item.code)
        if current is not None and current[0].elements.confidential:
            raise _not_found()
        return dp.public_progress(found[0], self.applications.calendar, da.china_date(now))

    def on_time_rates(self, month: str) -> list[DepartmentRate]:
        """Every department that decided something in `month` (YYYY-MM): one Query."""
        by_department: dict[str, Statistics] = self.statistics.month_by_department(month)
        return [
            DepartmentRate(
                department_id=department,
                decided=stats["decided"],
                on_time=stats["decided_on_time"],
                overdue=stats["decided_overdue"],
                on_time_rate=stats.on_time_rate,
            )
            for department, stats in by_department.items()
            if stats["decided"]
        ]
