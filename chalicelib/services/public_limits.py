"""Per-caller limits on public answers that cost real work or could be walked (seal verification,
look-up by number and holder name): one UpdateItem per counted request, per minute.

Why here and not in API Gateway alone: the stage's throttling protects the service, not the
registry from being walked one guess at a time by a single caller.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from chalicelib.domain import public_progress as dp
from chalicelib.domain.errors import DomainError
from chalicelib.services import clock
from chalicelib.storage.rate_limit_repository import RateLimitRepository

RATE_LIMITED = "RATE_LIMITED"


class PublicLimit:
    def __init__(
        self, per_minute: int, rates: RateLimitRepository | None = None, now: Callable[[], datetime] | None = None
    ) -> None:
        self.per_minute = per_minute
        self.rates = rates or RateLimitRepository()
        self.now = now or (lambda: clock.utc_now())

    def count(self, scope: str, caller_key: str) -> None:
        """Count one request of `caller_key` under `scope`; past the limit, RATE_LIMITED."""
        now = self.now()
        if (
            self.rates.hit(f"{scope}:{caller_key}", dp.rate_window(now), now + dp.RATE_RECORD_LIFETIME)
            > self.per_minute
        ):
            raise DomainError.one(RATE_LIMITED, dp.RATE_LIMITED_MESSAGE)
