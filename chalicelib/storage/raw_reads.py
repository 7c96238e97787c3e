"""BatchGetItem returning DynamoDB's raw items, without a PynamoDB model per record.

Why: `Model.batch_get` builds a `Record` for every item it returns (each attribute set one by one,
defaults applied, each JSON attribute parsed), which a caller that only decodes the `data` document
pays for nothing (issue 14 point 3: the centres and departments of a catalogue page). The requests
are the ones `Record.batch_get` makes: up to 100 keys each, unprocessed keys asked again at once.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from chalicelib.storage._pynamodb_seam import table_connection
from chalicelib.storage.tables import Record

__all__ = ["BATCH_GET_MAX", "batch_get_raw"]

BATCH_GET_MAX = 100  # DynamoDB's limit of keys per BatchGetItem

_PK: str = Record.pk.attr_name
_SK: str = Record.sk.attr_name


def batch_get_raw(keys: Sequence[tuple[str, str]]) -> Iterator[dict[str, Any]]:
    """The raw items stored under `keys` (PK, SK) that exist, in no particular order; duplicate
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
