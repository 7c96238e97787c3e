"""Lambda SnapStart for Python: what runs before the snapshot and what is redone after a restore.

SnapStart (python3.12+ managed runtimes, published versions only) runs the function's init once
when a version is published, snapshots the memory, and starts every later execution environment
from that snapshot: the cold start then costs the restore instead of `import app` plus the first
schema build (see bench/README.md `cold_start`, and the README's SnapStart section for turning it
on). The runtime includes the `snapshot_restore_py` library; where it is missing (python3.11,
local runs, tests) `register()` does nothing.

- **Before the snapshot** (`before_snapshot`): build the full GraphQL schema, the one large piece
  of work the first requests would otherwise do, and import the handlers app.py's other routes
  import on their first call. Nothing that must differ between environments or
  would go stale is made here: no DynamoDB/S3/KMS/SNS client (credentials and sockets), no
  token, no request.
- **After every restore** (`after_restore`): one snapshot seeds many environments, so
  - reseed `random` (seeded once at import from the OS: every restored copy would draw the same
    retry jitter in the unit of work); `uuid4`/`secrets` read the OS on each call and need nothing;
  - drop what a process caches (`api.context.forget_process_state`): the DynamoDB connection
    (botocore client, its credentials and pooled sockets), the calendar, staff-standing and
    seal-registry caches (their ages are measured on the monotonic clock, which does not count
    the days a snapshot waited). They are empty after `before_snapshot`, so this costs nothing
    today; it keeps a later warm-up in `before_snapshot` from leaking across restores.
"""

from __future__ import annotations

import random

__all__ = ["after_restore", "before_snapshot", "register"]


# What app.py's routes other than /graphql import on their first call (app.py): the snapshot holds them.
ROUTE_MODULES = (
    "chalicelib.api.graphiql",
    "chalicelib.api.offline_kit_routes",
    "chalicelib.api.public_page",
    "chalicelib.api.uploads",
    "chalicelib.api.verification_upload_route",
    "chalicelib.api.verify_route",
    "chalicelib.services.outbox",
    "chalicelib.services.sweep",
)


def before_snapshot() -> None:
    """Build the full schema and import the other routes' handlers now, so that the snapshot holds them."""
    import importlib

    from chalicelib.api.view import schema_for
    from chalicelib.config import get_settings

    schema_for(get_settings())
    for module in ROUTE_MODULES:
        importlib.import_module(module)


def after_restore() -> None:
    """Make this restored environment unique and drop anything cached before the snapshot."""
    from chalicelib.api.context import forget_process_state

    random.seed()
    forget_process_state()


def register() -> bool:
    """Register both hooks with the runtime's `snapshot_restore_py`; False where it is absent."""
    try:
        from snapshot_restore_py import (  # type: ignore[import-not-found]
            register_after_restore,
            register_before_snapshot,
        )
    except ImportError:
        return False
    register_before_snapshot(before_snapshot)
    register_after_restore(after_restore)
    return True
