"""Stored documents decoded once per process: the same stored text gives the same immutable object.

Why: a catalogue page of 50 reads 50 listing rows of ~10 KB of JSON each (every published element
of the item, Chinese text \\u-escaped). Parsing them (`json.loads`, ~0.2 ms a row) and decoding them
into domain objects (`codec`, about as much again) cost twice what bare strawberry takes to answer
the whole page (issue 14 point 3). The catalogue changes rarely and is read all the time, so a warm
Lambda sees the same rows again and again: here a row's text is parsed and decoded once, and later
reads of the same text reuse the object.

Why it cannot be stale or leak (the rules for every per-process cache, issue 14):

- **Keyed by the exact stored text** (and the type it decodes to), read from DynamoDB by the
  request itself: a changed item is other text, so it is decoded afresh. Nothing is ever served
  that differs from what DynamoDB has just returned, so there is no staleness bound to state: the
  requests (and their counts) are exactly those without the cache.
- **Only deeply immutable types** (frozen dataclasses of tuples, frozensets, enums, dates, str,
  int, bool, float and None; checked once per type, else TypeError): one request cannot change
  what another one gets. What is shared is a pure function of the key, so it is the same for every
  caller; the callers here read the public catalogue, which every caller may see whole.
- **Bounded**: at most `ENTRIES` objects, least recently used dropped first.
"""

from __future__ import annotations

import dataclasses
import datetime
import types
import typing
from collections.abc import Callable
from enum import Enum
from functools import cache, lru_cache
from typing import Any, TypeVar

from chalicelib.storage.codec import decode_as
from chalicelib.storage.tables import Record

__all__ = ["ENTRIES", "clear", "decoded_data", "is_deeply_immutable", "text_decoder"]

T = TypeVar("T")

#: Decoded documents kept per process. A seeded catalogue item decodes to ~18 KB of objects (measured
#: with tracemalloc) and its ~10 KB key text is kept too, so this is at most ~15 MB: a few pages of a
#: large catalogue plus item detail histories.
ENTRIES = 512

_DATA: str = Record.data.attr_name  # the `data` document's attribute in DynamoDB's item format
_DATA_TYPE: str = Record.data.attr_type  # JSONAttribute stores its JSON text as a string ("S")
_IMMUTABLE_LEAVES: tuple[type, ...] = (str, int, bool, float, type(None), datetime.date, datetime.datetime)


def decoded_data(cls: type[T], raw: dict[str, Any]) -> T:
    """The `data` document of a raw DynamoDB item (as a Query returns it) decoded as `cls`, as
    `decode_as(cls, Record.from_raw_data(raw).data)` would decode it, reused while its text is the same."""
    kind: Any = cls  # a class is hashable (mypy's view of `type[T]` is not)
    if not is_deeply_immutable(kind):
        raise TypeError(f"{cls.__name__} is not deeply immutable: its decoded objects cannot be shared")
    result: T = _decoded(kind, raw[_DATA][_DATA_TYPE])
    return result


@lru_cache(maxsize=ENTRIES)
def _decoded(cls: type[Any], text: str) -> Any:
    return decode_as(cls, Record.data.deserialize(text))


def text_decoder(cls: type[T], entries: int) -> Callable[[str], T]:
    """A decoder of stored `data` texts into `cls` with its own LRU of `entries` objects, under the
    rules above (for records read in numbers a shared cache would evict each other: a case's audit
    events, worklist rows). The callers pass the exact text their request has just read."""
    kind: Any = cls
    if not is_deeply_immutable(kind):
        raise TypeError(f"{cls.__name__} is not deeply immutable: its decoded objects cannot be shared")

    @lru_cache(maxsize=entries)
    def decode(text: str) -> T:
        result: T = decode_as(kind, Record.data.deserialize(text))
        return result

    return decode


def clear() -> None:
    """Forget every decoded document (tests, and the bench's cost-of-a-miss figure)."""
    _decoded.cache_clear()


@cache
def is_deeply_immutable(tp: Any) -> bool:
    """Whether values of `tp` (as the codec decodes them) can never change after decoding."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return all(is_deeply_immutable(a) for a in typing.get_args(tp))
    if origin is tuple or origin is frozenset:
        return all(is_deeply_immutable(a) for a in typing.get_args(tp) if a is not Ellipsis)
    if origin is not None:
        return False  # list, dict, set...: the codec decodes them into mutable containers
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        params = getattr(tp, "__dataclass_params__", None)
        if params is None or not params.frozen:
            return False
        hints = typing.get_type_hints(tp)
        return all(is_deeply_immutable(hints[f.name]) for f in dataclasses.fields(tp))
    if isinstance(tp, type) and issubclass(tp, Enum):
        return True
    return tp in _IMMUTABLE_LEAVES
