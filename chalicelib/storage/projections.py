"""A head record with derived projection rows (due dates and the like), staged in one transaction.

Why one helper: the head lists the keys of its projections (`derived`), so a change deletes the
rows it no longer derives and upserts the rest without reading them; every repository with such
projections (counterpart inspections, handovers) stages them the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from chalicelib.storage.codec import encode
from chalicelib.storage.tables import Record
from chalicelib.storage.unit_of_work import UnitOfWork

Key = tuple[str, str]


def derived_keys(new: Mapping[Key, object]) -> list[list[str]]:
    """What the head records of its projections (the `derived` attribute)."""
    return [list(k) for k in sorted(new)]


def stage_head_with_projections(
    uow: UnitOfWork,
    head: Record,
    rev: int | None,
    stored: Iterable[Sequence[str]],
    new: Mapping[Key, tuple[str, object]],
) -> None:
    """Create the head (rev None) or replace it at `rev`; delete the projections it had (`stored`)
    that it no longer derives; upsert `new` (key -> (entity, value))."""
    if rev is None:
        uow.create(head)
    else:
        uow.replace(head, rev)
    old = {(k[0], k[1]) for k in stored}
    for key in sorted(old - new.keys()):
        uow.delete(Record(*key))
    for key, (entity, value) in sorted(new.items()):
        uow.upsert(Record(key[0], key[1], entity=entity, data=encode(value)))
