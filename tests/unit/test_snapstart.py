"""Lambda SnapStart hooks (chalicelib/api/snapstart.py): registered where the runtime has them,
the schema built before the snapshot, each restored environment made unique and uncached."""

from __future__ import annotations

import random
import sys
import types
from collections.abc import Callable
from typing import Any

import pytest

from chalicelib.api import snapstart


def test_register_is_a_no_op_without_the_runtime_library(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", None)  # import fails, as on python3.11
    assert snapstart.register() is False


def test_register_hands_both_hooks_to_the_runtime(monkeypatch: pytest.MonkeyPatch) -> None:
    registered: dict[str, list[Callable[[], Any]]] = {"before": [], "after": []}
    library = types.ModuleType("snapshot_restore_py")
    library.register_before_snapshot = registered["before"].append  # type: ignore[attr-defined]
    library.register_after_restore = registered["after"].append  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", library)
    assert snapstart.register() is True
    assert registered == {"before": [snapstart.before_snapshot], "after": [snapstart.after_restore]}


def test_before_snapshot_builds_the_schema_the_first_request_uses() -> None:
    from chalicelib.api.schema import build_schema
    from chalicelib.config import get_settings

    snapstart.before_snapshot()
    hits = build_schema.cache_info().hits
    schema = build_schema(get_settings())
    assert build_schema.cache_info().hits == hits + 1  # built already: the request reuses it
    assert schema.execute_sync("{ __typename }").data == {"__typename": "Query"}


def test_after_restore_reseeds_random_and_drops_the_dynamodb_connection() -> None:
    from chalicelib.storage._pynamodb_seam import table_connection
    from chalicelib.storage.tables import Record

    random.seed(20261206)  # what every copy of one snapshot would start from
    snapshot_state = random.getstate()
    before = table_connection(Record)  # no request: creating it does not touch the network
    snapstart.after_restore()
    assert random.getstate() != snapshot_state
    assert table_connection(Record) is not before


def test_after_restore_clears_the_process_caches(monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.services import calendar, seal_registry, staff

    cleared: list[str] = []
    monkeypatch.setattr(calendar.CALENDAR_CACHE, "invalidate", lambda: cleared.append("calendar"))
    monkeypatch.setattr(seal_registry.REGISTRY, "invalidate", lambda: cleared.append("seal registry"))
    monkeypatch.setattr(staff, "clear_standing_cache", lambda: cleared.append("staff standing"))
    snapstart.after_restore()
    assert sorted(cleared) == ["calendar", "seal registry", "staff standing"]


def test_before_snapshot_imports_every_route_handler_app_imports_on_first_call() -> None:
    """app.py imports the handlers of its routes but /graphql on their first call; the snapshot
    must hold them, or each restored environment would import them again."""
    import ast
    import importlib

    from tests.conftest import ROOT

    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    in_routes = {
        node.module
        for function in tree.body
        if isinstance(function, ast.FunctionDef)
        for node in ast.walk(function)
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert in_routes and in_routes <= set(snapstart.ROUTE_MODULES), in_routes - set(snapstart.ROUTE_MODULES)
    for module in snapstart.ROUTE_MODULES:
        importlib.import_module(module)  # each exists
