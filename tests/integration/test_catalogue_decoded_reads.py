"""Issue 14 point 3: the catalogue's read paths decode raw items once per stored text.

`storage/decoded_documents.py` reuses what a stored text decoded to; `storage/raw_items.py` reads
BatchGetItem answers without PynamoDB models. These tests pin that both give exactly what the
model path gives, for every seeded record, that a change is seen at once (the cache is keyed by the
content DynamoDB just returned, so it cannot serve anything older) and that nothing decoded for
one stored text is ever handed out for another.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pytest

from chalicelib.domain import catalogue as dc
from chalicelib.domain.catalogue import Centre, Department, ItemVersion, ServiceItem
from chalicelib.storage import decoded_documents, raw_items
from chalicelib.storage._pynamodb_seam import table_connection
from chalicelib.storage.catalogue_repository import CatalogueRepository
from chalicelib.storage.codec import decode_as, encode
from chalicelib.storage.decoded_documents import decoded_data, is_deeply_immutable
from chalicelib.storage.raw_items import batch_get_raw
from chalicelib.storage.tables import Record


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    decoded_documents.clear()


def _model_path(pk: str, cls: type[Any]) -> list[Any]:
    """What the repositories decoded before: PynamoDB models, then the codec."""
    return [decode_as(cls, r.data) for r in Record.query(pk)]


def _stored(code: str) -> ServiceItem:
    found = CatalogueRepository().get_item(code)
    assert found is not None
    return found[0]


def test_listing_pages_equal_the_model_path_for_every_seeded_item(seeded: Any) -> None:
    repo = CatalogueRepository()
    scopes = {"LIST#ALL", *(f"LIST#CENTRE#{c.id}" for c in seeded.centres)}
    scopes |= {f"LIST#DEPT#{d.id}" for d in seeded.departments}
    seen: set[str] = set()
    for scope in sorted(scopes):
        expected = [i for i in _model_path(scope, ServiceItem)]
        page = repo.published_page(scope, None, 100, None)
        items = [i for i, _ in page.items]
        assert items == expected and all(type(i) is ServiceItem for i in items)
        assert [repr(i) for i in items] == [repr(i) for i in expected]
        seen.update(i.code for i in items)
    heads = [CatalogueRepository().get_item(i.code) for i in seeded.items]
    assert seen == {h[0].code for h in heads if h is not None and h[0].is_listed} and len(seen) == len(seeded.items)


def test_version_pages_equal_the_model_path_for_every_seeded_item(seeded: Any) -> None:
    repo = CatalogueRepository()
    for item in seeded.items:
        expected = [decode_as(ItemVersion, r.data) for r in Record.query(f"ITEM#{item.code}") if r.sk.startswith("V#")]
        page = repo.versions_page(item.code, 100, None)
        assert [v for v, _ in page.items] == expected[::-1]
        assert all(type(v) is ItemVersion and type(v.item) is ServiceItem for v, _ in page.items)
        found = repo.item_with_versions(item.code, 20)
        assert found is not None and found[0] == repo.get_item(item.code)[0]  # type: ignore[index]


def test_references_equal_the_model_path(seeded: Any) -> None:
    repo = CatalogueRepository()
    centres, departments = repo.references_by_id([c.id for c in seeded.centres], [d.id for d in seeded.departments])
    assert centres == {c.id: c for c in seeded.centres} == repo.centres_by_id(c.id for c in seeded.centres)
    assert departments == {d.id: d for d in seeded.departments}
    assert departments == repo.departments_by_id(d.id for d in seeded.departments)
    assert repo.references_by_id(["no-such-centre"], ["no-such-department"]) == ({}, {})


def test_raw_batch_get_asks_once_per_hundred_keys_and_again_for_unprocessed_keys(
    seeded: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = [(f"DEPT#{d.id}", "#") for d in seeded.departments]
    keys += [(f"MISSING#{n}", "#") for n in range(120 - len(keys))]  # 120 keys: two requests
    expected = sorted(r.pk for r in Record.batch_get(keys))
    connection = table_connection(Record)
    original = connection.connection.dispatch
    asked: list[int] = []
    held_back: list[dict[str, Any]] = []

    def flaky(operation: str, request: dict[str, Any]) -> dict[str, Any]:
        table = connection.table_name
        asked.append(len(request["RequestItems"][table]["Keys"]))
        response = original(operation, request)
        if not held_back:  # the first answer leaves two found items unprocessed
            items = response["Responses"][table]
            held_back.extend(items[:2])
            response["Responses"][table] = items[2:]
            keys_back = [{"PK": i["PK"], "SK": i["SK"]} for i in held_back]
            response["UnprocessedKeys"] = {table: {"Keys": keys_back}}
        return response

    monkeypatch.setattr(connection.connection, "dispatch", flaky)
    found = sorted(raw["PK"]["S"] for raw in batch_get_raw(keys + keys[:3]))  # duplicates asked once
    assert found == expected and len(found) == len(seeded.departments)
    assert asked == [raw_items.BATCH_GET_MAX, 2, 20]


def test_a_changed_item_is_decoded_afresh_at_once(seeded: Any) -> None:
    """The cache is keyed by the stored text: an administrator's change is a new text, so the very
    next read returns it (no staleness at all), and the old object is never returned for it."""
    from chalicelib.domain.identity import Principal, Role
    from chalicelib.services import catalogue as service
    from chalicelib.services.catalogue import CatalogueChange

    repo = CatalogueRepository()
    before = {i.code: i for i, _ in repo.published_page("LIST#ALL", None, 100, None).items}
    again = {i.code: i for i, _ in repo.published_page("LIST#ALL", None, 100, None).items}
    assert all(again[c] is before[c] for c in before)  # same text: the same (immutable) object
    history = repo.versions_page("ZS-ZRZY-001", 20, None)
    item = before["ZS-ZRZY-001"]
    admin = Principal("test-admin", frozenset({Role.ADMIN}), department_id="city-service-office", centre_id="zs-city")
    elements = replace(item.elements, name="改过的名称")
    service.change_item(repo, admin, item.code, elements, CatalogueChange("名称调整"))
    for scope in ("LIST#ALL", "LIST#ALL#1", "LIST#ALL#2", "LIST#ALL#3"):  # every replica, read in turn
        after = {i.code: i for i, _ in repo.published_page(scope, None, 100, None).items}
        assert after[item.code].elements.name == "改过的名称" and after[item.code].version == item.version + 1
        assert all(after[c] is before[c] for c in before if c != item.code)
    newer = repo.versions_page("ZS-ZRZY-001", 20, None)
    assert newer.items[0][0].item.elements.name == "改过的名称"
    assert [v for v, _ in newer.items[1:]] == [v for v, _ in history.items][: len(newer.items) - 1]


def test_one_stored_text_never_yields_what_another_decoded(seeded: Any) -> None:
    """Two callers reading different records each get their own record's content, however the
    reads interleave; the same text read by two callers gives equal content."""
    a, b = (_stored(seeded.items[n].code) for n in (0, 1))
    raw_a = {"D": {"S": Record.data.serialize(encode(a))}}
    raw_b = {"D": {"S": Record.data.serialize(encode(b))}}
    for _ in range(3):
        assert decoded_data(ServiceItem, raw_a) == a
        assert decoded_data(ServiceItem, raw_b) == b
    # the same text decoded as another type is another entry, never the first one's object
    centre = seeded.centres[0]
    raw_c = {"D": {"S": Record.data.serialize(encode(centre))}}
    assert decoded_data(Centre, raw_c) == centre
    with pytest.raises(TypeError):
        decoded_data(Department, raw_c)  # a centre's document is not a department's


def test_the_cache_is_bounded(seeded: Any) -> None:
    item = _stored(seeded.items[0].code)
    first = {"D": {"S": Record.data.serialize(encode(item))}}
    kept = decoded_data(ServiceItem, first)
    for n in range(decoded_documents.ENTRIES):
        other = replace(item, version=item.version + n + 1)
        decoded_data(ServiceItem, {"D": {"S": Record.data.serialize(encode(other))}})
    assert decoded_documents._decoded.cache_info().currsize == decoded_documents.ENTRIES
    again = decoded_data(ServiceItem, {"D": {"S": Record.data.serialize(encode(item))}})
    assert again == kept and again is not kept  # the least recently used entry was dropped


@dataclass
class _Mutable:
    names: list[str]


@dataclass(frozen=True)
class _FrozenWithList:
    names: list[str]


@dataclass(frozen=True)
class _FrozenWithDict:
    extra: dict[str, str]


def test_only_deeply_immutable_types_are_shared() -> None:
    for cls in (ServiceItem, ItemVersion, Centre, Department, dc.ItemElements, dc.Material):
        assert is_deeply_immutable(cls), cls
    for other in (_Mutable, _FrozenWithList, _FrozenWithDict, list[str], dict[str, int], set[int]):
        assert not is_deeply_immutable(other), other
    with pytest.raises(TypeError, match="not deeply immutable"):
        decoded_data(_FrozenWithList, {"D": {"S": '{"names": []}'}})
