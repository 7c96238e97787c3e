"""Cold start without the cyclic garbage collector.

`import app` and the first schema build allocate hundreds of thousands of objects (modules,
classes, dataclass methods, strawberry and graphql-core definitions) that all live as long as
the process. Every full collection during start-up walks all of them and frees nothing: on the
2-core reference machine that was ~50 ms of `import app` and ~40 ms of `build_schema`
(`python -m bench.cold_start`). So both run with the collector paused, and what they built is
then moved to the permanent generation (`gc.freeze`), which later collections in warm requests
skip as well. Reference counting still frees every acyclic object meanwhile; the cost is that a
reference cycle made during start-up is never collected (a few, once per process).

`app.py` imports this module before the rest of chalicelib (the import pauses the collector) and
calls `finished()` as its last statement; `build_schema` runs inside `collector_paused()`.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused", "finished"]

_paused_by_import = gc.isenabled()
gc.disable()


def finished() -> None:
    """End of `import app`: freeze what start-up built and turn the collector back on (if it was)."""
    global _paused_by_import
    if _paused_by_import:
        _paused_by_import = False
        gc.freeze()
        gc.enable()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run a one-off build of long-lived objects (the schema) without collections, then freeze them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.enable()
