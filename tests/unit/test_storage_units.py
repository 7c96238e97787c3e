"""Storage helpers that need no database: the cursor codec and the domain codec."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain import catalogue as dc
from chalicelib.domain.catalogue import ItemVersion, ServiceItem
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
