"""Records read from DynamoDB's raw item format (storage/raw_items.py, issue 14 point 3) decode
exactly as PynamoDB's `Record.from_raw_data` decodes them, and cursors written without `json.dumps`
are the ones `json.dumps` wrote."""

from __future__ import annotations

import base64
import json
from typing import Any

from chalicelib.storage import pagination
from chalicelib.storage._pynamodb_seam import ApiCall, table_connection, wrapped_api_calls
from chalicelib.storage.pagination import decode_cursor, encode_cursor
from chalicelib.storage.raw_items import QueryShape, batch_get_raw, data_of, derived_of, query_all_raw, rev_of, sk_of
from chalicelib.storage.tables import Record


def test_every_stored_record_decodes_from_its_raw_item_as_the_model_decodes_it(seeded: Any) -> None:
    Record(
        "APP#raw-test",
        "#",
        entity="Application",
        data={"note": '含\u2028换行\n"引号"\\'},
        rev=7,
        derived=[["INBOX#review#d1", "2026-01-05#raw-test"], ["DUE#promised", "2026-01-09#raw-test#-"]],
    ).save()
    Record("APP#raw-test", "EV#000001", entity="Event", data=[1, 2.5, None, True, {"k": []}]).save()
    Record("MARK#raw-test", "no-data", entity="Marker").save()  # no data, no derived keys, rev unset
    items = table_connection(Record).scan()["Items"]  # a test's look at the whole table
    assert len(items) > 30
    for raw in items:
        model = Record.from_raw_data(raw)
        assert data_of(raw) == model.data and type(data_of(raw)) is type(model.data)
        assert derived_of(raw) == model.derived
        assert rev_of(raw) == int(model.rev) and sk_of(raw) == model.sk


