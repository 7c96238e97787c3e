"""Cursor pages over one DynamoDB partition, backed by LastEvaluatedKey.

A cursor is the item key DynamoDB needs to resume (`ExclusiveStartKey`), base64url-encoded.
Decoding checks it belongs to the partition being read, so a cursor from another list, or a
hand-made one, is refused with INVALID_CURSOR instead of reaching DynamoDB.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any, TypeVar

from pynamodb.expressions.condition import Condition

from chalicelib.domain.errors import INVALID_CURSOR, DomainError
from chalicelib.domain.pages import Page
from chalicelib.storage._pynamodb_seam import table_connection
from chalicelib.storage.raw_items import QueryShape
from chalicelib.storage.tables import Record

MAX_FILTER_ROUNDS = 4  # a filtered page reads at most this many DynamoDB pages
# Key attributes are at most 2 KB (partition) and 1 KB (sort) each; an index cursor carries four.
MAX_CURSOR = 8192

T = TypeVar("T")
_PARTITION = QueryShape()  # a whole partition in key order: no range condition

_INDEX_KEYS: dict[str | None, tuple[str, str]] = {
    None: ("PK", "SK"),
    "GSI1": ("GSI1PK", "GSI1SK"),
    "GSI2": ("GSI2PK", "GSI2SK"),
}


# What `json.dumps(..., ensure_ascii=False)` writes for one string (its C encoder).
_json_string = json.encoder.encode_basestring


def encode_cursor(key: dict[str, Any]) -> str:
    # Exactly `json.dumps({k: v["S"] ...sorted}, separators=(",", ":"), ensure_ascii=False)`, written
    # without the encoder set-up json.dumps pays per call: a page makes one cursor per row.
    raw = "{" + ",".join(f"{_json_string(k)}:{_json_string(v['S'])}" for k, v in sorted(key.items())) + "}"
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode().rstrip("=")


def decode_cursor(cursor: str, index: str | None, hash_value: str) -> dict[str, Any]:
    """Cursor text -> ExclusiveStartKey, refusing anything not made by `encode_cursor` here."""
    error = DomainError.one(INVALID_CURSOR, "分页游标无效", "after")
    if len(cursor) > MAX_CURSOR:
        raise error
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise error from None
    hash_name, range_name = _INDEX_KEYS[index]
    allowed = {"PK", "SK", hash_name, range_name}
    if (
        not isinstance(data, dict)
        or not set(data) <= allowed
        or not {"PK", "SK", hash_name, range_name} <= set(data)
        or not all(isinstance(v, str) and v for v in data.values())
        or data[hash_name] != hash_value
    ):
        raise error
    return {k: {"S": v} for k, v in data.items()}


def cursor_partition(cursor: str) -> str | None:
    """The table partition a cursor was made on (unchecked: `decode_cursor` still checks it), so
    a list served from one of several copies resumes on the copy it started on."""
    if len(cursor) > MAX_CURSOR:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()).decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    value = data.get("PK") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def _key_of(item: dict[str, Any], index: str | None) -> dict[str, Any]:
    names = {"PK", "SK", *_INDEX_KEYS[index]}
    return {n: item[n] for n in names if n in item}


# The key attributes a cursor of each index is made of, in the order `encode_cursor` writes them.
_CURSOR_NAMES = {index: tuple(sorted({"PK", "SK", *keys})) for index, keys in _INDEX_KEYS.items()}
#: Row cursors remembered per process (a page makes one per row, ~0.1 KB each).
CURSOR_ENTRIES = 4096


def _row_cursor(item: dict[str, Any], index: str | None) -> str:
    """`encode_cursor(_key_of(item, index))`, remembered per key: the cursor is a pure function of
    the row's key values (string keys, as `encode_cursor` reads them), which are the cache key."""
    return _cursor_of(tuple((n, item[n]["S"]) for n in _CURSOR_NAMES[index] if n in item))


@lru_cache(maxsize=CURSOR_ENTRIES)
def _cursor_of(key: tuple[tuple[str, str], ...]) -> str:
    return encode_cursor({name: {"S": value} for name, value in key})


def query_page(
    hash_value: str,
    *,
    first: int,
    after: str | None = None,
    index: str | None = None,
    range_condition: Condition | None = None,
    filter_condition: Condition | None = None,
    forward: bool = True,
) -> Page[Record]:
    """Read up to `first` records of one partition in key order.

    Unfiltered pages cost exactly one Query (Limit = first + 1 tells whether more exist). A
    keyword filter may need a few Queries; they are capped, and the cursor then resumes after
    the last item read, so no match is ever skipped.
    """
    return query_items_page(
        hash_value,
        Record.from_raw_data,
        first=first,
        after=after,
        index=index,
        range_condition=range_condition,
        filter_condition=filter_condition,
        forward=forward,
    )


def query_items_page(
    hash_value: str,
    item: Callable[[dict[str, Any]], T],
    *,
    first: int,
    after: str | None = None,
    index: str | None = None,
    range_condition: Condition | None = None,
    filter_condition: Condition | None = None,
    forward: bool = True,
    projection: Sequence[str] | None = None,
) -> Page[T]:
    """`query_page` with each raw DynamoDB item turned into a `T` by `item` (e.g. straight from the
    raw `data` document, `storage/raw_items.py`, without building a PynamoDB model per row).
    `projection`: the attribute names to return (a ProjectionExpression; it must include the keys,
    which the cursors are made of); a filter may still test attributes it leaves out."""
    connection = table_connection(Record)
    start = decode_cursor(after, index, hash_value) if after else None
    found: list[tuple[T, str]] = []
    rounds = MAX_FILTER_ROUNDS if filter_condition is not None else 1
    # A whole partition in key order (worklists, ledgers): the same request, built once (QueryShape).
    plain = range_condition is None and filter_condition is None and index is None and projection is None
    for _ in range(rounds):
        if plain:
            response = _PARTITION.query(hash_value, start=start, limit=first + 1, forward=forward)
        else:
            response = connection.query(
                hash_value,
                range_key_condition=range_condition,
                filter_condition=filter_condition,
                exclusive_start_key=start,
                index_name=index,
                limit=first + 1 if filter_condition is None else max(first + 1, 100),
                scan_index_forward=forward,
                attributes_to_get=list(projection) if projection is not None else None,
            )
        for raw in response.get("Items", []):
            if len(found) == first:
                return Page(found, True, found[-1][1] if found else None)
            found.append((item(raw), _row_cursor(raw, index)))
        start = response.get("LastEvaluatedKey")
        if not start:
            return Page(found, False, found[-1][1] if found else None)
    # Read budget spent (or DynamoDB's 1 MB page cut in): resume right after the last item read.
    assert start is not None
    return Page(found, True, encode_cursor(start))
