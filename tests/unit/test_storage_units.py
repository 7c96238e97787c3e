"""Storage helpers that need no database: the cursor codec and the domain codec."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain import catalogue as dc
from chalicelib.domain.catalogue import ItemVersion, ServiceItem
from chalicelib.domain.deficiency_policy import DeficiencyPolicy
from chalicelib.domain.errors import DomainError
from chalicelib.storage.codec import decode_as, encode
from chalicelib.storage.pagination import decode_cursor, encode_cursor
from tests.factories import ctx, elements

keys = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)


@given(pk=keys, sk=keys)
def test_cursor_round_trips(pk: str, sk: str) -> None:
    key = {"PK": {"S": pk}, "SK": {"S": sk}}
    assert decode_cursor(encode_cursor(key), None, pk) == key


@given(gpk=keys, gsk=keys, pk=keys, sk=keys)
def test_index_cursor_round_trips(gpk: str, gsk: str, pk: str, sk: str) -> None:
    key = {"PK": {"S": pk}, "SK": {"S": sk}, "GSI1PK": {"S": gpk}, "GSI1SK": {"S": gsk}}
    assert decode_cursor(encode_cursor(key), "GSI1", gpk) == key


def test_cursor_over_long_escaped_keys_round_trips() -> None:
    """Found by hypothesis: control characters made a legal index cursor exceed an old 1 KB cap."""
    odd = '000000000""' + "\x1f" * 15 + "\x07" * 4 + "\U00010000" * 9
    key = {"PK": {"S": odd}, "SK": {"S": odd}, "GSI1PK": {"S": "0\x1f\x1f\U00010000"}, "GSI1SK": {"S": odd}}
    assert decode_cursor(encode_cursor(key), "GSI1", "0\x1f\x1f\U00010000") == key


@pytest.mark.parametrize(
    "cursor",
    ["", "@@@", "bm90LWpzb24", encode_cursor({"PK": {"S": "OTHER"}, "SK": {"S": "x"}}), "eyJQSyI6MX0", "A" * 9000],
)
def test_bad_cursors_are_refused(cursor: str) -> None:
    with pytest.raises(DomainError) as error:
        decode_cursor(cursor, None, "LIST#ALL")
    assert error.value.violations[0].code == "INVALID_CURSOR"


def test_index_cursor_without_index_keys_is_refused() -> None:
    cursor = encode_cursor({"PK": {"S": "a"}, "SK": {"S": "b"}})
    with pytest.raises(DomainError):
        decode_cursor(cursor, "GSI1", "a")


def test_codec_round_trips_domain_objects() -> None:
    item = dc.add_item("ZS-NR-001", elements(), ctx()).item
    keep = (dc.CoReviewer("housing", 5),)
    version = dc.delegate_item(item, "jintang", ctx(), None, lead_department_id="jt-office", co_reviewers=keep)
    assert decode_as(ItemVersion, encode(version)) == version
    assert decode_as(ServiceItem, encode(version.item)) == version.item


def _slow_decode(tp: object, data: object) -> object:
    """The codec's decoding as it was before dataclass decoders were compiled: `cls(**fields)`."""
    import dataclasses
    import typing

    origin = typing.get_origin(tp)
    if origin is typing.Union or str(origin) == "<class 'types.UnionType'>":
        inner = next(a for a in typing.get_args(tp) if a is not type(None))
        return None if data is None else _slow_decode(inner, data)
    if origin in (tuple, list, frozenset):
        assert isinstance(data, list)
        return origin(_slow_decode(typing.get_args(tp)[0], v) for v in data)
    if origin is dict:
        assert isinstance(data, dict)
        return {k: _slow_decode(typing.get_args(tp)[1], v) for k, v in data.items()}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        assert isinstance(data, dict)
        hints = typing.get_type_hints(tp)
        return tp(
            **{f.name: _slow_decode(hints[f.name], data[f.name]) for f in dataclasses.fields(tp) if f.name in data}
        )
    return decode_as(tp, data) if isinstance(tp, type) else data  # enums, dates, plain values


def test_compiled_dataclass_decoders_equal_calling_the_dataclass() -> None:
    """Issue 14 point 3: decoders fill `__dict__` directly; every seeded object decodes to what
    `cls(**fields)` gives (equal, same type, same repr), and stored documents written before a
    field existed still take its default (factory defaults fresh per object)."""
    from infra.seed import load

    seed = load()
    objects: list[object] = [*(i for i in seed.items), *seed.centres, *seed.departments, *seed.staff]
    keep = (dc.CoReviewer("housing", 5),)
    item = dc.add_item("ZS-NR-001", elements(), ctx()).item
    version = dc.delegate_item(item, "jintang", ctx(), None, lead_department_id="jt-office", co_reviewers=keep)
    objects += [version, version.item]
    assert len(objects) > 30
    for obj in objects:
        stored = encode(obj)
        fast, slow = decode_as(type(obj), stored), _slow_decode(type(obj), stored)
        assert fast == slow == obj and type(fast) is type(obj) and repr(fast) == repr(slow)
    old = encode(version.item)
    for key in ("delegations", "merged_from"):
        del old[key]
    for key in ("deficiency", "form", "emergency_handling"):
        del old["elements"][key]
    first, second = decode_as(ServiceItem, old), decode_as(ServiceItem, old)
    assert first == second == _slow_decode(ServiceItem, old)
    assert first.delegations == () and first.elements.form == () and first.elements.emergency_handling is None
    assert first.elements.deficiency == DeficiencyPolicy()  # the field's default_factory
    del old["code"]
    with pytest.raises(TypeError, match="code"):
        decode_as(ServiceItem, old)
