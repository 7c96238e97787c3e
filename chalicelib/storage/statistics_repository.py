"""Statistics counters: one record per scope, day and shard, added to in the change's transaction.

Key scheme (see infra/ACCESS_PATTERNS.md):
    STAT#<scope> / <yyyy-mm-dd>#<shard>      day counters of a centre, department, item or staff
    STAT#month:<yyyy-mm> / <department>#<shard>  decisions per department and month (public rates)

Counters are numeric attributes `n_<name>` updated with ADD, so concurrent changes never lose
an increment. A scope's day is split over a few shards chosen by the case id: unrelated cases
of one busy department rarely touch the same record at the same moment (DynamoDB cancels one of
two transactions that do, and the unit of work retries it). A date range is one Query per
scope whatever the number of cases: at most 366 days x 4 shards of a few hundred bytes each.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

from chalicelib.domain.statistics import Delta, Statistics
from chalicelib.storage.raw_items import query_all_raw
from chalicelib.storage.tables import Record
from chalicelib.storage.unit_of_work import COUNTER_PREFIX, UnitOfWork

SHARDS = 4
PUBLIC_COUNTS = ("decided", "decided_on_time", "decided_overdue")


def shard_of(key: str) -> int:
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % SHARDS


def _counts(item: dict[str, Any]) -> Counter[str]:
    out: Counter[str] = Counter()
    for name, value in item.items():
        if name.startswith(COUNTER_PREFIX) and "N" in value:
            out[name[len(COUNTER_PREFIX) :]] += int(value["N"])
    return out


class StatisticsRepository:
    def stage(self, uow: UnitOfWork, deltas: Iterable[Delta], shard_key: str) -> None:
        """Add each delta to its day counter; decisions also feed the department's public month."""
        shard = shard_of(shard_key)
        for delta in deltas:
            uow.increment(f"STAT#{delta.scope}", f"{delta.day.isoformat()}#{shard}", delta.counts)
            kind, _, ident = delta.scope.partition(":")
            public = {k: v for k, v in delta.counts.items() if k in PUBLIC_COUNTS}
            if kind == "department" and public:
                uow.increment(f"STAT#month:{delta.day.isoformat()[:7]}", f"{ident}#{shard}", public)

    def totals(self, scope: str, start: date, end: date) -> Statistics:
        """The sum of a scope's counters over [start, end]: one Query (paged only past 1 MB)."""
        condition = Record.sk.between(start.isoformat(), end.isoformat() + "#~")
        total: Counter[str] = Counter()
        for item in query_all_raw(f"STAT#{scope}", condition):
            total.update(_counts(item))
        return Statistics(total)

    def totals_of(self, scopes: list[str], start: date, end: date) -> Statistics:
        """The sum over several scopes (a centre and its subtree): one Query each, in parallel, so
        the latency is one Query's whatever the depth of the hierarchy."""
        if len(scopes) == 1:
            return self.totals(scopes[0], start, end)
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=min(len(scopes), 16)) as pool:
            parts = list(pool.map(lambda s: self.totals(s, start, end), scopes))
        total: Counter[str] = Counter()
        for part in parts:
            total.update(part.counts)
        return Statistics(total)

    def month_by_department(self, month: str) -> dict[str, Statistics]:
        """Every department's decisions in a month (YYYY-MM): one Query for all departments."""
        by_department: dict[str, Counter[str]] = {}
        for item in query_all_raw(f"STAT#month:{month}", None):
            department = item["SK"]["S"].rpartition("#")[0]
            by_department.setdefault(department, Counter()).update(_counts(item))
        return {k: Statistics(v) for k, v in sorted(by_department.items())}
