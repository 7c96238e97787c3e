"""Unit of work: collect a use case's writes, then commit them in one TransactWriteItems.

All or nothing: either every record of a change is written or none is, so a failure midway
never leaves half a change behind (the catalogue version, its head and its listings move
together).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.domain.errors import DomainError
from chalicelib.storage.tables import Record

MAX_ITEMS = 100  # DynamoDB's limit per TransactWriteItems

CONFLICT = "CONFLICT"
_LOST_RACE = frozenset({"ConditionalCheckFailed", "TransactionConflict"})


class UnitOfWork:
    """Writes staged by repositories; `commit` sends them atomically."""

    def __init__(self) -> None:
        self._ops: list[Callable[[TransactWrite], None]] = []
        self._records: list[Record] = []
        self._keys: set[tuple[str, str]] = set()
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
        connection = Record._get_connection().connection
        try:
            with TransactWrite(connection=connection, client_request_token=token) as tx:
                for op in self._ops:
                    op(tx)
        except TransactWriteError as error:
            reasons: list[Any] = error.cancellation_reasons or []
            # A failed condition (someone changed the record) or DynamoDB cancelling one of two
            # overlapping transactions: either way the caller lost a race.
            if any(r is not None and r.code in _LOST_RACE for r in reasons):
                raise DomainError.one(CONFLICT, "数据已被他人修改,请刷新后重试") from error
            raise
        self.committed = True
