"""Per-caller, per-minute request counters for public lookups (rate limiting).

Key scheme (see infra/ACCESS_PATTERNS.md):
    RATE#<caller> / <yyyy-mm-ddTHH:MM>     hits of one caller in one UTC minute; attribute `TTL`
                                           lets DynamoDB delete the record once it is stale

One UpdateItem with ADD returns the new count (ReturnValues=UPDATED_NEW): two concurrent lookups
can never both read the old count and slip past the limit, and a lookup costs one request, not
a read and a write. Deliberately outside any unit of work: the count must stand even when the
lookup it guards finds nothing.
"""

from __future__ import annotations

from datetime import datetime

from pynamodb.expressions.operand import Path

from chalicelib.storage._pynamodb_seam import table_connection
from chalicelib.storage.tables import Record
from chalicelib.storage.unit_of_work import COUNTER_PREFIX

HITS = COUNTER_PREFIX + "hits"


class RateLimitRepository:
    def hit(self, caller: str, window: str, expires_at: datetime) -> int:
        """Count one request of `caller` in `window`; returns the window's count including it."""
        response = table_connection(Record).update_item(
            f"RATE#{caller}",
            window,
            actions=[
                Path(HITS).add(1),
                Path("T").set("RateCounter"),
                Record.expires_at.set(expires_at),
            ],
            return_values="UPDATED_NEW",
        )
        return int(response["Attributes"][HITS]["N"])
