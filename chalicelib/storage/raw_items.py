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

from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.exceptions import GetError, QueryError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.operand import Path

from chalicelib.storage._pynamodb_seam import table_connection
from chalicelib.storage.tables import Record

__all__ = [
    "BATCH_GET_MAX",
    "QueryShape",
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
    table = connection.table_name
    unique = list(dict.fromkeys(keys))
    for i in range(0, len(unique), BATCH_GET_MAX):
        # The request `TableConnection.batch_get_item` builds for these {PK, SK} keys (string keys,
        # in DynamoDB's format), written directly: PynamoDB looks up each attribute's type per key.
        pending: list[dict[str, Any]] = [{_PK: {"S": pk}, _SK: {"S": sk}} for pk, sk in unique[i : i + BATCH_GET_MAX]]
        while pending:
            try:
                response = connection.connection.dispatch("BatchGetItem", {"RequestItems": {table: {"Keys": pending}}})
            except (BotoCoreError, ClientError) as e:
                raise GetError(f"Failed to batch get items: {e}", e) from e
            yield from response.get("Responses", {}).get(table, [])
            # Unprocessed keys come back in DynamoDB's format, as sent.
            pending = response.get("UnprocessedKeys", {}).get(table, {}).get("Keys") or []


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


class QueryShape:
    """A Query whose key condition has a fixed shape (the partition value aside): the request PynamoDB's
    `Connection.query` builds, with the condition serialised once instead of on every request.

    Why: application detail and the inbox page send one Query each per request, and PynamoDB rebuilt
    and re-serialised the same `Path == value AND <range condition>` expression every time (~3% of
    application detail's CPU outside the DynamoDB client). The request is the same dict PynamoDB
    sends (`tests/unit/test_raw_items.py` compares them), through the same `Connection.dispatch`
    (consumed capacity, signals), with the same `QueryError` on a client error."""

    _SENTINEL = "\x00partition\x00"

    def __init__(self, range_condition: Condition | None = None) -> None:
        names: dict[str, str] = {}
        values: dict[str, Any] = {}
        key_condition = Path([_PK]) == {"S": self._SENTINEL}
        if range_condition is not None:
            key_condition &= range_condition
        self._expression: str = key_condition.serialize(names, values)
        self._names = {placeholder: name for name, placeholder in names.items()}
        (self._partition,) = [k for k, v in values.items() if v == {"S": self._SENTINEL}]
        self._values = values

    def request(
        self,
        hash_value: str,
        *,
        start: dict[str, Any] | None = None,
        limit: int | None = None,
        forward: bool | None = None,
    ) -> dict[str, Any]:
        """The `Query` request for one partition, as `TableConnection.query(hash_value, range_key_condition=...,
        exclusive_start_key=start, limit=limit, scan_index_forward=forward)` builds it."""
        request: dict[str, Any] = {
            "TableName": table_connection(Record).table_name,
            "KeyConditionExpression": self._expression,
        }
        if start:  # a LastEvaluatedKey or a decoded cursor: already in DynamoDB's format
            request["ExclusiveStartKey"] = start
        if limit is not None:
            request["Limit"] = limit
        if forward is not None:
            request["ScanIndexForward"] = forward
        request["ExpressionAttributeNames"] = dict(self._names)
        values = {k: dict(v) for k, v in self._values.items()}
        values[self._partition] = {"S": hash_value}
        request["ExpressionAttributeValues"] = values
        return request

    def query(
        self,
        hash_value: str,
        *,
        start: dict[str, Any] | None = None,
        limit: int | None = None,
        forward: bool | None = None,
    ) -> dict[str, Any]:
        """Send the request (one DynamoDB Query) and return DynamoDB's answer."""
        request = self.request(hash_value, start=start, limit=limit, forward=forward)
        try:
            response: dict[str, Any] = table_connection(Record).connection.dispatch("Query", request)
        except (BotoCoreError, ClientError) as e:
            raise QueryError(f"Failed to query items: {e}", e) from e
        return response

    def all_raw(self, hash_value: str) -> list[RawItem]:
        """`query_all_raw(hash_value, range_condition)`: every matching raw item of the partition,
        following DynamoDB's 1 MB pages."""
        items: list[RawItem] = []
        start: dict[str, Any] | None = None
        while True:
            response = self.query(hash_value, start=start)
            items.extend(response.get("Items", []))
            start = response.get("LastEvaluatedKey")
            if not start:
                return items
