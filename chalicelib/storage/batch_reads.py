"""Reads of unrelated records in one BatchGetItem, without leaking any repository's key scheme.

A repository hands out a `Ref`: the key it owns and how to decode the record. `get_all` fetches
every ref at once (up to 100 per request), so a use case that needs a department, a counter and
an item pays one round trip instead of three (issue 14: issuing a certificate).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from chalicelib.storage.tables import Record

T = TypeVar("T")
BATCH_GET_MAX = 100


@dataclass(frozen=True)
class Ref(Generic[T]):
    pk: str
    sk: str
    decode: Callable[[Record], T]


def get_all(refs: Sequence[Ref[Any]]) -> list[Any | None]:
    """Each ref's decoded record, in the order given; None where the record does not exist."""
    keys = list(dict.fromkeys((r.pk, r.sk) for r in refs))
    found: dict[tuple[str, str], Record] = {}
    for i in range(0, len(keys), BATCH_GET_MAX):
        for record in Record.batch_get(keys[i : i + BATCH_GET_MAX]):
            found[(record.pk, record.sk)] = record
    return [ref.decode(found[(ref.pk, ref.sk)]) if (ref.pk, ref.sk) in found else None for ref in refs]
