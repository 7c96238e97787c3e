"""Stored records read straight from DynamoDB's item format, without building PynamoDB models.

Why: on a worklist page of 50 rows, PynamoDB's model deserialisation (`Model.from_raw_data`:
every attribute of `Record` set one by one, defaults applied, each JSON attribute parsed by a
`json.loads` that builds a new decoder) cost more than everything else of ours. Read paths that
need only a record's `data` document, its sort key, revision or derived keys take them from the
raw item here, decoded exactly as `Record`'s own attributes decode them (attribute names come from
the model; `tests/unit/test_raw_items.py` checks every seeded record against `from_raw_data`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from chalicelib.storage._pynamodb_seam import table_connection
from chalicelib.storage.tables import Record

__all__ = [
    "BATCH_GET_MAX",
    "batch_get_raw",
    "data_of",
    "data_text",
    "derived_of",
    "parse_data",
    "query_all_raw",
    "rev_of",
    "sk_of",
]

RawItem = dict[str, Any]

_PK: str = Record.pk.attr_name
_DATA: str = Record.data.attr_name
_DERIVED: str = Record.derived.attr_name
_REV: str = Record.rev.attr_name
_SK: str = Record.sk.attr_name
# JSONAttribute.deserialize is `json.loads(value, strict=False)`: the same decoder, built once.
_json = json.JSONDecoder(strict=False).decode


def data_of(raw: RawItem) -> Any:
    """The record's `data` document (None when the record has none), as `Record.data`."""
    value = raw.get(_DATA)
    return None if value is None else _json(value["S"])


def data_text(raw: RawItem) -> str | None:
    """The record's `data` document as stored (JSON text; None when none): an exact key for
    caching what is decoded from it."""
    value = raw.get(_DATA)
    return None if value is None else str(value["S"])


def parse_data(text: str) -> Any:
    """`data_text` parsed, as `data_of` parses it."""
    return _json(text)


def derived_of(raw: RawItem) -> Any:
    """The keys of the projections derived from the record (None when none), as `Record.derived`."""
    value = raw.get(_DERIVED)
    return None if value is None else _json(value["S"])


def rev_of(raw: RawItem) -> int:
    """The record's revision, as `int(Record.rev)` (0 when unset: the attribute's default)."""
    value = raw.get(_REV)
    return 0 if value is None else int(json.loads(value["N"]))


def sk_of(raw: RawItem) -> str:
    """The record's sort key."""
    return str(raw[_SK]["S"])


BATCH_GET_MAX = 100  # DynamoDB's limit of keys per BatchGetItem


def batch_get_raw(keys: Sequence[tuple[str, str]]) -> Iterator[RawItem]:
    """BatchGetItem without a PynamoDB model per record (`Model.batch_get` builds a `Record` for every
    item, which a caller decoding only the `data` document pays for nothing); the requests are the
    ones `Record.batch_get` makes: up to 100 keys each, unprocessed keys asked again at once.

    The raw items stored under `keys` (PK, SK) that exist, in no particular order; duplicate
    keys are asked once."""
    connection = table_connection(Record)
    unique = list(dict.fromkeys(keys))
    for i in range(0, len(unique), BATCH_GET_MAX):
        pending: list[dict[str, Any]] = [{_PK: pk, _SK: sk} for pk, sk in unique[i : i + BATCH_GET_MAX]]
        while pending:
            # PynamoDB annotates `keys` as strings; it takes these {attribute: value} maps, as
            # `Model.batch_get` passes them.
            response = connection.batch_get_item(pending)  # type: ignore[arg-type]
            table = connection.table_name
            yield from response.get("Responses", {}).get(table, [])
            unprocessed = response.get("UnprocessedKeys", {}).get(table, {}).get("Keys") or []
            # Unprocessed keys come back in DynamoDB's format; the connection wants plain values.
            pending = [{name: next(iter(value.values())) for name, value in key.items()} for key in unprocessed]


def query_all_raw(hash_value: str, range_condition: Any = None) -> list[RawItem]:
    """Every raw item of one partition under `range_condition`, following DynamoDB's 1 MB pages as
    `Model.query` does (one Query when the partition's matching items stay under a page)."""
    connection = table_connection(Record)
    items: list[RawItem] = []
    start: dict[str, Any] | None = None
    while True:
        response = connection.query(hash_value, range_key_condition=range_condition, exclusive_start_key=start)
        items.extend(response.get("Items", []))
        start = response.get("LastEvaluatedKey")
        if not start:
            return items
