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
from typing import Any

from chalicelib.storage.tables import Record

__all__ = ["data_of", "data_text", "derived_of", "parse_data", "rev_of", "sk_of"]

RawItem = dict[str, Any]

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
