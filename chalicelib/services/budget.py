"""How long a scheduled run may still work before Lambda's timeout cuts it off.

The sweep and the relay check the budget between cases/messages (each one its own transaction)
and stop cleanly with `reserve_ms` left, so the rest waits for the next run instead of a batch
being killed halfway (its metrics and log line unwritten).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


class RemainingTime(Protocol):
    """Lambda's context object (`chalice.app.CloudWatchEvent.context`)."""

    def get_remaining_time_in_millis(self) -> int: ...


@dataclass(frozen=True)
class Budget:
    context: RemainingTime | None = None
    reserve_ms: int = 0

    @classmethod
    def of(cls, context: Any, reserve_ms: int) -> Budget:
        """The invocation's budget; unlimited when there is no Lambda context (local scheduler)."""
        usable = context is not None and hasattr(context, "get_remaining_time_in_millis")
        return cls(context if usable else None, reserve_ms)

    def exhausted(self) -> bool:
        return self.context is not None and self.context.get_remaining_time_in_millis() <= self.reserve_ms


UNLIMITED = Budget()
