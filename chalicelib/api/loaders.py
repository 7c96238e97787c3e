"""Per-request batch loaders: a page asks for its references once, one BatchGetItem each.

Strawberry's DataLoader is async and our view is synchronous (see DESIGN.md), so batching is
explicit: a connection resolver `want`s the ids its nodes will reference; the first `get`
then loads everything wanted in one request. Nothing is loaded if no field asks. Loaders of one
`JointBatch` (centres and departments) share that request: the first `get` of either loads what
both want, so a page that shows both costs one BatchGetItem, not one per kind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

V = TypeVar("V")


class BatchLoader(Generic[V]):
    def __init__(self, load_many: Callable[[set[str]], dict[str, V]], joint: JointBatch | None = None) -> None:
        self._load_many = load_many
        self._joint = joint
        self._cache: dict[str, V | None] = {}
        self._wanted: set[str] = set()

    def want(self, ids: Iterable[str]) -> None:
        self._wanted.update(i for i in ids if i not in self._cache)

    def get(self, key: str) -> V | None:
        if key not in self._cache:
            if self._joint is not None:
                self._joint.load_wanted(self, key)
            else:
                batch = self._wanted | {key}
                self._fill(batch, self._load_many(batch))
        return self._cache[key]

    def _fill(self, batch: set[str], found: dict[str, V]) -> None:
        for k in batch:
            self._cache[k] = found.get(k)
        self._wanted.clear()


class JointBatch:
    """Loaders whose wanted keys load together, in one request across kinds."""

    def __init__(self, load: Callable[[dict[str, set[str]]], dict[str, dict[str, Any]]]) -> None:
        self._load = load
        self._loaders: dict[str, BatchLoader[Any]] = {}

    def loader(self, kind: str) -> BatchLoader[Any]:
        made: BatchLoader[Any] = BatchLoader(lambda ids: self._load({kind: ids}).get(kind, {}), joint=self)
        self._loaders[kind] = made
        return made

    def load_wanted(self, asking: BatchLoader[Any], key: str) -> None:
        batches = {kind: set(loader._wanted) for kind, loader in self._loaders.items()}
        kind = next(k for k, loader in self._loaders.items() if loader is asking)
        batches[kind].add(key)
        batches = {k: ids for k, ids in batches.items() if ids}
        found = self._load(batches)
        for k, ids in batches.items():
            self._loaders[k]._fill(ids, found.get(k, {}))
