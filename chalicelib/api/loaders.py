"""Per-request batch loaders: a page asks for its references once, one BatchGetItem each.

Strawberry's DataLoader is async and our view is synchronous (see DESIGN.md), so batching is
explicit: a connection resolver `want`s the ids its nodes will reference; the first `get`
then loads everything wanted in one request. Nothing is loaded if no field asks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

V = TypeVar("V")


class BatchLoader(Generic[V]):
    def __init__(self, load_many: Callable[[set[str]], dict[str, V]]) -> None:
        self._load_many = load_many
        self._cache: dict[str, V | None] = {}
        self._wanted: set[str] = set()

    def want(self, ids: Iterable[str]) -> None:
        self._wanted.update(i for i in ids if i not in self._cache)

    def get(self, key: str) -> V | None:
        if key not in self._cache:
            batch = self._wanted | {key}
            found = self._load_many(batch)
            for k in batch:
                self._cache[k] = found.get(k)
            self._wanted.clear()
        return self._cache[key]
