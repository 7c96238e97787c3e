"""The contract files: `graphql/schema.graphql` matches the code, and every client operation in
`graphql/operations/` runs against the seeded API with the role it is meant for."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from strawberry import relay

from infra.schema_export import SCHEMA_FILE, render
from tests.conftest import ROOT, Api

OPERATIONS = sorted((ROOT / "graphql" / "operations").glob("*.graphql"))


def test_schema_file_has_no_drift() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == render(), "run: python -m infra.schema_export"


def gid(kind: str, key: str) -> str:
    return str(relay.GlobalID(kind, key))


def elements(api: Api) -> dict[str, Any]:
    city = api.seed.centres[0].id
    department = next(d.id for d in api.seed.departments if d.centre_id == city)
    return {
        "name": "契约测试许可",
        "departmentId": gid("Department", department),
        "level": "CITY",
        "kind": "COMMITMENT",
        "conditions": ["符合法定条件"],
        "materials": [
            {
                "code": "M-1",
                "name": "申请书",
                "kind": "PRIMARY",
                "form": "ORIGINAL",
                "legalBasis": "《行政许可法》第二十九条",
            }
        ],
        "procedure": [{"name": "受理", "description": "窗口受理"}],
        "statutoryLimitDays": 20,
        "promisedLimitDays": 5,
        "legalBasis": ["《中华人民共和国行政许可法》"],
        "supervisionPhone": "0580-2280000",
        "timeoutRule": "ESCALATE",
    }


def scenario(name: str, api: Api) -> tuple[dict[str, Any], str | None]:
    """Variables and the caller for each operation; mutations run on items they create."""
    item = api.seed.items[0]
    city = api.seed.centres[0]
    admin = api.staff_with("admin")

    def create(code: str) -> str:
        body = api.gql(
            (ROOT / "graphql/operations/ServiceItemCreate.graphql").read_text(),
            {"input": {"code": code, "elements": elements(api), "reason": "契约测试"}},
            as_=admin,
        )
        created: str = body["data"]["serviceItemCreate"]["serviceItem"]["id"]
        return created

    if name == "CatalogueBrowse":
        return {"first": 5, "keyword": "许可"}, None
    if name == "ServiceItemDetail":
        return {"id": gid("ServiceItem", item.code)}, None
    if name in {"Centres", "Departments"}:
        return {"first": 10}, None
    if name == "Me":
        return {}, api.staff_with("clerk")
    if name == "WindowPosts":
        return {"id": gid("Centre", city.id)}, api.staff_with("clerk")
    if name == "ServiceItemCreate":
        return {"input": {"code": "ZS-OP-CREATE", "elements": elements(api), "reason": "契约测试"}}, admin
    if name == "ServiceItemChange":
        return {
            "input": {"id": create("ZS-OP-CHANGE"), "expectedVersion": 1, "elements": elements(api), "reason": "改"}
        }, admin
    if name == "ServiceItemCancel":
        return {"input": {"id": create("ZS-OP-CANCEL"), "expectedVersion": 1, "reason": "取消"}}, admin
    if name == "ServiceItemTransfer":
        other = [d.id for d in api.seed.departments if d.centre_id == city.id][1]
        return {
            "input": {
                "id": create("ZS-OP-TRANSFER"),
                "departmentId": gid("Department", other),
                "expectedVersion": 1,
                "reason": "划转",
            }
        }, admin
    if name == "ServiceItemDelegate":
        below = next(c.id for c in api.seed.centres if c.parent_id == city.id)
        return {
            "input": {
                "id": create("ZS-OP-DELEGATE"),
                "centreId": gid("Centre", below),
                "expectedVersion": 1,
                "reason": "下放",
            }
        }, admin
    if name == "ServiceItemMerge":
        target, source = create("ZS-OP-MERGE-A"), create("ZS-OP-MERGE-B")
        return {"input": {"id": target, "sourceIds": [source], "expectedVersion": 1, "reason": "合并"}}, admin
    raise AssertionError(f"no scenario for operation {name}: add one")


@pytest.mark.parametrize("path", OPERATIONS, ids=[p.stem for p in OPERATIONS])
def test_every_client_operation_runs(api: Api, path: Path) -> None:
    variables, caller = scenario(path.stem, api)
    body = api.gql(path.read_text(encoding="utf-8"), variables, as_=caller)
    assert "errors" not in body, body
    (root,) = body["data"].values()
    assert root, body
    if isinstance(root, dict) and "userErrors" in root:
        assert root["userErrors"] == [] and root["serviceItem"], body
    if isinstance(root, dict) and "edges" in root:
        assert root["edges"], body
