"""Custom GraphQL scalars of the contract.

`DateTime` is every point in time the API shows (an event, a grant, a report): an RFC 3339
timestamp with its UTC offset. The domain already keeps such moments as ISO 8601 strings with an
offset, so the scalar only checks and passes them through instead of parsing them into
`datetime` objects and formatting them again on every row of a page (the warm-request cost).
Calendar days stay the built-in `Date`.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, NewType

import strawberry
from strawberry.types.scalar import ScalarDefinition

RFC3339 = "https://datatracker.ietf.org/doc/html/rfc3339#section-5.6"


def serialize_datetime(value: object) -> str:
    """An aware `datetime` or an ISO 8601 string with an offset -> RFC 3339 text.

    A value without an offset would be ambiguous to every client: that is a bug on our side, so it
    raises (the error is masked and logged) rather than being guessed.
    """
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("DateTime values must carry a UTC offset")
        return value.isoformat()
    if isinstance(value, str):
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None or "T" not in value:
            raise ValueError(f"not an RFC 3339 timestamp with an offset: {value!r}")
        return value
    raise ValueError(f"cannot serialize {type(value).__name__} as DateTime")


def parse_datetime(value: object) -> str:
    """Input side: an RFC 3339 timestamp with an offset, kept as the domain keeps it (text)."""
    if not isinstance(value, str):
        raise ValueError("DateTime 应为带时区的 RFC 3339 时间字符串 (expected an RFC 3339 string)")
    try:
        return serialize_datetime(value)
    except ValueError as exc:
        raise ValueError(f"DateTime 应为带时区的 RFC 3339 时间字符串: {value!r}") from exc


if TYPE_CHECKING:
    DateTime = str  # for type checkers a timestamp is the ISO text the domain keeps
else:
    DateTime = NewType("DateTime", str)
"""Annotate timestamp fields with this; `SCALAR_MAP` tells the schema how to show it."""

SCALAR_MAP: dict[object, ScalarDefinition] = {
    DateTime: strawberry.scalar(
        name="DateTime",
        description="A point in time: an RFC 3339 timestamp with its UTC offset, e.g. 2026-03-02T09:30:00+08:00.",
        specified_by_url=RFC3339,
        serialize=serialize_datetime,
        parse_value=parse_datetime,
    )
}