def _cursor_as_json_dumps_wrote_it(key: dict[str, Any]) -> str:
    raw = json.dumps({k: v["S"] for k, v in sorted(key.items())}, separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode().rstrip("=")


def test_cursors_are_the_ones_json_dumps_wrote() -> None:
    values = ["APP#abc", "EV#000007", "INBOX#review#市住建局", '2026-01-05#"q"\\b', "tab\tnl\n\u2028\x01", "😀#x", ""]
    for pk in values:
        for sk in values:
            keys = [
                {"SK": {"S": sk}, "PK": {"S": pk}},
                {"PK": {"S": pk}, "SK": {"S": sk}, "GSI1PK": {"S": sk}, "GSI1SK": {"S": pk}},
            ]
            for key in keys:
                cursor = encode_cursor(key)
                assert cursor == _cursor_as_json_dumps_wrote_it(key)
                if pk and sk and len(key) == 2:
                    assert decode_cursor(cursor, None, pk) == {"PK": {"S": pk}, "SK": {"S": sk}}


def test_row_cursors_remembered_per_key_are_the_cursors_of_each_rows_own_key() -> None:
    """A page's row cursors come from a bounded per-process memo keyed by the row's key values
    (`pagination._row_cursor`): each is the cursor `encode_cursor` makes of that row's key, for
    every index, and rows that differ in any key value get their own."""
    pagination._cursor_of.cache_clear()
    values = ["APP#abc", "EV#000007", "INBOX#review#市住建局", '2026-01-05#"q"\\b', "😀#x", ""]
    seen: dict[str, tuple[str | None, tuple[str, ...]]] = {}
    for _ in range(2):  # the second round is served by the memo
        for pk in values:
            for sk in values:
                row = {
                    "PK": {"S": pk},
                    "SK": {"S": sk},
                    "GSI1PK": {"S": sk + "#1"},
                    "GSI1SK": {"S": pk},
                    "data": {"S": "{}"},
                }
                for index in (None, "GSI1", "GSI2"):
                    cursor = pagination._row_cursor(row, index)
                    assert cursor == encode_cursor(pagination._key_of(row, index)), (pk, sk, index)
                    names = ("PK", "SK") if index != "GSI1" else ("PK", "SK", "GSI1PK", "GSI1SK")
                    key = (index if index == "GSI1" else None, tuple(row[n]["S"] for n in names))
                    assert seen.setdefault(cursor, key) == key  # one cursor, one key
    info = pagination._cursor_of.cache_info()
    assert info.hits > 0 and info.maxsize == pagination.CURSOR_ENTRIES


def test_query_shapes_send_the_request_pynamodb_builds_and_read_the_same_items(seeded: Any) -> None:
    """`QueryShape` (application detail's head-and-events Query, worklist pages) serialises its key
    condition once; every request it sends is the dict PynamoDB's `Connection.query` sends for the
    same arguments, and the answer is the same."""
    for seq in range(1, 4):
        Record('APP#shape-😀"q', f"EV#{seq:06d}", entity="Event", data={"seq": seq}).save()
    Record('APP#shape-😀"q', "#", entity="Application", data={"id": "x"}).save()
    Record('APP#shape-😀"q', "ZZ", entity="Marker").save()  # sorts after EV#~: not read
    sent: list[tuple[str, dict[str, Any]]] = []

    def capturing(original: ApiCall) -> ApiCall:
        def call(self: Any, operation_name: str, operation_kwargs: dict[str, Any]) -> Any:
            sent.append((operation_name, dict(operation_kwargs)))
            return original(self, operation_name, operation_kwargs)

        return call

    connection = table_connection(Record)
    events = Record.sk <= "EV#~"
    start = {"PK": {"S": 'APP#shape-😀"q'}, "SK": {"S": "EV#000001"}}
    pairs = [
        (
            lambda: QueryShape(events).query('APP#shape-😀"q'),
            lambda: connection.query('APP#shape-😀"q', range_key_condition=events),
        ),
        (
            lambda: QueryShape().query('APP#shape-😀"q', start=start, limit=2, forward=True),
            lambda: connection.query('APP#shape-😀"q', exclusive_start_key=start, limit=2, scan_index_forward=True),
        ),
        (
            lambda: QueryShape().query("INBOX#review#市住建局", limit=51, forward=False),
            lambda: connection.query("INBOX#review#市住建局", limit=51, scan_index_forward=False),
        ),
    ]
    with wrapped_api_calls(capturing):
        for ours, pynamodb in pairs:
            sent.clear()
            assert ours()["Items"] == pynamodb()["Items"]
            (ours_sent, pynamodb_sent) = sent
            assert ours_sent == pynamodb_sent
    items = QueryShape(events).all_raw('APP#shape-😀"q')
    assert items == query_all_raw('APP#shape-😀"q', events)
    assert [sk_of(raw) for raw in items] == ["#", "EV#000001", "EV#000002", "EV#000003"]


def test_batch_get_raw_sends_the_request_pynamodb_builds(seeded: Any) -> None:
    """`batch_get_raw` writes the BatchGetItem request itself (keys already in DynamoDB's format):
    it is the dict `TableConnection.batch_get_item` sends for the same keys, with the same answer."""
    keys = [("CENTRE#zs-city", "#"), ("DEPT#missing-😀", "#")]
    keys += [(f"ITEM#{item.code}", "#") for item in seeded.items[:3]]
    sent: list[dict[str, Any]] = []

    def capturing(original: ApiCall) -> ApiCall:
        def call(self: Any, operation_name: str, operation_kwargs: dict[str, Any]) -> Any:
            sent.append({"operation": operation_name, **operation_kwargs})
            return original(self, operation_name, operation_kwargs)

        return call

    with wrapped_api_calls(capturing):
        ours = list(batch_get_raw(keys))
        connection = table_connection(Record)
        plain = [{"PK": pk, "SK": sk} for pk, sk in keys]
        theirs = connection.batch_get_item(plain)["Responses"][connection.table_name]  # type: ignore[arg-type]
    assert sent[0] == sent[1] and sent[0]["operation"] == "BatchGetItem"
    assert sorted(map(sk_of_pk, ours)) == sorted(map(sk_of_pk, theirs)) and len(ours) == len(keys) - 1


def sk_of_pk(raw: dict[str, Any]) -> tuple[str, str]:
    return raw["PK"]["S"], sk_of(raw)
