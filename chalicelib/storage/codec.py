"""Turns domain dataclasses into JSON-able dicts and back, driven by their type hints.

Repositories store a domain object as one JSON document per record; this keeps PynamoDB models
free of domain types (and domain types free of storage code).
"""

from __future__ import annotations

import dataclasses
import types
import typing
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
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, frozenset | set):
        return sorted(encode(v) for v in value)
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    return value


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def decode(tp: Any, data: Any) -> Any:
    """Plain JSON values -> the type `tp` (dataclass, enum, tuple[...], frozenset[...], Optional)."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        if data is None:
            return None
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return decode(inner[0], data)
    if origin is tuple:
        args = typing.get_args(tp)
        return tuple(decode(args[0], v) for v in data)
    if origin is list:
        return [decode(typing.get_args(tp)[0], v) for v in data]
    if origin is frozenset:
        return frozenset(decode(typing.get_args(tp)[0], v) for v in data)
    if origin is dict:
        _, vt = typing.get_args(tp)
        return {k: decode(vt, v) for k, v in data.items()}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        kwargs = {f.name: decode(hints[f.name], data[f.name]) for f in dataclasses.fields(tp) if f.name in data}
        return tp(**kwargs)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp(data)
    return data


def decode_as(cls: type[T], data: Any) -> T:
    """Typed entry point for repositories."""
    result: T = decode(cls, data)
    return result
