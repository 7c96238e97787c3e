"""The one place that reads the wall clock, so tests can pin time.

Callers use `clock.utc_now()` (module attribute, looked up at call time) so the `clock` test
fixture can move time for a whole request.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


def now_iso() -> str:
    return utc_now().isoformat(timespec="seconds").replace("+00:00", "Z")
