"""A value worked out once per parsed GraphQL document and field path, not once per request.

Why: strawberry's `ParserCache` hands every request that sends the same text the same document
object, and what a resolver needs to know about its selection (does it select the history? is
every field in the listing summary? which `history` nodes are under it?) is a pure function of
that document and the field's path. Building strawberry's `info.selected_fields` for it converts
the whole selection tree, a fifth of a millisecond per request (issue 14 point 3).

Keyed by the operation node's identity and kept with the node, so an id can never be reused by
another document while its entry lives; bounded (least recently used dropped first); holds no
caller's data (argument values are read per request by the callers).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from strawberry.types import Info

T = TypeVar("T")

ENTRIES = 256


class PerDocument(Generic[T]):
    """`compute(info)`, remembered per (operation node, field path)."""

    def __init__(self, compute: Callable[[Info], T], entries: int = ENTRIES) -> None:
        self.compute = compute
        self.entries = entries
        self.remembered: OrderedDict[tuple[int, tuple[str | int, ...]], tuple[object, T]] = OrderedDict()

    def __call__(self, info: Info[Any, Any]) -> T:
        operation = info.operation
        key = (id(operation), tuple(info.path.as_list()))
        found = self.remembered.get(key)
        if found is not None and found[0] is operation:
            return found[1]
        value = self.compute(info)
        self.remembered[key] = (operation, value)
        while len(self.remembered) > self.entries:
            self.remembered.popitem(last=False)
        return value
