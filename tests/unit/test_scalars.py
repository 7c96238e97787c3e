"""The contract's `DateTime` scalar: every timestamp field uses it, and it never shows a moment
without its UTC offset."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from graphql import GraphQLNonNull, GraphQLObjectType, GraphQLScalarType

from chalicelib.api.scalars import parse_datetime, serialize_datetime
from chalicelib.api.schema import build_schema
from chalicelib.config import Settings

TIMESTAMP_SUFFIXES = ("At", "Time")
TIMESTAMP_NAMES = {"at", "notBefore", "notAfter"}
#: names that look like timestamps but are not, and why
NOT_TIMESTAMPS = {
    "HistoryVerification.brokenAt": "the sequence number of the first broken event",
    "SealIdentity.validAtSigningTime": "a yes/no answer",
    "Statistics.decidedOnTime": "a count",
    "DepartmentOnTimeRate.onTime": "a count",
}


def _named(t: object) -> object:
    while isinstance(t, GraphQLNonNull):
        t = t.of_type
    return t


def test_every_timestamp_field_is_datetime() -> None:
    schema = build_schema(Settings())._schema
    wrong = []
    for type_ in schema.type_map.values():
        if not isinstance(type_, GraphQLObjectType) or type_.name.startswith("__"):
            continue
        for name, field in type_.fields.items():
            if f"{type_.name}.{name}" in NOT_TIMESTAMPS:
                continue
            if name in TIMESTAMP_NAMES or name.endswith(TIMESTAMP_SUFFIXES):
                target = _named(field.type)
                if not (isinstance(target, GraphQLScalarType) and target.name == "DateTime"):
                    wrong.append(f"{type_.name}.{name}: {field.type}")
    assert not wrong, wrong


def test_serialize_keeps_offsets_and_refuses_naive_moments() -> None:
    assert serialize_datetime("2026-03-02T09:30:00+08:00") == "2026-03-02T09:30:00+08:00"
    assert serialize_datetime("2026-03-02T01:30:00Z") == "2026-03-02T01:30:00Z"
    assert serialize_datetime(datetime(2026, 3, 2, 1, 30, tzinfo=UTC)) == "2026-03-02T01:30:00+00:00"
    for bad in ("2026-03-02T09:30:00", "2026-03-02", datetime(2026, 3, 2), 5):
        with pytest.raises(ValueError):
            serialize_datetime(bad)


def test_parse_refuses_text_that_is_not_rfc3339() -> None:
    assert parse_datetime("2026-03-02T09:30:00+08:00") == "2026-03-02T09:30:00+08:00"
    for bad in ("yesterday", "2026-03-02T09:30:00", 1700000000):
        with pytest.raises(ValueError, match="RFC 3339"):
            parse_datetime(bad)
