"""The per-process reference-data cache's staleness bound (services/reference_cache.py), no I/O."""

from __future__ import annotations

from chalicelib.services.reference_cache import MAX_STALENESS_SECONDS, BoundedCache


class Source:
    def __init__(self) -> None:
        self.value = "v1"
        self.loads = 0

    def load(self) -> str:
        self.loads += 1
        return self.value


def test_read_at_most_once_per_bound_and_a_change_is_seen_within_it() -> None:
    source, now = Source(), [0.0]
    cache = BoundedCache(source.load, monotonic=lambda: now[0])
    assert cache.max_age == MAX_STALENESS_SECONDS == 60.0
    assert cache.current() == "v1" and source.loads == 1
    source.value = "v2"  # changed by another process
    now[0] = MAX_STALENESS_SECONDS - 0.001
    assert cache.current() == "v1" and source.loads == 1  # within the bound: the copy, no read
    now[0] = MAX_STALENESS_SECONDS
    assert cache.current() == "v2" and source.loads == 2  # at the bound: read again
    assert cache.current() == "v2" and source.loads == 2


def test_invalidate_reads_again_at_once() -> None:
    source = Source()
    cache = BoundedCache(source.load, monotonic=lambda: 0.0)
    cache.current()
    source.value = "v2"  # changed by this process
    cache.invalidate()
    assert cache.current() == "v2" and source.loads == 2
