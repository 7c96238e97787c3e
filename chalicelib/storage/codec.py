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
        if item is _identity:
            return origin  # type: ignore[no-any-return]
        return lambda data: origin([item(v) for v in data])
    if origin is dict:
        value = _decoder(typing.get_args(tp)[1])
        return lambda data: {k: value(v) for k, v in data.items()}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _dataclass_decoder(tp)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp
    if tp is date:
        return date.fromisoformat
    return _identity


def _dataclass_decoder(cls: type) -> Callable[[Any], Any]:
    """A decoder compiled for one dataclass: it fills a new instance's `__dict__` with each stored
    field through that field's own decoder (missing fields take their defaults, unknown keys are
    ignored), which is what `cls(**fields)` does for these plain frozen dataclasses (no
    `__post_init__`, no `slots`, every field in `__init__`: checked here, else `cls(**...)` is used),
    at a third of its cost: a catalogue page decodes 50 items of ~30 nested objects each."""
    hints = typing.get_type_hints(cls)
    fields = dataclasses.fields(cls)
    plain = not hasattr(cls, "__post_init__") and not hasattr(cls, "__slots__") and all(f.init for f in fields)
    decoders = [(f.name, _decoder(hints[f.name])) for f in fields]
    if not plain:
        return lambda data: cls(**{name: decode(data[name]) for name, decode in decoders if name in data})
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    lines = ["def decode_dataclass(data):", "    obj = _new(_cls)", "    values = {}"]
    for n, f in enumerate(fields):
        namespace[f"d{n}"] = decoders[n][1]
        value = "data[key]" if decoders[n][1] is _identity else f"d{n}(data[key])"
        lines.append(f"    key = {f.name!r}")
        lines.append(f"    values[key] = {value} if key in data else {_default(f, n, namespace)}")
    lines += ["    obj.__dict__.update(values)", "    return obj"]
    exec("\n".join(lines), namespace)
    decoder: Callable[[Any], Any] = namespace["decode_dataclass"]
    return decoder


def _default(f: dataclasses.Field[Any], n: int, namespace: dict[str, Any]) -> str:
    """The expression for a field absent from the stored document: its default, as `__init__` would."""
    if f.default is not dataclasses.MISSING:
        namespace[f"v{n}"] = f.default
        return f"v{n}"
    if f.default_factory is not dataclasses.MISSING:
        namespace[f"f{n}"] = f.default_factory
        return f"f{n}()"
    namespace["_missing"] = _missing
    return "_missing(_cls, key)"


def _missing(cls: type, name: str) -> Any:
    raise TypeError(f"{cls.__name__}.__init__() missing 1 required positional argument: '{name}'")


def _identity(data: Any) -> Any:
    return data


def decode_as(cls: type[T], data: Any) -> T:
    """Typed entry point for repositories."""
    result: T = decode(cls, data)
    return result
