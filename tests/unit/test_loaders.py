"""The request-scoped batch loaders: one load per batch, shared across the kinds of a JointBatch."""

from __future__ import annotations

from typing import Any

from chalicelib.api.loaders import BatchLoader, JointBatch


def test_a_joint_batch_loads_what_every_kind_wants_in_one_call() -> None:
    calls: list[dict[str, set[str]]] = []
    rows = {"centre": {"c1": "中心一", "c2": "中心二"}, "department": {"d1": "部门一"}}

    def load(ids: dict[str, set[str]]) -> dict[str, dict[str, Any]]:
        calls.append({k: set(v) for k, v in ids.items()})
        return {kind: {i: rows[kind][i] for i in wanted if i in rows[kind]} for kind, wanted in ids.items()}

    joint = JointBatch(load)
    centres, departments = joint.loader("centre"), joint.loader("department")
    centres.want(["c1", "c2"])
    departments.want(["d1", "d9"])
    assert departments.get("d1") == "部门一"
    assert centres.get("c2") == "中心二" and centres.get("c1") == "中心一"
    assert departments.get("d9") is None  # unknown ids are remembered as missing, not read again
    assert calls == [{"centre": {"c1", "c2"}, "department": {"d1", "d9"}}]

    # Something not wanted beforehand costs one call of its own kind only.
    assert centres.get("c3") is None
    assert calls[-1] == {"centre": {"c3"}}
    assert len(calls) == 2


def test_a_plain_loader_still_loads_alone() -> None:
    calls: list[set[str]] = []

    def load(ids: set[str]) -> dict[str, int]:
        calls.append(set(ids))
        return {i: len(i) for i in ids}

    loader: BatchLoader[int] = BatchLoader(load)
    loader.want(["a", "bb"])
    assert loader.get("bb") == 2 and loader.get("a") == 1 and loader.get("ccc") == 3
    assert calls == [{"a", "bb"}, {"ccc"}]
