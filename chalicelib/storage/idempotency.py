"""Idempotency keys: a retried mutation returns the first call's result instead of redoing it.

The key record is created in the same transaction as the change it guards, so "work done" and
"key remembered" can never disagree.
"""

from __future__ import annotations

from typing import Any

from chalicelib.storage.tables import Record
from chalicelib.storage.unit_of_work import UnitOfWork


def _key(caller: str, operation: str, key: str) -> tuple[str, str]:
    return f"IDEM#{caller}", f"{operation}#{key}"


class IdempotencyRepository:
    def remembered(self, caller: str, operation: str, key: str) -> dict[str, Any] | None:
        """The stored result of an earlier call with this key, if any."""
        try:
            record = Record.get(*_key(caller, operation, key))
        except Record.DoesNotExist:
            return None
        data: dict[str, Any] = record.data
        return data

    def remember(self, uow: UnitOfWork, caller: str, operation: str, key: str, result: dict[str, Any]) -> None:
        pk, sk = _key(caller, operation, key)
        uow.create(Record(pk, sk, entity="Idempotency", data=result))
