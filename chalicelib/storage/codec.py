"""Turns domain dataclasses into JSON-able dicts and back, driven by their type hints.

Repositories store a domain object as one JSON document per record; this keeps PynamoDB models
free of domain types (and domain types free of storage code).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from datetime import date
from enum import Enum
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")


def encode(value: Any) -> Any:
    """Dataclass/enum/tuple/frozenset tree -> plain JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, frozenset | set):
        return sorted(encode(v) for v in value)
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    return value


def decode(tp: Any, data: Any) -> Any:
    """Plain JSON values -> the type `tp` (dataclass, enum, tuple[...], frozenset[...], Optional)."""
    return _decoder(tp)(data)


@cache
def _decoder(tp: Any) -> Callable[[Any], Any]:
    """Build (once per type) a function that decodes values of `tp`: reading a catalogue page
    decodes dozens of items, so the type analysis must not be repeated per value."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = _decoder(next(a for a in typing.get_args(tp) if a is not type(None)))
        return lambda data: None if data is None else inner(data)
    if origin in (tuple, list, frozenset):
        item = _decoder(typing.get_args(tp)[0])
        return lambda data: origin(item(v) for v in data)
    if origin is dict:
        value = _decoder(typing.get_args(tp)[1])
        return lambda data: {k: value(v) for k, v in data.items()}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        fields = [(f.name, _decoder(hints[f.name])) for f in dataclasses.fields(tp)]
        cls = tp

        def decode_dataclass(data: Any) -> Any:
            return cls(**{name: field(data[name]) for name, field in fields if name in data})

        return decode_dataclass
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp
    if tp is date:
        return date.fromisoformat
    return _identity


def _identity(data: Any) -> Any:
    return data


def decode_as(cls: type[T], data: Any) -> T:
    """Typed entry point for repositories."""
    result: T = decode(cls, data)
    return result
