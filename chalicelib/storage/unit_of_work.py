"""Unit of work: collect a use case's writes, then commit them in one TransactWriteItems.

All or nothing: either every record of a change is written or none is, so a failure midway
never leaves half a change behind (the catalogue version, its head and its listings move
together).
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Mapping

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.operand import Path
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.domain.errors import CONFLICT, DomainError
from chalicelib.domain.transaction_budget import TRANSACTION_LIMIT
from chalicelib.storage._pynamodb_seam import client_connection
from chalicelib.storage.tables import Record

MAX_ITEMS = TRANSACTION_LIMIT  # DynamoDB's limit per TransactWriteItems (domain/transaction_budget.py)

_LOST_RACE = frozenset({"ConditionalCheckFailed", "TransactionConflict"})
# Counters (statistics) are shared by unrelated cases: two transactions touching one counter
# make DynamoDB cancel one with only TransactionConflict reasons. Nothing was written and every
# condition is re-checked on retry, so retrying is safe; a lost condition is still CONFLICT.
CONFLICT_RETRIES = 4
COUNTER_PREFIX = "n_"


class UnitOfWork:
    """Writes staged by repositories; `commit` sends them atomically."""

    def __init__(self) -> None:
        self._ops: list[Callable[[TransactWrite], None]] = []
        self._records: list[Record] = []
        self._keys: set[tuple[str, str]] = set()
        self._increments: dict[tuple[str, str], Counter[str]] = {}
        self.committed = False

    def _stage(self, record: Record, op: Callable[[TransactWrite], None]) -> None:
        key = (record.pk, record.sk)
        if key in self._keys:
            # DynamoDB rejects two operations on one item in a transaction; catch it early.
            raise ValueError(f"record {key} staged twice in one unit of work")
        self._keys.add(key)
        self._ops.append(op)
        self._records.append(record)

    def create(self, record: Record) -> None:
        """Insert; fails the whole commit with CONFLICT if the record exists already."""
        record.rev = 1
        self._stage(record, lambda tx: tx.save(record, condition=Record.pk.does_not_exist()))

    def replace(self, record: Record, expected_rev: int) -> None:
        """Overwrite a record read at `expected_rev`; a concurrent writer makes this CONFLICT."""
        record.rev = expected_rev + 1
        self._stage(record, lambda tx: tx.save(record, condition=Record.rev == expected_rev))

    def upsert(self, record: Record) -> None:
        """Write a derived record (a projection) whatever its previous content."""
        self._stage(record, lambda tx: tx.save(record))

    def delete(self, record: Record) -> None:
        self._stage(record, lambda tx: tx.delete(record))

    def delete_existing(self, record: Record) -> None:
        """Delete a record that must still exist: CONFLICT if someone removed it first."""
        self._stage(record, lambda tx: tx.delete(record, condition=Record.pk.exists()))

    def increment(self, pk: str, sk: str, counts: Mapping[str, int], entity: str = "Counter") -> None:
        """Add to named counters of one record (created on first use) with DynamoDB's ADD; several
        increments of one record in a unit of work are merged into one update."""
        if (pk, sk) in self._keys and (pk, sk) not in self._increments:
            raise ValueError(f"record {(pk, sk)} staged twice in one unit of work")
        if (pk, sk) not in self._increments:
            self._keys.add((pk, sk))
            self._increments[(pk, sk)] = Counter()
            record = Record(pk, sk)
            self._records.append(record)
            self._ops.append(lambda tx: self._update(tx, record, entity))
        self._increments[(pk, sk)].update(counts)

    def _update(self, tx: TransactWrite, record: Record, entity: str) -> None:
        counts = self._increments[(record.pk, record.sk)]
        actions: list[Action] = [Path("T").set(entity)]
        actions += [Path(COUNTER_PREFIX + name).add(value) for name, value in sorted(counts.items()) if value]
        tx.update(record, actions=actions)

    def staged_increments(self) -> dict[tuple[str, str], Counter[str]]:
        """Counter additions staged so far, merged per record (bulk loads apply them directly)."""
        return {key: Counter(value) for key, value in self._increments.items()}

    def staged_records(self) -> list[Record]:
        """What has been staged, in order (bulk imports write these with BatchWriteItem)."""
        return list(self._records)

    def __len__(self) -> int:
        return len(self._ops)

    def commit(self, token: str | None = None) -> None:
        """Send every staged write at once; `token` makes a retried commit idempotent."""
        if not self._ops:
            return
        if len(self._ops) > MAX_ITEMS:
            raise ValueError(f"{len(self._ops)} writes exceed one transaction's {MAX_ITEMS}")
        connection = client_connection(Record)
        for attempt in range(CONFLICT_RETRIES + 1):
            try:
                with TransactWrite(connection=connection, client_request_token=token) as tx:
                    for op in self._ops:
                        op(tx)
                break
            except TransactWriteError as error:
                codes = {r.code for r in (error.cancellation_reasons or []) if r is not None and r.code != "None"}
                # (Not with an idempotency token: whether DynamoDB replays a cancelled call's
                # outcome for its token is not documented, so such callers retry themselves.)
                if codes == {"TransactionConflict"} and attempt < CONFLICT_RETRIES and token is None:
                    time.sleep(random.uniform(0.005, 0.02) * (attempt + 1))
                    continue
                # A failed condition (someone changed the record), or conflicts that outlasted
                # the retries: either way the caller lost a race.
                if codes & _LOST_RACE:
                    raise DomainError.one(CONFLICT, "数据已被他人修改,请刷新后重试") from error
                raise
        self.committed = True
